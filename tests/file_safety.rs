//! `--write` never leaves a half-written config: the process is killed (SIGKILL) at many
//! points of a write, and every time the file is either the old or the new document whole.
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
