//! SKILL.md's worked examples are real: each tool example is called through the MCP server and
//! its result must be part of the actual output; each prompt example is rendered and must
//! contain the quoted text. Every tool and prompt the server offers has an example, and the
//! skill's front matter parses.
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use aperture_orchestrator::tools::PathPolicy;
use rmcp::model::{CallToolRequestParams, ContentBlock, GetPromptRequestParams};
use serde_json::Value;

const SKILL: &str = include_str!("../SKILL.md");

/// A fenced block: its info string and body.
struct Block<'a> {
    info: &'a str,
    body: &'a str,
}

fn blocks(markdown: &str) -> Vec<Block<'_>> {
    let mut out = Vec::new();
    let mut rest = markdown;
    while let Some(start) = rest.find("```") {
        let after = &rest[start + 3..];
        let Some(eol) = after.find('\n') else { break };
        let info = after[..eol].trim();
        let body_start = &after[eol + 1..];
        let Some(end) = body_start.find("\n```") else {
            break;
        };
        out.push(Block {
            info,
            body: &body_start[..end],
        });
        rest = &body_start[end + 4..];
    }
    out
}

/// `expected` is part of `actual`: objects by key, arrays by some element, scalars equal.
fn part_of(expected: &Value, actual: &Value, at: &str) -> Result<(), String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (key, value) in e {
                let Some(found) = a.get(key) else {
                    return Err(format!("{at}/{key} is missing"));
                };
                part_of(value, found, &format!("{at}/{key}"))?;
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(a)) => {
            for (i, item) in e.iter().enumerate() {
                if !a
                    .iter()
                    .any(|candidate| part_of(item, candidate, at).is_ok())
                {
                    return Err(format!(
                        "{at}[{i}] = {item} matches no element of {}",
                        Value::Array(a.clone())
                    ));
                }
            }
            Ok(())
        }
        _ if expected == actual => Ok(()),
        _ => Err(format!("{at}: expected {expected}, got {actual}")),
    }
}

#[test]
fn front_matter_parses() {
    let rest = SKILL
        .strip_prefix("---\n")
        .expect("SKILL.md starts with front matter");
    let (front, _) = rest
        .split_once("\n---\n")
        .expect("front matter ends with ---");
    let field = |name: &str| {
        front
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("front matter has no {name}"))
    };
    let name = field("name");
    assert!(
        name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
        "{name}"
    );
    let description = field("description");
    assert!(
        description.len() <= 1024 && description.contains("Use when"),
        "{description}"
    );
    for line in front.lines() {
        assert!(
            line.contains(": "),
            "front matter line is not `key: value`: {line}"
        );
    }
}

/// The gateway the worked examples' `http://ai` stands for: alice is admin, with a daily
/// budget and a GitHub connector.
async fn example_gateway() -> support::fake_aperture::FakeAperture {
    use support::fake_aperture::{ConfigApiSpec, FakeAperture, FakeBucket, Grant, Role, Spec};
    FakeAperture::start(Spec {
        grants: vec![Grant {
            role: Some(Role::Admin),
            ..Grant::user("alice@example.com", &["*"])
        }],
        buckets: vec![FakeBucket {
            name: "daily:alice@example.com".into(),
            current: 1_250_000_000,
            capacity: 10_000_000_000,
            rate: "$5.00/day".into(),
        }],
        connectors: vec![("github".into(), "mcp".into())],
        config_api: Some(ConfigApiSpec {
            current: true,
            initial: "{}".into(),
            ..ConfigApiSpec::default()
        }),
        ..Spec::default()
    })
    .await
}

#[tokio::test]
async fn worked_examples_are_real() {
    support::bounded(async {
        let client = support::mcp::connect(PathPolicy::Allowed).await;
        // Examples that call a live gateway name `http://ai`: here that is the fake Aperture.
        let gateway = example_gateway().await;
        let live = |text: &str| {
            text.replace(
                r#""url": "http://ai""#,
                &format!(r#""url": "{}""#, gateway.url()),
            )
        };
        let all = blocks(SKILL);
        let mut tools_seen = Vec::new();
        let mut prompts_seen = Vec::new();
        for (i, block) in all.iter().enumerate() {
            let mut words = block.info.split_whitespace();
            let (Some("json"), Some(kind), Some(name)) = (words.next(), words.next(), words.next()) else {
                continue;
            };
            let args: Value = serde_json::from_str(&live(block.body)).unwrap_or_else(|e| panic!("{name} example arguments: {e}"));
            let Value::Object(args) = args else { panic!("{name}: arguments must be an object") };
            let next = all.get(i + 1).unwrap_or_else(|| panic!("{name} example has no result block"));
            match kind {
                "example" => {
                    assert_eq!(next.info, "json result", "{name}: the block after an example is its result");
                    let expected: Value = serde_json::from_str(&live(next.body)).unwrap_or_else(|e| panic!("{name} result: {e}"));
                    let result = client
                        .call_tool(CallToolRequestParams::new(name.to_owned()).with_arguments(args))
                        .await
                        .unwrap_or_else(|e| panic!("{name}: {e}"));
                    let text = support::text_of(&result);
                    assert_ne!(result.is_error, Some(true), "{name}: {text}");
                    let actual = result.structured_content.expect("structuredContent");
                    if let Err(e) = part_of(&expected, &actual, "") {
                        panic!("SKILL.md example for {name} is not what the tool returns: {e}\nactual: {actual:#}");
                    }
                    tools_seen.push(name.to_owned());
                }
                "example-prompt" => {
                    assert_eq!(next.info, "text contains", "{name}: the block after a prompt example is `text contains`");
                    let prompt = client
                        .get_prompt(GetPromptRequestParams::new(name).with_arguments(args))
                        .await
                        .unwrap_or_else(|e| panic!("{name}: {e}"));
                    let text: String = prompt
                        .messages
                        .iter()
                        .filter_map(|m| match &m.content {
                            ContentBlock::Text(t) => Some(t.text.clone()),
                            _ => None,
                        })
                        .collect();
                    assert!(text.contains(next.body.trim()), "prompt {name} does not contain {:?}:\n{text}", next.body.trim());
                    prompts_seen.push(name.to_owned());
                }
                _ => {}
            }
        }
        let tools = client.list_all_tools().await.unwrap();
        for tool in &tools {
            assert!(tools_seen.iter().any(|t| t == tool.name.as_ref()), "SKILL.md has no worked example of {}", tool.name);
            assert!(SKILL.contains(tool.name.as_ref()));
        }
        let prompts = client.list_all_prompts().await.unwrap();
        for prompt in &prompts {
            assert!(prompts_seen.contains(&prompt.name), "SKILL.md has no worked example of prompt {}", prompt.name);
        }
        client.cancel().await.unwrap();
    })
    .await;
}
