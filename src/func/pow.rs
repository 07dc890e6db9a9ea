//! Integer powers `x^p` (p >= 0) by repeated squaring.
//!
//! Reference: CrypTen `crypten/common/functions/power.py` (`pow`, `pos_pow` with an integer
//! exponent).
//!
//! CrypTen's recursion: `p = 2`: square; even p: square, then `pow(p/2)`; odd p: square, mul by
//! `x`, then `pow((p-1)/2)` **of `x^3`**, which returns `x^(3(p-1)/2)` instead of `x^p` for odd
//! `p >= 5` (a bug; it makes CrypTen's `erf` wrong). This module computes the **right** value,
//! `x^p = x * (x^2)^((p-1)/2)` for odd p, with the same multiset of communication calls: the same
//! number of squares (`floor(log2 p)`, n elements each) and of products (`popcount(p) - 1`, 2n
//! elements each, `mul_triple` (n, n, n)), all sequential, so the same rounds, elements and
//! correlations. Only the position of each product in the sequence differs (it comes after the
//! recursion instead of before; for `p = 5` no ordering "square, mul, square" can produce `x^5`).
//!
//! **Online cost: `floor(log2 p) + popcount(p) - 1` rounds, `(floor(log2 p) + 2 (popcount(p) -
//! 1)) n` elements** (p >= 1; p = 0 is free). `pow3`: 2 rounds, 3 n.
//! Dealer: `floor(log2 p)` `square_pair` (n) and `popcount(p) - 1` `mul_triple` (n, n, n).
//!
//! Error: one truncation per call (+-1 ulp, amplified by the later products), rare wrap, and the
//! fixed-point range: `|x|^p` must stay below 2^47.

use crate::engine::{AShare, Backend, Ctx, Public};
use crate::proto::{mul_aa, square_a};

/// `x^p` for a public integer `p >= 0`, right for every `p` (see the module header).
/// **Cost: floor(log2 p) + popcount(p) - 1 rounds; (floor(log2 p) + 2 popcount(p) - 2) n.**
pub fn pow<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, p: u32) -> AShare<B> {
    if p == 0 {
        let fx = ctx.fixed();
        return AShare::from_public(&Public::filled_f64(fx, x.shape().clone(), 1.0));
    }
    ctx.scoped("pow", |ctx| pow_rec(ctx, x, p))
}

fn pow_rec<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, p: u32) -> AShare<B> {
    match p {
        1 => x.clone(),
        2 => square_a(ctx, x),
        _ if p % 2 == 0 => {
            let s = square_a(ctx, x);
            pow_rec(ctx, &s, p / 2)
        }
        _ => {
            let s = square_a(ctx, x);
            let t = pow_rec(ctx, &s, (p - 1) / 2);
            mul_aa(ctx, &t, x)
        }
    }
}

/// Online rounds of [`pow`]: `floor(log2 p) + popcount(p) - 1` (0 for p <= 1).
pub fn pow_rounds(p: u32) -> u64 {
    if p <= 1 {
        0
    } else {
        (31 - p.leading_zeros() + p.count_ones() - 1) as u64
    }
}

/// Opened elements of [`pow`] per input element: `floor(log2 p) + 2 (popcount(p) - 1)`.
pub fn pow_elements_per_n(p: u32) -> u64 {
    if p <= 1 {
        0
    } else {
        (31 - p.leading_zeros() + 2 * (p.count_ones() - 1)) as u64
    }
}
