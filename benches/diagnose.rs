//! Benchmarks for `diagnose_symptom` (issue 7 target): one diagnosis without probes under
//! 5 ms. Measured cold-free (the matcher's index is built once per process, on first use) for
//! free text alone, free text with status and error text, and with a config to check.
//! Run with `cargo bench --bench diagnose`.
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use aperture_orchestrator::tools::PathPolicy;
use aperture_orchestrator::tools::diagnose::{DiagnoseInput, diagnose_with};
use criterion::{Criterion, criterion_group, criterion_main};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench(c: &mut Criterion) {
    let text_only = DiagnoseInput {
        symptom:
            "my k8s agents get 403 forbiden but my laptop works fine, we added tag:ci to the grant"
                .into(),
        ..DiagnoseInput::default()
    };
    let with_error = DiagnoseInput {
        symptom: "claude code errors out since this morning".into(),
        http_status: Some(429),
        error_text: Some(
            r#"{"type":"error","error":{"type":"rate_limit_error","message":"quota exceeded"}}"#
                .into(),
        ),
        ..DiagnoseInput::default()
    };
    let with_config = DiagnoseInput {
        symptom: "Claude Code says 405 on every request".into(),
        source: aperture_orchestrator::tools::ConfigInput::text(include_str!(
            "../examples/old-guide.hujson"
        )),
        ..DiagnoseInput::default()
    };
    // Build the matcher's index outside the measurements, and report its one-off cost.
    let start = std::time::Instant::now();
    black_box(diagnose_with(&text_only, PathPolicy::Allowed, None).expect("valid input"));
    eprintln!(
        "first diagnosis in the process (builds the index): {:.2} ms",
        start.elapsed().as_secs_f64() * 1e3
    );

    let mut group = c.benchmark_group("diagnose");
    group.bench_function("free text", |b| {
        b.iter(|| diagnose_with(black_box(&text_only), PathPolicy::Allowed, None))
    });
    group.bench_function("status and error text", |b| {
        b.iter(|| diagnose_with(black_box(&with_error), PathPolicy::Allowed, None))
    });
    group.bench_function("with a config to check", |b| {
        b.iter(|| diagnose_with(black_box(&with_config), PathPolicy::Allowed, None))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
