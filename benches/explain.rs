//! Benchmarks for `explain_access` (issue 5 targets): one explanation against a config with
//! 100,000 grants (under 50 ms), and the access matrix for 1,000 sources x 1,000 models
//! (under 2 s). Run with `cargo bench --bench explain`.
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write;
use std::hint::black_box;

use aperture_orchestrator::access::{self, Identity};
use aperture_orchestrator::config::Document;
use criterion::{Criterion, criterion_group, criterion_main};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `grants` per-user grants over `providers` providers of `models_each` models each.
fn config(providers: usize, models_each: usize, grants: usize) -> String {
    config_with(providers, models_each, grants, |g| {
        format!("p{}/*", g % providers)
    })
}

/// As [`config`], with grant `g`'s `models` pattern chosen by `pattern(g)`.
fn config_with(
    providers: usize,
    models_each: usize,
    grants: usize,
    pattern: impl Fn(usize) -> String,
) -> String {
    let mut s = String::from("{\"providers\": {");
    for p in 0..providers {
        let models: Vec<String> = (0..models_each).map(|m| format!("\"m{p}-{m}\"")).collect();
        let _ = write!(
            s,
            "{}\"p{p}\": {{\"baseurl\": \"https://p{p}.example.com\", \"models\": [{}]}}",
            if p > 0 { "," } else { "" },
            models.join(",")
        );
    }
    s.push_str("}, \"grants\": [{\"src\": [\"*\"], \"app\": {\"tailscale.com/cap/aperture\": [{\"role\": \"user\"}]}}");
    for g in 0..grants {
        let _ = write!(
            s,
            ",{{\"src\": [\"user{g}@example.com\"], \"app\": {{\"tailscale.com/cap/aperture\": [{{\"models\": \"{}\"}}]}}}}",
            pattern(g)
        );
    }
    s.push_str("]}");
    s
}

fn bench(c: &mut Criterion) {
    let big = Document::parse(&config(100, 10, 100_000)).expect("synthetic config parses");
    let grants = access::grants(&big.root);
    let who = Identity {
        login: Some("user4242@example.com".into()),
        ..Default::default()
    };
    let check = aperture_orchestrator::explain::explain(
        &big.root,
        &grants,
        &who,
        "m42-3",
        Some("/v1/chat/completions"),
    );
    assert_eq!(check.expected_status, 200, "{:?}", check.steps);
    c.bench_function("explain/one_request_100k_grants", |b| {
        b.iter(|| {
            aperture_orchestrator::explain::explain(
                black_box(&big.root),
                &grants,
                &who,
                "m42-3",
                Some("/v1/chat/completions"),
            )
        })
    });

    let wide = Document::parse(&config(100, 10, 999)).expect("synthetic config parses");
    let wide_grants = access::grants(&wide.root);
    let matrix = aperture_orchestrator::explain::matrix(&wide.root, &wide_grants);
    assert_eq!((matrix.rows.len(), matrix.models.len()), (1000, 1000));
    let mut group = c.benchmark_group("explain/matrix");
    group.sample_size(10);
    group.bench_function("1000_sources_x_1000_models", |b| {
        b.iter(|| aperture_orchestrator::explain::matrix(black_box(&wide.root), &wide_grants))
    });
    // Every identity with a pattern of its own: 999 distinct patterns over 1,000 models
    // (issue 17: the matrix was cubic; the target stays under 2 s).
    let distinct = Document::parse(&config_with(100, 10, 999, |g| {
        format!("p{}/m{}-{}*", g % 100, g % 100, g / 100)
    }))
    .expect("synthetic config parses");
    let distinct_grants = access::grants(&distinct.root);
    group.bench_function("1000_sources_x_1000_models_distinct_patterns", |b| {
        b.iter(|| {
            aperture_orchestrator::explain::matrix(black_box(&distinct.root), &distinct_grants)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
