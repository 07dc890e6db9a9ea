//! Dropout with a secret random mask (training mode).
//!
//! Reference: CrypTen `crypten/common/functions/dropout.py` (`dropout`): `r = crypten.rand`,
//! keep where `r > p`, scale the input by `1 / (1 - p)` (public, local) and multiply by the keep
//! bit.

use crate::engine::{AShare, Backend, Ctx, Public};
use crate::proto::{ltz_a, mul_aa_ring, rand_a};

/// Zeroes each element of `x` independently with probability `p` (up to the 2^-16 grid of the
/// random value) and scales the survivors by `1 / (1 - p)`, with a mask no party knows.
///
/// `u = rand(shape)` (1 round, 16 n); `keep = (u > p) = ltz(p - u)` (8 rounds, 27 n);
/// `x / (1 - p)` (public scalar product, local, truncated); product with the bit at ring scale 1
/// (1 round, 2 n). **Cost: 10 rounds, 45 n.** Dealer: one `b2a_bit` (16 n), the comparison's
/// 7 `binary_triple` (13 n each component) and one `b2a_bit` (n), one `mul_triple` (n, n, n).
/// `p = 0` returns `x` and `p = 1` returns zeros, both free (as CrypTen).
///
/// Error: the kept values carry the +-1 ulp truncation of the public scaling; the keep
/// probability is `P(u > p)` for `u` uniform on the 2^-16 grid, i.e. `1 - p` within 2^-16.
/// Panics unless `0 <= p <= 1`.
pub fn dropout_secret<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, p: f64) -> AShare<B> {
    assert!(
        (0.0..=1.0).contains(&p),
        "dropout probability must be in [0, 1], got {p}"
    );
    if p == 0.0 {
        return x.clone();
    }
    if p == 1.0 {
        return x.sub(x);
    }
    let fx = ctx.fixed();
    ctx.scoped("dropout", |ctx| {
        let u = rand_a(ctx, x.shape());
        let keep = ltz_a(
            ctx,
            &u.rsub_public(&Public::filled_f64(fx, x.shape().clone(), p)),
        );
        let scaled = x.mul_scalar(1.0 / (1.0 - p), fx);
        mul_aa_ring(ctx, &scaled, &keep)
    })
}
