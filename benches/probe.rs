//! Benchmarks for `test_endpoint` (issue 6 targets): probing ten gateways concurrently takes
//! about as long as the slowest one alone, and a timeout of T ms returns within T + 100 ms.
//! The gateways are the fake Aperture from `tests/support` on loopback, each answering after a
//! fixed delay. Run with `cargo bench --bench probe`.
// Test and benchmark code: a panic is a failed run, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/fake_aperture.rs"]
mod fake_aperture;

use std::time::{Duration, Instant};

use aperture_orchestrator::tools::PathPolicy;
use aperture_orchestrator::tools::test_endpoint::{TestInput, test_endpoint};
use criterion::{Criterion, criterion_group, criterion_main};
use fake_aperture::{FakeAperture, Spec};

fn input(url: String, timeout_ms: u64) -> TestInput {
    TestInput {
        url,
        model: Some("gpt-5".into()),
        timeout_ms: Some(timeout_ms),
        ..TestInput::default()
    }
}

async fn probe(url: String, timeout_ms: u64) {
    let out = test_endpoint(&input(url, timeout_ms), PathPolicy::Allowed)
        .await
        .expect("valid input");
    std::hint::black_box(out);
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // Ten gateways answering after 10, 20, ..., 100 ms.
    let fakes: Vec<FakeAperture> = runtime.block_on(async {
        let mut fakes = Vec::new();
        for i in 1..=10u64 {
            fakes.push(
                FakeAperture::start(Spec {
                    delay: Duration::from_millis(10 * i),
                    ..Spec::default()
                })
                .await,
            );
        }
        fakes
    });
    let urls: Vec<String> = fakes.iter().map(FakeAperture::url).collect();
    let slowest = urls.last().cloned().expect("ten gateways");
    // Warm the shared client (TLS roots, pools) outside the measurements.
    runtime.block_on(probe(slowest.clone(), 5_000));

    let mut group = c.benchmark_group("test_endpoint");
    group.sample_size(20);
    group.bench_function("slowest gateway alone (100 ms)", |b| {
        b.iter(|| runtime.block_on(probe(slowest.clone(), 5_000)));
    });
    group.bench_function("ten gateways concurrently (10..100 ms)", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let mut set = tokio::task::JoinSet::new();
                for url in &urls {
                    set.spawn(probe(url.clone(), 5_000));
                }
                while set.join_next().await.is_some() {}
            })
        });
    });
    group.finish();

    // The timeout bound: a gateway that answers after 5 s, probed with T = 200 ms and 1000 ms.
    let stuck = runtime.block_on(FakeAperture::start(Spec {
        delay: Duration::from_secs(5),
        ..Spec::default()
    }));
    for t in [200u64, 1_000] {
        let mut worst = Duration::ZERO;
        for _ in 0..10 {
            let start = Instant::now();
            runtime.block_on(probe(stuck.url(), t));
            worst = worst.max(start.elapsed());
        }
        let bound = Duration::from_millis(t + 100);
        eprintln!(
            "timeout T = {t} ms: slowest of 10 runs returned after {:.1} ms (bound T + 100 = {} ms): {}",
            worst.as_secs_f64() * 1e3,
            t + 100,
            if worst <= bound { "within" } else { "OVER" }
        );
    }
    drop(fakes);
}

criterion_group!(benches, bench);
criterion_main!(benches);
