//! Communicating 2-party primitives, generic over the backend.

pub mod a2b;
pub mod b2a;
pub mod beaver;
pub mod boolean;
pub mod compare;
pub mod eq;
pub mod public;
pub mod random;
pub mod select;

pub use a2b::a2b;
pub use b2a::{b2a_bit, b2a_bits};
pub use beaver::{matmul_aa, mul_aa, mul_aa_ring, square_a};
pub use boolean::{and_bb, and_bb_broadcast};
pub use compare::{abs_a, ge_a, gez_a, gt_a, le_a, lt_a, ltz_a, relu_a, sign_a, sign_int_a};
pub use eq::{eq_a, eqz_a};
pub use public::matmul_ap;
pub use random::rand_a;
pub use select::where_a;
