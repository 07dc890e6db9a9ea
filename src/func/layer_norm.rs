//! LayerNorm over the last dimension, as CrypTen-based models compose it.
//!
//! Reference: CrypTen has no LayerNorm in 0.4.1; the measured `layernorm` row of
//! `crypten-ops-measured.csv` is the composition `mean`, `(x - mean)^2`, `mean`,
//! `inv_sqrt(var + eps)`, product (no affine). With `gamma` encrypted one more Beaver product is
//! made; `beta` is added locally.
//!
//! For `x` of shape `(.., L)` with `R` rows (`n = R L`):
//! mean (local: sum, public integer division by L); `xc = x - mean`; `xc^2` (square: 1 round,
//! n); variance (local); then
//! - [`LayerNormForm::InvSqrt`]: `r = inv_sqrt(var + eps)` on R elements (17 rounds, 23 R);
//! - [`LayerNormForm::SqrtReciprocal`]: `r = reciprocal_all_pos(sqrt(var + eps))`
//!   (18 + 28 = 46 rounds, 25 R + 38 R = 63 R);
//!
//! then `xc * r` (Beaver product with broadcasting: 1 round, n + R), and `* gamma` when given
//! (1 round, n + |gamma|).
//!
//! **Online cost (InvSqrt, no gamma): 19 rounds, 2 n + 24 R** ((4, 64): 19 rounds, 608
//! elements = 9728 CrypTen bytes). With gamma of L elements: 20 rounds, 3 n + 24 R + L.
//! Dealer (InvSqrt): 1 + 11 `square_pair` (n, then R each), 6 `mul_triple` (R, R, R) and one
//! (n, R, n); with gamma one more (n, L, n).
//!
//! Error: the inverse square root's relative error (small for variances in `[0.1, 10]`) times
//! `|x - mean|`; CrypTen measured 1.9e-4 on N(0.5, 4). The variance is the biased one (divided
//! by L, as LayerNorm defines it); `eps` is encoded in fixed point (1e-5 rounds to 0 at 16 bits).

use super::exp::add_f64;
use super::inv_sqrt::inv_sqrt_with;
pub use super::params::LayerNormForm;
use super::params::{FuncParams, ReciprocalParams};
use super::reciprocal::reciprocal_with;
use super::sqrt::sqrt_with;
use crate::engine::{AShare, Backend, Ctx};
use crate::proto::{mul_aa, square_a};

/// LayerNorm over the last dimension with CrypTen's default approximations.
/// **Cost (InvSqrt, no gamma): 19 rounds, 2 n + 24 R** (see the module header).
pub fn layer_norm<B: Backend>(
    ctx: &mut Ctx<B>,
    x: &AShare<B>,
    gamma: Option<&AShare<B>>,
    beta: Option<&AShare<B>>,
    eps: f64,
    form: LayerNormForm,
) -> AShare<B> {
    layer_norm_with(ctx, x, gamma, beta, eps, form, &FuncParams::default())
}

/// LayerNorm with explicit approximation parameters (`inv_sqrt`, `reciprocal.method`).
pub fn layer_norm_with<B: Backend>(
    ctx: &mut Ctx<B>,
    x: &AShare<B>,
    gamma: Option<&AShare<B>>,
    beta: Option<&AShare<B>>,
    eps: f64,
    form: LayerNormForm,
    p: &FuncParams,
) -> AShare<B> {
    let fx = ctx.fixed();
    let rank = x.shape().rank();
    assert!(rank >= 1, "layer_norm needs at least one dimension");
    let axis = rank - 1;
    let l = x.shape().dim(axis) as u64;
    ctx.scoped("layer_norm", |ctx| {
        let mean = x.sum_axis(axis, true).div_public_int(l);
        let xc = x.sub(&mean);
        let var = square_a(ctx, &xc).sum_axis(axis, true).div_public_int(l);
        let ve = add_f64(&var, eps, fx);
        let r = match form {
            LayerNormForm::InvSqrt => inv_sqrt_with(ctx, &ve, &p.inv_sqrt),
            LayerNormForm::SqrtReciprocal => {
                let s = sqrt_with(ctx, &ve, &p.inv_sqrt);
                let rp = ReciprocalParams {
                    method: p.reciprocal.method,
                    all_pos: true,
                };
                reciprocal_with(ctx, &s, &rp)
            }
        };
        let mut y = mul_aa(ctx, &xc, &r);
        if let Some(g) = gamma {
            y = mul_aa(ctx, &y, g);
        }
        if let Some(b) = beta {
            y = y.add(b);
        }
        y
    })
}
