//! The f64 reference of the model: forward (softmax or random feature attention) and backward,
//! the oracle of the accuracy tests and the plaintext trainer of small models.
//!
//! Same parameters, initial values ([`crate::model::weights`] streams), inputs and RFA
//! projections as the MPC model, computed in exact f64 arithmetic (true biased variance, exact
//! tanh GeLU, exact softmax, exp, sine and cosine).

pub mod model;

pub use model::{PlainGrads, PlainModel};
