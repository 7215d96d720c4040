//! Logging: `tracing` to stderr (stdout carries results, and JSON-RPC in stdio mode), every
//! line passed through the secret mask first, so even debug logs of whole requests do not
//! show an API key.

use std::io::Write;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// Start logging; `RUST_LOG` chooses the level (default `info`, rmcp at `warn`).
pub fn init() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,rmcp=warn")),
        )
        .with_writer(RedactingStderr)
        .with_ansi(false)
        .init();
}

/// Makes a [`RedactingLine`] per log event.
#[derive(Debug, Clone, Copy, Default)]
pub struct RedactingStderr;

impl<'a> MakeWriter<'a> for RedactingStderr {
    type Writer = RedactingLine;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingLine(Vec::new())
    }
}

/// One log event, collected and written to stderr masked when dropped.
#[derive(Debug)]
pub struct RedactingLine(Vec<u8>);

impl Write for RedactingLine {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for RedactingLine {
    fn drop(&mut self) {
        if self.0.is_empty() {
            return;
        }
        let masked = crate::redact::mask_text(&String::from_utf8_lossy(&self.0));
        // A log line that cannot be written has nowhere else to go.
        let _ = std::io::stderr().lock().write_all(masked.as_bytes());
    }
}
