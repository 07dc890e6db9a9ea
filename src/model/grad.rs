//! Backward building blocks with CrypTen's autograd behaviour (`crypten` profile) or without its
//! waste (`lean` profile).
//!
//! Reference: `crypten-autograd.md` ("Backward per autograd function"; CrypTen
//! `crypten/gradients.py`). Costs, with G the incoming gradient:
//! - [`mul_bw`] of `x * y`: `G y` then `G x`, **2 rounds, 2|G| + |x| + |y|** (crypten); lean
//!   computes only the needed ones.
//! - [`matmul_bw`] of `A @ B`: `G B^T` then `A^T G`, **2 rounds, (|G| + |B|) + (|A| + |G|)**
//!   (crypten); lean only the needed ones.
//! - [`const_mul_bw`] of `x * c` (public c): `G c` local, plus the wasted Beaver mul `G x`,
//!   **1 round, |G| + |x|** (crypten); lean: free.
//!
//! Every product is its own round (no batching), in the order stated. Gradients are reduced
//! (summed, locally) over broadcast dimensions to their operand's shape.

use super::methods::Profile;
use crate::engine::{AShare, Backend, Ctx};
use crate::proto::{matmul_aa, mul_aa};
use crate::ring::Shape;

/// Sum `g` over the dimensions it was broadcast along, to `target` (numpy rules). Local.
pub fn sum_to_shape<B: Backend>(g: &AShare<B>, target: &Shape) -> AShare<B> {
    let mut g = g.clone();
    while g.shape().rank() > target.rank() {
        g = g.sum_axis(0, false);
    }
    for ax in 0..target.rank() {
        if target.dims()[ax] == 1 && g.shape().dims()[ax] != 1 {
            g = g.sum_axis(ax, true);
        }
    }
    assert_eq!(g.shape(), target, "gradient reduction");
    g
}

/// Backward of `x * y` (Beaver, both shared): returns `(dx, dy)`; `None` for a gradient the lean
/// profile skips. Crypten: always both, `G y` first.
pub fn mul_bw<B: Backend>(
    ctx: &mut Ctx<B>,
    profile: Profile,
    g: &AShare<B>,
    x: &AShare<B>,
    y: &AShare<B>,
    need: (bool, bool),
) -> (Option<AShare<B>>, Option<AShare<B>>) {
    let all = profile == Profile::Crypten;
    let dx = (all || need.0).then(|| sum_to_shape(&mul_aa(ctx, g, y), x.shape()));
    let dy = (all || need.1).then(|| sum_to_shape(&mul_aa(ctx, g, x), y.shape()));
    (dx, dy)
}

/// Backward of `a @ b` (batched, b possibly broadcast over the batch): `(da, db)`.
pub fn matmul_bw<B: Backend>(
    ctx: &mut Ctx<B>,
    profile: Profile,
    g: &AShare<B>,
    a: &AShare<B>,
    b: &AShare<B>,
    need: (bool, bool),
) -> (Option<AShare<B>>, Option<AShare<B>>) {
    let all = profile == Profile::Crypten;
    let (ra, rb) = (a.shape().rank(), b.shape().rank());
    let da = (all || need.0).then(|| {
        let bt = b.transpose(rb - 2, rb - 1);
        sum_to_shape(&matmul_aa(ctx, g, &bt), a.shape())
    });
    let db = (all || need.1).then(|| {
        let at = a.transpose(ra - 2, ra - 1);
        sum_to_shape(&matmul_aa(ctx, &at, g), b.shape())
    });
    (da, db)
}

/// Backward of `x * c` for a public real `c`: `G c` (local); the crypten profile also computes
/// the constant's gradient `G x` with a Beaver mul and discards it.
pub fn const_mul_bw<B: Backend>(
    ctx: &mut Ctx<B>,
    profile: Profile,
    g: &AShare<B>,
    x: &AShare<B>,
    c: f64,
) -> AShare<B> {
    if profile == Profile::Crypten {
        let _wasted = mul_aa(ctx, g, x);
    }
    g.mul_scalar(c, ctx.fixed())
}

/// `a + b` where either may be absent.
pub fn add_opt<B: Backend>(a: Option<AShare<B>>, b: Option<AShare<B>>) -> Option<AShare<B>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.add(&b)),
        (a, None) => a,
        (None, b) => b,
    }
}
