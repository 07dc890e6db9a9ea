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
//! Error: the max is exact, so `x - max <= 0` and `exp` works on its accurate side; the error is
//! dominated by `exp`'s limit approximation and by the reciprocal's Newton iterations on the row
//! sums `s` in `[1, L]`. CrypTen's initial guess `3 exp(1 - 2s) + 0.003` only converges while
//! `0.003 s < 2`, so rows whose exponentials sum above about 666 (e.g. nearly constant rows with
//! L >= 667) give wrong results, as in CrypTen. CrypTen's measured max abs error on (1, 128),
//! x ~ N(0, 16): 0.0043.

use super::exp::exp;
use super::log::log;
use super::max::max_dim;
use super::reciprocal::reciprocal_all_pos;
use crate::engine::{AShare, Backend, Ctx};
use crate::proto::mul_aa;

/// Softmax of `x` along `dim`. Cost in the module header.
pub fn softmax<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, dim: usize) -> AShare<B> {
    ctx.scoped("softmax", |ctx| {
        let (m, _) = max_dim(ctx, x, dim, true);
        let e = exp(ctx, &x.sub(&m));
        let s = e.sum_axis(dim, true);
        let inv = reciprocal_all_pos(ctx, &s);
        mul_aa(ctx, &e, &inv)
    })
}

/// Log-softmax of `x` along `dim` (CrypTen `log_softmax`): `(x - max) - ln(sum exp(x - max))`.
/// **Cost**: rounds `R_max(L) + 8 + 32`, elements `E_max(B, L) + 8 n + 46 B` (max, exp on n,
/// log on the B row sums). Error: dominated by CrypTen's `log` (2% relative on its range).
pub fn log_softmax<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, dim: usize) -> AShare<B> {
    ctx.scoped("log_softmax", |ctx| {
        let (m, _) = max_dim(ctx, x, dim, true);
        let logits = x.sub(&m);
        let e = exp(ctx, &logits);
        let s = e.sum_axis(dim, true);
        let l = log(ctx, &s);
        logits.sub(&l)
    })
}
