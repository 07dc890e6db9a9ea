//! Criterion benches of the local kernels and of the simulator itself.
//!
//! `cargo bench --bench kernels` (criterion's plots are off: default features disabled). The
//! ratios of issue 7 are printed by `cargo bench --bench ratios` (see `secp_tuning::bench`).
//! Figures are printed by criterion; no test asserts a time.

use criterion::{Criterion, criterion_group, criterion_main};
use secp_tuning::bench::paper_scenario;
use secp_tuning::engine::{Cost, Ctx, CtxConfig, Exec, RunSeed};
use secp_tuning::func::softmax::softmax;
use secp_tuning::model::ModelConfig;
use secp_tuning::model::encoder::{ForwardSpec, Mode, forward};
use secp_tuning::model::methods::{AttentionKind, Method, MethodOptions, iteration_cost};
use secp_tuning::model::weights::Weights;
use secp_tuning::proto::{a2b, ltz_a, matmul_aa, mul_aa};
use secp_tuning::ring::Shape;
use secp_tuning::ring::matmul::{GemmOptions, Simd, gemm_wrapping, gemm_wrapping_with};
use std::hint::black_box;

fn gemm(c: &mut Criterion) {
    let (m, k, p) = (256, 1024, 1024);
    let a: Vec<u64> = (0..m * k).map(|i| i as u64 * 0x9E37_79B9).collect();
    let b: Vec<u64> = (0..k * p).map(|i| i as u64 ^ 0x5555).collect();
    let mut out = vec![0u64; m * p];
    let mut g = c.benchmark_group("gemm");
    g.sample_size(20);
    g.bench_function("u64_256x1024x1024", |bch| {
        bch.iter(|| gemm_wrapping(m, k, p, black_box(&a), black_box(&b), &mut out))
    });
    g.bench_function("u64_256x1024x1024_1thread", |bch| {
        let o = GemmOptions {
            simd: Simd::Auto,
            threads: 1,
        };
        bch.iter(|| gemm_wrapping_with(o, m, k, p, black_box(&a), black_box(&b), &mut out))
    });
    g.finish();
}

fn beaver(c: &mut Criterion) {
    let mut g = c.benchmark_group("beaver");
    g.sample_size(10);
    g.bench_function("exec_matmul_256x1024x1024", |bch| {
        let mut ctx = Ctx::<Exec>::new(CtxConfig::default());
        let x = ctx.share_f64(Shape::from([256, 1024]), |i| (i % 17) as f64 / 17.0);
        let w = ctx.share_f64(Shape::from([1024, 1024]), |i| (i % 13) as f64 / 13.0);
        bch.iter(|| black_box(matmul_aa(&mut ctx, &x, &w)))
    });
    g.bench_function("exec_mul_1e6", |bch| {
        let mut ctx = Ctx::<Exec>::new(CtxConfig::default());
        let x = ctx.share_f64(Shape::from([1_000_000]), |i| (i % 17) as f64 / 17.0);
        bch.iter(|| black_box(mul_aa(&mut ctx, &x, &x)))
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

fn binary(c: &mut Criterion) {
    let mut g = c.benchmark_group("binary");
    g.sample_size(10);
    let mut ctx = Ctx::<Exec>::new(CtxConfig::default());
    let x = ctx.share_f64(Shape::from([1_000_000]), |i| {
        (i % 2001) as f64 / 10.0 - 100.0
    });
    g.bench_function("exec_a2b_1e6", |bch| {
        bch.iter(|| black_box(a2b(&mut ctx, &x)))
    });
    g.bench_function("exec_ltz_1e6", |bch| {
        bch.iter(|| black_box(ltz_a(&mut ctx, &x)))
    });
    g.finish();
}

fn functions(c: &mut Criterion) {
    let mut g = c.benchmark_group("func");
    g.sample_size(10);
    let mut ctx = Ctx::<Exec>::new(CtxConfig::default());
    let x = ctx.share_f64(Shape::from([12, 128, 128]), |i| {
        (i % 800) as f64 / 100.0 - 4.0
    });
    g.bench_function("exec_softmax_12x128x128", |bch| {
        bch.iter(|| black_box(softmax(&mut ctx, &x, 2)))
    });
    g.finish();
}

fn model(c: &mut Criterion) {
    let mut g = c.benchmark_group("model");
    g.sample_size(10);
    let mut cfg = ModelConfig::preset("bert-base").expect("preset");
    cfg.layers = 1;
    cfg.seq = 128;
    cfg.prompt_tokens = 0;
    let opts = MethodOptions::default();
    let seed = RunSeed(7);
    let mut ctx = Ctx::<Exec>::new(CtxConfig::default());
    let w = Weights::<Exec>::seeded(&mut ctx, &cfg, seed);
    let x = ctx.share_f64(Shape::from([1, 128, cfg.hidden]), |i| {
        (i % 200) as f64 / 100.0 - 1.0
    });
    let spec = ForwardSpec {
        opts: &opts,
        mode: Mode::Eval,
        attention: AttentionKind::Softmax,
        seed,
        input_requires_grad: false,
        head_token: 0,
    };
    g.bench_function("exec_bert_base_layer_128", |bch| {
        bch.iter(|| black_box(forward(&mut ctx, &cfg, &w, &x, None, &spec)))
    });
    let large = ModelConfig::preset("roberta-large").expect("preset");
    g.bench_function("cost_roberta_large_iteration_secp", |bch| {
        bch.iter(|| {
            black_box(iteration_cost(
                Method::SecpTuning,
                &large,
                &opts,
                RunSeed(0),
            ))
        })
    });
    g.bench_function("cost_paper_scenario_all_methods_3_networks", |bch| {
        bch.iter(|| black_box(paper_scenario(&large, &opts)))
    });
    g.finish();
}

criterion_group!(benches, gemm, beaver, binary, functions, model);
criterion_main!(benches);
