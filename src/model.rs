//! The transformer encoder under MPC (RoBERTa-style), its backward passes, optimizers and the
//! tuning methods' per-iteration workloads.
//!
//! Entry points: [`config::ModelConfig`] (presets, validation), [`methods`] (methods, options,
//! phases, [`methods::iteration_cost`], [`methods::cost_rows`], [`methods::op_of_scope`]),
//! [`iteration::run_iteration`] (any backend), [`encoder::forward`] / [`encoder::backward`].
//! The f64 reference of the same model is [`crate::plain`].

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
