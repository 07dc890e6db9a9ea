//! GeLU, in its tanh form and its erf form, as CrypTen compositions.
//!
//! Reference: CrypTen 0.4.1 has no GeLU; the measured rows (`gelu_tanh`, `gelu_erf` in
//! `crypten-ops-measured.csv`) are the compositions below, as MPCFormer/SecFormer-style models
//! write them on CrypTen tensors.
//!
//! - tanh form `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`: `pow(x, 3)` (2 rounds, 3 n),
//!   [`super::sigmoid::tanh`] (23 rounds, 47 n), one Beaver product (1 round, 2 n):
//!   **26 rounds, 52 n**. Dealer: 11 `square_pair`, 7 `mul_triple` (n, n, n), `ltz`'s
//!   7 `binary_triple` and 1 `b2a_bit`. Error: tanh's; CrypTen measured 1.5e-3 on `[-4, 4]`.
//! - erf form `0.5 x (1 + erf(x / sqrt 2))`: [`super::erf::erf`] (34 rounds, 47 n), one Beaver
//!   product: **35 rounds, 49 n**. Dealer: 21 `square_pair`, 14 `mul_triple` (n, n, n).
//!   CrypTen's value is wrong (its erf; measured error 1.9e5 on `[-4, 4]`); this module computes
//!   the right 8-term series. Stated bound: the series converges for `|x/sqrt 2| <~ 2`; the
//!   error is below 2e-2 on `[-2.5, 2.5]` and grows quickly outside (the series tail at
//!   `|x| = 4` is of order 10^2, as for any 8-term Maclaurin erf).

use super::erf::erf_with;
use super::exp::add_f64;
use super::params::{Erf, Sigmoid};
use super::pow::pow;
use super::sigmoid::tanh_with;
use crate::engine::{AShare, Backend, Ctx};
use crate::proto::mul_aa;

/// GeLU, tanh form, with CrypTen's defaults. **Cost: 26 rounds, 52 n.**
pub fn gelu_tanh<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    gelu_tanh_with(ctx, x, &Sigmoid::default())
}

/// GeLU, tanh form, with explicit sigmoid/tanh parameters.
/// **Cost: 2 + tanh + 1 rounds, 3 n + tanh + 2 n.**
pub fn gelu_tanh_with<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, p: &Sigmoid) -> AShare<B> {
    let fx = ctx.fixed();
    ctx.scoped("gelu_tanh", |ctx| {
        let x3 = pow(ctx, x, 3);
        let inner = x
            .add(&x3.mul_scalar(0.044715, fx))
            .mul_scalar((2.0 / std::f64::consts::PI).sqrt(), fx);
        let t = tanh_with(ctx, &inner, p);
        mul_aa(ctx, &x.mul_scalar(0.5, fx), &add_f64(&t, 1.0, fx))
    })
}

/// GeLU, erf form (right value; see the module header). **Cost: 35 rounds, 49 n.**
pub fn gelu_erf<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    gelu_erf_with(ctx, x, &Erf::default())
}

/// GeLU, erf form, with explicit erf parameters. **Cost: erf + 1 round, erf + 2 n.**
pub fn gelu_erf_with<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, p: &Erf) -> AShare<B> {
    let fx = ctx.fixed();
    ctx.scoped("gelu_erf", |ctx| {
        let e = erf_with(ctx, &x.mul_scalar(std::f64::consts::FRAC_1_SQRT_2, fx), p);
        mul_aa(ctx, &x.mul_scalar(0.5, fx), &add_f64(&e, 1.0, fx))
    })
}
