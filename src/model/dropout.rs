//! Dropout at the four sites of the CrypTen reference encoder, with a public mask (CrypTen's
//! autograd path: free) or a secret mask.
//!
//! Reference: CrypTen `crypten/nn/module.py` (`Dropout`), `crypten/gradients.py`
//! (`AutogradDropout`), `crypten/mpc/mpc.py` (`dropout`); `crypten-autograd.md`, "Dropout".
//!
//! - Public mask (a tensor that requires grad, under autograd): keep each element with
//!   probability `1 - p`, scale kept ones by `1 / (1 - p)`; the mask comes from the run seed's
//!   stream `dropout/<site>` (CrypTen's shared generator). **0 rounds, 0 bytes**, backward too.
//! - Secret mask: `u = rand` (1 round, 16 n), `drop = ltz(u - p)` (8 rounds, 27 n),
//!   `y = x * (1 - drop)` (ring product with a bit, 1 round, 2 n), then the public scale.
//!   **10 rounds, 45 n.** Dealer: rand's `b2a_bit`, ltz's correlations, one `mul_triple`.
//!   Backward through a secret mask: one Beaver mul of G with the mask (1 round, 2 n).
//!
//! Error: the public scale `1 / (1 - p)` is one fixed-point product (+-1 ulp); the secret mask's
//! threshold is compared on the 16-bit grid of `rand` (keep probability within 2^-16 of 1 - p).

use crate::engine::{AShare, Backend, Ctx, Public, RunSeed};
use crate::proto::{ltz_a, mul_aa_ring, rand_a};
use rand::RngExt;

/// A dropout mask kept for the backward pass.
#[derive(Clone, Debug)]
pub enum Mask<B: Backend> {
    /// Public mask already scaled by `1 / (1 - p)`.
    Public(Public<B>),
    /// Secret keep-bit (ring scale 1) and the scale `1 / (1 - p)`.
    Secret(AShare<B>, f64),
}

/// Public-mask dropout; the mask is drawn from stream `dropout/<site>` of `seed` (never in the
/// cost backend). **Free.**
pub fn dropout_public<B: Backend>(
    ctx: &mut Ctx<B>,
    x: &AShare<B>,
    p: f64,
    seed: RunSeed,
    site: &str,
) -> (AShare<B>, Mask<B>) {
    let mut rng = seed.stream(&format!("dropout/{site}"));
    let scale = 1.0 / (1.0 - p);
    let fx = ctx.fixed();
    let mask = Public::from_f64_fn(fx, x.shape().clone(), |_| {
        if rng.random::<f64>() < p { 0.0 } else { scale }
    });
    (x.mul_public_fixed(&mask, fx), Mask::Public(mask))
}

/// Secret-mask dropout. **Cost: 10 rounds, 45 n.**
pub fn dropout_secret<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, p: f64) -> (AShare<B>, Mask<B>) {
    let fx = ctx.fixed();
    let u = rand_a(ctx, x.shape());
    let drop = ltz_a(
        ctx,
        &u.sub_public(&Public::filled_f64(fx, x.shape().clone(), p)),
    );
    let keep = drop
        .neg()
        .add_public(&Public::filled_ring(x.shape().clone(), 1));
    let scale = 1.0 / (1.0 - p);
    let y = mul_aa_ring(ctx, x, &keep).mul_scalar(scale, fx);
    (y, Mask::Secret(keep, scale))
}

/// Backward of a dropout: `G * mask` (public: free; secret: 1 round, 2 n).
pub fn dropout_bw<B: Backend>(ctx: &mut Ctx<B>, g: &AShare<B>, mask: &Mask<B>) -> AShare<B> {
    let fx = ctx.fixed();
    match mask {
        Mask::Public(m) => g.mul_public_fixed(m, fx),
        Mask::Secret(keep, scale) => mul_aa_ring(ctx, g, keep).mul_scalar(*scale, fx),
    }
}
