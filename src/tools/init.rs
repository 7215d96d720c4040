//! `init`: a minimal starting config that Aperture's save accepts: the provider generator's
//! new document (one provider from the catalog and an admin grant) with the admin named.

use schemars::JsonSchema;
use serde::Serialize;

use super::input::{ConfigInput, PathPolicy, ToolError};
use super::live_config::Daemon;
use super::provider::{NEW_DOCUMENT_NOTE, ProviderInput, generate_provider};
use crate::diagnostic::{Diagnostic, Severity};

/// What the starting config holds.
#[derive(Debug, Clone)]
pub struct InitInput {
    /// The provider (its `source` is ignored: the document is new).
    pub provider: ProviderInput,
    /// The login (or `group:`/`tag:` source) that administers the gateway.
    pub admin: String,
}

/// A new config and what to do next.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct InitOutput {
    pub config: String,
    /// Validation of `config` in save mode: no errors.
    pub diagnostics: Vec<Diagnostic>,
    pub notes: Vec<String>,
}

/// Build the starting config; fails when the result would not pass a save (a bug, or an
/// admin source the grants generator refuses).
pub fn init_config(input: &InitInput) -> Result<InitOutput, ToolError> {
    let provider = generate_provider(
        &ProviderInput {
            source: ConfigInput::default(),
            admin: Some(input.admin.clone()),
            ..input.provider.clone()
        },
        PathPolicy::Refused,
        &Daemon::Off,
    )?;
    if let Some(error) = provider
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
    {
        return Err(ToolError::BadArguments(format!(
            "the starting config would not save: {} {}: {}",
            error.code, error.path, error.message
        )));
    }
    // Only the notes that hold for the new file: the generator's advice for a printed document
    // does not apply to one that is being created, and the admin note is said below.
    let mut notes: Vec<String> = provider
        .notes
        .into_iter()
        .filter(|n| n != NEW_DOCUMENT_NOTE && !n.contains("is admin with every model"))
        .collect();
    notes.push(format!(
        "`{}` is admin with every model; add users with `grants --user 'SRC=GLOB'` and more providers with `provider KIND`, both with `--config FILE --write`",
        input.admin
    ));
    Ok(InitOutput {
        config: provider.config,
        diagnostics: provider.diagnostics,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str) -> InitInput {
        InitInput {
            provider: ProviderInput {
                kind: kind.into(),
                ..ProviderInput::default()
            },
            admin: "you@example.com".into(),
        }
    }

    #[test]
    fn every_provider_kind_the_generator_builds_starts_a_config_that_saves() {
        let mut started = 0;
        for kind in crate::catalog::providers::KINDS {
            let alone = generate_provider(
                &input(kind.kind).provider,
                PathPolicy::Refused,
                &Daemon::Off,
            );
            let Ok(out) = init_config(&input(kind.kind)) else {
                // Only a provider that needs more (a baseurl, models) may refuse.
                assert!(alone.is_err(), "{}", kind.kind);
                continue;
            };
            started += 1;
            assert!(out.config.contains("\"role\": \"admin\""), "{}", out.config);
            let check = crate::tools::validate::validate_bytes(
                out.config.as_bytes(),
                crate::tools::validate::Mode::Save,
            );
            assert!(check.valid);
        }
        assert!(started >= 8, "{started}");
    }

    #[test]
    fn an_unknown_kind_is_refused_with_the_kinds() {
        let err = init_config(&input("nope")).unwrap_err();
        assert!(err.to_string().contains("anthropic"), "{err}");
    }
}
