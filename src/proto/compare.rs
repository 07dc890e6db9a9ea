//! Comparisons of arithmetic sharings: less-than-zero and the functions built on it.
//!
//! Reference: CrypTen `crypten/mpc/mpc.py` (`_ltz`, `lt`, `gt`, `le`, `ge`, `sign`, `relu`,
//! `abs`) and `crypten/mpc/primitives/converters.py`.
//!
//! `ltz(x)` = A2B (7 rounds, 26 n), take the top (sign) bit, 1-bit B2A (1 round, n): **8 rounds,
//! 27 n**. Results are arithmetic bits at ring scale 1 (CrypTen sets the encoder scale to 1),
//! except [`sign_a`], which returns fixed point. All comparisons are exact on the whole ring
//! (two's complement sign), no approximation error.

use super::a2b::a2b;
use super::b2a::b2a_bit;
use super::beaver::mul_aa_ring;
use crate::engine::{AShare, Backend, Ctx, Public};

/// `1` where `x < 0` (two's complement), else `0`, as an arithmetic bit at ring scale 1.
/// **Cost: 8 rounds, 27 n.** Dealer: 7 `binary_triple` (13 n per component), 1 `b2a_bit` (n).
pub fn ltz_a<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    ctx.scoped("ltz", |ctx| {
        let b = a2b(ctx, x);
        b2a_bit(ctx, &b.shr(63))
    })
}

/// `1 - bit` for an arithmetic bit at ring scale 1 (local).
fn one_minus<B: Backend>(bit: &AShare<B>) -> AShare<B> {
    bit.rsub_public(&Public::filled_ring(bit.shape().clone(), 1))
}

/// `x < y` as a bit at scale 1: `ltz(x - y)`. **Cost: 8 rounds, 27 n** (n = broadcast size).
pub fn lt_a<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, y: &AShare<B>) -> AShare<B> {
    ltz_a(ctx, &x.sub(y))
}

/// `x > y` as a bit at scale 1: `ltz(y - x)`. **Cost: 8 rounds, 27 n.**
pub fn gt_a<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, y: &AShare<B>) -> AShare<B> {
    ltz_a(ctx, &y.sub(x))
}

/// `x <= y` as a bit at scale 1: `1 - gt(x, y)` (CrypTen). **Cost: 8 rounds, 27 n.**
pub fn le_a<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, y: &AShare<B>) -> AShare<B> {
    one_minus(&gt_a(ctx, x, y))
}

/// `x >= y` as a bit at scale 1: `1 - lt(x, y)` (CrypTen). **Cost: 8 rounds, 27 n.**
pub fn ge_a<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, y: &AShare<B>) -> AShare<B> {
    one_minus(&lt_a(ctx, x, y))
}

/// `x >= 0` as a bit at scale 1: `1 - ltz(x)`. **Cost: 8 rounds, 27 n.**
pub fn gez_a<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    one_minus(&ltz_a(ctx, x))
}

/// `sign(x) = 1 - 2 ltz(x)` as an integer at ring scale 1 (`+1` for `x >= 0`, `-1` otherwise).
/// **Cost: 8 rounds, 27 n.**
pub fn sign_int_a<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    let l = ltz_a(ctx, x);
    l.mul_int(-2)
        .add_public(&Public::filled_ring(l.shape().clone(), 1))
}

/// `sign(x) = 1 - 2 ltz(x)` in **fixed point** (`+1.0` for `x >= 0`, including 0, `-1.0`
/// otherwise), ready to multiply fixed-point values with [`super::mul_aa`].
/// **Cost: 8 rounds, 27 n.** Dealer as [`ltz_a`]. Exact.
pub fn sign_a<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    let s = ctx.fixed().scale();
    ctx.scoped("sign", |ctx| {
        let l = ltz_a(ctx, x);
        l.mul_int(-2 * s as i64)
            .add_public(&Public::filled_ring(l.shape().clone(), s))
    })
}

/// `relu(x) = x * (x >= 0)`: [`gez_a`] then one Beaver product by the bit at scale 1 (no
/// truncation). **Cost: 9 rounds, 29 n.** Dealer: as [`ltz_a`] plus one `mul_triple` (n, n, n).
/// Exact (the product by a bit does not truncate).
pub fn relu_a<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    ctx.scoped("relu", |ctx| {
        let b = gez_a(ctx, x);
        mul_aa_ring(ctx, x, &b)
    })
}

/// `|x| = x * sign(x)` with the sign at scale 1 (no truncation). **Cost: 9 rounds, 29 n.**
/// Dealer: as [`ltz_a`] plus one `mul_triple` (n, n, n). Exact.
pub fn abs_a<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    ctx.scoped("abs", |ctx| {
        let s = sign_int_a(ctx, x);
        mul_aa_ring(ctx, x, &s)
    })
}
