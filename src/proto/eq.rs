//! Equality of arithmetic sharings, 2-party form.
//!
//! Reference: CrypTen `crypten/mpc/mpc.py` / `crypten/mpc/primitives/arithmetic.py`
//! (`eq` -> `_eqz_2PC` with two parties) and `crypten/mpc/primitives/binary.py` (`eq`).
//!
//! `x == 0` holds iff party 0's share `s0` equals the negation of party 1's share `-s1`. Each party
//! XOR-shares its word for free (`[s0, 0]` and `[0, -s1]`); `z = NOT(s0 ^ -s1)` is all ones iff
//! they are equal. A 6-level AND tree folds the 64 bits of `z` into bit 0
//! (`z <- z & (z >> k)` for `k = 32, 16, 8, 4, 2, 1`, each level one AND of two n-word tensors),
//! then a 1-bit B2A. Result: an arithmetic bit at ring scale 1. Exact.

use super::b2a::b2a_bit;
use super::boolean::and_bb;
use crate::engine::{AShare, Backend, Ctx};

/// `1` where `x == 0`, else `0`, as an arithmetic bit at ring scale 1.
///
/// **Cost: 7 rounds, 13 n elements** (6 AND levels of 2 n, then n for the B2A). Dealer:
/// 6 `binary_triple` requests (n, n, n), one `b2a_bit` (n, n). Exact.
pub fn eqz_a<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    ctx.scoped("eq", |ctx| {
        let [b0, _] = x.split_to_binary();
        let [_, b1] = x.neg().split_to_binary();
        let mut z = b0.xor(&b1).not();
        for k in [32u32, 16, 8, 4, 2, 1] {
            z = and_bb(ctx, &z, &z.shr(k));
        }
        b2a_bit(ctx, &z.bit(0))
    })
}

/// `1` where `x == y` (broadcasting), else `0`, as an arithmetic bit at ring scale 1:
/// [`eqz_a`] of `x - y`. **Cost: 7 rounds, 13 n** (n = broadcast size). Exact.
pub fn eq_a<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, y: &AShare<B>) -> AShare<B> {
    eqz_a(ctx, &x.sub(y))
}
