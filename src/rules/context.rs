//! What every check shares: a finding before it is placed, the collecting context, the index
//! of what the document declares, and small helpers (did-you-mean, header lines).

use std::collections::HashSet;

use super::catalog::Rule;
use crate::config::{Document, Node, Span};
use crate::diagnostic::{Diagnostic, Fix, PatchOp};

/// One finding before it is placed in the source.
#[derive(Debug, Clone)]
pub struct Finding {
    rule: &'static Rule,
    path: String,
    span: Option<Span>,
    message: String,
    aperture_message: Option<String>,
    fix: String,
    patch: Option<Vec<PatchOp>>,
}

impl Finding {
    pub fn new(
        rule: &'static Rule,
        path: impl Into<String>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            rule,
            path: path.into(),
            span: Some(span),
            message: message.into(),
            aperture_message: None,
            fix: String::new(),
            patch: None,
        }
    }

    /// Aperture's own text for this occurrence: the rule's template with its `{…}` holes
    /// filled in order, so the text is never retyped at the emitting site.
    pub fn aperture(mut self, values: &[&str]) -> Self {
        self.aperture_message = self.rule.aperture_text(values);
        self
    }

    pub fn fix(mut self, description: impl Into<String>) -> Self {
        self.fix = description.into();
        self
    }

    pub fn patch(mut self, ops: Vec<PatchOp>) -> Self {
        self.patch = Some(ops);
        self
    }
}

/// Collects findings while checks run over one document.
pub struct Context<'a> {
    pub doc: &'a Document,
    findings: Vec<Finding>,
    /// Pointers a specific rule already explained; the generic structure walk skips them.
    claimed: HashSet<String>,
}

impl<'a> Context<'a> {
    pub fn new(doc: &'a Document) -> Self {
        Context {
            doc,
            findings: Vec::new(),
            claimed: HashSet::new(),
        }
    }

    pub fn root(&self) -> &'a Node {
        &self.doc.root
    }

    pub fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// Mark a pointer (and everything below it) as explained by a specific rule.
    pub fn claim(&mut self, pointer: &str) {
        self.claimed.insert(pointer.to_owned());
    }

    pub fn is_claimed(&self, pointer: &str) -> bool {
        !self.claimed.is_empty() && self.claimed.contains(pointer)
    }

    /// Place findings in the source and sort them by position.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        let doc = self.doc;
        let mut out: Vec<Diagnostic> = self
            .findings
            .into_iter()
            .map(|f| {
                let position = f.span.map(|s| doc.span_position(s));
                Diagnostic {
                    code: f.rule.code.into(),
                    severity: f.rule.severity,
                    message: f.message,
                    path: f.path,
                    line: position.map(|p| p.0),
                    column: position.map(|p| p.1),
                    aperture_message: f.aperture_message,
                    fix: Fix {
                        description: f.fix,
                        patch: f.patch,
                    },
                    docs: f.rule.docs.into(),
                }
            })
            .collect();
        out.sort_by(|a, b| (a.line, a.column, &a.code).cmp(&(b.line, b.column, &b.code)));
        out
    }
}

/// What the document declares, for cross-reference checks (built once, looked up in O(1)).
pub struct Index<'a> {
    /// Provider ID → provider node, in source order.
    pub providers: Vec<(&'a str, &'a Node)>,
    /// Provider members (key spans for findings), in source order.
    pub provider_members: Vec<&'a crate::config::Member>,
    pub provider_by_id: rustc_hash::FxHashMap<&'a str, &'a Node>,
    /// Current-form grants, parsed once for every check.
    pub grants: Vec<crate::access::GrantRef<'a>>,
    pub hooks: rustc_hash::FxHashSet<&'a str>,
    pub quotas: rustc_hash::FxHashSet<&'a str>,
    pub mcp_servers: rustc_hash::FxHashSet<&'a str>,
    pub connectors: rustc_hash::FxHashSet<&'a str>,
}

impl<'a> Index<'a> {
    /// Every `field` value of the objects listed under `list` in the grants' capabilities,
    /// e.g. the bucket names of `quotas: [{bucket}]` or the hook names of `send_hooks: [{name}]`.
    pub fn referenced(&self, list: &str, field: &str) -> rustc_hash::FxHashSet<&'a str> {
        self.grants
            .iter()
            .flat_map(|g| g.capabilities.iter())
            .flat_map(|c| {
                c.node
                    .get(list)
                    .and_then(Node::as_array)
                    .unwrap_or_default()
            })
            .filter_map(|entry| entry.get_str(field))
            .collect()
    }

    pub fn build(root: &'a Node) -> Self {
        let keys = |section: Option<&'a Node>| -> rustc_hash::FxHashSet<&'a str> {
            section
                .map(|n| {
                    n.unique_members()
                        .into_iter()
                        .map(|m| m.key.as_str())
                        .collect()
                })
                .unwrap_or_default()
        };
        let provider_members: Vec<&crate::config::Member> = root
            .get("providers")
            .map(Node::unique_members)
            .unwrap_or_default();
        let providers: Vec<(&str, &Node)> = provider_members
            .iter()
            .map(|m| (m.key.as_str(), &m.value))
            .collect();
        Index {
            provider_by_id: providers.iter().copied().collect(),
            provider_members,
            grants: crate::access::grants(root),
            providers,
            hooks: keys(root.get("hooks")),
            quotas: keys(root.get("quotas")),
            mcp_servers: keys(root.get("mcp").and_then(|m| m.get("servers"))),
            connectors: keys(root.get("connectors").and_then(|c| c.get("servers"))),
        }
    }
}

/// The closest candidate to a misspelt name, if one is close enough to be a likely typo.
pub fn did_you_mean<'c>(
    input: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let lowered = input.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (c, strsim::levenshtein(&lowered, &c.to_ascii_lowercase())))
        .filter(|(c, d)| *d <= (c.len().max(input.len()) / 3).max(1))
        .min_by_key(|(_, d)| *d)
        .map(|(c, _)| c)
}

/// `Header-Name: value` with a valid header token before the colon.
pub(crate) fn is_header_line(entry: &str) -> bool {
    let Some((name, value)) = entry.split_once(':') else {
        return false;
    };
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        && !value.trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_typos_only() {
        assert_eq!(
            did_you_mean("basurl", ["baseurl", "models"]),
            Some("baseurl")
        );
        assert_eq!(
            did_you_mean("base_url", ["baseurl", "models"]),
            Some("baseurl")
        );
        assert_eq!(did_you_mean("apiKey", ["apikey", "name"]), Some("apikey"));
        assert_eq!(did_you_mean("zzzzzz", ["baseurl", "models"]), None);
    }

    #[test]
    fn header_lines() {
        assert!(is_header_line("X-Team: platform"));
        assert!(!is_header_line("X-Team platform"));
        assert!(!is_header_line(": v"));
        assert!(!is_header_line("Bad Name: v"));
        assert!(!is_header_line("X-Empty:"));
    }
}
