//! Reference docs rendered from the catalogs (rules, providers, clients, probe findings,
//! symptoms) for `skill/reference/`.
//! The checked-in files are compared with these renderings by a test, so they never drift.

use std::fmt::Write;

use crate::catalog::providers::KINDS;
use crate::rules::catalog::ALL;

/// Every generated reference: its file name under `skill/reference/` and its rendering.
pub fn all() -> Vec<(&'static str, String)> {
    vec![
        ("rules.md", rules_markdown()),
        ("providers.md", providers_markdown()),
        ("clients.md", clients_markdown()),
        ("probes.md", probes_markdown()),
        ("troubleshooting.md", troubleshooting_markdown()),
    ]
}

/// `skill/reference/rules.md`.
pub fn rules_markdown() -> String {
    let mut out = String::from(
        "# Validation rules\n\n<!-- Generated from src/rules/catalog.rs by `aperture-orchestrator skill references`; do not edit. -->\n\n",
    );
    out.push_str("Severity is the load-mode severity. `validate --mode save` (the default) promotes the warnings Aperture reports itself to errors, as Aperture's save refuses them (column *Blocks save*); `--strict` promotes this tool's own lints too. `Aperture says` is Aperture's own message (`{…}` are substitutions); `—` means Aperture is silent.\n\n");
    out.push_str(
        "| Code | Name | Severity | Blocks save | What it means | Aperture says |\n|---|---|---|---|---|---|\n",
    );
    for r in ALL {
        let _ = writeln!(
            out,
            "| [{}]({}) | `{}` | {} | {} | {} | {} |",
            r.code,
            r.docs,
            r.name,
            r.severity.as_str(),
            match (r.severity, r.aperture_reports) {
                (crate::diagnostic::Severity::Error, _) => "yes",
                (crate::diagnostic::Severity::Warning, true) => "yes",
                (crate::diagnostic::Severity::Warning, false) => "with --strict",
                (crate::diagnostic::Severity::Info, _) => "no",
            },
            r.summary.replace('|', "\\|"),
            r.aperture_message
                .map_or("—".to_owned(), |m| format!("`{}`", m.replace('|', "\\|")))
        );
    }
    out
}

/// `skill/reference/providers.md`.
pub fn providers_markdown() -> String {
    let mut out = String::from(
        "# Provider kinds\n\n<!-- Generated from src/catalog/providers.rs by `aperture-orchestrator skill references`; do not edit. -->\n\n",
    );
    for k in KINDS {
        let _ = writeln!(out, "## `{}`: {}\n", k.kind, k.title);
        let _ = writeln!(out, "- provider ID: `{}`", k.default_id);
        let _ = writeln!(out, "- `baseurl`: `{}`", k.baseurl);
        let _ = writeln!(
            out,
            "- `authorization`: {}",
            k.authorization
                .map_or("not used (the key form decides)".to_owned(), |a| format!(
                    "`{a}`"
                ))
        );
        if let Some(mode) = k.auth_mode {
            let _ = writeln!(out, "- `auth_mode`: `{mode}`");
        }
        let _ = writeln!(
            out,
            "- compatibility: {}",
            k.flags
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let _ = writeln!(
            out,
            "- `cost_basis`: {}{}",
            k.cost_basis.map_or("none".to_owned(), |c| format!("`{c}`")),
            if k.cost_basis_required {
                " (required: Aperture cannot infer it)"
            } else {
                ""
            }
        );
        let _ = writeln!(
            out,
            "- example models: {}",
            k.example_models
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for note in k.notes {
            let _ = writeln!(out, "- {note}");
        }
        out.push('\n');
    }
    out
}

/// `skill/reference/clients.md`: every client setup, rendered by the client generator itself.
pub fn clients_markdown() -> String {
    use crate::tools::client::{Client, ClientInput, generate_client_config};
    let mut out = String::from(
        "# Client setups\n\n<!-- Generated from src/tools/client.rs by `aperture-orchestrator skill references`; do not edit. -->\n\nEvery example uses the default host `ai`; `generate_client_config` (CLI: `client CLIENT --host HOST`) writes them for another host.\n\n",
    );
    for client in Client::ALL {
        let _ = writeln!(out, "## `{client}`: {}\n", client.title());
        let Ok(setup) = generate_client_config(&ClientInput {
            client: *client,
            host: None,
            model: None,
            gateway: Default::default(),
        }) else {
            continue;
        };
        for file in &setup.files {
            let _ = writeln!(
                out,
                "`{}` ({}):\n\n```{}\n{}\n```\n",
                file.path,
                file.source,
                file.format,
                file.content.trim_end()
            );
        }
        if !setup.env.is_empty() {
            let vars: Vec<String> = setup
                .env
                .iter()
                .map(|(k, v)| format!("export {k}={}", crate::tools::client::shell_quote(v)))
                .collect();
            let _ = writeln!(out, "```shell\n{}\n```\n", vars.join("\n"));
        }
        for command in &setup.commands {
            let _ = writeln!(out, "```shell\n{command}\n```\n");
        }
        for note in &setup.notes {
            let _ = writeln!(out, "- {note}");
        }
        out.push('\n');
    }
    out
}

/// `skill/reference/probes.md`: what each `test_endpoint` finding means.
pub fn probes_markdown() -> String {
    let mut out = String::from(
        "# test_endpoint findings\n\n<!-- Generated from src/probe/findings.rs by `aperture-orchestrator skill references`; do not edit. -->\n\n",
    );
    out.push_str("`test_endpoint` (CLI `test URL`) reports these codes. `error` makes the verdict `failed`, `warning` `degraded`; `info` is context.\n\n");
    out.push_str(
        "| Code | Name | Severity | What it means | Why | Fix |\n|---|---|---|---|---|---|\n",
    );
    for k in crate::probe::findings::ALL {
        let severity = k.severity.as_str();
        let _ = writeln!(
            out,
            "| {} | `{}` | {severity} | {} | {} | {} |",
            k.code,
            k.slug,
            k.title,
            k.cause.replace('|', "\\|"),
            k.fix.replace('|', "\\|")
        );
    }
    out
}

/// `skill/reference/troubleshooting.md`: every symptom, its causes, checks and fixes.
pub fn troubleshooting_markdown() -> String {
    use crate::catalog::symptoms::symptoms;
    let mut out = String::from(
        "# Troubleshooting: symptom → cause → check → fix\n\n<!-- Generated from data/symptoms/ by `aperture-orchestrator skill references`; do not edit. -->\n\n",
    );
    out.push_str("`diagnose_symptom` (CLI `diagnose TEXT`) matches a description against these symptoms and checks each cause: `AP` codes are validate_config rules (run on the config you pass), `TE` codes are test_endpoint findings (run against the `url` you pass). A cause whose checks all come back clean is ruled out.\n\n");
    out.push_str("| Symptom | Status | Exact text | Causes |\n|---|---|---|---|\n");
    for s in symptoms() {
        let statuses: Vec<String> = s.statuses.iter().map(u16::to_string).collect();
        let errors: Vec<String> = s.errors.iter().take(3).map(|e| format!("`{e}`")).collect();
        let causes: Vec<String> = s.causes.iter().map(|c| c.id.clone()).collect();
        let _ = writeln!(
            out,
            "| [{}](#{}) | {} | {} | {} |",
            s.title.replace('|', "\\|"),
            s.id,
            if statuses.is_empty() {
                "—".into()
            } else {
                statuses.join(", ")
            },
            if errors.is_empty() {
                "—".into()
            } else {
                errors.join(", ").replace('|', "\\|")
            },
            causes.join(", ")
        );
    }
    for s in symptoms() {
        let _ = writeln!(
            out,
            "\n## {}\n\n<a id=\"{}\"></a>`{}`{}\n",
            s.title,
            s.id,
            s.id,
            if s.row > 0 {
                format!(" (troubleshooting row {})", s.row)
            } else {
                String::new()
            }
        );
        let said: Vec<String> = s.said.iter().map(|p| format!("\"{p}\"")).collect();
        let _ = writeln!(out, "Said as: {}.\n", said.join(", "));
        for c in &s.causes {
            let _ = writeln!(
                out,
                "- **{}** (`{}/{}`){}",
                c.title,
                s.id,
                c.id,
                if c.unconfirmed { " UNCONFIRMED" } else { "" }
            );
            let mut checks = Vec::new();
            if !c.rules.is_empty() {
                checks.push(format!("config rules {}", c.rules.join(", ")));
            }
            if !c.requires.is_empty() {
                checks.push(format!(
                    "only possible when {} fires",
                    c.requires.join(", ")
                ));
            }
            if c.save_blocking {
                checks.push("a save-mode validation has errors".into());
            }
            if !c.probes.is_empty() {
                checks.push(format!("test_endpoint {}", c.probes.join(", ")));
            }
            checks.extend(c.ask.iter().cloned());
            if !checks.is_empty() {
                let _ = writeln!(out, "  - Check: {}", checks.join("; "));
            }
            for f in &c.fixes {
                let _ = writeln!(out, "  - Fix: {f}");
            }
        }
    }
    out
}
