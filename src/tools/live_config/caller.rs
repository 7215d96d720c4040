//! Who calls the gateway. The config API acts for the tailnet identity of the machine that
//! sends the request, so a change that moves the admin role must know that identity: given
//! (`as`), or read from the local Tailscale daemon (`tailscale status --json`).

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How long the local daemon gets to answer.
const DAEMON_TIMEOUT: Duration = Duration::from_secs(3);
/// More than any `status --json --peers=false` answer; the rest is not read.
const MAX_STATUS_BYTES: u64 = 1024 * 1024;

/// Where the caller's identity comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallerSource {
    /// Given in the request (`as`).
    Given,
    /// Read from the local Tailscale daemon.
    LocalDaemon,
    /// Not known: lockout checks cannot run for the caller.
    Unknown,
}

/// The identity the gateway sees for this tool's requests.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Caller {
    /// A login or `tag:a,tag:b` (tags sorted), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    pub source: CallerSource,
    /// Why it is unknown, or which daemon said so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// How to ask the local Tailscale daemon who this machine is.
#[derive(Debug, Clone)]
pub enum Daemon {
    /// Run this `tailscale` CLI.
    Cli(PathBuf),
    /// Do not ask (tests; a server that must not run programs).
    Off,
}

impl Daemon {
    /// The `tailscale` CLI on PATH, or the one `APERTURE_ORCHESTRATOR_TAILSCALE` names (empty:
    /// do not ask).
    pub fn from_env() -> Daemon {
        match std::env::var_os("APERTURE_ORCHESTRATOR_TAILSCALE") {
            Some(path) if path.is_empty() => Daemon::Off,
            Some(path) => Daemon::Cli(PathBuf::from(path)),
            None => Daemon::Cli(PathBuf::from("tailscale")),
        }
    }
}

/// The caller: `as` when given, otherwise what the local daemon reports.
pub fn resolve(as_identity: Option<&str>, daemon: &Daemon) -> Caller {
    if let Some(who) = as_identity.map(str::trim).filter(|w| !w.is_empty()) {
        return Caller {
            identity: Some(who.to_owned()),
            source: CallerSource::Given,
            detail: None,
        };
    }
    let Daemon::Cli(program) = daemon else {
        return unknown("the local Tailscale daemon was not asked".into());
    };
    match ask(program).and_then(|status| identity_of_status(&status)) {
        Ok(identity) => Caller {
            identity: Some(identity),
            source: CallerSource::LocalDaemon,
            detail: Some(format!("`{} status --json`", program.display())),
        },
        Err(why) => unknown(why),
    }
}

fn unknown(why: String) -> Caller {
    Caller {
        identity: None,
        source: CallerSource::Unknown,
        detail: Some(why),
    }
}

/// Run `tailscale status --json --peers=false` under a timeout; its parsed output.
fn ask(program: &std::path::Path) -> Result<Value, String> {
    let shown = program.display();
    let mut child = Command::new(program)
        .args(["status", "--json", "--peers=false"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("`{shown}` could not be run: not found"),
            _ => format!("`{shown}` could not be run ({e})"),
        })?;
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    // Read on a thread so a large answer cannot block the child while we wait for it.
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = (&mut stdout).take(MAX_STATUS_BYTES).read_to_end(&mut bytes);
        bytes
    });
    let deadline = Instant::now() + DAEMON_TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`{shown} status` did not answer within {} s",
                    DAEMON_TIMEOUT.as_secs()
                ));
            }
        }
    };
    let bytes = reader.join().unwrap_or_default();
    if !status.success() {
        return Err(format!(
            "`{shown} status` failed ({status}); is tailscaled running?"
        ));
    }
    serde_json::from_slice(&bytes).map_err(|e| format!("`{shown} status --json` is not JSON ({e})"))
}

/// The identity Aperture sees for this node: its tags sorted and comma-joined, or its user's
/// login name.
fn identity_of_status(status: &Value) -> Result<String, String> {
    let state = status["BackendState"].as_str().unwrap_or("");
    if !state.is_empty() && state != "Running" {
        return Err(format!("Tailscale is not running here (state {state})"));
    }
    let me = &status["Self"];
    let tags: Vec<&str> = me["Tags"]
        .as_array()
        .map(|t| t.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    // The identity Aperture matches `src` against: the tags in their canonical order.
    if let Some(name) = crate::access::canonical_tags(&tags.join(",")) {
        return Ok(name);
    }
    let user = me["UserID"]
        .as_u64()
        .map(|id| id.to_string())
        .ok_or("`tailscale status` names no user for this node")?;
    status["User"][&user]["LoginName"]
        .as_str()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| format!("`tailscale status` has no login name for user {user}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_identity_is_the_sorted_tags_or_the_login() {
        let tagged = json!({"BackendState": "Running", "Self": {"UserID": 1, "Tags": ["tag:web", "tag:ci"]}});
        assert_eq!(identity_of_status(&tagged).unwrap(), "tag:ci,tag:web");
        let user =
            json!({"Self": {"UserID": 7}, "User": {"7": {"LoginName": "alice@example.com"}}});
        assert_eq!(identity_of_status(&user).unwrap(), "alice@example.com");
        let stopped = json!({"BackendState": "Stopped", "Self": {}});
        assert!(
            identity_of_status(&stopped)
                .unwrap_err()
                .contains("Stopped")
        );
    }

    #[test]
    fn a_missing_cli_leaves_the_caller_unknown_and_as_wins() {
        let missing = Daemon::Cli(PathBuf::from("/nonexistent/tailscale"));
        let caller = resolve(None, &missing);
        assert_eq!(caller.source, CallerSource::Unknown);
        assert!(caller.detail.unwrap().contains("could not be run"));
        let given = resolve(Some("bob@example.com"), &missing);
        assert_eq!(given.identity.as_deref(), Some("bob@example.com"));
    }
}
