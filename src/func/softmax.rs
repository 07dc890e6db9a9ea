//! Softmax and log-softmax along a dimension, CrypTen's method.
//!
//! Reference: CrypTen `crypten/common/functions/approximations.py` (`softmax`, `log_softmax`);
//! cost structure from `crypten-2pc.md`, "max, argmax, softmax".
//!
//! `softmax(x) = e / sum(e)` with `e = exp(x - max(x))`: the row maximum comes from
//! [`max_dim`] with `keepdim` (which, as in CrypTen, also computes the full one-hot argmax that
//! softmax then ignores), the exponential is [`exp`] (8 squarings), the reciprocal of the row sums
//! is [`reciprocal_all_pos`] (28 rounds, 38 per row), and one Beaver product of `e` (n) with the
//! broadcast reciprocal (B).
//!
//! **Cost** (B rows of length L, n = B L): rounds `R_max(L) + 8 + 28 + 1`, elements
//! `E_max(B, L) + 8 n + 38 B + (n + B)`, with `R_max`, `E_max` of [`max_dim`].
//! Worked values (rounds, elements per row): L = 64: 115, 5527; L = 128: 116, 11907;
//! L = 512: 136, 42627. Measured (CrypTen 0.4.1, TFP) for (1, 128): 116 rounds, 190512 bytes,
//! `binary_triple x55 elems=4824/4824/4824; b2a_bit x10 elems=472/472;
//! mul_triple x25 elems=436/309/436; square_pair x26 elems=1042/1042`.
//!
//! Dealer correlations (general form): those of [`max_dim`] on `(B, L)` (see its header), then
//! `exp`'s 8 `square_pair` (n), the reciprocal's 18 `square_pair` (B) and 10 `mul_triple`
//! (B, B, B), and one `mul_triple` (n, B, n) for the final product.
//!
//! **Row-sum scaling (our deviation for value, not for cost).** The row sums `s` lie in `[1, L]`
//! (the maximum contributes `exp(0) = 1`). CrypTen calls `reciprocal_all_pos(s)` directly, and
//! its initial guess `3 exp(1 - 2s) + 0.003` breaks down for large `s`: from `s ~ 254` the guess
//! exceeds `2/s` and Newton-Raphson diverges, from `s > 256.5` the limit-exp base is below -1 and
//! its squarings overflow the ring, and already from `s ~ 32` the 16-bit `y^2` inside the
//! iterations costs percents (relative error about `s^2 2^-16`). So CrypTen's softmax returns
//! garbage for flat or low-spread rows with `L >= ~254`. We keep CrypTen's call sequence but
//! compute the reciprocal of `s' = s / 2^k` (a local public division) with the **public,
//! shape-only** `k = clamp(ceil(log2 L) - 3, 0, 8)`, so that `s'` lies in `[2^-k, 8]` (for
//! `L <= 2048`), where the reciprocal is accurate to about 1e-3; the product `e * (1/s')` is then
//! divided by `2^k` locally, which equals `e / s`. Rounds, opened elements and correlations are
//! unchanged (`k = 0`, i.e. exactly CrypTen, for `L <= 8`). For `L > 2048` (`k = 8`) `s'` reaches
//! `L / 256`; the result degrades like `(L/256)^2 2^-16` and breaks at `L ~ 64000` for flat rows.
//!
//! Error: the max is exact, so `x - max <= 0`. The limit `exp` (t = 8) is accurate only for
//! `x - max >= -2^t = -256`; between `-2^(t+1) = -512` and -256 its base `1 + x/256` is in
//! `(-1, 0)` and the even power returns `|1 + x/256|^256` (spurious, up to 1 near -512), and below
//! -512 the squarings overflow the ring (garbage). So rows whose spread `max - min` exceeds about
//! 266 give wrong results, as in CrypTen. Otherwise the error is dominated by `exp`'s limit
//! approximation and the reciprocal (about 1e-3 relative). CrypTen's measured max abs error on
//! (1, 128), x ~ N(0, 16): 0.0043.

use super::exp::exp;
use super::log::log;
use super::max::max_dim;
use super::reciprocal::reciprocal_all_pos;
use crate::engine::{AShare, Backend, Ctx};
use crate::proto::mul_aa;

/// The public scaling exponent `k` for row sums of a row of length `l`: `s / 2^k` is passed to
/// the reciprocal (softmax) or the logarithm (log-softmax). Depends only on the shape:
/// `clamp(ceil(log2 l) - 3, 0, 8)`.
pub fn row_sum_scale_bits(l: usize) -> u32 {
    let ceil_log2 = l.max(1).next_power_of_two().trailing_zeros();
    ceil_log2.saturating_sub(3).min(8)
}

/// Softmax of `x` along `dim`. Cost in the module header.
pub fn softmax<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, dim: usize) -> AShare<B> {
    ctx.scoped("softmax", |ctx| {
        let (m, _) = max_dim(ctx, x, dim, true);
        let e = exp(ctx, &x.sub(&m));
        let k = row_sum_scale_bits(x.shape().dims()[dim]);
        let s = e.sum_axis(dim, true).div_public_int(1u64 << k);
        let inv = reciprocal_all_pos(ctx, &s);
        mul_aa(ctx, &e, &inv).div_public_int(1u64 << k)
    })
}

/// Log-softmax of `x` along `dim` (CrypTen `log_softmax`): `(x - max) - ln(sum exp(x - max))`.
/// **Cost**: rounds `R_max(L) + 8 + 32`, elements `E_max(B, L) + 8 n + 46 B` (max, exp on n,
/// log on the B row sums). As in [`softmax`] (see the module header), the logarithm is applied to
/// `s / 2^k` and `k ln 2` is added back (local, no cost change), which keeps `log`'s argument in
/// its range (CrypTen's `log` breaks for arguments above ~248). Error: dominated by `log`
/// (CrypTen documents 2% relative; about 1e-3 absolute for arguments in `[2^-k, 8]`).
pub fn log_softmax<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, dim: usize) -> AShare<B> {
    ctx.scoped("log_softmax", |ctx| {
        let (m, _) = max_dim(ctx, x, dim, true);
        let logits = x.sub(&m);
        let e = exp(ctx, &logits);
        let k = row_sum_scale_bits(x.shape().dims()[dim]);
        let s = e.sum_axis(dim, true).div_public_int(1u64 << k);
        let l = log(ctx, &s).add_f64(k as f64 * std::f64::consts::LN_2, ctx.fixed());
        logits.sub(&l)
    })
}
