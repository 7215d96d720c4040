//! `--write` never leaves a half-written config (the process is killed at many points of a
//! write: the file is always the old or the new document whole), never loses a concurrent
//! writer's edit, keeps mode and owner, refuses read-only files and stdin, and says what it
//! wrote.
// Test code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

/// A config big enough that reading, merging and writing it takes a while.
fn big_config() -> String {
    let mut s = String::from("// a large gateway\n{\n  \"providers\": {\n");
    for i in 0..10_000 {
        let _ = writeln!(
            s,
            "    // provider {i}\n    \"p{i}\": {{\"baseurl\": \"https://p{i}.example.com\", \"models\": [\"m{i}\"]}},"
        );
    }
    s.push_str("  },\n}\n");
    s
}

fn write_command(file: &Path) -> std::process::Command {
    let mut cmd = support::bin();
    cmd.args(["provider", "anthropic", "--config"])
        .arg(file)
        .arg("--write")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    cmd
}

#[test]
fn a_killed_write_leaves_the_old_or_the_new_file_whole() {
    let dir = support::TempDir::new("kill");
    let file = dir.join("gateway.hujson");
    let old = big_config();

    // The new document, from a run that is not interrupted.
    std::fs::write(&file, &old).unwrap();
    let start = Instant::now();
    assert!(write_command(&file).status().unwrap().success());
    let full_run = start.elapsed();
    let new = std::fs::read_to_string(&file).unwrap();
    assert_ne!(new, old);
    assert!(new.contains("\"anthropic\""));

    // Kill at points spread over the whole run.
    let (mut saw_old, mut saw_new) = (0, 0);
    for i in 0..24u32 {
        std::fs::write(&file, &old).unwrap();
        let mut child = write_command(&file).spawn().unwrap();
        std::thread::sleep(full_run.mul_f64(f64::from(i) / 20.0));
        let _ = child.kill();
        let _ = child.wait();
        let now = std::fs::read_to_string(&file).unwrap();
        if now == old {
            saw_old += 1;
        } else if now == new {
            saw_new += 1;
        } else {
            panic!(
                "kill {i}: the config is neither the old nor the new document ({} bytes)",
                now.len()
            );
        }
    }
    eprintln!(
        "killed 24 writes: {saw_old} left the old file, {saw_new} the new one (a full run takes {full_run:?})"
    );
    assert!(
        saw_old > 0,
        "no kill landed before the rename; the test did not exercise the write"
    );

    // The next write cleans up temporaries killed writers left behind.
    std::fs::write(&file, &old).unwrap();
    assert!(write_command(&file).status().unwrap().success());
    let leftovers: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporaries left: {leftovers:?}");
}

/// A gateway config with a key, large enough that two writers' read-to-rename windows overlap.
fn keyed_config(providers: usize) -> String {
    let mut s = String::from(
        "{\n  // keys inside\n  \"providers\": {\n    \"main\": {\"baseurl\": \"https://api.openai.com\", \"apikey\": \"sk-proj-real-key-0001\", \"models\": [\"gpt-5\"]},\n",
    );
    for i in 0..providers {
        let _ = writeln!(
            s,
            "    \"p{i}\": {{\"baseurl\": \"https://p{i}.example.com\", \"models\": [\"m{i}\"]}},"
        );
    }
    s.push_str("  },\n}\n");
    s
}

fn models_of(text: &str) -> Vec<String> {
    let doc = aperture_orchestrator::config::Document::parse(text).expect("the file parses");
    let json = doc.root.to_json();
    json["providers"]["main"]["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_owned())
        .collect()
}

fn add_model(file: &Path, model: &str) -> std::process::Command {
    let mut cmd = support::bin();
    cmd.args([
        "provider",
        "openai",
        "--id",
        "main",
        "--add-model",
        model,
        "--config",
    ])
    .arg(file)
    .arg("--write")
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::piped());
    cmd
}

#[test]
fn two_concurrent_writes_keep_both_edits_or_report_the_conflict() {
    let dir = support::TempDir::new("race");
    let file = dir.join("gateway.hujson");
    let (mut both, mut conflicts) = (0, 0);
    for run in 0..100 {
        std::fs::write(&file, keyed_config(300)).unwrap();
        let (a, b) = (format!("a-{run}"), format!("b-{run}"));
        let first = add_model(&file, &a).spawn().unwrap();
        let second = add_model(&file, &b).spawn().unwrap();
        let outcomes = [
            first.wait_with_output().unwrap(),
            second.wait_with_output().unwrap(),
        ];
        let now = std::fs::read_to_string(&file).unwrap();
        let models = models_of(&now);
        // The backup is a whole document too (the original, or the first writer's result).
        models_of(&std::fs::read_to_string(dir.join("gateway.hujson.bak")).unwrap());
        for (outcome, model) in outcomes.iter().zip([&a, &b]) {
            let stderr = String::from_utf8_lossy(&outcome.stderr);
            match outcome.status.code() {
                Some(0) => assert!(
                    models.contains(model),
                    "run {run}: `{model}` was reported written but is lost: {models:?} ({stderr})"
                ),
                Some(2) => {
                    assert!(
                        stderr.contains("changed since it was read")
                            && stderr.contains("run the command again"),
                        "run {run}: {stderr}"
                    );
                    assert!(!models.contains(model), "run {run}: {models:?}");
                    conflicts += 1;
                }
                other => panic!("run {run}: exit {other:?}: {stderr}"),
            }
        }
        let kept = [&a, &b].iter().filter(|m| models.contains(m)).count();
        assert!(kept >= 1, "run {run}: both writers failed: {models:?}");
        if kept == 2 {
            both += 1;
        }
    }
    eprintln!("100 concurrent pairs: {both} kept both edits, {conflicts} reported a conflict");
    assert_eq!(
        both + conflicts,
        100,
        "every run kept both or reported one conflict"
    );
}

#[cfg(unix)]
#[test]
fn backups_keep_mode_and_owner() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = support::TempDir::new("owner");
    let file = dir.join("gateway.hujson");
    let backup = dir.join("gateway.hujson.bak");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    std::fs::write(&file, keyed_config(1)).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    // As root the file can belong to someone else: both files must stay theirs.
    let other_owner = std::os::unix::fs::chown(&file, Some(4321), Some(4322)).is_ok();
    let owner = |p: &Path| {
        let m = std::fs::metadata(p).unwrap();
        (m.uid(), m.gid())
    };
    let before = owner(&file);
    let out = add_model(&file, "gpt-5-mini").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!((mode(&file), mode(&backup)), (0o600, 0o600));
    assert_eq!(owner(&file), before);
    assert_eq!(owner(&backup), before);
    if !other_owner {
        eprintln!("not root: ownership checked for the writer's own file only");
    }
    // A group-readable file holding a key: the backup is owner-only, the file keeps its mode.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = add_model(&file, "o3").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!((mode(&file), mode(&backup)), (0o644, 0o600));
}

#[cfg(unix)]
#[test]
fn read_only_files_are_refused_unless_forced() {
    use std::os::unix::fs::PermissionsExt;
    let dir = support::TempDir::new("readonly");
    let file = dir.join("gateway.hujson");
    std::fs::write(&file, keyed_config(1)).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read_to_string(&file).unwrap();
    let out = add_model(&file, "o3").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("read-only") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
    assert!(!dir.join("gateway.hujson.bak").exists());
    let out = add_model(&file, "o3").arg("--force").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(models_of(&std::fs::read_to_string(&file).unwrap()).contains(&"o3".to_owned()));
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o444
    );
}

/// Each `--write` says what it wrote, or why it wrote nothing; stdin and the policy target
/// are refused before anything is read or written.
#[test]
fn every_write_says_what_it_wrote_or_why_not() {
    let dir = support::TempDir::new("report");
    let file = dir.join("gateway.hujson");
    std::fs::write(&file, keyed_config(1)).unwrap();
    let path = file.to_str().unwrap();
    let run = |args: &[&str]| {
        let out = support::bin()
            .args(args)
            .current_dir(&dir)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let admin = [
        "grants",
        "--admin",
        "ops@example.com",
        "--config",
        path,
        "--write",
    ];
    let (code, _, stderr) = run(&admin);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!("wrote {path} (backup: {path}.bak)")),
        "{stderr}"
    );
    let (code, _, stderr) = run(&admin);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "nothing written to {path}: the config already has these grants"
        )),
        "{stderr}"
    );
    let (code, stdout, _) = run(&[&admin[..], &["--format", "json"]].concat());
    assert_eq!(code, Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["write"]["written"], false);
    assert_eq!(
        json["changed"], false,
        "the tool's own fields are still there"
    );
    let (code, _, stderr) = run(&["migrate", path, "--write"]);
    assert_eq!(code, Some(0));
    assert!(
        stderr.contains("nothing written") && stderr.contains("nothing to migrate"),
        "{stderr}"
    );

    let written = std::fs::read_to_string(&file).unwrap();
    let (code, _, stderr) = run(&[
        "grants",
        "--admin",
        "a@example.com",
        "--target",
        "policy",
        "--config",
        path,
        "--write",
    ]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("--target policy") && stderr.contains("nothing was written"),
        "{stderr}"
    );
    for args in [
        &["provider", "openai", "--config", "-", "--write"][..],
        &["migrate", "-", "--write"][..],
    ] {
        let (code, _, stderr) = run(args);
        assert_eq!(code, Some(2), "{args:?}");
        assert!(
            stderr.contains("cannot write back to stdin"),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), written);
    let stray: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('-'))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}
