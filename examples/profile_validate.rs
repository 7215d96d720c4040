//! Times the phases of `validate` on synthetic documents (best of several runs, so a busy
//! machine disturbs it less). Run with: cargo run --release --example profile_validate -- 5000 20000
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::fmt::Write;
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

include!("../benches/support/synthetic.rs");

fn best(runs: usize, mut f: impl FnMut() -> Duration) -> Duration {
    (0..runs).map(|_| f()).min().unwrap_or_default()
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (providers, grants) = (
        args.first().copied().unwrap_or(5000),
        args.get(1).copied().unwrap_or(20000),
    );
    let text = synthetic(providers, grants);
    let parse = best(7, || {
        let t = Instant::now();
        let doc = aperture_orchestrator::config::Document::parse(&text).expect("parses");
        let e = t.elapsed();
        drop(doc);
        e
    });
    let doc = aperture_orchestrator::config::Document::parse(&text).expect("parses");
    let rules = best(7, || {
        let t = Instant::now();
        let d = aperture_orchestrator::rules::check(&doc);
        let e = t.elapsed();
        drop(d);
        e
    });
    drop(doc);
    let drop_doc = best(7, || {
        let doc = aperture_orchestrator::config::Document::parse(&text).expect("parses");
        let t = Instant::now();
        drop(doc);
        t.elapsed()
    });
    let full = best(7, || {
        let t = Instant::now();
        let out = aperture_orchestrator::tools::validate::validate_bytes(
            text.as_bytes(),
            aperture_orchestrator::tools::validate::Mode::Save,
        );
        drop(out);
        t.elapsed()
    });
    eprintln!(
        "{} bytes: parse {parse:?}, rules {rules:?}, drop {drop_doc:?}, validate_bytes end to end {full:?}",
        text.len()
    );
}
