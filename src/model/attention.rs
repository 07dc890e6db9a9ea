//! Multi-head scaled dot-product attention with CrypTen's softmax, and its backward.
//!
//! Reference: `crypten-autograd.md` ("The encoder"), `crypten-2pc.md` (batched Beaver matmuls,
//! softmax). Shapes: input (B, T, H) -> heads (B, h, T, d) by reshape/transpose (free).
//!
//! Forward: Q, K, V linear (3 rounds, 3 (|x| + H^2)); scores `Q K^T` (1 round, 2 B T H,
//! scope `attention_scores`) times the public `1/sqrt d` (free); softmax over keys (scope
//! `softmax`); optional dropout of the probabilities; `P V` (1 round, B h T^2 + B T H, scope
//! `attention_values`); heads merged; the output linear (1 round). The residual is added by the
//! caller.
//!
//! Backward (crypten): output linear (2 rounds), `P V` (2 rounds, 3 B T H + B h T^2), softmax
//! (`P G`, then `(G - sum) P`: 2 rounds, 4 B h T^2), scores (2 rounds, 2 B h T^2 + 2 B T H; the
//! public scale is free), Q, K, V linear (6 rounds).

use super::dropout::{Mask, dropout_bw};
use super::grad::{add_opt, matmul_bw};
use super::linear::{linear, linear_bw};
use super::methods::Profile;
use super::ops::softmax_dim;
use super::weights::LayerWeights;
use crate::engine::{AShare, Backend, Ctx};
use crate::proto::{matmul_aa, mul_aa};
use crate::ring::Shape;

/// (B, T, H) -> (B, h, T, d).
pub fn split_heads<B: Backend>(x: &AShare<B>, heads: usize) -> AShare<B> {
    let d = x.shape().dims();
    let (b, t, h) = (d[0], d[1], d[2]);
    x.reshape(Shape::new([b, t, heads, h / heads]))
        .transpose(1, 2)
}

/// (B, h, T, d) -> (B, T, H).
pub fn merge_heads<B: Backend>(x: &AShare<B>) -> AShare<B> {
    let d = x.shape().dims();
    let (b, h, t, dd) = (d[0], d[1], d[2], d[3]);
    x.transpose(1, 2).reshape(Shape::new([b, t, h * dd]))
}

/// Q, K, V projections split into heads, under scopes `q`, `k`, `v`.
pub fn qkv<B: Backend>(
    ctx: &mut Ctx<B>,
    x: &AShare<B>,
    w: &LayerWeights<B>,
    heads: usize,
) -> (AShare<B>, AShare<B>, AShare<B>) {
    let q = ctx.scoped("q", |ctx| linear(ctx, x, &w.wq, &w.bq));
    let k = ctx.scoped("k", |ctx| linear(ctx, x, &w.wk, &w.bk));
    let v = ctx.scoped("v", |ctx| linear(ctx, x, &w.wv, &w.bv));
    (
        split_heads(&q, heads),
        split_heads(&k, heads),
        split_heads(&v, heads),
    )
}

/// A dropout applied to the attention probabilities: the dropped tensor and its mask, or `None`
/// for no dropout.
pub type DropFn<'a, B> = dyn FnMut(&mut Ctx<B>, &AShare<B>) -> Option<(AShare<B>, Mask<B>)> + 'a;

/// What the attention backward needs.
#[derive(Clone, Debug)]
pub struct AttnTape<B: Backend> {
    x: AShare<B>,
    q: AShare<B>,
    kt: AShare<B>,
    v: AShare<B>,
    probs: AShare<B>,
    probs_used: AShare<B>,
    probs_mask: Option<Mask<B>>,
    merged: AShare<B>,
}

/// Softmax attention (without the residual). `drop_probs` applies dropout to the probabilities
/// and returns its mask. Returns the output (B, T, H) before the output dropout, and the tape.
pub fn softmax_attention<B: Backend>(
    ctx: &mut Ctx<B>,
    x: &AShare<B>,
    w: &LayerWeights<B>,
    heads: usize,
    drop_probs: &mut DropFn<'_, B>,
) -> (AShare<B>, AttnTape<B>) {
    let fx = ctx.fixed();
    let (q, k, v) = qkv(ctx, x, w, heads);
    let d = q.shape().dims()[3];
    let kt = k.transpose(2, 3);
    let scores = ctx.scoped("attention_scores", |ctx| {
        matmul_aa(ctx, &q, &kt).mul_scalar(1.0 / (d as f64).sqrt(), fx)
    });
    let probs = softmax_dim(ctx, &scores, 3);
    let (probs_used, probs_mask) = match drop_probs(ctx, &probs) {
        Some((pd, m)) => (pd, Some(m)),
        None => (probs.clone(), None),
    };
    let c = ctx.scoped("attention_values", |ctx| matmul_aa(ctx, &probs_used, &v));
    let merged = merge_heads(&c);
    let out = ctx.scoped("o", |ctx| linear(ctx, &merged, &w.wo, &w.bo));
    let tape = AttnTape {
        x: x.clone(),
        q,
        kt,
        v,
        probs,
        probs_used,
        probs_mask,
        merged,
    };
    (out, tape)
}

/// Gradients of the attention block's weights (in [`LayerWeights`] order: q, k, v, o).
pub type AttnParamGrads<B> = [Option<(AShare<B>, AShare<B>)>; 4];

/// Softmax attention backward: `(dx, [(dW, db); q, k, v, o])`; `need = (x, weights)`.
pub fn softmax_attention_bw<B: Backend>(
    ctx: &mut Ctx<B>,
    profile: Profile,
    g: &AShare<B>,
    tp: &AttnTape<B>,
    w: &LayerWeights<B>,
    need: (bool, bool),
) -> (Option<AShare<B>>, AttnParamGrads<B>) {
    let fx = ctx.fixed();
    let heads = tp.q.shape().dims()[1];
    let d = tp.q.shape().dims()[3];
    let pair = |a: Option<AShare<B>>, b: Option<AShare<B>>| a.zip(b);
    let (dmerged, dwo, dbo) = ctx.scoped("o", |ctx| {
        linear_bw(
            ctx,
            profile,
            g,
            &tp.merged,
            &w.wo,
            w.bo.shape(),
            (true, need.1),
        )
    });
    let dc = split_heads(&dmerged.expect("dmerged"), heads);
    let (dp_used, dv) = ctx.scoped("attention_values", |ctx| {
        matmul_bw(ctx, profile, &dc, &tp.probs_used, &tp.v, (true, true))
    });
    let mut dp = dp_used.expect("dp");
    if let Some(m) = &tp.probs_mask {
        dp = ctx.scoped("dropout", |ctx| dropout_bw(ctx, &dp, m));
    }
    let ds = ctx.scoped("softmax", |ctx| {
        let pg = mul_aa(ctx, &tp.probs, &dp);
        let s = pg.sum_axis(3, true);
        mul_aa(ctx, &dp.sub(&s), &tp.probs)
    });
    let gs = ds.mul_scalar(1.0 / (d as f64).sqrt(), fx);
    let (dq, dkt) = ctx.scoped("attention_scores", |ctx| {
        matmul_bw(ctx, profile, &gs, &tp.q, &tp.kt, (true, true))
    });
    let dq = merge_heads(&dq.expect("dq"));
    let dk = merge_heads(&dkt.expect("dkt").transpose(2, 3));
    let dv = merge_heads(&dv.expect("dv"));
    let mut dx = None;
    let mut grads: AttnParamGrads<B> = [None, None, None, None];
    for (i, (name, gi, wi, bi)) in [
        ("q", &dq, &w.wq, &w.bq),
        ("k", &dk, &w.wk, &w.bk),
        ("v", &dv, &w.wv, &w.bv),
    ]
    .into_iter()
    .enumerate()
    {
        let (dxi, dwi, dbi) = ctx.scoped(name, |ctx| {
            linear_bw(ctx, profile, gi, &tp.x, wi, bi.shape(), need)
        });
        dx = add_opt(dx, dxi);
        grads[i] = pair(dwi, dbi);
    }
    grads[3] = pair(dwo, dbo);
    (dx, grads)
}
