//! Times the phases of `validate` on synthetic documents (best of several runs, so a busy
//! machine disturbs it less). Run with: cargo run --release --example profile_validate -- 5000 20000
use std::fmt::Write;
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

include!("../benches/support/synthetic.rs");

fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..runs {
        let t = Instant::now();
        let value = f();
        best = best.min(t.elapsed());
        out = Some(value);
    }
    (best, out.expect("at least one run"))
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
    let (load, doc) = best(7, || {
        aperture_orchestrator::config::Document::parse(&text).expect("synthetic parses")
    });
    let (rules, diagnostics) = best(7, || aperture_orchestrator::rules::check(&doc));
    eprintln!(
        "{} bytes: Document::parse {load:?}, rules {rules:?}, {} diagnostics",
        text.len(),
        diagnostics.len()
    );
}
