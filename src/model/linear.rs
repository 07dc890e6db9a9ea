//! Linear layer with secret-shared weight and bias: `y = x W + b`.
//!
//! Reference: CrypTen `crypten/nn/module.py` (`Linear`: `x.matmul(W.t()) + b`),
//! `crypten-2pc.md` ("Linear layer with encrypted weights"), `crypten-autograd.md` (matmul
//! backward).
//!
//! **Forward: 1 round, |x| + |W| elements** (Beaver matmul; the weight is re-opened on every
//! call, once per call even when broadcast over the batch); the bias add is free.
//! Dealer: one `matmul_triple`. Error: +-1 ulp truncation per output plus the triple's rare wrap.
//! **Backward (crypten): 2 rounds, (|G| + |W|) + (|x| + |G|)**; the bias gradient is a local sum.

use super::grad::{matmul_bw, sum_to_shape};
use super::methods::Profile;
use crate::engine::{AShare, Backend, Ctx};
use crate::proto::matmul_aa;

/// Gradients `(dx, dW, db)` of a linear layer; `None` where the lean profile skips one.
pub type LinearGrads<B> = (Option<AShare<B>>, Option<AShare<B>>, Option<AShare<B>>);

/// `x W + b` under scope `linear`.
pub fn linear<B: Backend>(
    ctx: &mut Ctx<B>,
    x: &AShare<B>,
    w: &AShare<B>,
    b: &AShare<B>,
) -> AShare<B> {
    ctx.scoped("linear", |ctx| matmul_aa(ctx, x, w).add(b))
}

/// Gradients of a linear layer: `(dx, dW, db)`; `need = (x, weights)` says which the lean
/// profile computes (crypten computes all).
pub fn linear_bw<B: Backend>(
    ctx: &mut Ctx<B>,
    profile: Profile,
    g: &AShare<B>,
    x: &AShare<B>,
    w: &AShare<B>,
    b_shape: &crate::ring::Shape,
    need: (bool, bool),
) -> LinearGrads<B> {
    ctx.scoped("linear", |ctx| {
        let (dx, dw) = matmul_bw(ctx, profile, g, x, w, need);
        let db = dw.as_ref().map(|_| sum_to_shape(g, b_shape));
        (dx, dw, db)
    })
}
