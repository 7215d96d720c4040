//! The base of a change made offline: `config pull --out FILE` records the version it read
//! (and the document as served) beside FILE, in a file that is never sent to the gateway, so
//! `config push FILE` can tell whether the gateway moved on since.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::api::{ConfigApi, LiveConfig};
use crate::tools::input::ToolError;
use crate::tools::write::create_owner_only;

/// What was read, recorded beside the pulled file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BaseRecord {
    pub url: String,
    pub api: ConfigApi,
    pub version: String,
    /// The document as served (keys as the gateway showed them).
    pub config: String,
    /// Hashes of the keys the last push wrote (never the keys), by provider.
    #[serde(default)]
    pub keys: BTreeMap<String, u64>,
}

impl BaseRecord {
    /// `FILE.base.json` beside `FILE`.
    pub fn path_for(file: &Path) -> PathBuf {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "config".into());
        file.with_file_name(format!("{name}.base.json"))
    }

    /// Record `live` as the base of `file` (owner-only: the legacy API serves real keys),
    /// with the hashes of keys known to be live.
    pub fn save(
        file: &Path,
        live: &LiveConfig,
        keys: BTreeMap<String, u64>,
    ) -> Result<PathBuf, ToolError> {
        let record = BaseRecord {
            url: live.url.clone(),
            api: live.api,
            version: live.version.clone(),
            config: live.config.clone(),
            keys,
        };
        let path = Self::path_for(file);
        let io = |source| ToolError::Write {
            path: path.display().to_string(),
            source,
        };
        let text = serde_json::to_string_pretty(&record).unwrap_or_default();
        let temp = path.with_file_name(format!(
            ".{}.tmp-{}",
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            std::process::id()
        ));
        let _ = std::fs::remove_file(&temp);
        let written = create_owner_only(&temp, text.as_bytes());
        if let Err(e) = written.and_then(|()| std::fs::rename(&temp, &path)) {
            let _ = std::fs::remove_file(&temp);
            return Err(io(e));
        }
        Ok(path)
    }

    /// The base recorded beside `file`, if any.
    pub fn load(file: &Path) -> Result<Option<BaseRecord>, ToolError> {
        let path = Self::path_for(file);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(ToolError::Io {
                    path: path.display().to_string(),
                    source,
                });
            }
        };
        serde_json::from_str(&text).map(Some).map_err(|e| {
            ToolError::BadArguments(format!(
                "{} is not a base record ({e}); delete it and pull again",
                path.display()
            ))
        })
    }
}
