//! Embeds the symptom catalog: writes `$OUT_DIR/symptom_files.rs`, a slice of
//! `(file name, include_str!(file))` for every `data/symptoms/*.hujson`, sorted by name, so
//! adding a symptom is adding one file.

use std::fmt::Write as _;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new(&std::env::var("CARGO_MANIFEST_DIR")?).join("data/symptoms");
    // A directory here makes cargo rerun this script when a file is added, removed or changed.
    println!("cargo:rerun-if-changed=data/symptoms");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "hujson") {
            files.push(path);
        }
    }
    files.sort();
    let mut out = String::from("&[\n");
    for path in &files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| format!("{} is not a UTF-8 file name", path.display()))?;
        let full = path
            .to_str()
            .ok_or_else(|| format!("{} is not a UTF-8 path", path.display()))?;
        writeln!(out, "    ({name:?}, include_str!({full:?})),")?;
    }
    out.push_str("]\n");
    std::fs::write(
        Path::new(&std::env::var("OUT_DIR")?).join("symptom_files.rs"),
        out,
    )?;
    Ok(())
}
