//! The transformer encoder under MPC (RoBERTa-style), its backward passes, optimizers and the
//! tuning methods' per-iteration workloads.
//!
//! Entry points: [`config::ModelConfig`] (presets, validation), [`methods`] (methods, options,
//! phases, [`methods::iteration_cost`], [`methods::cost_rows`], [`methods::op_of_scope`]),
//! [`iteration::run_iteration`] (any backend), [`encoder::forward`] / [`encoder::backward`].
//! The f64 reference of the same model is [`crate::plain`].
//!
//! - **Profiles.** `crypten` reproduces CrypTen's autograd exactly (`crypten-autograd.md`):
//!   config a's forward (inference 354 rounds, training 356), backward (45), Adam (58 per tensor
//!   or fused) and the per-operation split equal the reference figures byte for byte
//!   (`tests/model_crypten_reference.rs`). `lean` skips unneeded gradients and wasted constant
//!   muls, squares the variance once and batches each backward step's two products.
//! - **Attention.** Softmax (CrypTen's `softmax`) or the paper's random feature attention
//!   ([`rfa`]) with the one-round cosine or CrypTen's cosine.
//! - **Phases.** `forward_eval`, `forward`, `backward`, `optimizer` ([`methods::Phase`]); the
//!   forward-only methods' reveal of the logits to the data owner is in `forward_eval` under
//!   scope `reveal`.
//! - **Scopes.** `layerNN/{attn,ln1,ffn,ln2}/...` with leaves named after the operations of
//!   [`methods::OPS`] (`linear`, `attention_scores`, `softmax`, `rfa`, `attention_values`,
//!   `layernorm`, `gelu`, `dropout`), `head/linear`, `head/loss`, `embedding`, `optimizer`,
//!   `reveal`.

pub mod attention;
pub mod config;
pub mod dropout;
pub mod encoder;
pub mod ffn;
pub mod grad;
pub mod head;
pub mod iteration;
pub mod layer_norm;
pub mod linear;
pub mod methods;
pub mod ops;
pub mod optim;
pub mod rfa;
pub mod weights;

pub use config::{ConfigError, ModelConfig};
pub use methods::{
    CostRow, IterationCost, Method, MethodOptions, Phase, PhaseCost, cost_rows, iteration_cost,
    op_of_scope,
};
