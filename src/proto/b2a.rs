//! Binary-to-arithmetic conversion of bits (B2A).
//!
//! Reference: CrypTen `crypten/mpc/primitives/converters.py` (`_B2A` with `bits`), using the
//! dealer's random bits (`crypten/mpc/provider/*`: `B2A_rng` / `generate_binary_triple` family).
//!
//! A bit `x` XOR-shared is converted with a random bit `r` the dealer shares both ways: open
//! `z = x ^ r` (one masked bit per element, sent as a 64-bit word), then
//! `x = z ^ r = z + r - 2 z r` is computed locally from the arithmetic sharing of `r`.

use super::boolean::stack_b;
use crate::engine::{AShare, BShare, Backend, Ctx, Public};
use crate::ring::Shape;

/// Converts XOR-shared bits (every word must be 0 or 1) into an arithmetic sharing of the same
/// integers (ring scale 1, no fixed-point scaling).
///
/// **Cost: 1 round, n elements opened.** Dealer: one `b2a_bit` request (n, n).
/// Exact. Precondition: every word of `x` is in {0, 1}; other bits would be opened masked only
/// in bit 0 (the caller extracts bits with [`BShare::bit`] or a shift by 63).
pub fn b2a_bit<B: Backend>(ctx: &mut Ctx<B>, x: &BShare<B>) -> AShare<B> {
    let (dealer, scope) = ctx.dealer();
    let scope = scope.clone();
    let (rb, ra) = dealer.b2a_bits(&scope, x.shape());
    let z = ctx
        .open_binary_many(&[&x.xor(&rb)])
        .pop()
        .expect("one opened value");
    // x = z + r - 2 z r = r (1 - 2 z) + z
    let one_minus_2z = z.mul_int(-2).add_int(1);
    ra.mul_public_ring(&one_minus_2z).add_public(&z)
}

/// Converts the low `k` bits of XOR-shared words into an arithmetic sharing of the integer
/// `sum_{j<k} 2^j bit_j` (ring scale 1): the `k` bits are stacked into one tensor of `k n` bits
/// and converted with one bit pair each.
///
/// **Cost: 1 round, k n elements opened.** Dealer: one `b2a_bit` request (k n, k n).
/// Exact. `k` must be in 1..=64.
pub fn b2a_bits<B: Backend>(ctx: &mut Ctx<B>, x: &BShare<B>, k: u32) -> AShare<B> {
    assert!(
        (1..=64).contains(&k),
        "b2a_bits: k must be in 1..=64, got {k}"
    );
    let bits: Vec<BShare<B>> = (0..k).map(|j| x.bit(j)).collect();
    let refs: Vec<&BShare<B>> = bits.iter().collect();
    let stacked = stack_b(&refs);
    let a = b2a_bit(ctx, &stacked);
    // weights 2^j along the leading axis, broadcast over the rest
    let mut wd = vec![k as usize];
    wd.extend(std::iter::repeat_n(1, x.shape().rank()));
    let w = Public::<B>::from_ring_fn(Shape::new(wd), |j| 1u64 << j);
    a.mul_public_ring(&w).sum_axis(0, false)
}
