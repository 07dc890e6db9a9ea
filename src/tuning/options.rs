//! Typed options of a tuning run, with Black-Box Tuning's defaults, and their validation.
//!
//! Reference: BBT (Sun et al., ICML 2022) as summarised in `secp-tuning-paper.md`: prompt length
//! 50, subspace dimension d = 500, CMA-ES population 20, budget 8000 queries, sigma0 = 1,
//! A normal with std `sigma_hat / (sqrt(d) sigma0)`, cross-entropy over the label logits,
//! 16 examples per class for training and 16 for development. The model and the synthetic task
//! are this project's (see [`super::task`]); the `scenarios/tune-*.toml` files override the
//! BBT sizes with small ones that run in seconds.
//!
//! Every struct is `serde(deny_unknown_fields, default)`: a TOML table may give any subset of
//! the fields, and a misspelt field is an error naming it.

use super::task::TaskOptions;
use crate::model::MethodOptions;
use crate::model::config::ModelConfig;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which servers answer the queries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerKind {
    /// Two MPC servers in the exec backend (real secret shares, fixed point): the system.
    #[default]
    Mpc,
    /// The f64 plaintext reference of the same model: the baseline the MPC run is compared with.
    Plain,
}

/// The attention the servers run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttentionChoice {
    /// Softmax attention (method `fot`).
    #[default]
    Softmax,
    /// Random feature attention with the one-round cosine (method `secp_tuning`).
    Rfa,
}

/// How the random projection A is drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectionKind {
    /// `N(0, (alpha sigma_hat / (sqrt(d) sigma0))^2)`, sigma_hat = std of the embedding table
    /// (BBT's final version). Default.
    #[default]
    Normal,
    /// `U(-1/sqrt(d), 1/sqrt(d))` (early BBT: PyTorch's default `nn.Linear` initialisation).
    Uniform,
}

/// The prompt offset p0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromptInit {
    /// Embeddings of `prompt_tokens` content tokens drawn from stream `tuning/p0` (BBT
    /// initialises the prompt with word embeddings). Default.
    #[default]
    Vocab,
    /// Zero.
    Zero,
}

/// The data owner's plaintext loss on the revealed label logits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LossKind {
    /// Mean cross-entropy of the softmax over the label logits (BBT's default).
    #[default]
    CrossEntropy,
    /// Mean multi-class hinge `sum_{c != y} max(0, 1 - (l_y - l_c))` (BBT's alternative).
    Hinge,
}

/// CMA-ES options (BBT defaults).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CmaesOptions {
    /// Subspace dimension d (default 500).
    pub dim: usize,
    /// Population lambda (default 20).
    pub population: usize,
    /// Budget in queries, i.e. forward passes over the training batch (default 8000 = 400
    /// generations of 20). The run performs `floor(budget / population)` generations.
    pub budget: u64,
    /// Initial step size (default 1.0).
    pub sigma0: f64,
    /// Optional symmetric bound on z (default none; early BBT: 5).
    pub bounds: Option<f64>,
}

impl Default for CmaesOptions {
    fn default() -> Self {
        CmaesOptions {
            dim: 500,
            population: 20,
            budget: 8000,
            sigma0: 1.0,
            bounds: None,
        }
    }
}

/// The encoder's architecture (the prompt length and the sequence come from the task).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ArchOptions {
    /// Layers (default 1).
    pub layers: usize,
    /// Hidden width (default 16).
    pub hidden: usize,
    /// Attention heads (default 2).
    pub heads: usize,
    /// FFN width (default 32).
    pub ffn: usize,
}

impl Default for ArchOptions {
    fn default() -> Self {
        ArchOptions {
            layers: 1,
            hidden: 16,
            heads: 2,
            ffn: 32,
        }
    }
}

/// Plaintext pre-training of the encoder (see [`super::pretrain`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PretrainOptions {
    /// Adam steps (default 600).
    pub steps: usize,
    /// Sequences per step (default 64).
    pub batch: usize,
    /// Adam learning rate (default 0.01).
    pub learning_rate: f64,
}

impl Default for PretrainOptions {
    fn default() -> Self {
        PretrainOptions {
            steps: 600,
            batch: 64,
            learning_rate: 0.01,
        }
    }
}

/// Everything a tuning run needs. Deserialise from TOML (e.g. the `[tuning]` table of a
/// scenario) or build in code from `TuningOptions::default()`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TuningOptions {
    /// Run seed (default 0): every random draw comes from a named stream of it.
    pub seed: u64,
    /// Who answers the queries (default `mpc`).
    pub server: ServerKind,
    /// Softmax or random feature attention (default `softmax`).
    pub attention: AttentionChoice,
    /// The encoder's architecture.
    pub arch: ArchOptions,
    /// Forward options of the MPC model (RFA features and sigma, LayerNorm and GeLU variants);
    /// the model's defaults.
    pub forward: MethodOptions,
    /// The synthetic task and its splits.
    pub task: TaskOptions,
    /// Pre-training.
    pub pretrain: PretrainOptions,
    /// CMA-ES.
    pub cmaes: CmaesOptions,
    /// How A is drawn (default `normal`).
    pub projection: ProjectionKind,
    /// BBT's alpha in the normal projection's std (default 1).
    pub alpha: f64,
    /// The prompt offset p0 (default `vocab`).
    pub p0: PromptInit,
    /// The loss (default `cross_entropy`).
    pub loss: LossKind,
    /// Evaluate the dev accuracy of the current best z every this many generations (default
    /// 10; 0 = only at the end). Dev evaluations are extra queries, counted separately.
    pub eval_every: u64,
    /// Target dev accuracy for the queries-to-target measurement (default 0.9; `None` = none).
    pub target_dev_accuracy: Option<f64>,
}

impl Default for TuningOptions {
    fn default() -> Self {
        TuningOptions {
            seed: 0,
            server: ServerKind::Mpc,
            attention: AttentionChoice::Softmax,
            arch: ArchOptions::default(),
            forward: MethodOptions::default(),
            task: TaskOptions::default(),
            pretrain: PretrainOptions::default(),
            cmaes: CmaesOptions::default(),
            projection: ProjectionKind::Normal,
            alpha: 1.0,
            p0: PromptInit::Vocab,
            loss: LossKind::CrossEntropy,
            eval_every: 10,
            target_dev_accuracy: Some(0.9),
        }
    }
}

/// An invalid tuning option; `Display` names the option and the rule.
#[derive(Clone, Debug, PartialEq)]
pub struct OptionError {
    /// Dotted option path, e.g. `cmaes.population`.
    pub option: &'static str,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid tuning option {}: {}", self.option, self.message)
    }
}

impl std::error::Error for OptionError {}

pub(crate) fn option_error(option: &'static str, message: impl Into<String>) -> OptionError {
    OptionError {
        option,
        message: message.into(),
    }
}

impl TuningOptions {
    /// The model configuration the run uses: the architecture, the task's sequence length,
    /// label count and prompt length, and `batch` sequences per forward pass.
    pub fn model_config(&self, batch: usize) -> ModelConfig {
        ModelConfig {
            layers: self.arch.layers,
            hidden: self.arch.hidden,
            heads: self.arch.heads,
            ffn: self.arch.ffn,
            seq: self.task.seq,
            batch,
            classes: 2,
            prompt_tokens: self.task.prompt_tokens,
            vocab: self.task.vocab,
        }
    }

    /// The model method the servers run: `fot` (softmax) or `secp_tuning` (RFA).
    pub fn method(&self) -> crate::model::Method {
        match self.attention {
            AttentionChoice::Softmax => crate::model::Method::Fot,
            AttentionChoice::Rfa => crate::model::Method::SecpTuning,
        }
    }

    /// Check every option; the first violation is returned.
    pub fn validate(&self) -> Result<(), OptionError> {
        let c = &self.cmaes;
        if c.dim == 0 {
            return Err(option_error(
                "cmaes.dim",
                "the subspace dimension d must be at least 1 (got 0)",
            ));
        }
        if c.population < 2 {
            return Err(option_error(
                "cmaes.population",
                format!("must be at least 2 (got {})", c.population),
            ));
        }
        if c.budget < c.population as u64 {
            return Err(option_error(
                "cmaes.budget",
                format!(
                    "{} queries is smaller than one generation ({} queries)",
                    c.budget, c.population
                ),
            ));
        }
        if !(c.sigma0 > 0.0 && c.sigma0.is_finite()) {
            return Err(option_error(
                "cmaes.sigma0",
                format!("must be positive (got {})", c.sigma0),
            ));
        }
        if let Some(b) = c.bounds
            && !(b > 0.0 && b.is_finite())
        {
            return Err(option_error(
                "cmaes.bounds",
                format!("must be positive (got {b})"),
            ));
        }
        if !(self.alpha > 0.0 && self.alpha.is_finite()) {
            return Err(option_error(
                "alpha",
                format!("must be positive (got {})", self.alpha),
            ));
        }
        if let Some(t) = self.target_dev_accuracy
            && !(0.0..=1.0).contains(&t)
        {
            return Err(option_error(
                "target_dev_accuracy",
                format!("must be in [0, 1] (got {t})"),
            ));
        }
        let p = &self.pretrain;
        if p.batch == 0 {
            return Err(option_error("pretrain.batch", "must be at least 1 (got 0)"));
        }
        if !(p.learning_rate > 0.0 && p.learning_rate.is_finite()) {
            return Err(option_error(
                "pretrain.learning_rate",
                format!("must be positive (got {})", p.learning_rate),
            ));
        }
        self.task.validate()?;
        let cfg = self.model_config(1);
        cfg.validate()
            .map_err(|e| option_error("arch", e.to_string()))?;
        self.forward
            .validate(self.method())
            .map_err(|e| option_error("forward", e.to_string()))?;
        Ok(())
    }

    /// Generations the budget allows: `floor(budget / population)`.
    pub fn generations(&self) -> u64 {
        self.cmaes.budget / self.cmaes.population as u64
    }
}
