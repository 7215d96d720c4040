//! Installing the Claude Code skill: SKILL.md and the generated references, into the user's
//! or the project's skills directory, plus the MCP server entry.

use std::path::{Path, PathBuf};

use crate::config::edit::Editor;

/// The skill's files, embedded at build time so the binary alone can install them.
pub const FILES: &[(&str, &str)] = &[
    ("SKILL.md", include_str!("../SKILL.md")),
    (
        "reference/rules.md",
        include_str!("../skill/reference/rules.md"),
    ),
    (
        "reference/providers.md",
        include_str!("../skill/reference/providers.md"),
    ),
    (
        "reference/clients.md",
        include_str!("../skill/reference/clients.md"),
    ),
    (
        "reference/probes.md",
        include_str!("../skill/reference/probes.md"),
    ),
    (
        "reference/troubleshooting.md",
        include_str!("../skill/reference/troubleshooting.md"),
    ),
];

/// A file in the skill directory that marks it as ours (safe to overwrite on upgrade).
pub const MARKER: &str = ".installed-by-aperture-orchestrator";

/// Where and how to install.
#[derive(Debug, Clone)]
pub struct InstallOptions {
    /// The skill directory (`~/.claude/skills/aperture-orchestrator` or the project's).
    pub dir: PathBuf,
    /// For a project install: the project's `.mcp.json` to register the server in.
    pub project_mcp_json: Option<PathBuf>,
    /// The command that starts the server (this executable, or `aperture-orchestrator`).
    pub command: String,
    /// Overwrite a directory this tool did not create.
    pub force: bool,
}

impl InstallOptions {
    /// Install under the project (the current directory) or the user's home; `dir` overrides
    /// the skill directory. The server command is this executable.
    pub fn for_scope(
        project: bool,
        dir: Option<PathBuf>,
        force: bool,
    ) -> Result<InstallOptions, InstallError> {
        let base = if project {
            std::env::current_dir().map_err(|e| InstallError::NoBase(e.to_string()))?
        } else {
            std::env::var_os("HOME").map(PathBuf::from).ok_or_else(|| {
                InstallError::NoBase("HOME is not set; pass --dir or --project".into())
            })?
        };
        let command = std::env::current_exe().map_or_else(
            |_| "aperture-orchestrator".into(),
            |p| p.display().to_string(),
        );
        Ok(InstallOptions {
            dir: dir.unwrap_or_else(|| base.join(".claude/skills/aperture-orchestrator")),
            project_mcp_json: project.then(|| base.join(".mcp.json")),
            command,
            force,
        })
    }
}

/// What was done.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InstallReport {
    pub dir: String,
    pub files: Vec<String>,
    /// `.mcp.json` updated (project scope), if any.
    pub mcp_json: Option<String>,
    /// The command that registers the server (user scope), to run or show.
    pub register_command: Option<String>,
}

/// Why `skill install` did not install.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InstallError {
    /// No directory to install under (no current directory, or HOME unset).
    #[error("{0}")]
    NoBase(String),
    /// The target directory is someone else's.
    #[error(
        "refused: `{0}` exists and was not created by aperture-orchestrator; pass --force to overwrite it"
    )]
    ForeignDirectory(String),
    /// A file could not be read or written.
    #[error("cannot write `{path}`: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// `.mcp.json` could not be edited.
    #[error("{path}: {source}")]
    McpJson {
        path: String,
        #[source]
        source: crate::config::edit::EditError,
    },
}

pub fn install(options: &InstallOptions) -> Result<InstallReport, InstallError> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| InstallError::Io {
            path: path.clone(),
            source,
        }
    };
    let mcp_json_error = |path: &Path| {
        let path = path.display().to_string();
        move |source| InstallError::McpJson {
            path: path.clone(),
            source,
        }
    };
    if options.dir.exists() && !options.dir.join(MARKER).exists() && !options.force {
        return Err(InstallError::ForeignDirectory(
            options.dir.display().to_string(),
        ));
    }
    let mut files = Vec::new();
    for (name, content) in FILES {
        let path = options.dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&path, content).map_err(io(&path))?;
        files.push(path.display().to_string());
    }
    let marker = options.dir.join(MARKER);
    std::fs::write(&marker, format!("{}\n", env!("CARGO_PKG_VERSION"))).map_err(io(&marker))?;

    let entry = serde_json::json!({ "command": options.command, "args": ["serve"] });
    let (mcp_json, register_command) = match &options.project_mcp_json {
        Some(path) => {
            let read = path
                .exists()
                .then(|| std::fs::read_to_string(path).map_err(io(path)))
                .transpose()?;
            let text = read.as_deref().unwrap_or("{}\n");
            let mut editor = Editor::parse(text).map_err(mcp_json_error(path))?;
            let has_servers = crate::config::Document::parse(text)
                .is_ok_and(|d| d.root.get("mcpServers").is_some());
            let op = if has_servers {
                crate::diagnostic::PatchOp::add("/mcpServers/aperture-orchestrator", entry)
            } else {
                crate::diagnostic::PatchOp::add(
                    "/mcpServers",
                    serde_json::json!({ "aperture-orchestrator": entry }),
                )
            };
            editor.apply(&[op]).map_err(mcp_json_error(path))?;
            // Refused if the file changed since it was read: nobody's edit is lost.
            let options = crate::tools::write::WriteOptions {
                expected: read.as_deref().map(str::as_bytes),
                force: false,
            };
            crate::tools::write::write_config(
                &path.display().to_string(),
                &editor.text(),
                &options,
            )
            .map_err(|e| io(path)(std::io::Error::other(e)))?;
            (Some(path.display().to_string()), None)
        }
        None => (
            None,
            Some(format!(
                "claude mcp add --scope user aperture-orchestrator -- {} serve",
                options.command
            )),
        ),
    };
    Ok(InstallReport {
        dir: options.dir.display().to_string(),
        files,
        mcp_json,
        register_command,
    })
}

/// Compare the reference docs in `dir` with their renderings from the catalogs and, unless
/// `check_only`, rewrite the stale ones; returns the stale files.
pub fn sync_references(dir: &Path, check_only: bool) -> std::io::Result<Vec<String>> {
    let mut stale = Vec::new();
    for (name, rendered) in crate::reference::all() {
        let path = dir.join(name);
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        if on_disk == rendered {
            continue;
        }
        stale.push(path.display().to_string());
        if !check_only {
            std::fs::create_dir_all(dir)?;
            std::fs::write(&path, rendered)?;
        }
    }
    Ok(stale)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ao-skill-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn installs_refuses_foreign_dirs_and_merges_mcp_json() {
        let root = scratch("install");
        let dir = root.join("skills/aperture-orchestrator");
        let mcp = root.join(".mcp.json");
        std::fs::write(
            &mcp,
            "{\n  // ours\n  \"mcpServers\": { \"other\": { \"command\": \"x\" } },\n}\n",
        )
        .unwrap();
        let options = InstallOptions {
            dir: dir.clone(),
            project_mcp_json: Some(mcp.clone()),
            command: "aperture-orchestrator".into(),
            force: false,
        };
        let report = install(&options).unwrap();
        assert_eq!(report.files.len(), FILES.len());
        assert!(
            std::fs::read_to_string(dir.join("SKILL.md"))
                .unwrap()
                .starts_with("---\nname: aperture-orchestrator")
        );
        let merged = std::fs::read_to_string(&mcp).unwrap();
        assert!(
            merged.contains("// ours")
                && merged.contains("\"other\"")
                && merged.contains("\"aperture-orchestrator\""),
            "{merged}"
        );
        install(&options).expect("reinstalling over our own directory is allowed");

        let foreign = root.join("skills/foreign");
        std::fs::create_dir_all(&foreign).unwrap();
        let refused = install(&InstallOptions {
            dir: foreign.clone(),
            project_mcp_json: None,
            ..options.clone()
        })
        .unwrap_err();
        assert!(refused.to_string().contains("--force"));
        let forced = install(&InstallOptions {
            dir: foreign,
            project_mcp_json: None,
            force: true,
            ..options
        })
        .unwrap();
        assert!(
            forced
                .register_command
                .unwrap()
                .starts_with("claude mcp add")
        );
        std::fs::remove_dir_all(root).unwrap();
    }
}
