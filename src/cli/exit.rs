//! The command line's documented exit statuses.

use std::process::ExitCode;

/// The documented exit statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    Success = 0,
    Findings = 1,
    Error = 2,
}

impl ExitStatus {
    /// Success when the result is clean, findings otherwise.
    pub(super) fn clean_if(clean: bool) -> Self {
        if clean { Self::Success } else { Self::Findings }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        ExitCode::from(status as u8)
    }
}
