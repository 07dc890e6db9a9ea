//! The logistic sigmoid `1 / (1 + e^-x)` and `tanh(x) = 2 sigmoid(2x) - 1`.
//!
//! Reference: CrypTen `crypten/common/functions/approximations.py` (`sigmoid`, `tanh`, method
//! `reciprocal`) and `crypten/mpc/mpc.py` (`where`).
//!
//! Steps: `s = ltz(x)` (bit at ring scale 1; 8 rounds, 27 n); `|x| = x (1 - 2s)` (Beaver product
//! by a scale-1 integer, no truncation; 1 round, 2 n); `d = 1 + exp(-|x|)` (8 rounds, 8 n);
//! `p = 1/d` by Newton-Raphson from the public initial 0.75, 3 iterations of which the first is
//! local (2 rounds and 3 n each remaining: 4 rounds, 6 n); then CrypTen's
//! `where(1 - s, p, 1 - p)` = `(1 - p) * s` then `p * (1 - s)`, two sequential Beaver products by
//! a scale-1 bit (2 rounds, 4 n).
//!
//! **Online cost (defaults): 8 + 1 + 8 + 4 + 2 = 23 rounds, 27 + 2 + 8 + 6 + 4 = 47 n** (tanh
//! the same: the doubling and the affine map are local).
//! Dealer: `ltz`'s 7 `binary_triple` (13 n elements per component in total) and 1 `b2a_bit`
//! (n); 10 `square_pair` (n); 5 `mul_triple` (n, n, n).
//!
//! Error: `d` lies in `(1, 2]`; 3 Newton-Raphson steps from 0.75 leave a relative error
//! `(1 - 0.75 d)^8`, at most 3.9e-3 (at `d = 2`).
//! CrypTen measured 1.0e-3 (sigmoid on `[-10, 10]`) and 2.2e-3 (tanh on `[-5, 5]`); the worst
//! case is near `x = 0` (`d = 2`, where 3 iterations from 0.75 leave 2e-3 in sigmoid, 4e-3 in
//! tanh). For `|x| > 2^(t+1)` (512) the limit exponential's base `1 - |x|/2^t` exceeds 1 in
//! magnitude and the result is wrong, as in CrypTen.

use super::exp::{add_f64, exp_with, rsub_f64};
use super::params::{Exp, NrInitial, Reciprocal, Sigmoid};
use super::reciprocal::reciprocal_pos_with;
use crate::engine::{AShare, Backend, Ctx, Public};
use crate::proto::{ltz_a, mul_aa_ring};

/// `sigmoid(x)` with CrypTen's defaults. **Cost: 23 rounds, 47 n.**
pub fn sigmoid<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    sigmoid_with(ctx, x, &Sigmoid::default())
}

/// `tanh(x) = 2 sigmoid(2x) - 1` with CrypTen's defaults. **Cost: 23 rounds, 47 n.**
pub fn tanh<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    tanh_with(ctx, x, &Sigmoid::default())
}

/// `tanh(x)` with explicit sigmoid parameters. **Cost: as [`sigmoid_with`].**
pub fn tanh_with<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, p: &Sigmoid) -> AShare<B> {
    let fx = ctx.fixed();
    ctx.scoped("tanh", |ctx| {
        let s = sigmoid_with(ctx, &x.mul_int(2), p);
        add_f64(&s.mul_int(2), -1.0, fx)
    })
}

/// `sigmoid(x)` with explicit parameters. **Cost (`Reciprocal { exp_iterations: t,
/// nr_iterations: k, .. }`, k >= 1): 8 + 1 + t + 2(k - 1) + 2 rounds, (27 + 2 + t + 3(k - 1) +
/// 4) n.**
pub fn sigmoid_with<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, p: &Sigmoid) -> AShare<B> {
    let fx = ctx.fixed();
    match *p {
        Sigmoid::Reciprocal {
            exp_iterations,
            nr_iterations,
            nr_initial,
        } => ctx.scoped("sigmoid", |ctx| {
            let one = Public::filled_ring(x.shape().clone(), 1);
            let s = ltz_a(ctx, x);
            let sign = s.mul_int(-2).add_public(&one);
            let pos = mul_aa_ring(ctx, x, &sign);
            let e = exp_with(
                ctx,
                &pos.neg(),
                &Exp::Limit {
                    iterations: exp_iterations,
                },
            );
            let d = add_f64(&e, 1.0, fx);
            let r = reciprocal_pos_with(
                ctx,
                &d,
                &Reciprocal::NewtonRaphson {
                    iterations: nr_iterations,
                    initial: NrInitial::Public { value: nr_initial },
                },
            );
            // where(c = 1 - s, r, 1 - r) = r c + (1 - r)(1 - c), products in CrypTen's order.
            let c = s.rsub_public(&one);
            let y_masked = mul_aa_ring(ctx, &rsub_f64(&r, 1.0, fx), &c.rsub_public(&one));
            mul_aa_ring(ctx, &r, &c).add(&y_masked)
        }),
    }
}
