//! The inverse square root `1 / sqrt(x)` for positive `x`, by Newton-Raphson.
//!
//! Reference: CrypTen `crypten/common/functions/approximations.py` (`inv_sqrt`).
//!
//! Initial guess `y0 = 2.2 exp(-(x/2 + 0.2)) + 0.2 - x/1024` (one [`super::exp::exp`]), then per
//! iteration `y <- y (3 - x y^2) / 2`: a square, a product `x * y^2`, a product `y * (..)`, and a
//! local division by 2. With a public initial value the first iteration is local.
//!
//! **Online cost (defaults: exp t = 8, 3 iterations): `t + 3k` rounds, `(t + 5k) n` elements =
//! 17 rounds, 23 n.** Dealer: 11 `square_pair` (n), 6 `mul_triple` (n, n, n).
//!
//! Error and domain (exp initial guess, defaults): CrypTen measured 1.3e-2 on `[0.1, 10]`; the
//! initial guess is poor near 0.1, and fixed-point truncations add a few ulps. The true domain:
//! - beyond `x ~ 50` three iterations do not converge (wrong value, bounded);
//! - for `x > 511.6` the exp argument `-(x/2 + 0.2)` is below `-2^t = -256` and the limit exp
//!   returns a spurious `|1 + a/256|^256` instead of about 0;
//! - **cliff at `x > 1023.6`** (argument below `-2^(t+1) = -512`): the exp's squarings overflow
//!   the ring and the result is garbage, as in CrypTen.
//!
//! With a public initial value `v` the iteration converges for `0 < v < sqrt(3/x)`.

use super::exp::{add_f64, exp_with, rsub_f64};
use super::params::{InvSqrt, NrInitial};
use crate::engine::{AShare, Backend, Ctx, Public};
use crate::proto::{mul_aa, square_a};

/// `1 / sqrt(x)` with CrypTen's defaults. **Cost: 17 rounds, 23 n.**
pub fn inv_sqrt<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    inv_sqrt_with(ctx, x, &InvSqrt::default())
}

/// `1 / sqrt(x)` with explicit parameters. **Cost: exp initial: t + 3k rounds, (t + 5k) n;
/// public initial: 3(k - 1) rounds, 5(k - 1) n.**
pub fn inv_sqrt_with<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, p: &InvSqrt) -> AShare<B> {
    let fx = ctx.fixed();
    ctx.scoped("inv_sqrt", |ctx| match *p {
        InvSqrt::NewtonRaphson {
            iterations,
            initial,
        } => {
            let (mut y, remaining) = match initial {
                NrInitial::ExpGuess { exp } => {
                    let arg = add_f64(&x.div_public_int(2), 0.2, fx).neg();
                    let e = exp_with(ctx, &arg, &exp);
                    let y0 = add_f64(&e.mul_scalar(2.2, fx), 0.2, fx).sub(&x.div_public_int(1024));
                    (y0, iterations)
                }
                NrInitial::Public { value } => {
                    if iterations == 0 {
                        return AShare::from_public(&Public::filled_f64(
                            fx,
                            x.shape().clone(),
                            value,
                        ));
                    }
                    let t = rsub_f64(&x.mul_scalar(value * value, fx), 3.0, fx);
                    (t.mul_scalar(value, fx).div_public_int(2), iterations - 1)
                }
            };
            for _ in 0..remaining {
                let y2 = square_a(ctx, &y);
                let xy2 = mul_aa(ctx, x, &y2);
                let t = rsub_f64(&xy2, 3.0, fx);
                y = mul_aa(ctx, &y, &t).div_public_int(2);
            }
            y
        }
    })
}
