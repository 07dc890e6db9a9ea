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
//! Crypten: every product is its own round (no batching), in the order stated. Lean: when both
//! products of one backward are needed they are opened together in **one** round (same
//! elements, same correlations; [`beaver_pair`]). Gradients are reduced (summed, locally) over
//! broadcast dimensions to their operand's shape.

use super::methods::Profile;
use crate::engine::{AShare, Backend, Ctx};
use crate::proto::{matmul_aa, mul_aa};
use crate::ring::Shape;

/// Element-wise product or matrix product.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Product {
    /// `x * y` with broadcasting.
    Mul,
    /// `x @ y`, batched.
    Matmul,
}

/// Two independent Beaver products computed with **one** opening (the lean profile's batching):
/// 1 round, `|x1| + |y1| + |x2| + |y2|` elements; dealer: one triple per product (as
/// [`mul_aa`] / [`matmul_aa`]). Fixed point, truncated; error as the single products.
pub fn beaver_pair<B: Backend>(
    ctx: &mut Ctx<B>,
    kind: Product,
    (x1, y1): (&AShare<B>, &AShare<B>),
    (x2, y2): (&AShare<B>, &AShare<B>),
) -> (AShare<B>, AShare<B>) {
    let fx = ctx.fixed();
    let (dealer, scope) = ctx.dealer();
    let scope = scope.clone();
    let (t1, t2) = match kind {
        Product::Mul => (
            dealer.mul_triple(&scope, x1.shape(), y1.shape()),
            dealer.mul_triple(&scope, x2.shape(), y2.shape()),
        ),
        Product::Matmul => (
            dealer.matmul_triple(&scope, x1.shape(), y1.shape()),
            dealer.matmul_triple(&scope, x2.shape(), y2.shape()),
        ),
    };
    let o = ctx.open_many(&[
        &x1.sub(&t1.0),
        &y1.sub(&t1.1),
        &x2.sub(&t2.0),
        &y2.sub(&t2.1),
    ]);
    let mut macs = 0u64;
    let mut finish = |(a, b, c): &(AShare<B>, AShare<B>, AShare<B>), eps, delta| {
        let (eps, delta): (&crate::engine::Public<B>, &crate::engine::Public<B>) = (eps, delta);
        match kind {
            Product::Mul => {
                macs += 3 * Shape::broadcast(a.shape(), b.shape()).numel() as u64;
                c.add(&b.mul_public_ring(eps))
                    .add(&a.mul_public_ring(delta))
                    .add_public(&eps.mul_ring(delta))
                    .truncate(fx)
            }
            Product::Matmul => {
                let out = Shape::matmul(a.shape(), b.shape());
                let k = a.shape().dims()[a.shape().rank() - 1];
                macs += 3 * (out.numel() * k) as u64;
                c.add(&AShare::public_matmul_ring(eps, b))
                    .add(&a.matmul_public_ring(delta))
                    .add_public(&eps.matmul_ring(delta))
                    .truncate(fx)
            }
        }
    };
    let z1 = finish(&t1, &o[0], &o[1]);
    let z2 = finish(&t2, &o[2], &o[3]);
    ctx.local_work(macs);
    (z1, z2)
}

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
    if !all && need.0 && need.1 {
        let (a, b) = beaver_pair(ctx, Product::Mul, (g, y), (g, x));
        return (
            Some(sum_to_shape(&a, x.shape())),
            Some(sum_to_shape(&b, y.shape())),
        );
    }
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
    if !all && need.0 && need.1 {
        let (bt, at) = (b.transpose(rb - 2, rb - 1), a.transpose(ra - 2, ra - 1));
        let (da, db) = beaver_pair(ctx, Product::Matmul, (g, &bt), (&at, g));
        return (
            Some(sum_to_shape(&da, a.shape())),
            Some(sum_to_shape(&db, b.shape())),
        );
    }
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
