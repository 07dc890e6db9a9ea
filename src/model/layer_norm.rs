//! LayerNorm over the last dimension with secret-shared gamma and beta, in CrypTen's autograd
//! composition, and its backward.
//!
//! Reference: `crypten-autograd.md` ("The encoder", "Forward differences in training mode",
//! LayerNorm backward); CrypTen `crypten/nn/module.py` and `crypten/gradients.py`.
//!
//! Forward, rows of length H, R rows (n = R H):
//! `xc = x - mean(x)` (free); `var = mean(xc^2)` (square: 1 round, n; **under CrypTen's autograd
//! the square is done twice**: +1 round, +n); then either
//! - `sqrt_reciprocal` (default): `s = sqrt(var + eps)` as `inv_sqrt(v) * v` (18 rounds, 25 R;
//!   the inverse square root is kept for backward), `r = reciprocal(s)` (sign-aware: 38 rounds,
//!   69 R), or
//! - `inv_sqrt`: `r = inv_sqrt(var + eps)` (17 rounds, 23 R);
//!
//! then `z = xc * r` (1 round, n + R), `y = z * gamma + beta` (1 round, n + H).
//! **sqrt_reciprocal: 59 rounds, 3 n + 95 R + H (inference); 60 rounds, 4 n + 95 R + H (autograd
//! training).**
//!
//! Backward (crypten, 8 rounds, 7 n + 7 R + H): `G gamma`, `G z` (3n + H); `dz r`, `dz xc`
//! (3n + R); `-dr r^2` (square, mul: 3 R); `ds inv_sqrt / 2` (2 R); `xc dvar` (n + R).
//!
//! Values: the true biased variance (CrypTen's `var` divides by H - 1: that quirk changes values
//! only, so it is not copied). Error: dominated by the inverse square root and reciprocal
//! approximations (relative 1e-3 for variances in [0.1, 100]); eps = 1e-5 encodes to 0 at 16
//! fractional bits, as in CrypTen.

use super::grad::{mul_bw, sum_to_shape};
use super::methods::{LayerNormVariant, Profile};
use super::ops::{inv_sqrt, reciprocal};
use crate::engine::{AShare, Backend, Ctx, Public};
use crate::proto::{mul_aa, square_a};

/// What the backward pass needs.
#[derive(Clone, Debug)]
pub struct LnTape<B: Backend> {
    xc: AShare<B>,
    r: AShare<B>,
    is_half: AShare<B>,
    z: AShare<B>,
}

/// LayerNorm forward under scope `layernorm`; `double_square` is CrypTen's autograd variance.
/// Returns the output and, for `sqrt_reciprocal`, the backward tape.
#[allow(clippy::too_many_arguments)]
pub fn layer_norm<B: Backend>(
    ctx: &mut Ctx<B>,
    x: &AShare<B>,
    gamma: &AShare<B>,
    beta: &AShare<B>,
    variant: LayerNormVariant,
    double_square: bool,
    eps: f64,
) -> (AShare<B>, Option<LnTape<B>>) {
    ctx.scoped("layernorm", |ctx| {
        let fx = ctx.fixed();
        let last = x.shape().rank() - 1;
        let h = x.shape().dims()[last] as u64;
        let mean = x.sum_axis(last, true).div_public_int(h);
        let xc = x.sub(&mean);
        let sq = square_a(ctx, &xc);
        if double_square {
            let _second = square_a(ctx, &xc);
        }
        let var = sq.sum_axis(last, true).div_public_int(h);
        let ve = var.add_public(&Public::filled_f64(fx, var.shape().clone(), eps));
        let (r, is) = match variant {
            LayerNormVariant::SqrtReciprocal => {
                let is = inv_sqrt(ctx, &ve);
                let s = mul_aa(ctx, &is, &ve);
                (reciprocal(ctx, &s), Some(is))
            }
            LayerNormVariant::InvSqrt => (inv_sqrt(ctx, &ve), None),
        };
        let z = mul_aa(ctx, &xc, &r);
        let y = mul_aa(ctx, &z, gamma).add(beta);
        let tape = is.map(|is| LnTape {
            xc,
            r,
            is_half: is.mul_scalar(0.5, fx),
            z,
        });
        (y, tape)
    })
}

/// LayerNorm backward: `(dx, dgamma, dbeta)` (`dgamma`, `dbeta` only when `need_params` or
/// under the crypten profile). **Crypten: 8 rounds, 7 n + 7 R + H.**
pub fn layer_norm_bw<B: Backend>(
    ctx: &mut Ctx<B>,
    profile: Profile,
    g: &AShare<B>,
    tape: &LnTape<B>,
    gamma: &AShare<B>,
    need_params: bool,
) -> (AShare<B>, Option<AShare<B>>, Option<AShare<B>>) {
    ctx.scoped("layernorm", |ctx| {
        let last = g.shape().rank() - 1;
        let h = g.shape().dims()[last] as u64;
        let (dz, dgamma) = mul_bw(ctx, profile, g, &tape.z, gamma, (true, need_params));
        let dbeta = dgamma.as_ref().map(|_| sum_to_shape(g, gamma.shape()));
        let dz = dz.expect("dz");
        let (dxc, dr) = mul_bw(ctx, profile, &dz, &tape.xc, &tape.r, (true, true));
        let (dxc, dr) = (dxc.expect("dxc"), dr.expect("dr"));
        let r2 = square_a(ctx, &tape.r);
        let ds = mul_aa(ctx, &dr, &r2).neg();
        let dve = mul_aa(ctx, &ds, &tape.is_half);
        let dx_var = mul_aa(ctx, &tape.xc, &dve).mul_int(2).div_public_int(h);
        let mean_dxc = dxc.sum_axis(last, true).div_public_int(h);
        (dxc.sub(&mean_dxc).add(&dx_var), dgamma, dbeta)
    })
}
