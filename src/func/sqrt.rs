//! The square root `sqrt(x) = x * (1 / sqrt(x))` for positive `x`.
//!
//! Reference: CrypTen `crypten/common/functions/approximations.py` (`sqrt`).
//!
//! **Online cost (defaults): inverse square root (17 rounds, 23 n) + one Beaver product
//! (1 round, 2 n) = 18 rounds, 25 n.** Dealer: 11 `square_pair` (n), 7 `mul_triple` (n, n, n).
//!
//! Error: the inverse square root's relative error times `sqrt(x)`; CrypTen measured 9.1e-3 on
//! `[0.1, 10]`.

use super::inv_sqrt::inv_sqrt_with;
use super::params::InvSqrt;
use crate::engine::{AShare, Backend, Ctx};
use crate::proto::mul_aa;

/// `sqrt(x)` with CrypTen's defaults. **Cost: 18 rounds, 25 n.**
pub fn sqrt<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    sqrt_with(ctx, x, &InvSqrt::default())
}

/// `sqrt(x)` with explicit inverse-square-root parameters. **Cost: inv_sqrt + 1 round, 2 n.**
pub fn sqrt_with<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, p: &InvSqrt) -> AShare<B> {
    ctx.scoped("sqrt", |ctx| {
        let r = inv_sqrt_with(ctx, x, p);
        mul_aa(ctx, &r, x)
    })
}
