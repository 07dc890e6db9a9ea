//! The 2-party engine: backends, shares, the context (the only door between parties), the dealer,
//! seeds.

pub mod ctx;
pub mod dealer;
pub mod seed;
pub mod share;

pub use ctx::{Ctx, CtxConfig};
pub use dealer::Dealer;
pub use seed::RunSeed;
pub use share::{AShare, BShare, Public, Revealed};

use crate::ring::{ExecTensor, RingTensor, ShapeTensor};

/// What one party's local tensor is. Protocol code is written once, generic over `B: Backend`.
pub trait Backend: Sized + Send + Sync + 'static + std::fmt::Debug {
    /// The per-party local tensor.
    type T: RingTensor;
    /// Name used in reports (`exec`, `cost`).
    const NAME: &'static str;
}

/// Real ring data for both parties' shares: correctness, accuracy, small models, tuning.
#[derive(Clone, Copy, Debug)]
pub struct Exec;

/// Shapes only, O(1) memory: LLM-scale costs in milliseconds.
#[derive(Clone, Copy, Debug)]
pub struct Cost;

impl Backend for Exec {
    type T = ExecTensor;
    const NAME: &'static str = "exec";
}

impl Backend for Cost {
    type T = ShapeTensor;
    const NAME: &'static str = "cost";
}
