//! The natural logarithm of positive `x` by Householder iterations.
//!
//! Reference: CrypTen `crypten/common/functions/approximations.py` (`log`).
//!
//! Initial guess `y0 = x/120 - 20 exp(-2x - 1) + 3` (one [`super::exp::exp`]); then per
//! iteration `h = 1 - x exp(-y)` (an exponential and one Beaver product) and
//! `y <- y - sum_{k=1..order} h^k / k` (a [`super::polynomial::polynomial`]).
//!
//! **Online cost (defaults: 2 iterations, exp t = 8, order 8): t + k (t + 1 + 3) rounds =
//! 8 + 2 (8 + 1 + 3) = 32 rounds, 8 n + 2 (8 n + 2 n + 9 n) = 46 n.**
//! Dealer: 26 `square_pair` (n), per iteration one `mul_triple` (n, n, n) and the polynomial's
//! two `mul_triple`s (2n, n, 2n) and (4n, n, 4n).
//!
//! Error and domain: CrypTen documents 2% relative error on `[1e-4, 250]`; measured 4.2e-2
//! absolute. The true upper limit comes from the initial guess's `exp(-2x - 1)` (t = 8): for
//! `x > 127.5` its argument is below -256 and the limit exp returns the spurious
//! `|1 - (2x + 1)/256|^256`, which spoils the guess from `x ~ 248`; **for `x > 255.5`** (argument
//! below `-2^(t+1) = -512`) its squarings overflow the ring and the result is garbage, as in
//! CrypTen. Callers with large arguments scale them publicly first (`log_softmax` does).
//! Both exponentials use the one `exp_iterations` parameter (CrypTen uses the global
//! `exp_iterations` for the initial guess and `log_exp_iterations` inside; both default to 8).

use super::exp::{add_f64, exp_with, rsub_f64};
use super::params::{Exp, Log};
use super::polynomial::polynomial;
use crate::engine::{AShare, Backend, Ctx};
use crate::proto::mul_aa;

/// `ln x` with CrypTen's defaults. **Cost: 32 rounds, 46 n.**
pub fn log<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    log_with(ctx, x, &Log::default())
}

/// `ln x` with explicit parameters. **Cost: t + k (t + 1 + r_poly) rounds,
/// (t + k (t + 2 + e_poly)) n**, with the polynomial's rounds `r_poly` and elements `e_poly n`.
pub fn log_with<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, p: &Log) -> AShare<B> {
    let fx = ctx.fixed();
    match *p {
        Log::Householder {
            iterations,
            exp_iterations,
            order,
        } => ctx.scoped("log", |ctx| {
            let e = Exp::Limit {
                iterations: exp_iterations,
            };
            let coeffs: Vec<f64> = (0..order).map(|i| 1.0 / (i as f64 + 1.0)).collect();
            let term1 = x.div_public_int(120);
            let arg = add_f64(&x.mul_int(2), 1.0, fx).neg();
            let term2 = exp_with(ctx, &arg, &e).mul_int(20);
            let mut y = add_f64(&term1.sub(&term2), 3.0, fx);
            for _ in 0..iterations {
                let ey = exp_with(ctx, &y.neg(), &e);
                let h = rsub_f64(&mul_aa(ctx, x, &ey), 1.0, fx);
                y = y.sub(&polynomial(ctx, &h, &coeffs));
            }
            y
        }),
    }
}
