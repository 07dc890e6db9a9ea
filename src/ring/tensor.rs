//! The per-party local tensor over Z_2^64, as a trait both backends implement.
//!
//! Element-wise operations are expressed through [`RingTensor::map`] and [`RingTensor::zip`]
//! (numpy broadcasting); the exec backend runs the closure on every element, the cost backend only
//! computes the output shape through [`Shape`]. Generic protocol code therefore has no way to look
//! at an element: the trait offers no accessor to data.

use super::shape::Shape;
use std::fmt;

/// The generator of share randomness: dealer correlations, input-sharing masks and the parties'
/// local random shares (millions of words per protocol call in exec mode). ChaCha with 8 rounds
/// (`rand_chacha::ChaCha8Rng`), a cryptographic generator about 2.5 times faster than ChaCha20;
/// 8 rounds are one round beyond the best known (impractical) attack on 7 (Aumasson, "Too Much
/// Crypto", 2019, recommends 8). Every other named stream of a run (model initialisers, tasks, CMA-ES,
/// projections) is ChaCha20 ([`crate::engine::RunSeed::stream`]).
pub type ShareRng = rand_chacha::ChaCha8Rng;

/// One party's local tensor over the ring Z_2^64 (wrapping `u64` arithmetic).
///
/// Shapes come from [`Shape`]; every method panics, naming the shapes, when they are incompatible
/// (an internal invariant violation).
pub trait RingTensor: Clone + fmt::Debug + Send + Sync + 'static {
    /// Whether this tensor type carries data (`true` for exec, `false` for cost).
    const HAS_DATA: bool;

    /// The shape.
    fn shape(&self) -> &Shape;

    /// Number of elements.
    fn numel(&self) -> usize {
        self.shape().numel()
    }

    /// A tensor filled with `value`.
    fn filled(shape: Shape, value: u64) -> Self;

    /// A tensor of zeros.
    fn zeros(shape: Shape) -> Self {
        Self::filled(shape, 0)
    }

    /// A tensor whose element `i` (row-major) is `f(i)`; the cost backend never calls `f`.
    fn from_fn(shape: Shape, f: impl FnMut(usize) -> u64) -> Self;

    /// Uniform ring elements drawn from `rng` (the cost backend draws nothing).
    fn random(shape: Shape, rng: &mut ShareRng) -> Self;

    /// Element-wise map.
    fn map(&self, f: impl Fn(u64) -> u64 + Sync) -> Self;

    /// Element-wise binary operation with numpy broadcasting.
    fn zip(&self, other: &Self, f: impl Fn(u64, u64) -> u64 + Sync) -> Self;

    /// Element-wise function of `N` tensors with numpy broadcasting to their common shape
    /// (one pass over the output: a fused form of several [`RingTensor::zip`]s).
    fn zip_n<const N: usize>(ins: [&Self; N], f: impl Fn([u64; N]) -> u64 + Sync) -> Self;

    /// Two element-wise functions of the same `N` tensors (broadcast to their common shape),
    /// computed in one pass: `f` returns both outputs' elements (e.g. both parties' local step
    /// of a protocol, reading the public operands once).
    fn zip_n2<const N: usize>(
        ins: [&Self; N],
        f: impl Fn([u64; N]) -> [u64; 2] + Sync,
    ) -> [Self; 2];

    /// Batched matrix product over the ring (wrapping), batch dimensions broadcast.
    fn matmul(&self, other: &Self) -> Self;

    /// Same elements, new shape.
    fn reshape(&self, shape: Shape) -> Self;

    /// Swap two axes (data is moved so the result is row-major).
    fn transpose(&self, a0: usize, a1: usize) -> Self;

    /// Entries `start .. start + len` of dimension `axis`.
    fn narrow(&self, axis: usize, start: usize, len: usize) -> Self;

    /// Concatenation along `axis`.
    fn concat(parts: &[&Self], axis: usize) -> Self;

    /// Concatenation along `axis` with `f` applied to every element (one pass: a fused
    /// `concat` then `map`).
    fn concat_map(parts: &[&Self], axis: usize, f: impl Fn(u64) -> u64 + Sync) -> Self;

    /// Wrapping sum over `axis`.
    fn sum_axis(&self, axis: usize, keepdim: bool) -> Self;

    /// Broadcast to a larger shape (materialised).
    fn expand(&self, shape: &Shape) -> Self;

    /// Wrapping element-wise addition (broadcasting).
    fn add(&self, o: &Self) -> Self {
        self.zip(o, u64::wrapping_add)
    }

    /// Wrapping element-wise subtraction (broadcasting).
    fn sub(&self, o: &Self) -> Self {
        self.zip(o, u64::wrapping_sub)
    }

    /// Wrapping element-wise product (broadcasting).
    fn mul(&self, o: &Self) -> Self {
        self.zip(o, u64::wrapping_mul)
    }

    /// Bitwise XOR (broadcasting).
    fn xor(&self, o: &Self) -> Self {
        self.zip(o, |a, b| a ^ b)
    }

    /// Bitwise AND (broadcasting).
    fn and(&self, o: &Self) -> Self {
        self.zip(o, |a, b| a & b)
    }

    /// Wrapping negation.
    fn neg(&self) -> Self {
        self.map(u64::wrapping_neg)
    }
}
