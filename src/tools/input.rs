//! Config input shared by every tool: `config` text or a `config_path`, and the errors of reading it.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::config::edit::EditError;
use crate::config::{LoadError, MAX_DOCUMENT_BYTES};
use crate::probe::target::TargetError;

/// Whether a tool may read local files named by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathPolicy {
    /// CLI and stdio MCP: the caller is the local user.
    Allowed,
    /// HTTP MCP without `--allow-paths`: a remote caller must not read the server's files.
    Refused,
}

/// A tool failure the caller can act on (bad arguments, unreadable or unparsable config, a
/// gateway that failed).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ToolError {
    /// The arguments are wrong: what, and how to fix it.
    #[error("{0}")]
    BadArguments(String),
    /// A named file could not be read.
    #[error(
        "cannot read config file `{path}`: {source}; check the path and its permissions, or pass the document as `config` text"
    )]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// A file (a backup, a written config) could not be written.
    #[error("cannot write `{path}`: {source}; check that the directory exists and is writable")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// `config_path` over HTTP without `--allow-paths`.
    #[error(
        "`config_path` is refused by this server (it serves HTTP without --allow-paths); pass the document text in `config` instead"
    )]
    PathsNotAllowed,
    /// The config does not parse (what and where; `validate_config` tells more).
    #[error("the config does not parse: {0}; run validate_config for details")]
    Config(#[from] LoadError),
    /// An edit could not be made to the config text.
    #[error(transparent)]
    Edit(#[from] EditError),
    /// A gateway URL that cannot be used.
    #[error(transparent)]
    Target(#[from] TargetError),
    /// A live gateway failed or answered something unusable (secrets masked).
    #[error("{0}")]
    Gateway(String),
}

/// A config given as text or as a local path (exactly one).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct ConfigInput {
    // Not doc comments: the server instructions describe both fields once for every tool.
    // The config text (HuJSON).
    #[serde(default)]
    pub config: Option<String>,
    // A local config file (HTTP servers need --allow-paths).
    #[serde(default)]
    pub config_path: Option<String>,
}

impl ConfigInput {
    pub fn text(config: impl Into<String>) -> Self {
        ConfigInput {
            config: Some(config.into()),
            config_path: None,
        }
    }

    /// The document text when one was given (generators merge into it; it is optional there),
    /// decoded exactly as validate decodes it.
    pub fn read_optional(&self, policy: PathPolicy) -> Result<Option<String>, ToolError> {
        if self.config.is_none() && self.config_path.is_none() {
            return Ok(None);
        }
        let bytes = self.read(policy)?;
        // The same decoding as validate's (size cap, UTF-8, byte order mark).
        Ok(Some(crate::config::document::decode(&bytes)?.to_owned()))
    }

    /// The document bytes when one was given.
    pub fn read_optional_bytes(&self, policy: PathPolicy) -> Result<Option<Vec<u8>>, ToolError> {
        if self.config.is_none() && self.config_path.is_none() {
            return Ok(None);
        }
        self.read(policy).map(Some)
    }

    /// The document bytes.
    pub fn read(&self, policy: PathPolicy) -> Result<Vec<u8>, ToolError> {
        match (&self.config, &self.config_path) {
            (Some(_), Some(_)) => Err(ToolError::BadArguments(
                "give either `config` (the document text) or `config_path` (a file), not both"
                    .into(),
            )),
            (Some(text), None) => Ok(text.as_bytes().to_vec()),
            (None, Some(path)) => {
                if policy == PathPolicy::Refused {
                    return Err(ToolError::PathsNotAllowed);
                }
                read_file(path)
            }
            (None, None) => Err(ToolError::BadArguments(
                "no config given: pass the document text in `config`, or a file in `config_path`"
                    .into(),
            )),
        }
    }
}

/// Read a file, refusing anything larger than a config can be (without reading it all).
pub fn read_file(path: &str) -> Result<Vec<u8>, ToolError> {
    use std::io::Read;
    let io = |source| ToolError::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    // Read one byte past the limit so an oversize file is detected without loading all of it.
    file.take(MAX_DOCUMENT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    Ok(bytes)
}

/// The value of the environment variable `name`, given in the input field `field`: the name
/// must be a variable name and the value set and non-empty. Never echoes the value.
pub fn env_secret(field: &str, name: &str) -> Result<String, ToolError> {
    let valid = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !valid {
        return Err(ToolError::BadArguments(format!(
            "`{field}` must name an environment variable such as OPENAI_API_KEY (got `{}`)",
            crate::redact::excerpt(name, 40)
        )));
    }
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => Ok(value),
        _ => Err(ToolError::BadArguments(format!(
            "the environment variable {name} (`{field}`) is not set or empty"
        ))),
    }
}

/// Longest URL accepted (gateway roots are short; browsers stop near this too).
pub const MAX_URL_CHARS: usize = 2048;
/// Longest name accepted (a model, a connector, an endpoint path): real ones are under 100.
pub const MAX_NAME_CHARS: usize = 256;

/// Refuse a value longer than `max` characters with what, how long, and how to fix it, so a
/// pasted megabyte costs one short error instead of work and output in proportion.
pub fn bounded(what: &str, value: &str, max: usize, hint: &str) -> Result<(), ToolError> {
    // Bytes bound characters from above: count only when the bytes exceed the limit.
    if value.len() <= max {
        return Ok(());
    }
    let chars = value.chars().count();
    if chars <= max {
        return Ok(());
    }
    Err(ToolError::BadArguments(format!(
        "{what} is {chars} characters long; at most {max} are accepted: {hint}"
    )))
}
