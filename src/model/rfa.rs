//! Privacy-preserving random feature attention (the paper's RFA), forward only.
//!
//! Reference: SecP-Tuning (Luo et al., ICLR 2026), `secp-tuning-paper.md`; random feature
//! attention (Peng et al., ICLR 2021); random Fourier features (Rahimi and Recht, 2007).
//!
//! With `phi(x) = exp(|x|^2 / 2) / sqrt(M) [sin(w_1 . x) .. sin(w_M . x), cos(w_1 . x) ..
//! cos(w_M . x)]`, `w_i ~ N(0, I)`, one has `E[phi(x) . phi(y)] = exp(x . y)`. The paper writes
//! `w ~ N(0, sigma^2 I)` with the factor `exp(|x|^2 / (2 sigma^2))` for the kernel
//! `exp(x . y / sigma^2)`; those agree only for sigma = 1, so this module applies the bandwidth
//! to the input instead (`x' = x / sigma`, local), which gives exactly the stated kernel
//! `exp(q . k / sigma^2)` (equivalently `w ~ N(0, sigma^-2 I)` on the raw input). With the
//! default `sigma = d^(1/4)` the kernel is softmax attention's `exp(q . k / sqrt d)`, so
//! `attention(q) = phi(q)^T (sum_j phi(k_j) v_j^T) / (phi(q) . sum_j phi(k_j))` estimates softmax
//! attention, and the estimate converges as M grows.
//!
//! The projections `w` are public: one (h, d, M) tensor per layer from the run seed's stream
//! `rfa/layerNN` (standard normal), so `w . x'` is a public-times-shared matmul (local).
//!
//! **Online cost** per call, with n_x = B h T elements of `|x|^2` and n_f = B h T M
//! projections, for queries and keys each: `|x'|^2` (square: 1 round, B h T d), `exp` (8 rounds,
//! 8 n_x), sine and cosine (one-round protocol: 1 round, n_f; or CrypTen's: 28 rounds, 37 n_f),
//! the feature scale `exp * [sin, cos]` (1 round, 2 n_f + n_x). Then `phi(K)^T V` (1 round,
//! 2 B h T M + B T H), `phi(Q) S` (1 round, 2 B h T M + 2 B h M d), `phi(Q) z` (1 round,
//! 2 B h T M + 2 B h M), the normaliser division (reciprocal of B h T values: 38 rounds signed /
//! 28 all-positive; then 1 mul, B T H + B h T). One-round cosine, signed division:
//! **2 (1 + 8 + 1 + 1) + 3 + 38 + 1 = 64 rounds** (54 without the query's exp factor, option
//! `rfa_query_factor = false`: it cancels in the ratio).
//!
//! Error: the random-feature estimate's variance (decreasing like 1 / M), the exp and
//! reciprocal approximations, and fixed-point quantisation of `phi` (values `exp(|x'|^2/2) /
//! sqrt M`): inputs with `|x'|^2` up to about 10 are comfortable in 16-bit fixed point.
//!
//! Domain of the normaliser: the trigonometric estimate `phi(q) . sum_j phi(k_j)` is unbiased
//! but not positive; with few features and a sharp kernel (small sigma) it can come out near
//! zero or negative for some query. The f64 reference still divides; the MPC reciprocal (CrypTen's
//! Newton-Raphson, whose initial guess assumes a positive input of moderate size) then returns
//! garbage for that query. Measured on the seeded `tiny-wide` (head dim 8) and `crypten-a` (16)
//! models with M = 32: the default sigma fails (logit errors 0.6 and 1e9), sigma = 3 or 4 gives
//! errors of 2e-3 to 5e-3, and so does M = 512 at the default sigma on `tiny-wide`. A larger
//! sigma or M keeps the denominators positive; `tests/model_exec.rs` states the settings used.

use super::methods::{CosineKind, RfaDivide};
use super::ops::{cossin_crypten, cossin_one_round, exp, reciprocal, reciprocal_all_pos};
use super::weights::std_normal;
use crate::engine::{AShare, Backend, Ctx, Public, RunSeed};
use crate::proto::{matmul_aa, matmul_ap, mul_aa, square_a};
use crate::ring::Shape;

/// The public random projections of one layer: shape (h, d, M), standard normal, from stream
/// `rfa/<layer>` of `seed` (not evaluated in the cost backend).
pub fn rfa_projection<B: Backend>(
    ctx: &Ctx<B>,
    seed: RunSeed,
    layer: &str,
    heads: usize,
    d: usize,
    m: usize,
) -> Public<B> {
    let mut rng = seed.stream(&format!("rfa/{layer}"));
    Public::from_f64_fn(ctx.fixed(), Shape::new([heads, d, m]), |_| {
        std_normal(&mut rng)
    })
}

/// The same projections as plain f64 values (row-major (h, d, M)), for the f64 reference.
pub fn rfa_projection_f64(
    seed: RunSeed,
    layer: &str,
    heads: usize,
    d: usize,
    m: usize,
) -> Vec<f64> {
    let mut rng = seed.stream(&format!("rfa/{layer}"));
    (0..heads * d * m).map(|_| std_normal(&mut rng)).collect()
}

/// `phi(x)` for x of shape (B, h, T, d): shape (B, h, T, 2M), sines then cosines.
fn features<B: Backend>(
    ctx: &mut Ctx<B>,
    x: &AShare<B>,
    w: &Public<B>,
    sigma: f64,
    cosine: CosineKind,
    exp_factor: bool,
) -> AShare<B> {
    let fx = ctx.fixed();
    let m = w.shape().dims()[2];
    let xs = x.mul_scalar(1.0 / sigma, fx);
    let e = exp_factor.then(|| {
        let n2 = square_a(ctx, &xs).sum_axis(3, true);
        exp(ctx, &n2.mul_scalar(0.5, fx))
    });
    let proj = matmul_ap(ctx, &xs, w);
    let (c, s) = match cosine {
        CosineKind::OneRound => cossin_one_round(ctx, &proj),
        CosineKind::Crypten => cossin_crypten(ctx, &proj),
    };
    let f = AShare::concat(&[&s, &c], 3);
    match e {
        Some(e) => mul_aa(ctx, &f, &e.mul_scalar(1.0 / (m as f64).sqrt(), fx)),
        None => f.mul_scalar(1.0 / (m as f64).sqrt(), fx),
    }
}

/// Random feature attention on heads `q, k, v` of shape (B, h, T, d), everything under scope
/// `rfa`. Returns (B, h, T, d). `query_factor = false` omits the query's `exp(|q'|^2 / 2)`
/// factor, which cancels exactly between numerator and normaliser (same output in exact
/// arithmetic; saves 10 rounds, `B h T d + 9 B h T + 2 n_f` elements per call).
#[allow(clippy::too_many_arguments)]
pub fn rfa_attention<B: Backend>(
    ctx: &mut Ctx<B>,
    q: &AShare<B>,
    k: &AShare<B>,
    v: &AShare<B>,
    w: &Public<B>,
    sigma: f64,
    cosine: CosineKind,
    divide: RfaDivide,
    query_factor: bool,
) -> AShare<B> {
    ctx.scoped("rfa", |ctx| {
        let pq = ctx.scoped("phi_q", |ctx| {
            features(ctx, q, w, sigma, cosine, query_factor)
        });
        let pk = ctx.scoped("phi_k", |ctx| features(ctx, k, w, sigma, cosine, true));
        let kv = matmul_aa(ctx, &pk.transpose(2, 3), v);
        let z = pk.sum_axis(2, true).transpose(2, 3);
        let num = matmul_aa(ctx, &pq, &kv);
        let den = matmul_aa(ctx, &pq, &z);
        let r = match divide {
            RfaDivide::Signed => reciprocal(ctx, &den),
            RfaDivide::AllPositive => reciprocal_all_pos(ctx, &den),
        };
        mul_aa(ctx, &num, &r)
    })
}
