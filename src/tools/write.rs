//! Writing a config back to disk: keep a backup of the previous file and replace it atomically,
//! never through a symlink and never leaving half a file.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Write `text` to `path`: the old file is kept as `path.bak`, the new one is written to a
/// fresh temporary file in the same directory and renamed over the old one, so a crash (even
/// `kill -9`) leaves either the old or the new file, never half of one.
///
/// Refuses a `path` that is a symlink (the write would replace the link, not its target; pass
/// the real path). The temporary file is created exclusively (`O_EXCL`, so a planted symlink
/// cannot redirect it) and the backup is renamed into place (a planted `path.bak` symlink is
/// replaced, not written through). Temporary files left by killed writers are removed.
pub fn write_with_backup(path: &str, text: &str) -> std::io::Result<()> {
    let target = Path::new(path);
    if std::fs::symlink_metadata(target).is_ok_and(|m| m.file_type().is_symlink()) {
        let points_to = std::fs::read_link(target)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| "?".into());
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "{path} is a symlink (to {points_to}); refusing to replace it: pass the real file's path"
            ),
        ));
    }
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config".into());
    remove_stale_temporaries(dir, &name);
    if target.exists() {
        let backup_temp = write_temporary(dir, &name, "bak", &std::fs::read(target)?)?;
        if let Err(e) = std::fs::rename(&backup_temp, dir.join(format!("{name}.bak"))) {
            let _ = std::fs::remove_file(&backup_temp);
            return Err(e);
        }
    }
    let temp = write_temporary(dir, &name, "tmp", text.as_bytes())?;
    let result = (|| {
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

/// `.NAME.KIND-PID`: a hidden temporary next to the target, created exclusively and synced.
fn write_temporary(dir: &Path, name: &str, kind: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let temp = dir.join(format!(".{name}.{kind}-{}", std::process::id()));
    // A leftover from this very process id (a crashed earlier run that reused it) goes first.
    let _ = std::fs::remove_file(&temp);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    Ok(temp)
}

/// Remove `.NAME.tmp-PID` / `.NAME.bak-PID` files whose writer is gone (killed mid-write).
fn remove_stale_temporaries(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let Some(pid) = rest
            .strip_prefix("tmp-")
            .or_else(|| rest.strip_prefix("bak-"))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether a process with this id exists (Linux: `/proc/PID`; elsewhere assume it does, so
/// nothing that might be in use is removed).
fn process_alive(pid: u32) -> bool {
    if Path::new("/proc/self").exists() {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("aperture-write-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn writes_keep_a_backup_and_leave_no_temporaries() {
        let dir = scratch("plain");
        let file = dir.join("gw.hujson");
        std::fs::write(&file, "old").unwrap();
        // A temporary left by a killed writer (pid 0 is never a user process).
        std::fs::write(dir.join(".gw.hujson.tmp-0"), "half").unwrap();
        write_with_backup(file.to_str().unwrap(), "new").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "new");
        assert_eq!(
            std::fs::read_to_string(dir.join("gw.hujson.bak")).unwrap(),
            "old"
        );
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_not_written_through() {
        let dir = scratch("links");
        let elsewhere = dir.join("elsewhere.txt");
        std::fs::write(&elsewhere, "precious").unwrap();
        // The config itself is a symlink: refused.
        let link = dir.join("gw.hujson");
        std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
        let err = write_with_backup(link.to_str().unwrap(), "new").unwrap_err();
        assert!(err.to_string().contains("symlink"), "{err}");
        assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "precious");
        // A planted backup symlink is replaced, not followed.
        std::fs::remove_file(&link).unwrap();
        std::fs::write(&link, "old").unwrap();
        std::os::unix::fs::symlink(&elsewhere, dir.join("gw.hujson.bak")).unwrap();
        write_with_backup(link.to_str().unwrap(), "new").unwrap();
        assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "precious");
        assert_eq!(
            std::fs::read_to_string(dir.join("gw.hujson.bak")).unwrap(),
            "old"
        );
        assert_eq!(std::fs::read_to_string(&link).unwrap(), "new");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
