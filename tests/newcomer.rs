//! Starting from nothing with the real binary: `init` and a bare `provider` write a config
//! Aperture's save accepts, a generator's document on stdout carries no human text (that goes
//! to stderr), a missing `--config` file is created by `--write` or refused once, clearly.

use crate::support;

use aperture_orchestrator::tools::validate::{Mode, validate_bytes};
use support::{TempDir, bin};

fn run(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    bin().args(args).current_dir(dir).output().unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn init_creates_a_config_that_saves_and_refuses_an_existing_file() {
    let dir = TempDir::new("init");
    let out = run(&["init", "gw.hujson", "--admin", "me@example.com"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("wrote gw.hujson"));
    let text = std::fs::read(dir.join("gw.hujson")).unwrap();
    let report = validate_bytes(&text, Mode::Save);
    assert!(report.valid && report.diagnostics.is_empty(), "{report:?}");

    let again = run(&["init", "gw.hujson", "--admin", "me@example.com"], &dir);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("exists"), "{}", stderr(&again));
    assert_eq!(std::fs::read(dir.join("gw.hujson")).unwrap(), text);
}

#[test]
fn documents_on_stdout_carry_no_human_text() {
    let dir = TempDir::new("stdout-doc");
    let init = run(
        &["init", "--admin", "me@example.com", "--provider", "openai"],
        &dir,
    );
    assert!(init.status.success(), "{}", stderr(&init));
    assert!(validate_bytes(&init.stdout, Mode::Save).valid);
    assert!(
        stderr(&init).contains("note:"),
        "the notes still reach the user"
    );

    // `provider anthropic > gw.hujson`: the file is one document that Aperture's save accepts.
    let provider = run(&["provider", "anthropic"], &dir);
    assert!(provider.status.success(), "{}", stderr(&provider));
    let saved = validate_bytes(&provider.stdout, Mode::Save);
    assert!(saved.valid, "{saved:?}");
    assert!(!String::from_utf8_lossy(&provider.stdout).contains("note:"));
    assert!(stderr(&provider).contains("note:"));
}

/// The admin of `provider KIND > gw.hujson`, and the file `validate` is run on.
fn admins_of_a_printed_provider(dir: &std::path::Path, out: &std::process::Output) -> Vec<String> {
    assert!(out.status.success(), "{}", stderr(out));
    std::fs::write(dir.join("gw.hujson"), &out.stdout).unwrap();
    let validate = run(&["validate", "gw.hujson"], dir);
    assert_eq!(validate.status.code(), Some(0), "{}", stderr(&validate));
    let config: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let grants = config["grants"].as_array().unwrap();
    assert_eq!(grants.len(), 1, "{config}");
    assert_eq!(
        grants[0]["app"]["tailscale.com/cap/aperture"],
        serde_json::json!([{"role": "admin"}, {"models": "**"}])
    );
    serde_json::from_value(grants[0]["src"].clone()).unwrap()
}

#[test]
fn a_printed_provider_names_its_admin_from_the_flag_the_daemon_or_as_a_new_instance_does() {
    let dir = TempDir::new("provider-admin");
    let given = run(
        &["provider", "anthropic", "--admin", "me@example.com"],
        &dir,
    );
    assert_eq!(
        admins_of_a_printed_provider(&dir, &given),
        ["me@example.com"]
    );

    // No flag, no daemon: everyone, as on a new Aperture instance, and the user is told how
    // to narrow it in the command line's words.
    let nobody = run(&["provider", "anthropic"], &dir);
    assert_eq!(admins_of_a_printed_provider(&dir, &nobody), ["*"]);
    let notes = stderr(&nobody);
    assert!(
        notes.contains("AP214") && notes.contains("--admin LOGIN"),
        "{notes}"
    );
    assert!(!notes.contains("`admin`"), "{notes}");

    #[cfg(unix)]
    {
        let daemon = support::fake_tailscale(&dir, "alice@example.com");
        let asked = bin()
            .args(["provider", "openai"])
            .current_dir(&dir)
            .env("APERTURE_ORCHESTRATOR_TAILSCALE", &daemon)
            .output()
            .unwrap();
        assert_eq!(
            admins_of_a_printed_provider(&dir, &asked),
            ["alice@example.com"]
        );
        assert!(stderr(&asked).contains("local Tailscale daemon"));
    }

    // A config has its own admins: --admin is refused there, saying what to use instead.
    let merged = run(
        &[
            "provider",
            "openai",
            "--config",
            "gw.hujson",
            "--admin",
            "x@example.com",
        ],
        &dir,
    );
    assert_eq!(merged.status.code(), Some(2));
    assert!(
        stderr(&merged).contains("grants --admin"),
        "{}",
        stderr(&merged)
    );
}

#[test]
fn a_missing_config_is_created_by_write_or_refused_once() {
    let dir = TempDir::new("missing-config");
    let refused = run(&["provider", "openai", "--config", "new.hujson"], &dir);
    assert_eq!(refused.status.code(), Some(2));
    let message = stderr(&refused);
    assert!(
        message.contains("--write") && message.contains("init"),
        "{message}"
    );
    assert!(!dir.join("new.hujson").exists());

    let created = run(
        &["provider", "openai", "--config", "new.hujson", "--write"],
        &dir,
    );
    assert!(created.status.success(), "{}", stderr(&created));
    assert!(
        !stderr(&created).contains("no config given"),
        "{}",
        stderr(&created)
    );
    let text = std::fs::read(dir.join("new.hujson")).unwrap();
    // The created file is the document `provider openai` prints: Aperture's save takes it.
    assert!(validate_bytes(&text, Mode::Save).valid);

    let grants = run(
        &[
            "grants",
            "--admin",
            "me@example.com=**",
            "--config",
            "new.hujson",
            "--write",
        ],
        &dir,
    );
    assert!(grants.status.success(), "{}", stderr(&grants));
    let text = std::fs::read(dir.join("new.hujson")).unwrap();
    assert!(
        validate_bytes(&text, Mode::Save).valid,
        "{}",
        String::from_utf8_lossy(&text)
    );
}

#[test]
fn an_unreadable_file_names_the_os_error_once() {
    let dir = TempDir::new("os-error");
    let out = run(&["validate", "absent.hujson"], &dir);
    assert_eq!(out.status.code(), Some(2));
    let message = stderr(&out);
    assert_eq!(message.matches("os error").count(), 1, "{message}");
}

#[test]
fn rules_take_only_the_formats_they_have_and_a_closed_pipe_is_quiet() {
    let dir = TempDir::new("rules");
    for format in ["sarif", "github"] {
        let out = run(&["rules", "--format", format], &dir);
        assert_eq!(out.status.code(), Some(2), "{format}");
        assert!(stderr(&out).contains("human") && stderr(&out).contains("json"));
    }
    // The reader is gone before the first write: the write fails with EPIPE.
    let mut child = bin()
        .args(["rules", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out), "", "no 'Broken pipe' message");
}

#[test]
fn help_says_what_flags_do_and_what_skill_install_does() {
    let dir = TempDir::new("help");
    let provider = String::from_utf8_lossy(&run(&["provider", "--help"], &dir).stdout).into_owned();
    assert!(
        provider.contains("--baseurl <URL>") && provider.contains("Base URL of the upstream"),
        "{provider}"
    );
    let client = String::from_utf8_lossy(&run(&["client", "--help"], &dir).stdout).into_owned();
    assert!(client.contains("The model to pin"), "{client}");
    let install =
        String::from_utf8_lossy(&run(&["skill", "install", "--help"], &dir).stdout).into_owned();
    assert!(
        install.contains("print the line that registers"),
        "{install}"
    );
}

#[test]
fn checking_references_outside_the_repository_says_so() {
    let dir = TempDir::new("refs-outside");
    let out = run(&["skill", "references", "--check"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("outside the repository"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("stale"), "{}", stderr(&out));
}

#[test]
fn what_the_user_gave_reaches_stderr_escaped() {
    let dir = TempDir::new("stderr-escape");
    // An error quoting the argument, and a note quoting the admin: no escape sequence gets
    // through to the terminal, and the document on stdout keeps the value (JSON-escaped).
    let error = run(&["provider", "evil\u{1b}[2J"], &dir);
    assert_eq!(error.status.code(), Some(2));
    let admin = run(
        &[
            "provider",
            "anthropic",
            "--admin",
            "a\u{1b}]0;x\u{7}@example.com",
        ],
        &dir,
    );
    assert!(admin.status.success(), "{}", stderr(&admin));
    // The line saying what was written quotes the path the user gave.
    let wrote = run(
        &[
            "provider",
            "anthropic",
            "--config",
            "new\u{1b}[1m.hujson",
            "--write",
        ],
        &dir,
    );
    assert!(wrote.status.success(), "{}", stderr(&wrote));
    for said in [stderr(&error), stderr(&admin), stderr(&wrote)] {
        assert!(said.contains("\\u{1b}"), "{said}");
        assert!(!said.contains(['\u{1b}', '\u{7}']), "{said:?}");
    }
    let document = String::from_utf8_lossy(&admin.stdout);
    assert!(
        document.contains("a\\u001b]0;x\\u0007@example.com"),
        "{document}"
    );
}
