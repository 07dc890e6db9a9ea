//! GeLU (CrypTen's tanh form) with its autograd backward, and the erf form for forward-only use.
//!
//! Reference: `crypten-2pc.md` (GeLU, tanh form: pow3 + tanh + mul = 26 rounds, 52 n),
//! `crypten-autograd.md` (GeLU backward: 8 rounds, 15 n; three wasted constant multiplies).
//!
//! Forward `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`: `x^3` as CrypTen's `pow(3)`
//! (square, mul: 2 rounds, 3 n; `x^2` is kept so backward's `3 x^2` is free), constants local,
//! `tanh` (23 rounds, 47 n), final mul (1 round, 2 n). **26 rounds, 52 n.**
//!
//! Backward (crypten): product `G (1 + t)`, `G 0.5x` (2 rounds, 4 n); wasted mul for `0.5 x`
//! (2 n); tanh: `1 - t^2` (square, n) then mul (2 n); wasted mul for `sqrt(2/pi)` (2 n); wasted
//! mul for `0.044715` (2 n); pow: `G 3x^2` (2 n). **8 rounds, 15 n.** Lean (no wasted muls, the
//! first two products in one round): 4 rounds, 9 n.
//!
//! Error: tanh's (sigmoid-based) approximation, about 1e-3 absolute for |x| < 4.

use super::grad::{const_mul_bw, mul_bw};
use super::methods::Profile;
use super::ops::{erf, tanh};
use crate::engine::{AShare, Backend, Ctx, Public};
use crate::proto::{mul_aa, square_a};

const C1: f64 = 0.797_884_560_802_865_4; // sqrt(2 / pi)
const C3: f64 = 0.044_715;

/// What GeLU's backward needs.
#[derive(Clone, Debug)]
pub struct GeluTape<B: Backend> {
    x: AShare<B>,
    three_x2: AShare<B>,
    x3: AShare<B>,
    inner: AShare<B>,
    t: AShare<B>,
    half: AShare<B>,
    one_t: AShare<B>,
}

/// GeLU, tanh form, under scope `gelu`. **26 rounds, 52 n.**
pub fn gelu_tanh<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> (AShare<B>, GeluTape<B>) {
    ctx.scoped("gelu", |ctx| {
        let fx = ctx.fixed();
        let x2 = square_a(ctx, x);
        let x3 = mul_aa(ctx, &x2, x);
        let inner = x.add(&x3.mul_scalar(C3, fx));
        let u = inner.mul_scalar(C1, fx);
        let t = tanh(ctx, &u);
        let half = x.mul_scalar(0.5, fx);
        let one_t = t.add_public(&Public::filled_f64(fx, t.shape().clone(), 1.0));
        let y = mul_aa(ctx, &half, &one_t);
        let tape = GeluTape {
            x: x.clone(),
            three_x2: x2.mul_int(3),
            x3,
            inner,
            t,
            half,
            one_t,
        };
        (y, tape)
    })
}

/// GeLU, erf form `0.5 x (1 + erf(x / sqrt 2))`, forward only, under scope `gelu`.
/// **Cost: erf (34 rounds, 47 n) + 1 mul (2 n).**
pub fn gelu_erf<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    ctx.scoped("gelu", |ctx| {
        let fx = ctx.fixed();
        let e = erf(ctx, &x.mul_scalar(std::f64::consts::FRAC_1_SQRT_2, fx));
        let one_e = e.add_public(&Public::filled_f64(fx, e.shape().clone(), 1.0));
        mul_aa(ctx, &x.mul_scalar(0.5, fx), &one_e)
    })
}

/// GeLU (tanh form) backward under scope `gelu`. **Crypten: 8 rounds, 15 n.**
pub fn gelu_tanh_bw<B: Backend>(
    ctx: &mut Ctx<B>,
    profile: Profile,
    g: &AShare<B>,
    tp: &GeluTape<B>,
) -> AShare<B> {
    ctx.scoped("gelu", |ctx| {
        let fx = ctx.fixed();
        let (dhalf, done_t) = mul_bw(ctx, profile, g, &tp.half, &tp.one_t, (true, true));
        let dx_a = const_mul_bw(ctx, profile, &dhalf.expect("dhalf"), &tp.x, 0.5);
        let t2 = square_a(ctx, &tp.t);
        let one_minus = t2.rsub_public(&Public::filled_f64(fx, t2.shape().clone(), 1.0));
        let du = mul_aa(ctx, &done_t.expect("dt"), &one_minus);
        let dinner = const_mul_bw(ctx, profile, &du, &tp.inner, C1);
        let dx3 = const_mul_bw(ctx, profile, &dinner, &tp.x3, C3);
        let dx_c = mul_aa(ctx, &dx3, &tp.three_x2);
        dx_a.add(&dinner).add(&dx_c)
    })
}
