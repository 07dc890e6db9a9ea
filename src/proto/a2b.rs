//! Arithmetic-to-binary conversion (A2B) with a 64-bit parallel-prefix adder.
//!
//! Reference: CrypTen `crypten/mpc/primitives/converters.py` (`_A2B`) and
//! `crypten/mpc/primitives/circuit.py` (Kogge-Stone style adder on 64-bit words).
//!
//! Each party XOR-shares its own arithmetic share ([`AShare::split_to_binary`]: free), and the two
//! binary words are added with a Kogge-Stone adder: generate `G = a & b` (one AND level on n
//! words), propagate `P = a ^ b` (local), then for `k = 1, 2, 4, .., 32` one AND level on the
//! stacked words `[P, P] & [G << k, P << k]` giving `G <- G ^ (P & (G << k))`,
//! `P <- P & (P << k)` (G and P stay disjoint, so XOR equals OR). The sum is
//! `a ^ b ^ (G << 1)`.

use super::boolean::{and_bb, and_bb_broadcast, stack_shl_b, unstack_b, with_leading_one};
use crate::engine::{AShare, BShare, Backend, Ctx};

/// Number of prefix levels after the generate level: log2(64).
pub const ADDER_LEVELS: u32 = 6;

/// Adds two XOR-shared 64-bit words modulo 2^64 with the Kogge-Stone circuit described in the
/// module header. **Cost: 7 rounds, 26 n elements** (2 n + 6 x 4 n). Dealer: 7 `binary_triple`
/// requests, (n, n, n) then six of (2n, 2n, 2n): 13 n elements per component. Exact.
pub fn add_bb<B: Backend>(ctx: &mut Ctx<B>, a: &BShare<B>, b: &BShare<B>) -> BShare<B> {
    let shape = a.shape().clone();
    let mut g = and_bb(ctx, a, b);
    let mut p = a.xor(b);
    for i in 0..ADDER_LEVELS {
        let k = 1u32 << i;
        // [P, P], as P broadcast along a new leading axis (not copied).
        let left = p.reshape(with_leading_one(&shape));
        let right = stack_shl_b(&[&g, &p], k);
        let r = and_bb_broadcast(ctx, &left, &right);
        g = g.xor(&unstack_b(&r, 0, &shape));
        p = unstack_b(&r, 1, &shape);
    }
    a.xor(b).xor(&g.shl(1))
}

/// Converts an arithmetic sharing into an XOR sharing of the same 64-bit ring elements.
///
/// **Cost: 7 rounds, 26 n elements opened.** Dealer: 7 `binary_triple` requests totalling
/// 13 n elements per component (n, then 6 x 2n). Exact for every ring element.
pub fn a2b<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> BShare<B> {
    let [b0, b1] = x.split_to_binary();
    add_bb(ctx, &b0, &b1)
}
