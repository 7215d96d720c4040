//! Benchmarks for `validate`: the docs' full example, and synthetic documents of
//! 500 providers / 2,000 grants and 5,000 providers / 20,000 grants (10x apart) to check
//! that time grows linearly. Target (issue 2): the large one under 100 ms, 10x input at
//! most 12x time. Run with `cargo bench --bench validate`.

use std::fmt::Write;
use std::hint::black_box;

use aperture_orchestrator::tools::validate::{Mode, validate_bytes};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

const FULL_EXAMPLE: &str =
    include_str!("../tests/fixtures/configs/valid/hooks-connectors-completed.hujson");

/// A realistic large config: varied providers, per-user grants with quotas and hooks.
fn synthetic(providers: usize, grants: usize) -> String {
    let mut s = String::with_capacity(grants * 220 + providers * 260);
    s.push_str("{\n  // synthetic benchmark document\n  \"providers\": {\n");
    for i in 0..providers {
        let _ = write!(
            s,
            "    \"p{i}\": {{ \"baseurl\": \"https://api{i}.example.com\", \"apikey\": \"sk-{i:08}\", \"models\": [\"model-{i}-a\", \"model-{i}-b\"], \"compatibility\": {{ \"openai_chat\": true, \"openai_responses\": {} }}, \"cost_basis\": \"openai\" }},\n",
            i % 2 == 0
        );
    }
    s.push_str("  },\n  \"quotas\": { \"daily:<user>\": { \"capacity\": \"$10.00\", \"rate\": \"$5.00/day\", \"on_exceed\": \"reject\" } },\n");
    s.push_str("  \"hooks\": { \"audit\": { \"url\": \"https://audit.example.ts.net/hook\", \"timeout\": \"5s\" } },\n");
    s.push_str("  \"grants\": [\n    { \"src\": [\"ops@example.com\"], \"app\": { \"tailscale.com/cap/aperture\": [ { \"role\": \"admin\" } ] } },\n");
    for j in 0..grants {
        let _ = write!(
            s,
            "    {{ \"src\": [\"user{j}@example.com\", \"tag:ci-{j},tag:prod\"], \"app\": {{ \"tailscale.com/cap/aperture\": [ {{ \"role\": \"user\" }}, {{ \"models\": \"p{}/**\", \"quotas\": [ {{ \"bucket\": \"daily:<user>\" }} ] }}, {{ \"send_hooks\": [ {{ \"name\": \"audit\", \"events\": [\"entire_request\"], \"send\": [\"request_body\"] }} ] }} ] }} }},\n",
            j % providers.max(1)
        );
    }
    s.push_str("  ],\n}\n");
    s
}

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
}

criterion_group!(benches, bench);
criterion_main!(benches);
