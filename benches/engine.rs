//! Micro-benchmarks: the prefilter on token-free text, the confirm stage on text where
//! every line is a candidate, and report writing.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use leakhound::engine::Engine;
use leakhound::report::{self, Format, RenderOptions};
use leakhound::rules::RuleSet;
use leakhound::scan::{Progress, ScanConfig, Target};

fn sparse_text() -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..20_000u32 {
        out.extend_from_slice(
            format!(
                "203.0.113.{} - - [02/Nov/2026:10:{:02}:01 +0000] \"GET /products/{i}?page=2 HTTP/1.1\" 200 {} \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\" \"_ga=GA1.2.{}.1700000000\"\n",
                i % 250,
                i % 60,
                i * 7 % 9999,
                i * 7919
            )
            .as_bytes(),
        );
    }
    out
}

fn dense_text() -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..20_000u64 {
        let a = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let b = (i + 1).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
        out.extend_from_slice(
            format!(
                "10.0.0.{} - - \"GET /account HTTP/1.1\" 200 512 \"Cookie: _ga=GA1.2.{i}.1700000000; JSESSIONID={a:016X}{b:016X}\"\n",
                i % 250
            )
            .as_bytes(),
        );
    }
    out
}

fn scan_bytes(engine: &Engine, text: &[u8]) -> usize {
    let mut scratch = engine.scratch();
    let mask = engine.mask_for_path("bench.log");
    let mut n = 0;
    engine.scan(text, 0..text.len(), 0, &mask, &mut scratch, &mut |w| {
        n += w.matches.len()
    });
    n
}

fn engine_benches(c: &mut Criterion) {
    let engine = Engine::new(RuleSet::builtin().expect("rules")).expect("engine");
    let sparse = sparse_text();
    let dense = dense_text();
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Bytes(sparse.len() as u64));
    group.bench_function("prefilter_sparse", |b| {
        b.iter(|| scan_bytes(&engine, black_box(&sparse)))
    });
    group.throughput(Throughput::Bytes(dense.len() as u64));
    group.bench_function("confirm_dense", |b| {
        b.iter(|| scan_bytes(&engine, black_box(&dense)))
    });
    group.finish();
}

fn report_benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("dense.log"), dense_text()).expect("write");
    let engine = Engine::new(RuleSet::builtin().expect("rules")).expect("engine");
    let config = ScanConfig {
        targets: vec![Target::Path(dir.path().to_path_buf())],
        ..ScanConfig::default()
    };
    let report = leakhound::scan::run(&engine, &config, &Progress::default()).expect("scan");
    let mut group = c.benchmark_group("report");
    for (name, format) in [
        ("json", Format::Json),
        ("sarif", Format::Sarif),
        ("human", Format::Human),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut out = Vec::with_capacity(1 << 20);
                report::render(
                    &report,
                    engine.rules(),
                    format,
                    RenderOptions::default(),
                    &mut out,
                )
                .expect("render");
                out.len()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, engine_benches, report_benches);
criterion_main!(benches);
