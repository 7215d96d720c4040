//! Document-level checks: nothing to route, old-guide top-level keys, macro references.

use super::catalog;
use super::context::{Context, Finding, Index};
use crate::config::{LoadError, Node, Span, Value, pointer};
use crate::diagnostic::{Diagnostic, Fix};

/// The one diagnostic for a document that could not be loaded, through its rule.
pub fn load_error_diagnostic(error: &LoadError) -> Diagnostic {
    let rule = catalog::for_load_error(error.kind);
    Diagnostic {
        code: rule.code.into(),
        severity: rule.severity,
        message: error.message.clone(),
        path: String::new(),
        line: error.line,
        column: error.column,
        aperture_message: if error.reported_by_aperture {
            rule.aperture_text(&[])
        } else {
            None
        },
        fix: Fix {
            description: error.fix.clone(),
            patch: None,
        },
        docs: rule.docs.into(),
    }
}

pub fn check(ctx: &mut Context, index: &Index) {
    let root = ctx.root();
    let has_mcp = !index.mcp_servers.is_empty() || !index.connectors.is_empty();
    if index.providers.is_empty() && !has_mcp {
        let span = root.member("providers").map_or(
            Span {
                start: root.span.start,
                end: root.span.start,
            },
            |m| m.key_span,
        );
        ctx.push(
            Finding::new(
                &catalog::NO_PROVIDERS,
                if root.get("providers").is_some() { "/providers" } else { "" },
                span,
                "no providers (and no MCP servers or connectors) are defined: users cannot reach any model",
            )
            .aperture(&[])
            .fix("add a provider: generate_provider with kind `anthropic` generates one"),
        );
    }
    if let Some(member) = root.member("tailnet") {
        super::providers::tailnet_key(ctx, "/tailnet", member);
    }
    let mut macros = Vec::new();
    // Most documents have no `${`: skip the walk (and its pointer strings) entirely.
    if ctx.doc.text().contains("${") {
        find_macros(root, "", &mut macros);
    }
    for (path, span, names) in macros {
        ctx.push(
            Finding::new(
                &catalog::UNSUBSTITUTED_MACRO,
                path,
                span,
                format!(
                    "this value references {}: Aperture substitutes macros when it loads the config and refuses to load if one is unresolved; the macro syntax is UNCONFIRMED, so this may also be literal text (GET http://<host>/aperture/config shows the value as loaded)",
                    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                ),
            )
            .aperture(&[&names.join(" ")])
            .fix("make sure the variable is set in the gateway's environment, or write the literal value"),
        );
    }
}

/// Find `${NAME}` references in string values (the commonest macro syntax).
fn find_macros(node: &Node, path: &str, out: &mut Vec<(String, Span, Vec<String>)>) {
    match &node.value {
        Value::String(s) => {
            let names = macro_names(s);
            if !names.is_empty() {
                out.push((path.to_owned(), node.span, names));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                find_macros(item, &pointer::index(path, i), out);
            }
        }
        Value::Object(_) => {
            for m in node.unique_members() {
                find_macros(&m.value, &pointer::join(path, &m.key), out);
            }
        }
        _ => {}
    }
}

fn macro_names(s: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let name = &after[..end];
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            names.push(name.to_owned());
        }
        rest = &after[end + 1..];
    }
    names
}

#[cfg(test)]
mod tests {
    #[test]
    fn macro_names_are_found() {
        assert_eq!(
            super::macro_names("Bearer ${OPENAI_KEY} and ${X}"),
            vec!["OPENAI_KEY", "X"]
        );
        assert!(super::macro_names("$5.00/day").is_empty());
        assert!(super::macro_names("${not a name}").is_empty());
    }
}
