//! The Aperture config core: source text with positions, the positioned tree, and the typed model.

pub mod document;
pub mod edit;
pub mod meaning;
pub mod model;
pub mod pointer;
pub mod tree;

pub use document::{
    Document, LineIndex, LoadError, LoadErrorKind, MAX_DOCUMENT_BYTES, MAX_NESTING_DEPTH,
};
pub use tree::{Member, Node, Span, Value};
