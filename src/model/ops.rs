//! The protocol-library functions the model uses, in one place (so a change of signature in the
//! library touches one file), plus CrypTen's softmax composition.
//!
//! Costs are those of the library functions (see their headers); `softmax_dim` is CrypTen's
//! `softmax(dim)`: `max(dim)` + `exp(x - max)` + all-positive reciprocal of the row sums + one
//! mul (`crypten-2pc.md`, "max, argmax, softmax").

use crate::engine::{AShare, Backend, Ctx};

pub use crate::func::exp::exp;
pub use crate::func::inv_sqrt::inv_sqrt;
pub use crate::func::log::log;
pub use crate::func::reciprocal::{reciprocal, reciprocal_all_pos};
pub use crate::func::sigmoid::tanh;
pub use crate::func::sqrt::sqrt;

/// CrypTen's softmax along `dim`: `e = exp(x - max)`, `e * reciprocal_all_pos(sum e)`.
/// **Cost (B rows of length L, n = B L): max_dim + 8 + 28 + 1 rounds; max's elements + 8 n +
/// 38 B + (n + B).** Config a's attention (64 rows of 16): 95 rounds, 107,968 elements.
pub fn softmax_dim<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, dim: usize) -> AShare<B> {
    ctx.scoped("softmax", |ctx| {
        let (m, _) = crate::func::max::max_dim(ctx, x, dim, true);
        let e = exp(ctx, &x.sub(&m));
        let s = e.sum_axis(dim, true);
        let r = reciprocal_all_pos(ctx, &s);
        crate::proto::mul_aa(ctx, &e, &r)
    })
}

/// `(cos x, sin x)` with CrypTen's 28-round method.
pub fn cossin_crypten<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> (AShare<B>, AShare<B>) {
    crate::func::trig::cossin(ctx, x)
}

/// `(cos x, sin x)` with the paper's one-round protocol.
pub fn cossin_one_round<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> (AShare<B>, AShare<B>) {
    crate::func::cos_one_round::cossin_one_round(ctx, x)
}

/// CrypTen's erf.
pub fn erf<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    crate::func::erf::erf(ctx, x)
}
