//! The reciprocal `1 / x` by Newton-Raphson, sign-aware or for positive inputs.
//!
//! Reference: CrypTen `crypten/common/functions/approximations.py` (`reciprocal`, method `NR`).
//!
//! Positive inputs (`all_pos`): initial guess `y0 = 3 exp(1 - 2x) + 0.003` (one
//! [`super::exp::exp`]), then `y <- 2y - x y^2` (a square, then a product) per iteration. With a
//! **public** initial value (CrypTen's `reciprocal_initial`, used by sigmoid) the first iteration
//! is a public-times-shared product, hence local.
//!
//! Sign-aware (CrypTen's default): `s = sign(x)` as an integer at ring scale 1 (`ltz`: 8 rounds,
//! 27 n), `|x| = s x` (Beaver product by the scale-1 integer, no truncation: 1 round, 2n), the
//! positive reciprocal, then `s * r` (1 round, 2n).
//!
//! **Online cost (defaults: exp t = 8, 10 iterations):**
//! - all_pos: `t + 2 k` rounds, `(t + 3 k) n` elements: **28 rounds, 38 n**;
//! - sign-aware: 8 + 1 + 28 + 1 = **38 rounds, 27 + 2 + 38 + 2 = 69 n**;
//! - public initial: `2 (k - 1)` rounds, `3 (k - 1) n`.
//!
//! Dealer: all_pos: 8 `square_pair` (exp) + 10 `square_pair` + 10 `mul_triple` (n, n, n);
//! sign-aware adds `ltz`'s 7 `binary_triple` and 1 `b2a_bit` and 2 `mul_triple`.
//!
//! Error and domain (all_pos, exp initial guess, defaults; `x` the ring input):
//! - **accurate** for `x` in about `[1/256, 8]`: relative error about `x^2 2^-16` (the 16-bit
//!   `y^2` inside each iteration; 1e-3 at x = 8) plus the input's own quantisation. CrypTen
//!   measured 6.2e-4 on `|x| in [0.1, 10]`.
//! - **degrading** above: 1.6% at x = 32, about 8% at x = 100, 20% at x = 250.
//! - **cliff at x ~ 254**: the guess exceeds `2/x` and the iterations diverge; for
//!   `x > (2^(t+1) + 1)/2 = 256.5` the limit exp's base `1 + (1 - 2x)/2^t` is below -1 and its
//!   squarings overflow the ring. Either way the result is unbounded garbage, as in CrypTen.
//!   Callers with large arguments must scale them publicly first (softmax does).
//! - **small x**: the guess `3e + 0.003 ~ 8.16` roughly doubles per iteration while `x y << 1`,
//!   so for `x < ~1/256` ten iterations do not reach `1/x`; `x = 0` returns about
//!   `8.16 * 2^10`, measured 8336.5 (not 0, not an error).
//! - the public-initial variant (sigmoid) converges only where `0 < value < 2/x`.
//!
//! The sign-aware variant has the same domain for `|x|`.

use super::exp::{add_f64, exp_with, rsub_f64};
use super::params::{NrInitial, Reciprocal, ReciprocalParams};
use crate::engine::{AShare, Backend, Ctx, Public};
use crate::proto::{mul_aa, mul_aa_ring, sign_int_a, square_a};

/// `1 / x` for inputs of either sign, CrypTen's default (sign via `ltz`).
/// **Cost: 38 rounds, 69 n.**
pub fn reciprocal<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    reciprocal_with(ctx, x, &ReciprocalParams::default())
}

/// `1 / x` for inputs known to be positive (CrypTen `reciprocal_all_pos`).
/// **Cost: 28 rounds, 38 n.**
pub fn reciprocal_all_pos<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    reciprocal_with(
        ctx,
        x,
        &ReciprocalParams {
            all_pos: true,
            ..ReciprocalParams::default()
        },
    )
}

/// `1 / x` with explicit parameters (see the module header for the cost).
pub fn reciprocal_with<B: Backend>(
    ctx: &mut Ctx<B>,
    x: &AShare<B>,
    p: &ReciprocalParams,
) -> AShare<B> {
    ctx.scoped("reciprocal", |ctx| {
        if p.all_pos {
            reciprocal_pos_with(ctx, x, &p.method)
        } else {
            let s = sign_int_a(ctx, x);
            let pos = mul_aa_ring(ctx, &s, x);
            let r = reciprocal_pos_with(ctx, &pos, &p.method);
            mul_aa_ring(ctx, &s, &r)
        }
    })
}

/// `1 / x` for positive `x` by the given method, without a scope of its own (callers scope it).
/// **Cost (NewtonRaphson, k iterations):** exp initial: `t + 2k` rounds, `(t + 3k) n`; public
/// initial: `2(k - 1)` rounds, `3(k - 1) n` (k >= 1).
pub fn reciprocal_pos_with<B: Backend>(
    ctx: &mut Ctx<B>,
    x: &AShare<B>,
    method: &Reciprocal,
) -> AShare<B> {
    let fx = ctx.fixed();
    match *method {
        Reciprocal::NewtonRaphson {
            iterations,
            initial,
        } => {
            let (mut y, remaining) = match initial {
                NrInitial::ExpGuess { exp } => {
                    let arg = rsub_f64(&x.mul_int(2), 1.0, fx);
                    let e = exp_with(ctx, &arg, &exp);
                    (add_f64(&e.mul_int(3), 0.003, fx), iterations)
                }
                NrInitial::Public { value } => {
                    if iterations == 0 {
                        return AShare::from_public(&Public::filled_f64(
                            fx,
                            x.shape().clone(),
                            value,
                        ));
                    }
                    // First iteration with a public y: 2y - y^2 x is local.
                    (
                        rsub_f64(&x.mul_scalar(value * value, fx), 2.0 * value, fx),
                        iterations - 1,
                    )
                }
            };
            for _ in 0..remaining {
                let y2 = square_a(ctx, &y);
                let xy2 = mul_aa(ctx, &y2, x);
                y = y.mul_int(2).sub(&xy2);
            }
            y
        }
    }
}
