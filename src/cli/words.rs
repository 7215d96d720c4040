//! Each face its own words: the tools name their input fields (`replace`, `allow_no_admin`),
//! the command line names its flags (`--replace`, `--allow-no-admin`). One table maps every
//! tool phrase that names a field with a flag; every tool text the CLI prints as human text
//! (errors, notes, reports) goes through [`cli_words`], which also names the command where a
//! text names a tool (`validate_config` → `validate`). JSON output stays the MCP result.

/// (what a tool says, what the CLI says instead). Whole phrases, so a config key of the same
/// name (`models` in a grant) is never rewritten; a longer phrase comes before one it holds.
pub const FIELD_PHRASES: &[(&str, &str)] = &[
    // generate_grants
    ("or set `allow_no_admin` if", "or add `--allow-no-admin` if"),
    ("allow_no_admin: the result", "--allow-no-admin: the result"),
    (
        "use mode `replace` to redefine it",
        "use `--replace` to redefine it",
    ),
    (
        "pass `config` to check them and merge",
        "pass `--config FILE` to check them and merge",
    ),
    (
        "edits a config: give `config` or `config_path`",
        "edits a config: give --config FILE",
    ),
    // generate_provider and the editor
    (
        "pass `replace` to overwrite it",
        "pass `--replace` to overwrite it",
    ),
    ("needs `baseurl`:", "needs `--baseurl URL`:"),
    (
        "`add_models` / `remove_models`",
        "--add-model / --remove-model",
    ),
    ("pass `replace`", "pass --replace"),
    (
        "`admin` names the admin of a new document; this config has its own grants: add admins with generate_grants",
        "--admin names the admin of a new document; this config has its own grants: add admins with `grants --admin SRC --config FILE --write`",
    ),
    (
        "give `admin` to name someone else",
        "give --admin LOGIN to name someone else",
    ),
    ("Give `admin` with your login", "Give --admin LOGIN"),
    (
        "to add the provider to an existing config instead, pass `config` (merged, comments kept)",
        "to add the provider to an existing config instead, use `--config FILE --write` (merged, comments kept)",
    ),
    ("no `admin` was given", "no --admin was given"),
    ("is no identity for `admin`", "is no identity for --admin"),
    ("`models` sets", "--model sets"),
    ("(`config` or `config_path`)", "(--config FILE)"),
    ("with `id`", "with --id"),
    ("needs `models`:", "needs `--model MODEL` (repeatable):"),
    // validate_config's rule fixes, migrate_config
    (
        "review them in diagnostics (each `fix.patch` applies one)",
        "review with `validate --fix --unsafe-fixes --diff`",
    ),
    (
        "generate_provider with kind `anthropic` generates one",
        "`aperture-orchestrator provider anthropic` generates one",
    ),
    (
        "(generate_grants with an admin rule for you and a user rule for `*`)",
        "(`aperture-orchestrator grants --admin you@example.com --user '*'`)",
    ),
    // generate_connector
    ("input `username`", "`--username`"),
    ("input `client_id`", "`--client-id`"),
    ("input `auth_url`", "`--auth-url`"),
    ("input `token_url`", "`--token-url`"),
    ("`key_in` must be", "`--key-in` must be"),
    ("drop `secret_env`", "drop `--secret-env`"),
    (
        "give `key_name` (and `key_in`: `query`)",
        "give `--key-name` (and `--key-in query`)",
    ),
    (
        "set `replace` to overwrite it",
        "add `--replace` to overwrite it",
    ),
    (
        "no `grants`: nobody reaches",
        "no `--grant`: nobody reaches",
    ),
    (
        "`grants` has an empty source",
        "`--grant` has an empty source",
    ),
    ("`grants` source `", "`--grant` source `"),
    ("give `host` (Aperture's", "give `--host` (Aperture's"),
    (
        "run again with `secret_env` naming the variable that holds it (and `replace`)",
        "run again with `--secret-env VAR` naming the variable that holds it (and `--replace`)",
    ),
    (
        "pass `config` to merge it (comments kept)",
        "pass `--config FILE --write` to merge it (comments kept)",
    ),
    // test_endpoint
    ("(send_completion is false)", "(no `--send`)"),
    ("pass send_completion to send", "add `--send` to send"),
    (
        "`model` must be a model name",
        "`--model` must be a model name",
    ),
    (
        "unless api_key_env is given",
        "unless --api-key-env is given",
    ),
    (
        "environment variable in api_key_env",
        "environment variable with --api-key-env",
    ),
    ("`api_key_env`", "`--api-key-env`"),
    ("test_endpoint with send_completion", "`test URL --send`"),
    ("pass send_completion to confirm", "add `--send` to confirm"),
    ("timeout_ms must be between", "--timeout-ms must be between"),
    ("a larger timeout_ms", "a larger --timeout-ms"),
    ("or raise timeout_ms", "or raise --timeout-ms"),
    // generate_client_config
    (
        "run test_endpoint with client `claude-code-vertex`",
        "run `test URL --client claude-code-vertex`",
    ),
    ("`model` does not apply to", "`--model` does not apply to"),
    ("give your login as `as`", "give your login with --as"),
    // diagnose_symptom
    (
        "describe the problem in `symptom`",
        "describe the problem in TEXT",
    ),
    (
        "add `http_status` and `error_text`",
        "add `--status` and `--error-text`",
    ),
    (
        "http_status must be an HTTP status code",
        "--status must be an HTTP status code",
    ),
    ("(give `identity`)", "(give --login or --tag)"),
    ("pass its `symptom_id`", "pass its id with --symptom-id"),
    (
        "pass the chosen `symptom_id`",
        "pass the chosen id with --symptom-id",
    ),
    (
        "the caller's `identity` (login, or the node's tags; groups) and the `model`",
        "the caller's --login (or --tag; --group) and the --model",
    ),
    (
        "the gateway's `url` (e.g. http://ai)",
        "the gateway's --url (e.g. http://ai)",
    ),
    (
        "validate_config with `fix: true` applies it",
        "`validate --fix` applies it",
    ),
    (
        "run test_endpoint with the model and send_completion",
        "run `test URL --model M --send`",
    ),
    (
        "the HTTP status (http_status) and the exact error text (error_text)",
        "the HTTP status (--status) and the exact error text (--error-text)",
    ),
    // live config
    (
        "dry run: nothing was written",
        "dry run: nothing was written (pass --apply to write)",
    ),
    (
        " (a result never carries the secret); the command line's connector command writes the value into the file",
        "; with --write the value goes into the file",
    ),
    (
        "pass `confirm` to apply anyway",
        "add `--confirm` to apply anyway",
    ),
    ("with `secrets_env`", "with `--secret-env PROVIDER_ID=VAR`"),
    ("`secrets_env`", "`--secret-env`"),
    ("pass `base_version`", "pass `--base VERSION`"),
    ("pass `as` with your login", "pass `--as` with your login"),
    ("pass `as` (your login", "pass `--as` (your login"),
    (
        "fix them first (validate_config)",
        "fix them first (`validate FILE`)",
    ),
    // reading configs
    (
        "or pass the document as `config` text",
        "or pass `-` and the document on stdin",
    ),
    (
        "pass the document text in `config`, or a file in `config_path`",
        "pass --config FILE",
    ),
    (
        "pass the config (`config` or `config_path`)",
        "pass --config FILE",
    ),
    ("pass `config` or `config_path`", "pass FILE"),
];

/// (MCP tool, the command that does the same): a tool text that names a tool means the command
/// on the command line.
pub const TOOL_COMMANDS: &[(&str, &str)] = &[
    ("validate_config", "validate"),
    ("migrate_config", "migrate"),
    ("generate_provider", "provider"),
    ("generate_grants", "grants"),
    ("generate_connector", "connector"),
    ("generate_client_config", "client"),
    ("explain_access", "explain"),
    ("test_endpoint", "test"),
    ("diagnose_symptom", "diagnose"),
    ("gateway_status", "status"),
    ("get_quotas", "quota status"),
    ("refill_quota", "quota refill"),
    ("get_config", "config pull"),
    ("plan_config", "config plan"),
    ("apply_config", "config push"),
];

/// `text` in the command line's words.
pub fn cli_words(text: &str) -> String {
    let mut out = text.to_owned();
    for (tool, cli) in FIELD_PHRASES {
        if out.contains(tool) {
            out = out.replace(tool, cli);
        }
    }
    if TOOL_COMMANDS.iter().any(|(tool, _)| out.contains(tool)) {
        out = name_commands(&out);
    }
    out
}

/// Every bare tool name as its command. Tool texts name tools bare; whatever is between
/// backticks is a value (a provider called `test_endpoint`, a URL) and is never touched.
fn name_commands(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, segment) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(segment);
            continue;
        }
        let mut bare = segment.to_owned();
        for (tool, command) in TOOL_COMMANDS {
            if bare.contains(tool) {
                bare = name_command(&bare, tool, command);
            }
        }
        out.push_str(&bare);
    }
    out
}

/// Every whole-word `tool` in `text` (not in double quotes) as `` `command` ``.
fn name_command(text: &str, tool: &str, command: &str) -> String {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(tool) {
        let (before, after) = (&rest[..at], &rest[at + tool.len()..]);
        out.push_str(before);
        let whole = !before.ends_with(is_word) && !after.starts_with(is_word);
        let quoted = before.ends_with('"') || after.starts_with('"');
        if whole && !quoted {
            out.push('`');
            out.push_str(command);
            out.push('`');
        } else {
            out.push_str(tool);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_become_flags_and_config_keys_stay() {
        assert_eq!(
            cli_words("provider `a` already exists; pass `replace` to overwrite it"),
            "provider `a` already exists; pass `--replace` to overwrite it"
        );
        let key = "give its rule a `models` pattern";
        assert_eq!(cli_words(key), key);
    }

    #[test]
    fn tool_names_become_commands_and_other_words_stay() {
        assert_eq!(
            cli_words("Run validate_config (save mode); explain_access shows it"),
            "Run `validate` (save mode); `explain` shows it"
        );
        let value = "provider `test_endpoint` has no models";
        assert_eq!(cli_words(value), value);
        let url = "baseurl `https://test_endpoint.example.com` ends in /v1; see validate_config";
        assert_eq!(
            cli_words(url),
            "baseurl `https://test_endpoint.example.com` ends in /v1; see `validate`"
        );
        let other = "my_validate_config_test and validate_configs";
        assert_eq!(cli_words(other), other);
    }

    #[test]
    fn every_cli_phrase_names_a_flag_an_argument_or_a_command() {
        for (tool, cli) in FIELD_PHRASES {
            assert_ne!(tool, cli);
            assert!(
                cli.contains("--")
                    || cli.contains("TEXT")
                    || cli.contains("FILE")
                    || cli.contains("`-`")
                    || cli.contains("`aperture-orchestrator "),
                "{cli}"
            );
        }
    }
}
