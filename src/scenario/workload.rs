//! The harness's view of the model layer: what it needs to cost one iteration of a method.
//!
//! The harness (run, sweep, check, calibrate, plots) is written against the [`Workload`] trait,
//! so that it can be tested with small hand-built ledgers and is independent of how the model
//! layer computes an iteration. [`ModelWorkload`] implements it with `crate::model`.

use super::{Mode, ModelSpec};
use crate::engine::RunSeed;
use crate::model::config::{ConfigError, ModelConfig};
use crate::model::iteration::{WeightSource, run_iteration_with};
use crate::model::methods::{Method, MethodOptions, Phase, iteration_cost, op_of_scope};
use crate::net::{DealerLog, Ledger};
use crate::plain::PlainModel;
use serde::Deserialize;
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
    /// and overrides (heads divide hidden, ...), the method options, and that an exec-mode model
    /// is small enough to run on real data.
    fn check(
        &self,
        model: &ModelSpec,
        methods: &[String],
        options: &toml::Table,
        mode: Mode,
    ) -> Result<(), WorkloadError>;

    /// One iteration of `method`, by phase, in cost mode or (for small models) exec mode; both
    /// give the same ledgers.
    fn iteration(
        &self,
        model: &ModelSpec,
        method: &str,
        options: &toml::Table,
        seed: RunSeed,
        mode: Mode,
    ) -> Result<MethodRun, WorkloadError>;

    /// The operation a ledger scope belongs to (`linear`, `softmax`, `rfa`, `layer_norm`, ...),
    /// for the per-operation tables.
    fn op_of_scope(&self, scope: &str) -> String;

    /// A one-line description of the resolved model and options (for reports).
    fn describe(&self, model: &ModelSpec, options: &toml::Table) -> String;
}

/// The real workload: the model layer's methods (`crate::model`), in the cost backend (or the
/// exec backend for [`Mode::Exec`] scenarios, which must be small).
#[derive(Clone, Copy, Debug, Default)]
pub struct ModelWorkload;

/// Largest `layers x batch x (seq + prompt_tokens) x max(hidden, ffn)` accepted in exec mode
/// (a guard against running RoBERTa-large on real shares by mistake).
pub const EXEC_LIMIT: usize = 1 << 22;

fn field_err(field: impl Into<String>, message: impl ToString) -> WorkloadError {
    WorkloadError {
        field: field.into(),
        message: message.to_string(),
    }
}

/// Resolves the `[model]` table: the preset, then each override; validated.
pub fn model_config(spec: &ModelSpec) -> Result<ModelConfig, WorkloadError> {
    let mut c = ModelConfig::preset(&spec.preset).map_err(|e| field_err("model.preset", e))?;
    let overrides = [
        (&mut c.layers, spec.layers),
        (&mut c.hidden, spec.hidden),
        (&mut c.heads, spec.heads),
        (&mut c.ffn, spec.ffn),
        (&mut c.seq, spec.seq),
        (&mut c.batch, spec.batch),
        (&mut c.classes, spec.classes),
        (&mut c.prompt_tokens, spec.prompt_tokens),
        (&mut c.vocab, spec.vocab),
    ];
    for (slot, v) in overrides {
        if let Some(v) = v {
            *slot = v;
        }
    }
    c.validate().map_err(|e| {
        let field = match &e {
            ConfigError::Zero(f) | ConfigError::TooLarge { field: f, .. } => format!("model.{f}"),
            ConfigError::HeadsDivideHidden { .. } => "model.heads".into(),
            ConfigError::Classes(_) => "model.classes".into(),
            ConfigError::UnknownPreset(_) => "model.preset".into(),
        };
        field_err(field, e)
    })?;
    Ok(c)
}

/// Parses the `[options]` table into the model layer's options (unknown fields rejected). An
/// error names the entry at fault (`options.optimizer`), found by parsing each entry alone.
pub fn method_options(options: &toml::Table) -> Result<MethodOptions, WorkloadError> {
    MethodOptions::deserialize(toml::Value::Table(options.clone())).map_err(|e| {
        let culprit = options.iter().find(|(k, v)| {
            let mut one = toml::Table::new();
            one.insert((*k).clone(), (*v).clone());
            MethodOptions::deserialize(toml::Value::Table(one)).is_err()
        });
        let field = culprit.map_or("options".to_string(), |(k, _)| format!("options.{k}"));
        field_err(field, e.message().trim())
    })
}

/// Reads the `[model] weights` file, if any, and checks it against `config`: a
/// [`PlainModel`] JSON whose architecture (layers, hidden, heads, FFN, classes) is the model's,
/// with one finite value per parameter. Errors name `model.weights` and the file.
pub fn model_weights(
    spec: &ModelSpec,
    config: &ModelConfig,
) -> Result<Option<PlainModel>, WorkloadError> {
    let Some(path) = &spec.weights else {
        return Ok(None);
    };
    let e = |m: String| field_err("model.weights", format!("{}: {m}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|x| e(format!("cannot read: {x}")))?;
    let mut m: PlainModel = serde_json::from_str(&text)
        .map_err(|x| e(format!("not a weight file (PlainModel JSON): {x}")))?;
    let arch = |c: &ModelConfig| (c.layers, c.hidden, c.heads, c.ffn, c.classes);
    if arch(&m.cfg) != arch(config) {
        let (l, h, a, f, c) = arch(&m.cfg);
        let (l2, h2, a2, f2, c2) = arch(config);
        return Err(e(format!(
            "the weights are for layers {l}, hidden {h}, heads {a}, ffn {f}, classes {c}; the \
             model is layers {l2}, hidden {h2}, heads {a2}, ffn {f2}, classes {c2}"
        )));
    }
    m.cfg = config.clone();
    m.check().map_err(e)?;
    if m.params.iter().flatten().any(|v| !v.is_finite()) {
        return Err(e("a weight is not a finite number".into()));
    }
    Ok(Some(m))
}

fn method(name: &str, field: String) -> Result<Method, WorkloadError> {
    name.parse::<Method>().map_err(|e| field_err(field, e))
}

impl Workload for ModelWorkload {
    fn check(
        &self,
        model: &ModelSpec,
        methods: &[String],
        options: &toml::Table,
        mode: Mode,
    ) -> Result<(), WorkloadError> {
        let config = model_config(model)?;
        if mode == Mode::Exec {
            let tokens = config.seq + config.prompt_tokens;
            let work = config.layers * config.batch * tokens * config.hidden.max(config.ffn);
            if work > EXEC_LIMIT {
                return Err(field_err(
                    "mode",
                    format!(
                        "exec mode runs on real secret-shared data and is meant for small models; \
                         layers x batch x tokens x max(hidden, ffn) = {work} exceeds {EXEC_LIMIT} \
                         (use mode = \"cost\": identical ledgers, any size)"
                    ),
                ));
            }
        }
        if mode == Mode::Cost && model.weights.is_some() {
            return Err(field_err(
                "model.weights",
                "weights apply in exec mode only (cost mode computes from shapes, the same for \
                 any values): set mode = \"exec\" or remove the field",
            ));
        }
        model_weights(model, &config)?;
        let opts = method_options(options)?;
        for (i, m) in methods.iter().enumerate() {
            let m = method(m, format!("methods[{i}]"))?;
            opts.validate_for(m, &config)
                .map_err(|e| field_err(format!("options (for {m})"), e))?;
        }
        Ok(())
    }

    fn iteration(
        &self,
        model: &ModelSpec,
        method_name: &str,
        options: &toml::Table,
        seed: RunSeed,
        mode: Mode,
    ) -> Result<MethodRun, WorkloadError> {
        let config = model_config(model)?;
        let opts = method_options(options)?;
        let m = method(method_name, "methods".into())?;
        opts.validate_for(m, &config)
            .map_err(|e| field_err(format!("options (for {m})"), e))?;
        let cost = if mode == Mode::Exec {
            let weights = model_weights(model, &config)?;
            let source = match &weights {
                Some(w) => WeightSource::Given(&w.params),
                None => WeightSource::Seeded,
            };
            run_iteration_with::<crate::engine::Exec>(
                m,
                &config,
                &opts,
                seed,
                &crate::model::iteration::InputData::Synthetic,
                source,
            )
            .cost
        } else {
            iteration_cost(m, &config, &opts, seed)
        };
        let in_total: Vec<Phase> = cost.total_phases().map(|p| p.phase).collect();
        Ok(MethodRun {
            method: m.name().to_string(),
            phases: cost
                .phases
                .into_iter()
                .map(|p| PhaseRun {
                    phase: p.phase.name().to_string(),
                    in_total: in_total.contains(&p.phase),
                    ledger: p.ledger,
                    dealer: p.dealer,
                })
                .collect(),
        })
    }

    fn op_of_scope(&self, scope: &str) -> String {
        op_of_scope(scope).to_string()
    }

    fn describe(&self, model: &ModelSpec, options: &toml::Table) -> String {
        match (model_config(model), method_options(options)) {
            (Ok(c), Ok(o)) => format!(
                "{} (layers {}, hidden {}, heads {}, ffn {}, seq {}, batch {}, classes {}, \
                 prompt tokens {}, vocab {}); options: optimizer {:?}, adam {:?}, profile {:?}, \
                 features {}, dropout {}, embedding {:?}, layer_norm {:?}, gelu {:?}",
                model.preset,
                c.layers,
                c.hidden,
                c.heads,
                c.ffn,
                c.seq,
                c.batch,
                c.classes,
                c.prompt_tokens,
                c.vocab,
                o.optimizer,
                o.adam_scope,
                o.profile,
                o.features,
                o.dropout,
                o.embedding,
                o.layer_norm,
                o.gelu
            ),
            _ => model.preset.clone(),
        }
    }
}
