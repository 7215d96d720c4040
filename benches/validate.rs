//! Benchmarks for `validate`: the docs' full example, and synthetic documents of
//! 500 providers / 2,000 grants and 5,000 providers / 20,000 grants (10x apart) to check
//! that time grows linearly. Target (issue 2): the large one under 100 ms, 10x input at
//! most 12x time. Also (issue 17) a minified one-line document with 4,000 duplicate
//! providers, validated and rendered for a terminal: it once printed 1.35 GB in 14 s.
//! Run with `cargo bench --bench validate`.
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write;
use std::hint::black_box;

use aperture_orchestrator::render::{Format, validation_report};
use aperture_orchestrator::tools::validate::{Mode, validate_bytes};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

// The same allocator as the binary, so the numbers are the product's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const FULL_EXAMPLE: &str =
    include_str!("../tests/fixtures/configs/valid/hooks-connectors-completed.hujson");

include!("support/synthetic.rs");

fn bench(c: &mut Criterion) {
    c.bench_function("validate/docs_full_example", |b| {
        b.iter(|| validate_bytes(black_box(FULL_EXAMPLE.as_bytes()), Mode::Save))
    });
    let mut group = c.benchmark_group("validate/synthetic");
    group.sample_size(10);
    for (providers, grants) in [(500, 2_000), (5_000, 20_000)] {
        let doc = synthetic(providers, grants);
        let check = validate_bytes(doc.as_bytes(), Mode::Load);
        assert_eq!(
            check.counts.error + check.counts.warning,
            0,
            "synthetic document must be clean: {:?}",
            &check.diagnostics[..check.diagnostics.len().min(3)]
        );
        group.throughput(Throughput::Bytes(doc.len() as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{providers}p_{grants}g")),
            &doc,
            |b, doc| b.iter(|| validate_bytes(black_box(doc.as_bytes()), Mode::Save)),
        );
    }
    group.finish();

    let provider = r#""p":{"baseurl":"https://api.example.com","models":["m"]}"#;
    let one_line = format!(
        r#"{{"providers":{{{}}},"grants":[{{"src":["*"],"app":{{"tailscale.com/cap/aperture":[{{"role":"admin"}},{{"models":"**"}}]}}}}]}}"#,
        vec![provider; 4_000].join(",")
    );
    let mut group = c.benchmark_group("validate/one_line");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(one_line.len() as u64));
    group.bench_function("4000_duplicate_providers_human", |b| {
        b.iter(|| {
            let out = validate_bytes(black_box(one_line.as_bytes()), Mode::Save);
            validation_report(&out, one_line.as_bytes(), "c.json", Format::Human).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
