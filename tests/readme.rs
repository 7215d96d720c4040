//! The README is true: every ```sh block runs (the built binary, against a copy of the shipped
//! examples) and no command in it fails to run; each ```text block after it is the output of
//! that block's last command (line by line, in order; a shown line ending in `...` matches a
//! real line that starts with the rest). A block that cannot run here (installs, network,
//! Claude Code) says so in a `<!-- not run: why -->` line above it. One server name throughout.

use crate::support;

use support::TempDir;

const README: &str = include_str!("../README.md");
const MARKER: &str = "<!-- not run:";

/// A fenced block: its info string, body, and the reason it is not run (when marked).
struct Block {
    info: String,
    body: String,
    not_run: Option<String>,
    line: usize,
    /// The `## ` heading above it: each section starts from a fresh copy of the examples.
    section: String,
}

fn blocks(markdown: &str) -> Vec<Block> {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(info) = lines[i].strip_prefix("```") else {
            i += 1;
            continue;
        };
        let not_run = lines[..i]
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .and_then(|l| l.trim().strip_prefix(MARKER))
            .map(|why| why.trim_end_matches("-->").trim().to_owned());
        let start = i + 1;
        let mut end = start;
        while end < lines.len() && !lines[end].starts_with("```") {
            end += 1;
        }
        let section = lines[..i]
            .iter()
            .rev()
            .find(|l| l.starts_with("## "))
            .map_or(String::new(), |l| (*l).to_owned());
        out.push(Block {
            info: info.trim().to_owned(),
            body: lines[start..end.min(lines.len())].join("\n"),
            not_run,
            line: i + 1,
            section,
        });
        i = end + 1;
    }
    out
}

/// The commands of a shell block: comments and blank lines dropped, `\` continuations joined.
fn commands(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in body.lines() {
        let line = line.trim();
        if current.is_empty() && (line.is_empty() || line.starts_with('#')) {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(head) => current.push_str(head),
            None => {
                current.push_str(line);
                out.push(std::mem::take(&mut current));
            }
        }
    }
    out
}

/// Each shown line appears in `actual`, in order.
fn shown_in(shown: &str, actual: &str) -> Result<(), String> {
    let mut real = actual.lines();
    for want in shown.lines() {
        let matches = |line: &str| match want.strip_suffix("...") {
            Some(prefix) => line.starts_with(prefix),
            None => line == want,
        };
        if !real.any(matches) {
            return Err(format!("not in the output (in this order): {want:?}"));
        }
    }
    Ok(())
}

fn workspace() -> TempDir {
    let dir = TempDir::new("readme");
    let examples = dir.join("examples");
    std::fs::create_dir_all(&examples).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(root.join("examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, examples.join(path.file_name().unwrap())).unwrap();
        }
    }
    dir
}

fn run(command: &str, dir: &std::path::Path) -> (Option<i32>, String) {
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_aperture-orchestrator"));
    let path = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("sh")
        .args(["-c", command])
        .current_dir(dir)
        .env("PATH", path)
        .env("HOME", dir)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

#[test]
fn every_command_block_runs_and_its_shown_output_is_real() {
    let mut dir = workspace();
    let mut section = String::new();
    let mut last: Option<(usize, String)> = None;
    let (mut ran, mut compared) = (0, 0);
    for block in blocks(README) {
        if block.section != section {
            section.clone_from(&block.section);
            dir = workspace();
        }
        if let Some(why) = &block.not_run {
            assert!(
                !why.is_empty(),
                "line {}: say why it is not run",
                block.line
            );
            last = None;
            continue;
        }
        match block.info.as_str() {
            "sh" => {
                last = None;
                for command in commands(&block.body) {
                    assert!(
                        command.starts_with("aperture-orchestrator "),
                        "line {}: a run block runs this tool only (or is marked): {command}",
                        block.line
                    );
                    let (code, output) = run(&command, &dir);
                    assert!(
                        matches!(code, Some(0 | 1)),
                        "line {}: `{command}` failed to run ({code:?}):\n{output}",
                        block.line
                    );
                    ran += 1;
                    last = Some((block.line, output));
                }
            }
            "text" => {
                let Some((line, output)) = last.take() else {
                    panic!(
                        "line {}: a text block follows the block it shows",
                        block.line
                    );
                };
                if let Err(e) = shown_in(&block.body, &output) {
                    panic!(
                        "line {}: the output shown is not what line {line}'s command prints: {e}\nreal output:\n{output}",
                        block.line
                    );
                }
                compared += 1;
            }
            other => panic!(
                "line {}: a ```{other} block is neither run (sh), shown output (text) nor marked",
                block.line
            ),
        }
    }
    assert!(ran >= 15 && compared >= 4, "ran {ran}, compared {compared}");
}

#[test]
fn one_server_name_and_a_development_entry_that_does_not_clash() {
    for line in README.lines().filter(|l| l.contains("claude mcp add ")) {
        assert!(
            line.contains("claude mcp add --scope user aperture-orchestrator --"),
            "{line}"
        );
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mcp: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join(".mcp.json")).unwrap()).unwrap();
    let servers = mcp["mcpServers"].as_object().unwrap();
    assert_eq!(
        servers.keys().collect::<Vec<_>>(),
        ["aperture-orchestrator-dev"],
        "the repository's entry runs `cargo run`: its own name, so it never clashes with the installed server"
    );
    assert!(
        README.contains("aperture-orchestrator-dev"),
        "the README explains it"
    );
}

#[test]
fn the_block_reader_sees_markers_and_continuations() {
    let md = "<!-- not run: network -->\n```sh\nx\n```\n\n```sh\na \\\n  b # c\n# d\n```\n";
    let found = blocks(md);
    assert_eq!(found[0].not_run.as_deref(), Some("network"));
    assert_eq!(found[1].not_run, None);
    assert_eq!(commands(&found[1].body), ["a b # c"]);
    assert!(shown_in("x...\nz", "xyz\ny\nz").is_ok());
    assert!(shown_in("z\nx...", "xyz\nz").is_err());
}

#[test]
fn the_rust_version_it_asks_for_is_the_one_cargo_enforces() {
    let manifest = include_str!("../Cargo.toml");
    let version = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = "))
        .map(|v| v.trim_matches('"'))
        .expect("Cargo.toml sets rust-version");
    assert!(
        README.contains(&format!("Needs Rust {version} or newer")),
        "the README's quick start must ask for Rust {version}"
    );
}
