//! Each face its own words: what the CLI prints names its flags (`--replace`), never the MCP
//! input field (`replace`) where a flag exists; the MCP results keep the field names.

use crate::support;

use aperture_orchestrator::cli::words::{FIELD_PHRASES, TOOL_COMMANDS, cli_words};
use support::bin;
use support::rust_source::{rust_files, source_literals};

/// Input fields whose names are never config keys: any mention in a tool's text is the field.
const FIELDS: &[&str] = &[
    "allow_no_admin",
    "send_completion",
    "api_key_env",
    "config_path",
    "timeout_ms",
    "http_status",
    "error_text",
    "as_identity",
    "aperture_selector",
];

/// Texts the CLI never prints: refusals of the HTTP server (`--allow-paths`), which the CLI
/// (always allowed paths) cannot meet, and the tools' own field docs.
const MCP_ONLY: &[&str] = &[
    "is refused by this server (it serves HTTP without --allow-paths)",
    "give either `config` (the document text) or `config_path` (a file), not both",
];

fn output(args: &[&str]) -> String {
    let out = bin()
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn every_tool_text_naming_a_field_with_a_flag_has_cli_words() {
    let mut missing = Vec::new();
    for (rel, literal) in source_literals("src") {
        // The adapters speak their own words already; the tools' inputs define the fields.
        if rel.starts_with("src/mcp/") || rel.starts_with("src/cli") {
            continue;
        }
        if !literal.contains(' ') || MCP_ONLY.iter().any(|m| literal.contains(m)) {
            continue;
        }
        // `{timeout_ms}` is a format argument, not a word the user reads.
        let shown = strip_placeholders(&cli_words(&literal));
        for field in FIELDS {
            if shown.contains(field) {
                missing.push(format!("{rel}: `{field}` in {literal:?}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "add a phrase to FIELD_PHRASES (src/cli/words.rs) for each:\n{}",
        missing.join("\n")
    );
}

fn strip_placeholders(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => rest = &rest[open + close + 1..],
            None => {
                rest = &rest[open..];
                break;
            }
        }
    }
    out + rest
}

/// Flags an MCP result may name: the server's own (a remote caller is told why it is
/// refused) and other programs' (curl, tailscale, claude).
const NOT_OURS_OR_SERVER_FLAGS: &[&str] = &[
    "--allow-paths",
    "--json",
    "--peers",
    "--transport",
    "--scope",
    "--connect-timeout",
    "--data",
];

#[test]
fn tool_texts_name_no_cli_flag() {
    // The library's texts are the MCP results; the CLI rewords them (FIELD_PHRASES), never
    // the other way round. The CLI's own: its adapter and renderers, `init`, the writer, the
    // skill installer and the generated references (which document both faces).
    const CLI_OWN: &[&str] = &[
        "src/cli",
        "src/main.rs",
        "src/render/",
        "src/mcp/",
        "src/tools/init.rs",
        "src/tools/write.rs",
        "src/skill.rs",
        "src/reference.rs",
    ];
    let mut flagged = Vec::new();
    for (rel, literal) in source_literals("src") {
        if CLI_OWN.iter().any(|own| rel.starts_with(own)) {
            continue;
        }
        for word in literal.split(|c: char| c.is_whitespace() || "`(/".contains(c)) {
            let flag = word.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
            let is_flag = flag.starts_with("--")
                && flag.len() > 2
                && flag[2..]
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-');
            if is_flag && !NOT_OURS_OR_SERVER_FLAGS.contains(&flag) {
                flagged.push(format!("{rel}: {flag} in {literal:?}"));
            }
        }
    }
    assert!(flagged.is_empty(), "{}", flagged.join("\n"));
}

#[test]
fn every_phrase_is_still_said_by_some_tool() {
    // A phrase no tool says any more would hide a message that changed its words.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let sources: String = rust_files(&root)
        .iter()
        .filter(|p| !p.ends_with("src/cli.rs") && !p.to_string_lossy().contains("src/cli/"))
        .chain(&support::files_in("data/symptoms", &["hujson"]))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    for (tool, _) in FIELD_PHRASES {
        assert!(sources.contains(tool), "no tool says {tool:?} any more");
    }
}

#[test]
fn every_tool_has_its_command_and_no_tool_text_names_a_tool_on_the_command_line() {
    use clap::Parser;
    let tools = aperture_orchestrator::mcp::tool_names(true);
    for tool in &tools {
        let command = TOOL_COMMANDS
            .iter()
            .find(|(t, _)| t == tool)
            .unwrap_or_else(|| panic!("`{tool}` has no command in TOOL_COMMANDS"))
            .1;
        let mut args = vec!["aperture-orchestrator"];
        args.extend(command.split(' '));
        args.push("--help");
        let help = aperture_orchestrator::cli::Cli::try_parse_from(args).unwrap_err();
        assert_eq!(
            help.kind(),
            clap::error::ErrorKind::DisplayHelp,
            "{command}"
        );
    }
    // Every text a tool or the symptom catalog says, as the command line prints it.
    let mut texts: Vec<(String, String)> = source_literals("src")
        .into_iter()
        .filter(|(rel, _)| {
            !(rel.starts_with("src/mcp/")
                || rel.starts_with("src/cli")
                || rel == "src/reference.rs")
        })
        .collect();
    texts.extend(
        support::symptom_strings()
            .into_iter()
            .map(|(path, s)| (path.display().to_string(), s)),
    );
    let mut named = Vec::new();
    for (file, text) in &texts {
        let shown = cli_words(text);
        for tool in &tools {
            // A quoted tool name is left alone on the command line (it could be a value):
            // tool texts name tools bare.
            let word = shown.match_indices(tool.as_str()).any(|(at, _)| {
                let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
                !shown[..at].ends_with(is_word) && !shown[at + tool.len()..].starts_with(is_word)
            });
            if word && text.contains(' ') {
                named.push(format!("{file}: `{tool}` in {text:?}"));
            }
        }
    }
    assert!(named.is_empty(), "{}", named.join("\n"));
}

#[test]
fn cli_messages_name_flags_where_mcp_names_fields() {
    let oauth: &[&str] = &[
        "connector",
        "idp",
        "--url",
        "https://mcp.example.com",
        "--protocol",
        "mcp",
        "--auth",
        "oauth2_client_credentials",
    ];
    let oauth_complete = [
        oauth,
        &[
            "--client-id",
            "c",
            "--token-url",
            "https://idp.example.com/token",
        ],
    ]
    .concat();
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["grants", "--user", "*=**"],
            "--allow-no-admin",
            "allow_no_admin",
        ),
        (
            &[
                "provider",
                "self_hosted",
                "--baseurl",
                "http://100.64.0.9:8080",
            ],
            "--model MODEL",
            "needs `models`",
        ),
        (
            &["provider", "openai_compatible"],
            "--baseurl URL",
            "needs `baseurl`",
        ),
        (
            &[
                "provider",
                "anthropic",
                "--config",
                "examples/gateway.hujson",
            ],
            "--replace",
            "pass `replace`",
        ),
        (
            &["provider", "anthropic"],
            "--config FILE --write",
            "pass `config`",
        ),
        (
            &["test", "http://127.0.0.1:9", "--timeout-ms", "1000"],
            "--send",
            "send_completion",
        ),
        (
            &["test", "http://127.0.0.1:9", "--timeout-ms", "0"],
            "--timeout-ms",
            "timeout_ms",
        ),
        (oauth, "needs `--client-id`, `--token-url`", "input `"),
        (
            // The note names the config's own OAuth keys: they stay as the config spells them.
            &oauth_complete,
            "(`client_id`, `client_secret`, `auth_url`, `token_url`, `scopes`) are UNCONFIRMED",
            "`--client-id`",
        ),
        (
            // A rule's fix names the command; `--format json` keeps the MCP result (below).
            &[
                "validate",
                "tests/fixtures/configs/invalid/AP208-providers-only.hujson",
            ],
            "`aperture-orchestrator grants --admin you@example.com --user '*'`",
            "generate_grants",
        ),
        (&["diagnose", " "], "TEXT", "`symptom`"),
        (
            &["diagnose", "slow", "--status", "42"],
            "--status",
            "http_status",
        ),
    ];
    let json = output(&[
        "validate",
        "tests/fixtures/configs/invalid/AP208-providers-only.hujson",
        "--format",
        "json",
    ]);
    assert!(
        json.contains("(generate_grants with an admin rule"),
        "{json}"
    );
    for (args, flag, field) in cases {
        let text = output(args);
        assert!(text.contains(flag), "{args:?} should name {flag}:\n{text}");
        assert!(
            !text.contains(field),
            "{args:?} names the MCP field {field}:\n{text}"
        );
    }
}

#[test]
fn mcp_results_keep_the_field_names() {
    use aperture_orchestrator::tools::PathPolicy;
    use aperture_orchestrator::tools::grants::{GrantsInput, generate_grants};
    let input: GrantsInput = serde_json::from_value(
        serde_json::json!({"rules": [{"src": ["*"], "role": "user", "models": ["**"]}]}),
    )
    .unwrap();
    let err = generate_grants(&input, PathPolicy::Allowed)
        .unwrap_err()
        .to_string();
    assert!(err.contains("`allow_no_admin`"), "{err}");
}
