//! The paper's one-round cosine and sine: open the angle masked by a dealer angle `t`, then
//! rotate back locally.
//!
//! Reference: SecP-Tuning (Luo et al., ICLR 2026), privacy-preserving random feature attention,
//! "one-round cosine protocol"; see `shared/reference/crypten-2pc.md`.
//!
//! **Angle encoding (what makes the masking exact).** A ring element `v` of Z_2^64 denotes the
//! angle `2 pi v / 2^64`: the ring wraps at exactly one period. A fixed-point input `x` (ring
//! value `X = x 2^f`, f = 16) is mapped to this encoding by the **local, exact** ring product
//! `theta = K X mod 2^64` with the public integer `K = round(2^(64 - f) / (2 pi))`. Ring
//! multiplication by an integer commutes with reduction mod 2^64, so `theta` denotes the angle
//! `x (2 pi K / 2^(64 - f)) mod 2 pi` for **every** `x` (negative and arbitrarily large values
//! included). The relative scale error `|2 pi K / 2^(64-f) - 1| <= pi / 2^(64-f)` (1.1e-14 for
//! f = 16) adds an angle error of at most `|x| 1.2e-14`, i.e. below one ulp for `|x| < 10^9`.
//! The input's own fixed-point quantisation (`x` is a multiple of 2^-16) is inherited, not added.
//!
//! **Protocol.** The dealer draws `t` uniform on Z_2^64 and shares `(t, sin t, cos t)` (angles in
//! the encoding above, sine and cosine in fixed point): one `trig_mask`. Online the parties open
//! `delta = theta + t` (**one round, n elements**). Because `t` is uniform on the whole ring and
//! independent of `x`, `delta` is **exactly** uniform and independent of `x` (perfect masking, no
//! statistical slack). Then, with public `cos delta`, `sin delta` (computed in f64 and encoded):
//! `cos x = cos delta cos t + sin delta sin t`, `sin x = sin delta cos t - cos delta sin t`:
//! public-times-shared ring products, summed, then one local truncation.
//!
//! **Online cost: 1 round, n elements** (both cosine and sine from the same opening).
//! Dealer: one `trig_mask` (n, n, n). Compare CrypTen's `cos`: 28 rounds, 37 n.
//!
//! Error (stated bound): each of `cos t`, `sin t`, `cos delta`, `sin delta` is encoded with
//! truncation toward zero (< 1 ulp each); the sum of the two products is off by less than
//! `(|cos d| + |sin d|) + (|cos t| + |sin t|) <= 2 sqrt 2` ulp, plus 1 ulp from the local
//! truncation: **|error| < 4 ulp = 6.1e-5** for any `x`, except with probability about 2^-46 per
//! element (local truncation wrap).

use crate::engine::{AShare, Backend, Ctx, Public};

pub use crate::ring::fixed::{angle_factor, ring_angle};

/// A masked opening of the angle of `x`: the opened `delta = K x + t` (uniform on the ring,
/// independent of `x`) and the dealer's shares of `sin t` and `cos t` (fixed point).
/// **Cost: 1 round, n elements.** Dealer: one `trig_mask` (n, n, n). Exposed so that tests can
/// check the distribution of what the servers see.
pub fn open_masked_angle<B: Backend>(
    ctx: &mut Ctx<B>,
    x: &AShare<B>,
) -> (Public<B>, AShare<B>, AShare<B>) {
    let fx = ctx.fixed();
    let k = angle_factor(fx.frac_bits);
    let theta = x.mul_int(k as i64);
    let (dealer, scope) = ctx.dealer();
    let scope = scope.clone();
    let (t, sin_t, cos_t) = dealer.trig_mask(&scope, x.shape(), fx);
    let delta = ctx.open(&theta.add(&t));
    (delta, sin_t, cos_t)
}

/// `(cos x, sin x)` in one round (the paper's protocol). **Cost: 1 round, n elements.**
/// Dealer: one `trig_mask` (n, n, n). Error < 4 ulp (6.1e-5) for every `x`.
pub fn cossin_one_round<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> (AShare<B>, AShare<B>) {
    let fx = ctx.fixed();
    ctx.scoped("cossin_one_round", |ctx| {
        let (delta, sin_t, cos_t) = open_masked_angle(ctx, x);
        let (cos_d, sin_d) = delta.cos_sin_of_ring_angle(fx);
        ctx.local_work(4 * x.numel() as u64);
        let cos = cos_t
            .mul_public_ring(&cos_d)
            .add(&sin_t.mul_public_ring(&sin_d))
            .truncate(fx);
        let sin = cos_t
            .mul_public_ring(&sin_d)
            .sub(&sin_t.mul_public_ring(&cos_d))
            .truncate(fx);
        (cos, sin)
    })
}

/// `cos x` in one round. **Cost: 1 round, n elements.** Dealer: one `trig_mask`.
pub fn cos_one_round<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    cossin_one_round(ctx, x).0
}

/// `sin x` in one round. **Cost: 1 round, n elements.** Dealer: one `trig_mask`.
pub fn sin_one_round<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    cossin_one_round(ctx, x).1
}
