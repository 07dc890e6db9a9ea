//! The exponential `e^x` by the limit `(1 + x / 2^t)^(2^t)`.
//!
//! Reference: CrypTen `crypten/common/functions/approximations.py` (`exp`).
//!
//! Computes `y = 1 + x / 2^t` locally (public integer division of each share, then adding the
//! public 1), then squares `y` `t` times in sequence.
//!
//! **Online cost: `t` rounds, `t n` elements opened** (default `t = 8`: 8 rounds, 8 n).
//! Dealer: `t` `square_pair` of n elements each.
//!
//! Error: the limit error `e^x - (1 + x/2^t)^(2^t)`, about `e^x x^2 / 2^(t+1)` (3% at x = 4 for
//! t = 8), plus the fixed-point error of `x / 2^t` (one ulp of 2^-16, amplified by `2^t e^x`),
//! plus the rare local-truncation wrap. Domain: accurate for `x >= -2^t` (-256 for t = 8). For
//! `-2^(t+1) < x < -2^t` the base `1 + x/2^t` is in `(-1, 0)` and the even power returns
//! `|1 + x/2^t|^(2^t)`: spurious, rising to 1 near `-2^(t+1)` (it stays below one ulp only down to
//! about `x = -1.04 * 2^t`). **For `x < -2^(t+1)` (-512) the squarings overflow the ring**
//! (garbage). Upwards, the last squaring's pre-truncation ring value `e^x 2^32` exceeds 2^63 for
//! `x > 31 ln 2 ~ 21.5` (overflow), and its wrap probability `e^x 2^32 / 2^64` is already 2^-17
//! at x = 10. CrypTen's measured range is `[-8, 4]`.

use super::params::Exp;
use crate::engine::{AShare, Backend, Ctx, Public};
use crate::proto::square_a;
use crate::ring::FixedPoint;

/// `x + c` for a public real `c` (encoded in fixed point). Local.
pub(crate) fn add_f64<B: Backend>(x: &AShare<B>, c: f64, fx: FixedPoint) -> AShare<B> {
    x.add_public(&Public::filled_f64(fx, x.shape().clone(), c))
}

/// `c - x` for a public real `c` (encoded in fixed point). Local.
pub(crate) fn rsub_f64<B: Backend>(x: &AShare<B>, c: f64, fx: FixedPoint) -> AShare<B> {
    x.rsub_public(&Public::filled_f64(fx, x.shape().clone(), c))
}

/// `e^x` with CrypTen's default parameters (`Exp::Limit { iterations: 8 }`).
/// **Cost: 8 rounds, 8 n.** Dealer: 8 `square_pair` (n).
pub fn exp<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    exp_with(ctx, x, &Exp::default())
}

/// `e^x` with explicit parameters. **Cost (`Limit { iterations: t }`): t rounds, t n.**
pub fn exp_with<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, p: &Exp) -> AShare<B> {
    let fx = ctx.fixed();
    match *p {
        Exp::Limit { iterations } => {
            assert!(
                (1..=super::params::MAX_LIMIT_ITERATIONS).contains(&iterations),
                "exp iterations must be in 1..=30, got {iterations}"
            );
            ctx.scoped("exp", |ctx| {
                let mut y = add_f64(&x.div_public_int(1u64 << iterations), 1.0, fx);
                for _ in 0..iterations {
                    y = square_a(ctx, &y);
                }
                y
            })
        }
    }
}
