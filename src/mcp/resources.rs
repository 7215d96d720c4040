//! MCP resources: the config JSON Schema, the rule, provider, symptom and probe-finding
//! catalogs, and the skill text.
//!
//! Contents are rendered on each read (nothing is computed at startup). Adding a resource is one
//! more entry in [`ALL`].

use rmcp::model::{Resource, ResourceContents};

/// The skill text served as a resource (the same file `skill install` ships).
pub const SKILL: &str = include_str!("../../SKILL.md");

/// One served resource.
pub struct ResourceDef {
    pub uri: &'static str,
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub mime_type: &'static str,
    read: fn() -> String,
}

impl ResourceDef {
    /// The `resources/list` entry.
    pub fn listing(&self) -> Resource {
        Resource::new(self.uri, self.name)
            .with_title(self.title)
            .with_description(self.description)
            .with_mime_type(self.mime_type)
    }

    /// The `resources/read` contents.
    pub fn contents(&self) -> ResourceContents {
        ResourceContents::text((self.read)(), self.uri).with_mime_type(self.mime_type)
    }
}

fn pretty(value: &impl serde::Serialize) -> String {
    // Serializing these static catalogs cannot fail (string keys, no non-finite floats);
    // fall back to a JSON error object rather than panicking if it ever does.
    serde_json::to_string_pretty(value).unwrap_or_else(|e| {
        tracing::error!(error = %e, "cannot serialize a resource");
        serde_json::json!({ "error": format!("cannot serialize this resource: {e}") }).to_string()
    })
}

/// Every resource, in listing order.
pub static ALL: &[ResourceDef] = &[
    ResourceDef {
        uri: "aperture://schema/config.json",
        name: "config-schema",
        title: "Aperture config JSON Schema",
        description: "JSON Schema of the Aperture gateway config (HuJSON): every section and field, with defaults.",
        mime_type: "application/schema+json",
        read: || pretty(crate::config::model::config_schema()),
    },
    ResourceDef {
        uri: "aperture://catalog/rules.json",
        name: "rule-catalog",
        title: "Validation rule catalog",
        description: "Every diagnostic code validate_config can emit: severity, summary, Aperture's own message, docs link.",
        mime_type: "application/json",
        read: || pretty(&crate::rules::catalog::ALL),
    },
    ResourceDef {
        uri: "aperture://catalog/providers.json",
        name: "provider-catalog",
        title: "Provider catalog",
        description: "Per provider kind: baseurl, authorization, compatibility flags, cost_basis, example models, notes.",
        mime_type: "application/json",
        read: || pretty(&crate::catalog::providers::KINDS),
    },
    ResourceDef {
        uri: "aperture://catalog/symptoms.json",
        name: "symptom-catalog",
        title: "Symptom catalog",
        description: "Every known Aperture symptom: phrasings, statuses, exact errors, causes with their checks (rule codes, test_endpoint findings, questions) and fixes; plus the test_endpoint findings (TE codes).",
        mime_type: "application/json",
        read: || {
            pretty(&serde_json::json!({
                "symptoms": crate::catalog::symptoms::symptoms(),
                "probe_findings": crate::probe::findings::ALL,
            }))
        },
    },
    ResourceDef {
        uri: "aperture://skill/SKILL.md",
        name: "skill",
        title: "How to use aperture-orchestrator",
        description: "The agent skill: which tool, prompt and resource to use for which Aperture task.",
        mime_type: "text/markdown",
        read: || SKILL.to_owned(),
    },
];

/// Look a resource up by URI.
pub fn find(uri: &str) -> Option<&'static ResourceDef> {
    ALL.iter().find(|r| r.uri == uri)
}
