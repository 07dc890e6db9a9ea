//! Cosine and sine by CrypTen's limit method `e^{ix} = (1 + ix / 2^t)^(2^t)`.
//!
//! Reference: CrypTen `crypten/common/functions/approximations.py` (`_eix`, `cossin`, `cos`,
//! `sin`).
//!
//! `im = x / 2^t` (local), `re = 1 - im^2` (the first complex square, knowing that the real part
//! is the public 1: one square), `im <- 2 im`; then `t - 1` steps of
//! `(re, im) <- (re^2 - im^2, 2 re im)` as three **sequential** calls (square re, square im,
//! Beaver product re im).
//!
//! **Online cost (default t = 10): 1 + 3 (t - 1) = 28 rounds, n + 4 (t - 1) n = 37 n.** `cos`,
//! `sin` and `cossin` cost the same (CrypTen computes both parts for either).
//! Dealer: `1 + 2(t - 1)` = 19 `square_pair` (n), `t - 1` = 9 `mul_triple` (n, n, n).
//!
//! Error: the limit error grows like `x^2 / 2^(t+1)` relative (plus the ulps of `x / 2^t`
//! amplified by `2^t`); CrypTen measured 1.4e-2 on `[-pi, pi]`. Large `|x|` is wrong (the
//! modulus `(1 + x^2/4^t)^(2^(t-1))` drifts from 1); use the one-round cosine
//! ([`super::cos_one_round`]) for arbitrary angles.

use super::exp::rsub_f64;
use super::params::Trig;
use crate::engine::{AShare, Backend, Ctx};
use crate::proto::{mul_aa, square_a};

/// `(cos x, sin x)` with CrypTen's defaults. **Cost: 28 rounds, 37 n.**
pub fn cossin<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> (AShare<B>, AShare<B>) {
    cossin_with(ctx, x, &Trig::default())
}

/// `cos x` with CrypTen's defaults (computes both parts). **Cost: 28 rounds, 37 n.**
pub fn cos<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    cos_with(ctx, x, &Trig::default())
}

/// `sin x` with CrypTen's defaults (computes both parts). **Cost: 28 rounds, 37 n.**
pub fn sin<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    sin_with(ctx, x, &Trig::default())
}

/// `cos x` with explicit parameters. **Cost: as [`cossin_with`].**
pub fn cos_with<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, p: &Trig) -> AShare<B> {
    ctx.scoped("cos", |ctx| cossin_with(ctx, x, p).0)
}

/// `sin x` with explicit parameters. **Cost: as [`cossin_with`].**
pub fn sin_with<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, p: &Trig) -> AShare<B> {
    ctx.scoped("sin", |ctx| cossin_with(ctx, x, p).1)
}

/// `(cos x, sin x)` with explicit parameters. **Cost (`Limit { iterations: t }`):
/// 3t - 2 rounds, (4t - 3) n.**
pub fn cossin_with<B: Backend>(
    ctx: &mut Ctx<B>,
    x: &AShare<B>,
    p: &Trig,
) -> (AShare<B>, AShare<B>) {
    let fx = ctx.fixed();
    match *p {
        Trig::Limit { iterations } => {
            assert!(
                (1..=super::params::MAX_LIMIT_ITERATIONS).contains(&iterations),
                "trig iterations must be in 1..=30, got {iterations}"
            );
            ctx.scoped("cossin", |ctx| {
                let im0 = x.div_public_int(1u64 << iterations);
                let mut re = rsub_f64(&square_a(ctx, &im0), 1.0, fx);
                let mut im = im0.mul_int(2);
                for _ in 1..iterations {
                    let a2 = square_a(ctx, &re);
                    let b2 = square_a(ctx, &im);
                    im = mul_aa(ctx, &im, &re).mul_int(2);
                    re = a2.sub(&b2);
                }
                (re, im)
            })
        }
    }
}
