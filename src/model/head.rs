//! Classification head on one token and CrypTen's cross-entropy against a shared one-hot target.
//!
//! Reference: `crypten-autograd.md` ("Head: linear H -> C on token index P, then cross-entropy
//! against an encrypted one-hot target (forward: softmax over C + log + mul = 106 rounds, 381
//! elements)"; backward "(softmax - target) / N * grad_output (a shared 1-element tensor)").
//!
//! - Head: `logits = x[:, P, :] Wc + bc`: **1 round, B H + H C** (scope `head/linear`).
//! - Loss (scope `head/loss`): `p = softmax(logits)` over classes, `log p` (32 rounds, 46 B C),
//!   `t * log p` (1 round, 2 B C), `loss = -sum / B` (free). **C = 2, B = 1: 106 rounds, 381.**
//! - Loss backward: `((p - t) / B) * g` with the shared scalar seed gradient `g = 1`:
//!   **1 round, B C + 1**. Head backward (crypten): **2 rounds, (B C + H C) + (B H + B C)**.

use super::linear::{LinearGrads, linear_bw};
use super::methods::Profile;
use super::ops::{log, softmax_dim};
use crate::engine::{AShare, Backend, Ctx};
use crate::proto::{matmul_aa, mul_aa};
use crate::ring::Shape;

/// The head's input row: `x[:, token, :]` as (B, H). Free.
pub fn head_input<B: Backend>(x: &AShare<B>, token: usize) -> AShare<B> {
    let d = x.shape().dims();
    x.narrow(1, token, 1).reshape(Shape::new([d[0], d[2]]))
}

/// Logits (B, C) under scope `linear`.
pub fn head<B: Backend>(
    ctx: &mut Ctx<B>,
    xh: &AShare<B>,
    wc: &AShare<B>,
    bc: &AShare<B>,
) -> AShare<B> {
    ctx.scoped("linear", |ctx| matmul_aa(ctx, xh, wc).add(bc))
}

/// Cross-entropy of `logits` (B, C) against the one-hot `target` (B, C) under scope `loss`:
/// `(loss of shape (1), probabilities)`. **C = 2, B = 1: 106 rounds, 381 elements.**
pub fn cross_entropy<B: Backend>(
    ctx: &mut Ctx<B>,
    logits: &AShare<B>,
    target: &AShare<B>,
) -> (AShare<B>, AShare<B>) {
    ctx.scoped("loss", |ctx| {
        let b = logits.shape().dims()[0] as u64;
        let p = softmax_dim(ctx, logits, 1);
        let lp = log(ctx, &p);
        let tl = mul_aa(ctx, &lp, target);
        let loss = tl
            .sum_axis(1, false)
            .sum_axis(0, true)
            .neg()
            .div_public_int(b);
        (loss, p)
    })
}

/// Cross-entropy backward under scope `loss`: d loss / d logits. **1 round, B C + 1.**
pub fn cross_entropy_bw<B: Backend>(
    ctx: &mut Ctx<B>,
    probs: &AShare<B>,
    target: &AShare<B>,
) -> AShare<B> {
    ctx.scoped("loss", |ctx| {
        let b = probs.shape().dims()[0] as u64;
        let seed_grad = ctx.share_f64(Shape::new([1]), |_| 1.0);
        mul_aa(ctx, &probs.sub(target).div_public_int(b), &seed_grad)
    })
}

/// Head backward: `(dx (B, T, H) with only row `token` non-zero, dWc, dbc)`.
#[allow(clippy::too_many_arguments)]
pub fn head_bw<B: Backend>(
    ctx: &mut Ctx<B>,
    profile: Profile,
    g: &AShare<B>,
    xh: &AShare<B>,
    wc: &AShare<B>,
    bc: &AShare<B>,
    tokens: usize,
    token: usize,
    need: (bool, bool),
) -> LinearGrads<B> {
    let (dxh, dwc, dbc) = linear_bw(ctx, profile, g, xh, wc, bc.shape(), need);
    let dx = dxh.map(|dxh| {
        let (b, h) = (dxh.shape().dims()[0], dxh.shape().dims()[1]);
        let row = dxh.reshape(Shape::new([b, 1, h]));
        let mut parts = Vec::new();
        let before = AShare::zeros(Shape::new([b, token, h]));
        let after = AShare::zeros(Shape::new([b, tokens - token - 1, h]));
        if token > 0 {
            parts.push(&before);
        }
        parts.push(&row);
        if tokens - token - 1 > 0 {
            parts.push(&after);
        }
        AShare::concat(&parts, 1)
    });
    (dx, dwc, dbc)
}
