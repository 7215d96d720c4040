//! MCP prompts: Markdown files from `prompts/` with a small front matter, embedded at build time.
//!
//! A prompt file looks like this:
//!
//! ```text
//! ---
//! name: setup-gateway
//! description: One line the client shows in its prompt picker.
//! arguments:
//!   - name: admin
//!     description: Who administers the gateway.
//!     required: false
//!     default: you
//! ---
//! Body text; {{admin}} is replaced by the argument (or its default).
//! ```
//!
//! The front matter is a tiny YAML subset parsed by hand: `key: value` lines (values may be
//! double-quoted) and an `arguments:` list of `- name:` items with `description`, `required`
//! and `default`. Anything else is a parse error, caught by the tests for every embedded file.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Every embedded prompt file. Adding a prompt: drop a Markdown file in `prompts/` and list it here
/// (a test fails if a file in `prompts/` is missing from this list).
pub(crate) const SOURCES: &[(&str, &str)] = &[
    (
        "setup-gateway.md",
        include_str!("../../prompts/setup-gateway.md"),
    ),
    (
        "connect-claude-code.md",
        include_str!("../../prompts/connect-claude-code.md"),
    ),
    (
        "troubleshoot.md",
        include_str!("../../prompts/troubleshoot.md"),
    ),
    (
        "add-self-hosted-model.md",
        include_str!("../../prompts/add-self-hosted-model.md"),
    ),
    (
        "restrict-admin-access.md",
        include_str!("../../prompts/restrict-admin-access.md"),
    ),
    (
        "cost-tiered-routing.md",
        include_str!("../../prompts/cost-tiered-routing.md"),
    ),
];

/// One prompt argument as declared in the front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptArg {
    pub name: String,
    pub description: String,
    pub required: bool,
    /// Substituted when an optional argument is not given (empty when not declared).
    pub default: String,
}

/// A parsed prompt file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptDef {
    pub name: String,
    pub description: String,
    pub arguments: Vec<PromptArg>,
    /// The Markdown body with `{{argument}}` placeholders.
    pub body: String,
}

/// Why a prompt file or a `prompts/get` request was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PromptError(pub String);

fn err<T>(message: impl Into<String>) -> Result<T, PromptError> {
    Err(PromptError(message.into()))
}

/// Parse one prompt file (front matter + body).
pub fn parse(text: &str) -> Result<PromptDef, PromptError> {
    let text = crate::config::document::without_bom(text);
    let mut lines = text.lines();
    if lines.next().map(str::trim_end) != Some("---") {
        return err("a prompt file must start with a `---` front matter line");
    }
    let mut front = Vec::new();
    let mut closed = false;
    for line in lines.by_ref() {
        if line.trim_end() == "---" {
            closed = true;
            break;
        }
        front.push(line);
    }
    if !closed {
        return err("the front matter is not closed by a `---` line");
    }
    let body = lines.collect::<Vec<_>>().join("\n").trim().to_owned();

    let mut name = None;
    let mut description = None;
    let mut arguments: Vec<PromptArg> = Vec::new();
    let mut in_arguments = false;
    for (index, raw) in front.iter().enumerate() {
        let line_no = index + 2;
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        let indented = raw.starts_with(' ') || raw.starts_with('\t');
        if !indented {
            in_arguments = false;
            let (key, value) = split_key_value(raw, line_no)?;
            match key {
                "name" => name = Some(value),
                "description" => description = Some(value),
                "arguments" if value.is_empty() => in_arguments = true,
                "arguments" => {
                    return err(format!(
                        "line {line_no}: `arguments:` takes an indented list of `- name:` items"
                    ));
                }
                other => {
                    return err(format!(
                        "line {line_no}: unknown front matter key `{other}`"
                    ));
                }
            }
            continue;
        }
        if !in_arguments {
            return err(format!(
                "line {line_no}: unexpected indented line outside `arguments:`"
            ));
        }
        let trimmed = raw.trim_start();
        let (item_start, entry) = match trimmed.strip_prefix("- ") {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        if item_start {
            arguments.push(PromptArg {
                name: String::new(),
                description: String::new(),
                required: false,
                default: String::new(),
            });
        }
        let Some(arg) = arguments.last_mut() else {
            return err(format!(
                "line {line_no}: an argument must start with `- name:`"
            ));
        };
        let (key, value) = split_key_value(entry, line_no)?;
        match key {
            "name" => arg.name = value,
            "description" => arg.description = value,
            "default" => arg.default = value,
            "required" => {
                arg.required = match value.as_str() {
                    "true" => true,
                    "false" => false,
                    other => {
                        return err(format!(
                            "line {line_no}: `required` must be true or false, not `{other}`"
                        ));
                    }
                }
            }
            other => return err(format!("line {line_no}: unknown argument key `{other}`")),
        }
    }

    let Some(name) = name.filter(|n| !n.is_empty()) else {
        return err("the front matter has no `name`");
    };
    let Some(description) = description.filter(|d| !d.is_empty()) else {
        return err(format!("prompt `{name}` has no `description`"));
    };
    for (i, arg) in arguments.iter().enumerate() {
        if arg.name.is_empty() {
            return err(format!("prompt `{name}`: argument {} has no name", i + 1));
        }
        if arguments[..i].iter().any(|a| a.name == arg.name) {
            return err(format!(
                "prompt `{name}`: argument `{}` is declared twice",
                arg.name
            ));
        }
    }
    for placeholder in placeholders(&body) {
        if !arguments.iter().any(|a| a.name == placeholder) {
            return err(format!(
                "prompt `{name}`: the body uses `{{{{{placeholder}}}}}` but no such argument is declared"
            ));
        }
    }
    if body.is_empty() {
        return err(format!("prompt `{name}` has an empty body"));
    }
    Ok(PromptDef {
        name,
        description,
        arguments,
        body,
    })
}

fn split_key_value(line: &str, line_no: usize) -> Result<(&str, String), PromptError> {
    let Some((key, value)) = line.split_once(':') else {
        return err(format!("line {line_no}: expected `key: value`"));
    };
    let key = key.trim();
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return err(format!("line {line_no}: `{key}` is not a valid key"));
    }
    Ok((key, unquote(value.trim(), line_no)?))
}

fn unquote(value: &str, line_no: usize) -> Result<String, PromptError> {
    let Some(inner) = value.strip_prefix('"') else {
        return Ok(value.to_owned());
    };
    let Some(inner) = inner.strip_suffix('"') else {
        return err(format!("line {line_no}: unterminated double quote"));
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            _ => {
                return err(format!(
                    "line {line_no}: unsupported escape in a quoted value"
                ));
            }
        }
    }
    Ok(out)
}

/// The `{{name}}` placeholders of a body, in order of appearance.
fn placeholders(body: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let candidate = &after[..end];
        if !candidate.is_empty()
            && candidate
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            found.push(candidate);
        }
        rest = &after[end + 2..];
    }
    found
}

impl PromptDef {
    /// The body with every placeholder replaced, after checking the arguments.
    pub fn render(&self, given: &BTreeMap<String, String>) -> Result<String, PromptError> {
        for key in given.keys() {
            if !self.arguments.iter().any(|a| &a.name == key) {
                let known: Vec<&str> = self.arguments.iter().map(|a| a.name.as_str()).collect();
                return err(format!(
                    "prompt `{}` has no argument `{key}`; its arguments are: {}",
                    self.name,
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                ));
            }
        }
        let mut values = BTreeMap::new();
        for arg in &self.arguments {
            let value = given
                .get(&arg.name)
                .map(|v| v.trim())
                .filter(|v| !v.is_empty());
            match value {
                Some(v) => values.insert(arg.name.as_str(), v.to_owned()),
                None if arg.required => {
                    return err(format!(
                        "prompt `{}` needs the argument `{}` ({})",
                        self.name, arg.name, arg.description
                    ));
                }
                None => values.insert(arg.name.as_str(), arg.default.clone()),
            };
        }
        // One pass over the body, so a value that itself contains `{{x}}` is not expanded again.
        let mut out = String::with_capacity(self.body.len() + 64);
        let mut rest = self.body.as_str();
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            match after
                .find("}}")
                .and_then(|end| values.get(&after[..end]).map(|v| (end, v)))
            {
                Some((end, value)) => {
                    out.push_str(value);
                    rest = &after[end + 2..];
                }
                None => {
                    out.push_str("{{");
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// All embedded prompts, parsed once on first use. A file that fails to parse is logged and
/// skipped (the test suite makes sure none does).
pub fn all() -> &'static [PromptDef] {
    static PROMPTS: OnceLock<Vec<PromptDef>> = OnceLock::new();
    PROMPTS.get_or_init(|| {
        SOURCES
            .iter()
            .filter_map(|(file, text)| match parse(text) {
                Ok(def) => Some(def),
                Err(e) => {
                    tracing::error!(file, error = %e, "skipping a malformed prompt file");
                    None
                }
            })
            .collect()
    })
}

/// Look a prompt up by name.
pub fn find(name: &str) -> Option<&'static PromptDef> {
    all().iter().find(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "---\nname: demo\ndescription: \"A demo: with colon\"\narguments:\n  - name: who\n    description: Who to greet.\n    required: true\n  - name: host\n    description: Gateway host.\n    default: ai\n---\n\nHello {{who}} at http://{{host}}/ {{unknown thing}}\n";

    fn args(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn parses_front_matter_and_body() {
        let def = parse(SAMPLE).unwrap();
        assert_eq!(def.name, "demo");
        assert_eq!(def.description, "A demo: with colon");
        assert_eq!(
            def.arguments,
            vec![
                PromptArg {
                    name: "who".into(),
                    description: "Who to greet.".into(),
                    required: true,
                    default: String::new(),
                },
                PromptArg {
                    name: "host".into(),
                    description: "Gateway host.".into(),
                    required: false,
                    default: "ai".into(),
                },
            ]
        );
        assert!(def.body.starts_with("Hello"));
    }

    #[test]
    fn renders_arguments_defaults_and_leaves_other_braces() {
        let def = parse(SAMPLE).unwrap();
        let text = def.render(&args(&[("who", "Ann")])).unwrap();
        assert_eq!(text, "Hello Ann at http://ai/ {{unknown thing}}");
        let text = def
            .render(&args(&[("who", "{{host}}"), ("host", "gw")]))
            .unwrap();
        assert_eq!(text, "Hello {{host}} at http://gw/ {{unknown thing}}");
    }

    #[test]
    fn render_rejects_missing_required_and_unknown_arguments() {
        let def = parse(SAMPLE).unwrap();
        let e = def.render(&args(&[])).unwrap_err();
        assert!(e.0.contains("needs the argument `who`"), "{e}");
        let e = def.render(&args(&[("who", "  ")])).unwrap_err();
        assert!(e.0.contains("needs the argument `who`"), "{e}");
        let e = def
            .render(&args(&[("who", "x"), ("nope", "y")]))
            .unwrap_err();
        assert!(e.0.contains("no argument `nope`"), "{e}");
        assert!(e.0.contains("who, host"), "{e}");
    }

    #[test]
    fn rejects_malformed_files() {
        let cases = [
            ("name: x\n", "must start with"),
            ("---\nname: x\n", "not closed"),
            ("---\ndescription: d\n---\nbody", "no `name`"),
            ("---\nname: x\n---\nbody", "no `description`"),
            (
                "---\nname: x\ndescription: d\ncolor: red\n---\nbody",
                "unknown front matter key",
            ),
            (
                "---\nname: x\ndescription: d\n  - name: a\n---\nbody",
                "outside `arguments:`",
            ),
            (
                "---\nname: x\ndescription: d\narguments:\n  description: a\n---\nbody",
                "must start with `- name:`",
            ),
            (
                "---\nname: x\ndescription: d\narguments:\n  - name: a\n    required: maybe\n---\nbody",
                "true or false",
            ),
            (
                "---\nname: x\ndescription: d\narguments:\n  - name: a\n  - name: a\n---\nbody",
                "declared twice",
            ),
            (
                "---\nname: x\ndescription: d\n---\nuses {{missing}}",
                "no such argument",
            ),
            (
                "---\nname: x\ndescription: \"open\n---\nbody",
                "unterminated",
            ),
            ("---\nname: x\ndescription: d\n---\n   \n", "empty body"),
            (
                "---\nname: x\ndescription d\n---\nbody",
                "expected `key: value`",
            ),
        ];
        for (text, expected) in cases {
            let e = parse(text).unwrap_err();
            assert!(e.0.contains(expected), "{text:?}: got {e}");
        }
    }

    #[test]
    fn every_embedded_prompt_parses_and_is_unique() {
        let mut names = Vec::new();
        for (file, text) in SOURCES {
            let def = parse(text).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(
                format!("{}.md", def.name),
                *file,
                "file name must match the prompt name"
            );
            assert!(def.description.len() <= 200, "{file}: description too long");
            names.push(def.name);
        }
        assert_eq!(all().len(), SOURCES.len());
        names.sort();
        names.dedup();
        assert_eq!(names.len(), SOURCES.len());
    }

    #[test]
    fn every_file_in_prompts_dir_is_embedded() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/prompts");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md"))
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = SOURCES.iter().map(|(f, _)| (*f).to_owned()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded);
    }
}
