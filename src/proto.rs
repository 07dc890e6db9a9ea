//! Communicating 2-party primitives, generic over the backend.

pub mod beaver;
pub mod public;

pub use beaver::{matmul_aa, mul_aa, mul_aa_ring, square_a};
pub use public::matmul_ap;
