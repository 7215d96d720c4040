//! placeholder
use super::{Context, Index};
pub fn check(_ctx: &mut Context, _index: &Index) {}
