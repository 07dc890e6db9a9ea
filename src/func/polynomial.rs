//! A polynomial without constant term, `sum_{k=1..m} c_k x^k`, with public real coefficients.
//!
//! Reference: CrypTen `crypten/common/functions/power.py` (`polynomial`).
//!
//! The powers are computed by CrypTen's doubling tree: `terms = [x, x^2]` (one square), then while
//! fewer than `m` terms exist, multiply **all** current terms by the highest one
//! (`[x..x^k] * x^k` gives `[x^(k+1)..x^(2k)]`, one Beaver product with broadcasting), and
//! concatenate. Finally each term is multiplied by its public coefficient (local, truncated) and
//! the terms are summed.
//!
//! **Online cost** for `m >= 2` coefficients on n elements: 1 square (1 round, n), then one
//! product per doubling while `k < m` (k = 2, 4, 8, ...): 1 round and `(k + 1) n` elements each,
//! with a `mul_triple` of `(k n, n, k n)` elements. `m = 8`: **3 rounds, 9 n**. `m = 1`: local.
//! Dealer: 1 `square_pair` (n), the `mul_triple`s above.
//!
//! Error: each product truncates (+-1 ulp per level, amplified by later products), coefficients
//! are encoded with 16 fractional bits (truncated toward zero), plus the rare wrap.

use crate::engine::{AShare, Backend, Ctx, Public};
use crate::proto::{mul_aa, square_a};
use crate::ring::Shape;

/// `sum_{k=1..m} coeffs[k-1] x^k` (no constant term; `coeffs[0]` multiplies `x`).
/// **Cost: 1 + ceil(log2(m)) - 1 rounds** (m >= 2; e.g. m = 8: 3 rounds, 9 n), see the module
/// header. Panics on an empty coefficient list.
pub fn polynomial<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, coeffs: &[f64]) -> AShare<B> {
    assert!(
        !coeffs.is_empty(),
        "polynomial needs at least one coefficient"
    );
    let fx = ctx.fixed();
    if coeffs.len() == 1 {
        return x.mul_scalar(coeffs[0], fx);
    }
    ctx.scoped("polynomial", |ctx| {
        let mut stacked_dims = vec![1];
        stacked_dims.extend_from_slice(x.shape().dims());
        let x1 = x.reshape(Shape::new(stacked_dims));
        let x2 = square_a(ctx, &x1);
        let mut terms = AShare::concat(&[&x1, &x2], 0);
        let mut k = 2;
        while k < coeffs.len() {
            let highest = terms.narrow(0, k - 1, 1);
            let next = mul_aa(ctx, &terms, &highest);
            terms = AShare::concat(&[&terms, &next], 0);
            k *= 2;
        }
        let m = coeffs.len();
        let terms = terms.narrow(0, 0, m);
        let mut cdims = vec![m];
        cdims.extend(std::iter::repeat_n(1, x.shape().rank()));
        let c = Public::from_f64_fn(fx, Shape::new(cdims), |i| coeffs[i]);
        terms.mul_public_fixed(&c, fx).sum_axis(0, false)
    })
}
