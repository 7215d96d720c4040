//! Checks over a parsed document; each emits findings through a rule of the catalog.

pub mod catalog;
mod connectors;
mod context;
mod document;
pub use document::load_error_diagnostic;
mod grants;
mod hooks;
pub(crate) mod legacy;
pub(crate) mod providers;
pub(crate) mod quotas;
mod storage;
pub mod structure;

use crate::config::Document;
use crate::diagnostic::Diagnostic;
use context::{Context, Index};

/// Run every check on a parsed document, in load-mode severities.
pub fn check(doc: &Document) -> Vec<Diagnostic> {
    let mut ctx = Context::new(doc);
    let index = Index::build(&doc.root);
    document::check(&mut ctx, &index);
    providers::check(&mut ctx, &index);
    grants::check(&mut ctx, &index);
    legacy::check(&mut ctx, &index);
    quotas::check(&mut ctx, &index);
    hooks::check(&mut ctx, &index);
    connectors::check(&mut ctx, &index);
    storage::check(&mut ctx);
    structure::check(&mut ctx);
    ctx.into_diagnostics()
}
