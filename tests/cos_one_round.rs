//! The paper's one-round cosine (src/func/cos_one_round.rs): masking distribution, accuracy vs
//! f64, and cost (1 round, n elements, one trig mask), exec vs cost.

use rand::Rng;
use secp_tuning::engine::{Cost, Ctx, CtxConfig, Exec, RunSeed};
use secp_tuning::func::cos_one_round::{
    angle_factor, cos_one_round, cossin_one_round, open_masked_angle, sin_one_round,
};
use secp_tuning::ring::Shape;
use std::f64::consts::PI;

fn ctx_exec(seed: u64) -> Ctx<Exec> {
    Ctx::new(CtxConfig {
        seed: RunSeed(seed),
        ..CtxConfig::default()
    })
}

fn uniform(name: &str, n: usize, a: f64, b: f64) -> Vec<f64> {
    let mut r = RunSeed(99).stream(name);
    (0..n)
        .map(|_| a + (b - a) * ((r.next_u64() >> 11) as f64 / (1u64 << 53) as f64))
        .collect()
}

/// The opened ring elements for inputs `xs`.
fn opened(xs: &[f64], seed: u64) -> Vec<u64> {
    let mut ctx = ctx_exec(seed);
    let x = ctx.share_f64(Shape::new(vec![xs.len()]), |i| xs[i]);
    let (delta, _, _) = open_masked_angle(&mut ctx, &x);
    delta.peek().data().to_vec()
}

const BINS: usize = 16;
/// Chi-square critical value, 15 degrees of freedom, p = 0.001.
const CHI2_15_P001: f64 = 37.70;

fn top_bits_histogram(v: &[u64]) -> [f64; BINS] {
    let mut h = [0.0; BINS];
    for &x in v {
        h[(x >> 60) as usize] += 1.0;
    }
    h
}

fn chi2_uniform(h: &[f64; BINS]) -> f64 {
    let total: f64 = h.iter().sum();
    let e = total / BINS as f64;
    h.iter().map(|o| (o - e).powi(2) / e).sum()
}

fn chi2_two_sample(a: &[f64; BINS], b: &[f64; BINS]) -> f64 {
    a.iter()
        .zip(b)
        .filter(|(x, y)| *x + *y > 0.0)
        .map(|(x, y)| (x - y).powi(2) / (x + y))
        .sum()
}

/// Two-sample Kolmogorov-Smirnov statistic on the ring values read as fractions of a turn.
fn ks_two_sample(a: &[u64], b: &[u64]) -> f64 {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort_unstable();
    b.sort_unstable();
    let (mut i, mut j, mut d) = (0usize, 0usize, 0.0f64);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            i += 1;
        } else {
            j += 1;
        }
        d = d.max((i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs());
    }
    d
}

#[test]
fn opened_angle_is_uniform_and_independent_of_x() {
    let n = 20_000;
    // Two very different inputs: all zeros, and large values of one sign.
    let zeros = vec![0.0; n];
    let big = uniform("big", n, 500.0, 1000.0);
    let a = opened(&zeros, 1);
    let b = opened(&big, 2);
    let (ha, hb) = (top_bits_histogram(&a), top_bits_histogram(&b));
    let (ua, ub, two) = (
        chi2_uniform(&ha),
        chi2_uniform(&hb),
        chi2_two_sample(&ha, &hb),
    );
    println!("chi2 uniform: {ua:.2}, {ub:.2}; two-sample: {two:.2} (critical {CHI2_15_P001})");
    assert!(
        ua < CHI2_15_P001,
        "x = 0: opened top bits not uniform ({ua})"
    );
    assert!(
        ub < CHI2_15_P001,
        "x large: opened top bits not uniform ({ub})"
    );
    assert!(two < CHI2_15_P001, "opened distributions differ ({two})");
    // KS at alpha = 0.001: c(alpha) sqrt(2/n), c = 1.95.
    let d = ks_two_sample(&a, &b);
    let crit = 1.95 * (2.0 / n as f64).sqrt();
    println!("KS D = {d:.4} (critical {crit:.4})");
    assert!(d < crit, "KS rejects equal distributions: D = {d}");
    // The same test has power: the unmasked angles of the two inputs are told apart at once.
    let k = angle_factor(16);
    let fx = secp_tuning::ring::FixedPoint::default();
    let raw_a: Vec<u64> = zeros
        .iter()
        .map(|&x| fx.encode(x).wrapping_mul(k))
        .collect();
    let raw_b: Vec<u64> = big.iter().map(|&x| fx.encode(x).wrapping_mul(k)).collect();
    assert!(chi2_two_sample(&top_bits_histogram(&raw_a), &top_bits_histogram(&raw_b)) > 1000.0);
}

#[test]
fn angle_factor_maps_the_ring_to_one_period() {
    let k = angle_factor(16) as f64;
    let rel = (2.0 * PI * k / 2f64.powi(48) - 1.0).abs();
    assert!(rel <= PI / 2f64.powi(48), "scale error {rel}");
}

#[test]
fn accuracy_within_four_ulp_for_any_angle() {
    let bound = 4.0 / 65536.0;
    for (name, a, b) in [("small", -PI, PI), ("wide", -1e4, 1e4), ("huge", -1e6, 1e6)] {
        let xs = uniform(name, 4096, a, b);
        let mut ctx = ctx_exec(3);
        let x = ctx.share_f64(Shape::new(vec![xs.len()]), |i| xs[i]);
        let (c, s) = cossin_one_round(&mut ctx, &x);
        let (cv, sv) = (ctx.peek_f64(&c), ctx.peek_f64(&s));
        let fx = ctx.fixed();
        let mut worst = 0.0f64;
        for i in 0..xs.len() {
            // The input as the ring holds it (a multiple of 2^-16): the protocol's exact target.
            let xq = fx.decode(fx.encode(xs[i]));
            worst = worst
                .max((cv[i] - xq.cos()).abs())
                .max((sv[i] - xq.sin()).abs());
        }
        println!("{name}: max abs err {worst:.3e} (bound {bound:.3e})");
        assert!(worst < bound, "{name}: error {worst} exceeds 4 ulp");
    }
}

#[test]
fn one_round_n_elements_one_trig_mask_in_both_backends() {
    for dims in [vec![7], vec![3, 5], vec![2, 4, 6]] {
        let shape = Shape::new(dims);
        let n = shape.numel() as u64;
        let mut ce = ctx_exec(4);
        let xe = ce.share_f64(shape.clone(), |i| i as f64 * 0.37 - 1.0);
        let _ = cos_one_round(&mut ce, &xe);
        let _ = sin_one_round(&mut ce, &xe);
        let mut cc: Ctx<Cost> = Ctx::new(CtxConfig {
            seed: RunSeed(4),
            ..CtxConfig::default()
        });
        let xc = cc.share_f64(shape.clone(), |_| 0.0);
        let _ = cos_one_round(&mut cc, &xc);
        let _ = sin_one_round(&mut cc, &xc);
        assert_eq!(ce.ledger(), cc.ledger());
        assert_eq!(ce.dealer_log(), cc.dealer_log());
        let t = cc.ledger().totals();
        assert_eq!(t.rounds.0, 2, "one round per call");
        assert_eq!(t.opened_elements, 2 * n);
        assert_eq!(t.crypten_bytes[0].0, 2 * 16 * n);
        assert_eq!(
            cc.dealer_log().correlations_used(),
            format!("trig_mask x2 elems={0}/{0}/{0}", 2 * n)
        );
    }
    // At a million elements: 1 round, 10^6 elements.
    let mut cc: Ctx<Cost> = Ctx::new(CtxConfig::default());
    let x = cc.share_f64(Shape::new(vec![1_000_000]), |_| 0.0);
    let _ = cossin_one_round(&mut cc, &x);
    let t = cc.ledger().totals();
    assert_eq!((t.rounds.0, t.opened_elements), (1, 1_000_000));
}
