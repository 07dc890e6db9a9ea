//! Private division `x / y` of two sharings.
//!
//! Reference: CrypTen `crypten/mpc/mpc.py` (`div` with an encrypted divisor:
//! `x * y.reciprocal()`).
//!
//! **Online cost (defaults): sign-aware reciprocal (38 rounds, 69 n) + one Beaver product
//! (1 round, 2 n) = 39 rounds, 71 n** (n elements in each operand). Dealer: the reciprocal's,
//! plus one `mul_triple` (n, n, n).
//!
//! Error: the reciprocal's relative error times `|x|`, plus one truncation.

use super::params::ReciprocalParams;
use super::reciprocal::reciprocal_with;
use crate::engine::{AShare, Backend, Ctx};
use crate::proto::mul_aa;

/// `x / y` with CrypTen's default reciprocal (sign-aware). **Cost: 39 rounds, 71 n.**
pub fn div_aa<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, y: &AShare<B>) -> AShare<B> {
    div_aa_with(ctx, x, y, &ReciprocalParams::default())
}

/// `x / y` with explicit reciprocal parameters. **Cost: reciprocal + 1 round, |x| + |y|.**
pub fn div_aa_with<B: Backend>(
    ctx: &mut Ctx<B>,
    x: &AShare<B>,
    y: &AShare<B>,
    p: &ReciprocalParams,
) -> AShare<B> {
    ctx.scoped("div", |ctx| {
        let r = reciprocal_with(ctx, y, p);
        mul_aa(ctx, x, &r)
    })
}
