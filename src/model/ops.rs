//! The protocol-library functions the model uses, in one place (so a change of signature in the
//! library touches one file). Costs are those of the library functions (see their headers).
//! Dropout is composed in [`super::dropout`] instead of calling `func::dropout::dropout_secret`,
//! because the backward pass needs the secret keep-mask, which that function does not return
//! (same primitives, same cost).

use crate::engine::{AShare, Backend, Ctx};

pub use crate::func::exp::exp;
pub use crate::func::inv_sqrt::inv_sqrt;
pub use crate::func::log::log;
pub use crate::func::reciprocal::{reciprocal, reciprocal_all_pos};
pub use crate::func::sigmoid::tanh;
pub use crate::func::sqrt::sqrt;

/// CrypTen's softmax along `dim` ([`crate::func::softmax::softmax`], scope `softmax`):
/// `max(dim)` + `exp(x - max)` + all-positive reciprocal of the row sums + one mul.
/// Config a's attention (64 rows of 16): 95 rounds, 107,968 elements.
pub fn softmax_dim<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, dim: usize) -> AShare<B> {
    crate::func::softmax::softmax(ctx, x, dim)
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
