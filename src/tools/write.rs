//! Writing a config back to disk: keep a backup of the previous file and replace it atomically.

use std::io::Write;
use std::path::Path;

/// Write `text` to `path`: the old file is kept as `path.bak`, the new one is written to a
/// temporary file in the same directory and renamed over the old one, so a crash leaves
/// either the old or the new file, never half of one.
pub fn write_with_backup(path: &str, text: &str) -> std::io::Result<()> {
    let target = Path::new(path);
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config".into());
    if target.exists() {
        std::fs::copy(target, dir.join(format!("{name}.bak")))?;
    }
    let temp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        if let Ok(meta) = std::fs::metadata(target) {
            std::fs::set_permissions(&temp, meta.permissions())?;
        }
        std::fs::rename(&temp, target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}
