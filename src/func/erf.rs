//! The error function by its Maclaurin series,
//! `erf x = 2/sqrt(pi) sum_{k=0..m} (-1)^k x^(2k+1) / (k! (2k+1))`.
//!
//! Reference: CrypTen `crypten/common/functions/approximations.py` (`erf`) and
//! `crypten/common/functions/power.py` (`pos_pow` -> `pow`).
//!
//! Every power `x^(2k+1)`, k = 1..m, is computed from `x` by [`super::pow::pow`], one after the
//! other (CrypTen issues them sequentially), then scaled by its public coefficient and summed.
//!
//! **CrypTen computes a wrong value here**: its `pow` returns `x^(3(p-1)/2)` for odd `p >= 5`,
//! so its `erf` is off by up to 144 on `[-2, 2]` (measured). This module computes the **right**
//! series with the same calls: [`super::pow::pow`] uses the same number of squares and products
//! per power, so rounds, elements and correlations are CrypTen's.
//!
//! **Online cost (default m = 8): sum over p = 3, 5, .., 17 of pow(p) = 34 rounds, 47 n.**
//! Dealer: 21 `square_pair` (n), 13 `mul_triple` (n, n, n).
//!
//! Coefficients are applied with extra fractional bits (each as an integer of 16 significant
//! bits, then a local division of the shares by the matching power of two), so that the small
//! coefficients (1/75600 for k = 7) are not rounded to zero by the 16-bit encoding; this changes
//! no communication. Requires `|x|^(2m+1) < 2^31` (|x| < 3.5 for m = 8).
//!
//! Error (stated bound, m = 8): the truncated series' tail, `< 2/sqrt(pi) |x|^19 / (9! 19)`
//! (8.6e-2 at |x| = 2, 2e-9 at |x| = 0.5), plus about 20 ulps (3e-4) of fixed-point error.
//! Tested: 1e-3 on `[-0.5, 0.5]` and 0.1 on `[-2, 2]`. Beyond |x| ~ 2.5 the series diverges.

use super::params::Erf;
use super::pow::pow;
use crate::engine::{AShare, Backend, Ctx};
use crate::ring::FixedPoint;

/// `erf x` with CrypTen's default 8 terms (right value; see the module header).
/// **Cost: 34 rounds, 47 n.**
pub fn erf<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    erf_with(ctx, x, &Erf::default())
}

/// `x * c` for a public real `c`, with `c` encoded on 16 significant bits (instead of 16
/// fractional bits): ring product by an integer, then local division by a power of two. Local.
/// The product `|x c| 2^(16 + e) * ..` stays below 2^63 when `|x| < 2^31`.
pub(crate) fn mul_coeff_precise<B: Backend>(x: &AShare<B>, c: f64, fx: FixedPoint) -> AShare<B> {
    if c == 0.0 {
        return AShare::zeros(x.shape().clone());
    }
    // Extra bits e >= 0 so that |c| 2^(f + e) lies in [2^15, 2^16).
    let f = fx.frac_bits as i32;
    let lg = c.abs().log2().floor() as i32; // |c| in [2^lg, 2^(lg+1))
    let e = (15 - lg - f).clamp(0, 46 - f);
    let bits = (f + e) as u32;
    let k = (c * (1u64 << bits) as f64).round() as i64;
    x.mul_int(k).div_public_int(1u64 << bits)
}

/// `erf x` with explicit parameters. **Cost (`Taylor { terms: m }`): sum over k = 1..m of
/// pow(2k + 1)** (see [`super::pow::pow_rounds`]).
pub fn erf_with<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, p: &Erf) -> AShare<B> {
    let fx = ctx.fixed();
    match *p {
        Erf::Taylor { terms } => ctx.scoped("erf", |ctx| {
            let mut out = x.clone();
            let mut fact = 1.0f64;
            for k in 1..=terms {
                fact *= k as f64;
                let sign = if k % 2 == 1 { -1.0 } else { 1.0 };
                let c = sign / (fact * (2 * k + 1) as f64);
                let xp = pow(ctx, x, 2 * k + 1);
                out = out.add(&mul_coeff_precise(&xp, c, fx));
            }
            out.mul_scalar(2.0 / std::f64::consts::PI.sqrt(), fx)
        }),
    }
}
