//! Criterion benches of the local kernels and of the simulator itself.
//!
//! `cargo bench --bench kernels`. Figures are printed by criterion; no test asserts a time.

use criterion::{Criterion, criterion_group, criterion_main};
use secp_tuning::engine::{Cost, Ctx, CtxConfig, Exec};
use secp_tuning::proto::{matmul_aa, mul_aa};
use secp_tuning::ring::Shape;
use secp_tuning::ring::matmul::gemm_wrapping;
use std::hint::black_box;

fn gemm(c: &mut Criterion) {
    let (m, k, p) = (256, 1024, 1024);
    let a: Vec<u64> = (0..m * k).map(|i| i as u64 * 0x9E37_79B9).collect();
    let b: Vec<u64> = (0..k * p).map(|i| i as u64 ^ 0x5555).collect();
    let mut out = vec![0u64; m * p];
    c.bench_function("gemm_u64_256x1024x1024", |bch| {
        bch.iter(|| gemm_wrapping(m, k, p, black_box(&a), black_box(&b), &mut out))
    });
}

fn beaver(c: &mut Criterion) {
    let mut g = c.benchmark_group("beaver");
    g.sample_size(10);
    g.bench_function("exec_matmul_128x768x768", |bch| {
        bch.iter(|| {
            let mut ctx = Ctx::<Exec>::new(CtxConfig::default());
            let x = ctx.share_f64(Shape::from([128, 768]), |i| (i % 17) as f64 / 17.0);
            let w = ctx.share_f64(Shape::from([768, 768]), |i| (i % 13) as f64 / 13.0);
            black_box(matmul_aa(&mut ctx, &x, &w));
        })
    });
    g.bench_function("exec_mul_1e6", |bch| {
        bch.iter(|| {
            let mut ctx = Ctx::<Exec>::new(CtxConfig::default());
            let x = ctx.share_f64(Shape::from([1_000_000]), |i| (i % 17) as f64 / 17.0);
            black_box(mul_aa(&mut ctx, &x, &x));
        })
    });
    g.bench_function("cost_matmul_roberta_ffn", |bch| {
        bch.iter(|| {
            let mut ctx = Ctx::<Cost>::new(CtxConfig::default());
            let x = ctx.share_f64(Shape::from([1, 512, 1024]), |_| 0.0);
            let w = ctx.share_f64(Shape::from([1024, 4096]), |_| 0.0);
            black_box(matmul_aa(&mut ctx, &x, &w));
        })
    });
    g.finish();
}

criterion_group!(benches, gemm, beaver);
criterion_main!(benches);
