//! placeholder
use super::Context;
pub fn check(_ctx: &mut Context) {}
