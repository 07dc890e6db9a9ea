//! Shared uniform random values in [0, 1) (CrypTen's `crypten.rand`).
//!
//! Reference: CrypTen `crypten/mpc/mpc.py` (`rand`) and `crypten/mpc/primitives/binary.py`
//! (`BinarySharedTensor.rand`).
//!
//! Where the random bits come from: **not the dealer**. As in CrypTen, each party draws its own
//! XOR share of an `f`-bit word locally (`f` = fixed-point fractional bits, 16 by default), so the
//! XOR is uniform on `f` bits and neither party knows it
//! ([`BShare::random_local`](crate::engine::BShare::random_local)). Party `i`'s generator is the
//! run-seed stream `rand/p{i}/{k}`, where `k` is the number of rounds already on the ledger when
//! the call starts (distinct for every call, identical in both backends). The `f`-bit word is then
//! converted with one `f`-bit B2A, read as a fixed-point value `u / 2^f` in [0, 1).

use super::b2a::b2a_bits;
use crate::engine::{AShare, BShare, Backend, Ctx};
use crate::ring::Shape;

/// A fresh sharing of independent uniform values on the grid `{0, 2^-f, .., 1 - 2^-f}` (fixed
/// point, `f` fractional bits).
///
/// **Cost: 1 round, f n elements opened (16 n by default).** Dealer: one `b2a_bit` request of
/// f n elements (the random words themselves are drawn locally by each party, see the module
/// header). Exact.
pub fn rand_a<B: Backend>(ctx: &mut Ctx<B>, shape: &Shape) -> AShare<B> {
    let f = ctx.fixed().frac_bits;
    let nonce = ctx.ledger().rounds().len();
    let seed = ctx.config().seed;
    let mut r0 = seed.share_stream(&format!("rand/p0/{nonce}"));
    let mut r1 = seed.share_stream(&format!("rand/p1/{nonce}"));
    let bits = BShare::<B>::random_local(shape.clone(), f, [&mut r0, &mut r1]);
    ctx.scoped("rand", |ctx| b2a_bits(ctx, &bits, f))
}
