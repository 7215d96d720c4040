//! A `skill install` result as text for a terminal: where the skill went and how the MCP
//! server is (or can be) registered.

use crate::skill::InstallReport;

pub fn install_report(report: &InstallReport) -> String {
    let mut text = format!(
        "installed the skill in {} ({} files)\n",
        report.dir,
        report.files.len()
    );
    if let Some(path) = &report.mcp_json {
        text.push_str(&format!(
            "registered the MCP server in {path} (a backup is kept as {path}.bak when it existed)\n"
        ));
    }
    if let Some(command) = &report.register_command {
        text.push_str(&format!("register the MCP server with:\n  {command}\n"));
    }
    text
}
