//! Beaver multiplication, matrix multiplication and squaring of arithmetic sharings.
//!
//! Reference: CrypTen `crypten/mpc/primitives/beaver.py` (`beaver_protocol`, `square`).
//! Fixed-point results are truncated locally (`AShare::truncate`: +-1 ulp, rare wrap).

use crate::engine::{AShare, Backend, Ctx};
use crate::ring::Shape;

/// Multiplies `x * y` element-wise with numpy broadcasting, in fixed point.
///
/// Beaver: with a triple `(a, b, c = a b)` of the operands' shapes, open `eps = x - a` and
/// `delta = y - b` together, then `z = c + eps b + a delta + eps delta`, truncated.
/// **Cost: 1 round, |x| + |y| elements opened** (operand sizes, not the output's).
/// Dealer: one `mul_triple` (|x|, |y|, |x * y|). Error: +-1 ulp from truncation plus the rare wrap.
pub fn mul_aa<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, y: &AShare<B>) -> AShare<B> {
    let fx = ctx.fixed();
    beaver_mul(ctx, x, y, Some(fx))
}

/// `x * y` as a raw ring product (no truncation): for products where one operand is an integer
/// or a bit (CrypTen multiplies by a comparison bit at scale 1). Same cost as [`mul_aa`].
pub fn mul_aa_ring<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, y: &AShare<B>) -> AShare<B> {
    beaver_mul(ctx, x, y, None)
}

/// The Beaver product of [`mul_aa`] (truncated by `fx`) and [`mul_aa_ring`] (`None`).
fn beaver_mul<B: Backend>(
    ctx: &mut Ctx<B>,
    x: &AShare<B>,
    y: &AShare<B>,
    fx: Option<crate::ring::FixedPoint>,
) -> AShare<B> {
    let (dealer, scope) = ctx.dealer();
    let scope = scope.clone();
    let (a, b, c) = dealer.mul_triple(&scope, x.shape(), y.shape());
    let opened = ctx.open_masked_many(&[(x, &a), (y, &b)]);
    let (eps, delta) = (&opened[0], &opened[1]);
    let out = Shape::broadcast(x.shape(), y.shape());
    ctx.local_work(3 * out.numel() as u64);
    AShare::beaver_combine(&c, &a, &b, eps, delta, fx)
}

/// Batched matrix product `x @ y` of two sharings, in fixed point; batch dimensions broadcast.
///
/// Beaver with a matmul triple `(a, b, c = a @ b)` shaped like the operands: open `x - a` and
/// `y - b` together; `z = c + eps @ b + a @ delta + eps @ delta`, truncated.
/// **Cost: 1 round, |x| + |y| elements opened** (a weight broadcast over the batch is opened once;
/// CrypTen re-opens a shared weight on every call). Dealer: one `matmul_triple`.
/// Local work: 3 products of the output's `batch x m x k x p` multiply-accumulates on party 0.
pub fn matmul_aa<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, y: &AShare<B>) -> AShare<B> {
    let fx = ctx.fixed();
    let out = Shape::matmul(x.shape(), y.shape());
    let k = x.shape().dims()[x.shape().rank() - 1];
    let (dealer, scope) = ctx.dealer();
    let scope = scope.clone();
    let (a, b, c) = dealer.matmul_triple(&scope, x.shape(), y.shape());
    let opened = ctx.open_masked_many(&[(x, &a), (y, &b)]);
    let (eps, delta) = (&opened[0], &opened[1]);
    ctx.local_work(3 * (out.numel() * k) as u64);
    AShare::beaver_matmul_combine(
        &c,
        &AShare::public_matmul_ring(eps, &b),
        &a.matmul_public_ring(delta),
        &eps.matmul_ring(delta),
        fx,
    )
}

/// Squares `x` element-wise, in fixed point.
///
/// With a square pair `(r, r^2)`: open `eps = x - r`; `x^2 = r^2 + 2 eps r + eps^2`, truncated.
/// **Cost: 1 round, n elements opened.** Dealer: one `square_pair` (n, n).
pub fn square_a<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    let fx = ctx.fixed();
    let (dealer, scope) = ctx.dealer();
    let scope = scope.clone();
    let (r, r2) = dealer.square_pair(&scope, x.shape());
    let eps = ctx
        .open_masked_many(&[(x, &r)])
        .pop()
        .expect("one opened value");
    ctx.local_work(2 * x.numel() as u64);
    AShare::beaver_combine(&r2, &r, &r, &eps, &eps, Some(fx))
}
