//! Optimizers under MPC: SGD (free) and Adam from CrypTen operations, per tensor or fused.
//!
//! Reference: `crypten-autograd.md` ("Optimizer"): SGD `p -= lr g` is a public-scalar multiply
//! with local truncation (0 rounds, 0 bytes). Adam per parameter tensor of n elements: `g^2`
//! (square, 1 round, n), `sqrt` of the bias-corrected `v` (18 rounds, 25 n), `m_hat / denom` as a
//! private division (sign-aware reciprocal, 38 rounds, 69 n, then mul, 1 round, 2 n):
//! **58 rounds, 97 n elements** (1,552 CrypTen bytes per parameter per party). Per tensor repeats
//! the 58 rounds for every tensor; fused concatenates all parameters (free) and runs once.
//! Dealer per call: the correlations of square, sqrt, reciprocal and one mul.
//!
//! Error: CrypTen's approximations on `v_hat = g^2`-sized values: small gradients (|g| < 2^-8)
//! lose most precision in 16-bit fixed point and `sqrt`/`reciprocal` of near-zero values are
//! unreliable (as in CrypTen); epsilon (1e-8) encodes to 0. SGD: +-1 ulp per step.

use super::methods::AdamScope;
use super::ops::{reciprocal, sqrt};
use crate::engine::{AShare, Backend, Ctx, Public};
use crate::proto::{mul_aa, square_a};
use crate::ring::Shape;

/// Adam's hyper-parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamParams {
    /// Learning rate.
    pub lr: f64,
    /// First-moment decay.
    pub beta1: f64,
    /// Second-moment decay.
    pub beta2: f64,
    /// Denominator epsilon.
    pub eps: f64,
}

/// Adam's moment estimates, one pair per parameter tensor, and the step count.
#[derive(Clone, Debug)]
pub struct AdamState<B: Backend> {
    /// First moments.
    pub m: Vec<AShare<B>>,
    /// Second moments.
    pub v: Vec<AShare<B>>,
    /// Steps taken so far.
    pub t: u32,
}

impl<B: Backend> AdamState<B> {
    /// Zero moments for parameters of these shapes.
    pub fn new(shapes: &[Shape]) -> Self {
        AdamState {
            m: shapes.iter().map(|s| AShare::zeros(s.clone())).collect(),
            v: shapes.iter().map(|s| AShare::zeros(s.clone())).collect(),
            t: 0,
        }
    }
}

/// `p - lr g` for every tensor, under scope `optimizer/sgd`. **Free.**
pub fn sgd_step<B: Backend>(
    ctx: &mut Ctx<B>,
    params: &[&AShare<B>],
    grads: &[&AShare<B>],
    lr: f64,
) -> Vec<AShare<B>> {
    let fx = ctx.fixed();
    ctx.scoped("optimizer", |ctx| {
        ctx.scoped("sgd", |_| {
            params
                .iter()
                .zip(grads)
                .map(|(p, g)| p.sub(&g.mul_scalar(lr, fx)))
                .collect()
        })
    })
}

/// One Adam update of a flat or shaped tensor: returns `(p', m', v')`. **58 rounds, 97 n.**
fn adam_core<B: Backend>(
    ctx: &mut Ctx<B>,
    p: &AShare<B>,
    g: &AShare<B>,
    m: &AShare<B>,
    v: &AShare<B>,
    t: u32,
    hp: &AdamParams,
) -> (AShare<B>, AShare<B>, AShare<B>) {
    let fx = ctx.fixed();
    let g2 = square_a(ctx, g);
    let m1 = m
        .mul_scalar(hp.beta1, fx)
        .add(&g.mul_scalar(1.0 - hp.beta1, fx));
    let v1 = v
        .mul_scalar(hp.beta2, fx)
        .add(&g2.mul_scalar(1.0 - hp.beta2, fx));
    let mhat = m1.mul_scalar(1.0 / (1.0 - hp.beta1.powi(t as i32)), fx);
    let vhat = v1.mul_scalar(1.0 / (1.0 - hp.beta2.powi(t as i32)), fx);
    let denom = sqrt(ctx, &vhat).add_public(&Public::filled_f64(fx, vhat.shape().clone(), hp.eps));
    let rec = reciprocal(ctx, &denom);
    let upd = mul_aa(ctx, &mhat, &rec);
    (p.sub(&upd.mul_scalar(hp.lr, fx)), m1, v1)
}

/// One Adam step on every tensor, under scope `optimizer/adam` (per tensor: one sub-scope per
/// tensor, named by `names`). Updates `state`. **Per tensor: 58 rounds each; fused: 58 rounds;
/// 97 elements per parameter either way.**
pub fn adam_step<B: Backend>(
    ctx: &mut Ctx<B>,
    params: &[&AShare<B>],
    grads: &[&AShare<B>],
    names: &[String],
    state: &mut AdamState<B>,
    hp: &AdamParams,
    scope: AdamScope,
) -> Vec<AShare<B>> {
    state.t += 1;
    let t = state.t;
    ctx.scoped("optimizer", |ctx| {
        ctx.scoped("adam", |ctx| match scope {
            AdamScope::PerTensor => {
                let mut out = Vec::with_capacity(params.len());
                for i in 0..params.len() {
                    let (p, m, v) = ctx.scoped(&names[i], |ctx| {
                        adam_core(ctx, params[i], grads[i], &state.m[i], &state.v[i], t, hp)
                    });
                    state.m[i] = m;
                    state.v[i] = v;
                    out.push(p);
                }
                out
            }
            AdamScope::Fused => {
                let flat = |xs: &[&AShare<B>]| {
                    let f: Vec<AShare<B>> = xs
                        .iter()
                        .map(|x| x.reshape(Shape::new([x.numel()])))
                        .collect();
                    let r: Vec<&AShare<B>> = f.iter().collect();
                    AShare::concat(&r, 0)
                };
                let ms: Vec<&AShare<B>> = state.m.iter().collect();
                let vs: Vec<&AShare<B>> = state.v.iter().collect();
                let (p, m, v) = adam_core(
                    ctx,
                    &flat(params),
                    &flat(grads),
                    &flat(&ms),
                    &flat(&vs),
                    t,
                    hp,
                );
                let mut out = Vec::with_capacity(params.len());
                let mut off = 0;
                for (i, x) in params.iter().enumerate() {
                    let n = x.numel();
                    let back = |y: &AShare<B>| y.narrow(0, off, n).reshape(x.shape().clone());
                    out.push(back(&p));
                    state.m[i] = back(&m);
                    state.v[i] = back(&v);
                    off += n;
                }
                out
            }
        })
    })
}
