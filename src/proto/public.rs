//! Operations between a sharing and a public value (local, no communication).
//!
//! Reference: CrypTen `crypten/mpc/primitives/arithmetic.py` (`mul`, `div`, `matmul` with a
//! public operand): local ring operation then local truncation.

use crate::engine::{AShare, Backend, Ctx, Public};
use crate::ring::Shape;

/// `x @ w` with a public fixed-point matrix `w` (batched, broadcasting): local ring matmul on each
/// share, then local truncation. **Cost: 0 rounds, 0 bytes.** Takes the context only to record its
/// `batch x m x k x p` multiply-accumulates for the compute model. Error: +-1 ulp, rare wrap.
pub fn matmul_ap<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, w: &Public<B>) -> AShare<B> {
    let out = Shape::matmul(x.shape(), w.shape());
    let k = x.shape().dims()[x.shape().rank() - 1];
    ctx.local_work((out.numel() * k) as u64);
    x.matmul_public_ring(w).truncate(ctx.fixed())
}
