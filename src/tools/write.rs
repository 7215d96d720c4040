//! Writing a config back to disk: keep a backup of the previous file and replace it atomically,
//! never through a symlink, never leaving half a file, never over an edit made since the file
//! was read, and never loosening who may read it.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// How long a write waits for another writer of the same file to finish.
const LOCK_ATTEMPTS: u32 = 500;
const LOCK_PAUSE: std::time::Duration = std::time::Duration::from_millis(20);

/// What the caller knows about the file it is replacing.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions<'a> {
    /// The bytes the new text was computed from. The write is refused when the file no longer
    /// holds exactly these (another writer or an editor saved it in between), so no edit is
    /// lost. `None`: replace whatever is there (the new text does not derive from it).
    pub expected: Option<&'a [u8]>,
    /// Replace a file that has no write permission (its mode is kept).
    pub force: bool,
}

/// What a write did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The previous file, kept next to the new one (none when there was no previous file).
    pub backup: Option<PathBuf>,
}

/// Why nothing was written (in every case the file and its backup are untouched).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    #[error(
        "{path} is a symlink (to {points_to}); refusing to replace it: pass the real file's path"
    )]
    Symlink { path: String, points_to: String },
    #[error(
        "{path} changed since it was read ({what}); nothing was written, so no edit is lost: run the command again to apply it to the current file"
    )]
    Conflict { path: String, what: &'static str },
    #[error(
        "{path} is locked by another writer of it (waited {waited_ms} ms); nothing was written: run the command again when that writer is done"
    )]
    Busy { path: String, waited_ms: u128 },
    #[error(
        "{path} is read-only (mode {mode:04o}); nothing was written: make it writable (`chmod u+w`), or pass --force to replace it (the new file keeps mode {mode:04o})"
    )]
    ReadOnly { path: String, mode: u32 },
    #[error(
        "{path} belongs to uid {uid}, gid {gid}, and the new file cannot be given that owner ({source}); nothing was written: run the command as that user (or as root)"
    )]
    Owner {
        path: String,
        uid: u32,
        gid: u32,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Write `text` to `path` with no knowledge of its current content (`config pull --out`,
/// `skill install`): see [`write_config`].
pub fn write_with_backup(path: &str, text: &str) -> std::io::Result<()> {
    write_config(path, text, &WriteOptions::default())
        .map(|_| ())
        .map_err(std::io::Error::other)
}

/// Write `text` to `path`: the old file is kept as `path.bak`, the new one is written to a
/// fresh temporary file in the same directory and renamed over the old one, so a crash (even
/// `kill -9`) leaves either the old or the new file, never half of one.
///
/// Under an exclusive advisory lock on the current file (held across the check, the backup
/// and the rename), the file must still hold `options.expected`: two concurrent writers never
/// both succeed from the same original, the later one gets [`WriteError::Conflict`]. The new
/// file and the backup get the original's owner (or the write is refused) and mode; the backup
/// is never readable beyond its owner when either document holds a key. Temporaries are
/// created owner-only (`0600`) and exclusively (`O_EXCL`, so a planted symlink cannot
/// redirect them); a planted `path.bak` symlink is replaced, not written through.
pub fn write_config(path: &str, text: &str, options: &WriteOptions) -> Result<Written, WriteError> {
    let target = Path::new(path);
    refuse_symlink(path, target)?;
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config".into());
    remove_stale_temporaries(dir, &name);
    let place = Place {
        path,
        target,
        dir,
        name: &name,
    };
    let Some(mut locked) = lock_current(&place)? else {
        return create_new(&place, text, options);
    };
    let io = |action| move |source| place.io(action, source);
    let mut current = Vec::new();
    locked.read_to_end(&mut current).map_err(io("read"))?;
    if options
        .expected
        .is_some_and(|expected| expected != current.as_slice())
    {
        return Err(WriteError::Conflict {
            path: path.to_owned(),
            what: "its content differs from what this command read",
        });
    }
    let meta = locked.metadata().map_err(io("inspect"))?;
    if meta.permissions().readonly() && !options.force {
        return Err(WriteError::ReadOnly {
            path: path.to_owned(),
            mode: mode_of(&meta),
        });
    }
    let secret = holds_secrets(&current) || holds_secrets(text.as_bytes());
    let backup_mode = if secret {
        mode_of(&meta) & 0o600
    } else {
        mode_of(&meta)
    };
    let backup_temp = place.temporary("bak", &current, &meta, backup_mode)?;
    let backup = target.with_file_name(format!("{name}.bak"));
    if let Err(e) = std::fs::rename(&backup_temp, &backup) {
        let _ = std::fs::remove_file(&backup_temp);
        return Err(place.io("keep the backup of", e));
    }
    let temp = place.temporary("tmp", text.as_bytes(), &meta, mode_of(&meta))?;
    if let Err(e) = std::fs::rename(&temp, target) {
        let _ = std::fs::remove_file(&temp);
        return Err(place.io("replace", e));
    }
    // The lock is released when `locked` closes, after the rename.
    drop(locked);
    Ok(Written {
        backup: Some(backup),
    })
}

/// The file being written and where its temporaries go.
#[derive(Clone, Copy)]
struct Place<'a> {
    path: &'a str,
    target: &'a Path,
    dir: &'a Path,
    name: &'a str,
}

impl Place<'_> {
    fn io(&self, action: &'static str, source: std::io::Error) -> WriteError {
        WriteError::Io {
            action,
            path: self.path.to_owned(),
            source,
        }
    }

    /// A synced temporary holding `bytes`, owned like `like` and with `mode`.
    fn temporary(
        &self,
        kind: &str,
        bytes: &[u8],
        like: &std::fs::Metadata,
        mode: u32,
    ) -> Result<PathBuf, WriteError> {
        let temp = write_temporary(self.dir, self.name, kind, bytes)
            .map_err(|e| self.io("write a temporary file next to", e))?;
        let finished = (|| {
            if let Err(source) = keep_owner(&temp, like) {
                return Err(WriteError::Owner {
                    path: self.path.to_owned(),
                    uid: owner_of(like).0,
                    gid: owner_of(like).1,
                    source,
                });
            }
            set_mode(&temp, mode)
                .map_err(|e| self.io("set the mode of a temporary file next to", e))
        })();
        if let Err(e) = finished {
            let _ = std::fs::remove_file(&temp);
            return Err(e);
        }
        Ok(temp)
    }
}

fn refuse_symlink(path: &str, target: &Path) -> Result<(), WriteError> {
    if std::fs::symlink_metadata(target).is_ok_and(|m| m.file_type().is_symlink()) {
        let points_to = std::fs::read_link(target)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| "?".into());
        return Err(WriteError::Symlink {
            path: path.to_owned(),
            points_to,
        });
    }
    Ok(())
}

/// The current file, open and exclusively locked; `None` when there is no file. A writer that
/// waited for the lock while the file was replaced holds the old, unlinked file: it locks the
/// new one instead (the check runs on what is at the path now).
fn lock_current(place: &Place) -> Result<Option<File>, WriteError> {
    // Bounded: a file replaced or locked on every attempt ends in `Busy`, not a spin.
    for _ in 0..LOCK_ATTEMPTS {
        let file = match File::open(place.target) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(place.io("open", e)),
        };
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                std::thread::sleep(LOCK_PAUSE);
                continue;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(place.io("lock", e)),
        }
        if is_current(&file, place.target) {
            return Ok(Some(file));
        }
    }
    Err(WriteError::Busy {
        path: place.path.to_owned(),
        waited_ms: LOCK_PAUSE.as_millis() * u128::from(LOCK_ATTEMPTS),
    })
}

/// No file yet: create it only if still absent (a hard link fails on an existing name), so a
/// file created meanwhile by another writer is not replaced.
fn create_new(place: &Place, text: &str, options: &WriteOptions) -> Result<Written, WriteError> {
    if options.expected.is_some() {
        return Err(WriteError::Conflict {
            path: place.path.to_owned(),
            what: "it was removed",
        });
    }
    let temp = write_temporary(place.dir, place.name, "tmp", text.as_bytes())
        .map_err(|e| place.io("write a temporary file next to", e))?;
    if !holds_secrets(text.as_bytes()) {
        // Owner-only is for keys; other files get the usual mode.
        let _ = set_mode(&temp, 0o644);
    }
    let linked = match std::fs::hard_link(&temp, place.target) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(WriteError::Conflict {
            path: place.path.to_owned(),
            what: "another writer created it",
        }),
        // A file system without hard links: the rename still never leaves half a file.
        Err(_) => std::fs::rename(&temp, place.target).map_err(|e| place.io("create", e)),
    };
    let _ = std::fs::remove_file(&temp);
    linked.map(|()| Written { backup: None })
}

/// Whether a document holds a credential: an `apikey` value or any secret-looking string.
/// A document that does not parse is assumed to hold one.
fn holds_secrets(bytes: &[u8]) -> bool {
    fn walk(value: &serde_json::Value) -> bool {
        match value {
            serde_json::Value::String(s) => crate::redact::looks_secret(s),
            serde_json::Value::Array(items) => items.iter().any(walk),
            serde_json::Value::Object(map) => map.iter().any(|(k, v)| {
                (k == "apikey" && v.as_str().is_some_and(|s| !s.is_empty())) || walk(v)
            }),
            _ => false,
        }
    }
    crate::config::Document::from_bytes(bytes).map_or(true, |doc| walk(&doc.root.to_json()))
}

#[cfg(unix)]
fn mode_of(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn mode_of(meta: &std::fs::Metadata) -> u32 {
    if meta.permissions().readonly() {
        0o444
    } else {
        0o644
    }
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    let mut permissions = std::fs::metadata(path)?.permissions();
    permissions.set_readonly(mode & 0o222 == 0);
    std::fs::set_permissions(path, permissions)
}

#[cfg(unix)]
fn owner_of(meta: &std::fs::Metadata) -> (u32, u32) {
    use std::os::unix::fs::MetadataExt;
    (meta.uid(), meta.gid())
}

#[cfg(not(unix))]
fn owner_of(_: &std::fs::Metadata) -> (u32, u32) {
    (0, 0)
}

/// Give `path` the owner of `like` when it differs (a root edit of a user's file, or a file
/// whose group is not the writer's default): an error when this process may not.
#[cfg(unix)]
fn keep_owner(path: &Path, like: &std::fs::Metadata) -> std::io::Result<()> {
    let (uid, gid) = owner_of(like);
    let now = owner_of(&std::fs::metadata(path)?);
    if now == (uid, gid) {
        return Ok(());
    }
    std::os::unix::fs::chown(path, Some(uid), Some(gid))
}

#[cfg(not(unix))]
fn keep_owner(_: &Path, _: &std::fs::Metadata) -> std::io::Result<()> {
    Ok(())
}

/// Whether the open `file` is still the one at `path` (not replaced since it was opened).
#[cfg(unix)]
fn is_current(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::symlink_metadata(path)) {
        (Ok(open), Ok(now)) => open.dev() == now.dev() && open.ino() == now.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_current(_: &File, _: &Path) -> bool {
    true
}

/// Distinguishes temporaries of threads of one process.
static TEMPORARY_SEQUENCE: AtomicU32 = AtomicU32::new(0);

/// `.NAME.KIND-PID.N`: a hidden owner-only temporary next to the target, created exclusively
/// and synced.
fn write_temporary(dir: &Path, name: &str, kind: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let sequence = TEMPORARY_SEQUENCE.fetch_add(1, Ordering::Relaxed);
    let temp = dir.join(format!(".{name}.{kind}-{}.{sequence}", std::process::id()));
    // A leftover from this very process id (a crashed earlier run that reused it) goes first.
    let _ = std::fs::remove_file(&temp);
    create_owner_only(&temp, bytes)?;
    Ok(temp)
}

/// Create `path` (never over an existing file: `AlreadyExists` then), readable by its owner
/// only, with `bytes`, synced; a file whose write fails is removed.
pub fn create_owner_only(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    let mut file = open.open(path)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if written.is_err() {
        let _ = std::fs::remove_file(path);
    }
    written
}

/// Remove `.NAME.tmp-PID[.N]` / `.NAME.bak-PID[.N]` files whose writer is gone (killed
/// mid-write).
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
            .and_then(|p| p.split('.').next())
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

    #[test]
    fn a_file_changed_since_it_was_read_is_not_replaced() {
        let dir = scratch("conflict");
        let file = dir.join("gw.hujson");
        std::fs::write(&file, "{}").unwrap();
        let options = WriteOptions {
            expected: Some(b"{\"old\": 1}"),
            force: false,
        };
        let err = write_config(file.to_str().unwrap(), "{\"new\": 1}", &options).unwrap_err();
        assert!(matches!(err, WriteError::Conflict { .. }), "{err}");
        assert!(err.to_string().contains("run the command again"), "{err}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "{}");
        assert!(!dir.join("gw.hujson.bak").exists());
        let options = WriteOptions {
            expected: Some(b"{}"),
            force: false,
        };
        let written = write_config(file.to_str().unwrap(), "{\"new\": 1}", &options).unwrap();
        assert_eq!(written.backup, Some(dir.join("gw.hujson.bak")));
        // Removed since it was read: a conflict too, nothing is created.
        std::fs::remove_file(&file).unwrap();
        let err = write_config(file.to_str().unwrap(), "{}", &options).unwrap_err();
        assert!(matches!(err, WriteError::Conflict { .. }), "{err}");
        assert!(!file.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn modes_are_kept_and_backups_of_keys_are_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch("modes");
        let file = dir.join("gw.hujson");
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let keyed = r#"{"providers": {"a": {"apikey": "sk-live-1"}}}"#;
        for (original, text, file_mode, backup_mode) in [
            (0o600, keyed, 0o600, 0o600),
            (0o640, keyed, 0o640, 0o600),
            (0o644, "{}", 0o644, 0o644),
            (0o400, "{}", 0o400, 0o400),
        ] {
            std::fs::write(&file, text).unwrap();
            set_mode(&file, original).unwrap();
            let options = WriteOptions {
                expected: None,
                force: original == 0o400,
            };
            write_config(file.to_str().unwrap(), text, &options).unwrap();
            assert_eq!(mode(&file), file_mode, "file of a {original:o} original");
            assert_eq!(
                mode(&dir.join("gw.hujson.bak")),
                backup_mode,
                "backup of a {original:o} original"
            );
            std::fs::remove_file(dir.join("gw.hujson.bak")).unwrap();
            set_mode(&file, 0o600).unwrap();
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn read_only_files_need_force() {
        let dir = scratch("readonly");
        let file = dir.join("gw.hujson");
        std::fs::write(&file, "{}").unwrap();
        set_mode(&file, 0o444).unwrap();
        let path = file.to_str().unwrap();
        let err = write_config(path, "{\"a\": 1}", &WriteOptions::default()).unwrap_err();
        assert!(
            matches!(err, WriteError::ReadOnly { mode: 0o444, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("--force"), "{err}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "{}");
        let force = WriteOptions {
            expected: Some(b"{}"),
            force: true,
        };
        write_config(path, "{\"a\": 1}", &force).unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "{\"a\": 1}");
        assert!(std::fs::metadata(&file).unwrap().permissions().readonly());
        set_mode(&file, 0o600).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_writer_waits_for_the_lock_and_then_sees_the_other_writers_change() {
        let dir = scratch("lock");
        let file = dir.join("gw.hujson");
        std::fs::write(&file, "{}").unwrap();
        // Another writer holds the lock while it changes the file.
        let holder = File::open(&file).unwrap();
        holder.lock().unwrap();
        let path = file.to_str().unwrap().to_owned();
        let writer = std::thread::spawn(move || {
            let options = WriteOptions {
                expected: Some(b"{}"),
                force: false,
            };
            write_config(&path, "{\"mine\": 1}", &options)
        });
        std::thread::sleep(std::time::Duration::from_millis(100));
        std::fs::write(&file, "{\"theirs\": 1}").unwrap();
        drop(holder);
        let err = writer.join().unwrap().unwrap_err();
        assert!(matches!(err, WriteError::Conflict { .. }), "{err}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "{\"theirs\": 1}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
