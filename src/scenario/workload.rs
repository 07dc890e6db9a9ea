//! The harness's view of the model layer: what it needs to cost one iteration of a method.
//!
//! The harness (run, sweep, check, calibrate, plots) is written against the [`Workload`] trait,
//! so that it can be tested with small hand-built ledgers and is independent of how the model
//! layer computes an iteration. [`ModelWorkload`] implements it with `crate::model`.

use super::ModelSpec;
use crate::engine::RunSeed;
use crate::net::{DealerLog, Ledger};
use std::fmt;

/// One phase of one method's iteration: its online ledger and the dealer's offline log.
#[derive(Clone, Debug, PartialEq)]
pub struct PhaseRun {
    /// Phase name (`forward_eval`, `forward`, `backward`, `optimizer`).
    pub phase: String,
    /// Whether the phase is part of the iteration's total (a gradient method also reports its
    /// inference-mode forward for reference, outside the total).
    pub in_total: bool,
    /// The online ledger of the phase.
    pub ledger: Ledger,
    /// The dealer's offline log of the phase.
    pub dealer: DealerLog,
}

/// One training iteration of one method, by phase. The iteration's totals are the sum of its
/// phases marked `in_total`.
#[derive(Clone, Debug, PartialEq)]
pub struct MethodRun {
    /// Method name (`sft`, `prompt_tuning`, `fot`, `secp_tuning`, ...).
    pub method: String,
    /// Phases in execution order.
    pub phases: Vec<PhaseRun>,
}

/// An error found by the workload: which scenario field is at fault and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkloadError {
    /// Dotted field path in the scenario (`methods[2]`, `model.heads`, `options.features`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for WorkloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "field `{}`: {}", self.field, self.message)
    }
}

/// What the harness needs from the model layer.
pub trait Workload {
    /// Checks everything model-specific before anything runs: method names, the model preset
    /// and overrides (heads divide hidden, ...), the method options.
    fn check(
        &self,
        model: &ModelSpec,
        methods: &[String],
        options: &toml::Table,
    ) -> Result<(), WorkloadError>;

    /// One iteration of `method` in cost mode, by phase.
    fn iteration(
        &self,
        model: &ModelSpec,
        method: &str,
        options: &toml::Table,
        seed: RunSeed,
    ) -> Result<MethodRun, WorkloadError>;

    /// The operation a ledger scope belongs to (`linear`, `softmax`, `rfa`, `layer_norm`, ...),
    /// for the per-operation tables.
    fn op_of_scope(&self, scope: &str) -> String;

    /// A one-line description of the resolved model and options (for reports).
    fn describe(&self, model: &ModelSpec, options: &toml::Table) -> String;
}

/// The real workload: the model layer's methods (`crate::model`). Not available until the model
/// layer is merged; until then every call reports that.
#[derive(Clone, Copy, Debug, Default)]
pub struct ModelWorkload;

const NO_MODEL: &str = "the model layer (crate::model) is not built into this binary yet";

impl Workload for ModelWorkload {
    fn check(
        &self,
        _model: &ModelSpec,
        _methods: &[String],
        _options: &toml::Table,
    ) -> Result<(), WorkloadError> {
        Err(WorkloadError {
            field: "methods".into(),
            message: NO_MODEL.into(),
        })
    }

    fn iteration(
        &self,
        _model: &ModelSpec,
        _method: &str,
        _options: &toml::Table,
        _seed: RunSeed,
    ) -> Result<MethodRun, WorkloadError> {
        Err(WorkloadError {
            field: "methods".into(),
            message: NO_MODEL.into(),
        })
    }

    fn op_of_scope(&self, scope: &str) -> String {
        scope.split('/').next_back().unwrap_or("").to_string()
    }

    fn describe(&self, _model: &ModelSpec, _options: &toml::Table) -> String {
        NO_MODEL.into()
    }
}
