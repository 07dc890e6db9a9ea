//! Private selection `where(c, x, y)`.
//!
//! Reference: CrypTen `crypten/mpc/mpc.py` (`where`): `y * (1 - c)` then `x * c`, added.

use super::beaver::mul_aa_ring;
use crate::engine::{AShare, Backend, Ctx, Public};

/// `c ? x : y` element-wise (broadcasting) for a private condition `c` given as an arithmetic bit
/// at ring scale 1 (the output of a comparison). Computes `(1 - c) y` then `x c` as two
/// **sequential** Beaver products (CrypTen issues them one after the other) without truncation
/// (one factor is a bit), and adds them.
///
/// **Cost: 2 rounds, (|c| + |y|) + (|x| + |c|) elements.** Dealer: two `mul_triple` requests,
/// (|y|, |c|, ..) then (|x|, |c|, ..). Exact when `c` is a bit.
pub fn where_a<B: Backend>(
    ctx: &mut Ctx<B>,
    c: &AShare<B>,
    x: &AShare<B>,
    y: &AShare<B>,
) -> AShare<B> {
    ctx.scoped("where", |ctx| {
        let not_c = c.rsub_public(&Public::filled_ring(c.shape().clone(), 1));
        let y_masked = mul_aa_ring(ctx, y, &not_c);
        let x_masked = mul_aa_ring(ctx, x, c);
        x_masked.add(&y_masked)
    })
}
