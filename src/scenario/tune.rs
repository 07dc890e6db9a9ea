//! Tuning scenario files (`secp-tuning tune`): forward-only prompt tuning for real, in exec
//! mode, on the project's synthetic task, and what its measured query count implies for the
//! paper's setting.
//!
//! ```toml
//! name = "tune-small"          # output folders: results/<name>/, plots/<name>/
//! description = "free text"
//! seeds = [0, 1, 2]            # one full run per seed; mean and spread are reported
//!
//! [tuning]                     # crate::tuning::TuningOptions (every field optional; BBT's defaults)
//! server = "mpc"               # or "plain" (the f64 reference of the same loop)
//! attention = "softmax"        # or "rfa"
//! [tuning.cmaes]
//! dim = 20
//! population = 10
//! budget = 300
//!
//! [whole_run]                  # optional; defaults: the paper's setting
//! methods = ["secp_tuning"]    # forward-only methods: one query = one forward pass + reveal
//! queries = [8000]             # fixed query counts besides the measured queries-to-target
//! [whole_run.model]            # default: roberta-large, 512 tokens, batch 1, 50 prompt tokens
//! preset = "roberta-large"
//! [[whole_run.networks]]       # default: the lan preset
//! preset = "lan"
//! ```
//!
//! Unknown fields are rejected and every error names the file and the field, as for
//! [`super::Scenario`]. `seeds` replaces `tuning.seed` (which must then be left out).

use super::{
    DeviceSpec, FieldError, ModelSpec, NetworkSpec, OutputSpec, ScenarioError, check_name,
    kind_hint, resolve_network, toml_error,
};
use crate::net::{ComputeProfile, Network};
use crate::tuning::TuningOptions;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The `[whole_run]` table: per-query cost in a (large) model's setting, from the cost backend,
/// times the measured and the listed query counts.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WholeRunSpec {
    /// Forward-only methods to cost (`fot`, `secp_tuning`, `secp_tuning_crypten_cos`); default
    /// `["secp_tuning"]`.
    #[serde(default = "default_methods")]
    pub methods: Vec<String>,
    /// Query counts costed besides the measured mean queries-to-target; default `[8000]`
    /// (BBT's budget).
    #[serde(default = "default_queries")]
    pub queries: Vec<u64>,
    /// The model of one query; default `roberta-large` with 512 tokens, batch 1 and 50 prompt
    /// tokens (the paper's per-iteration setting; BBT's query on SST-2 is a batch of 32).
    #[serde(default = "default_model")]
    pub model: ModelSpec,
    /// Method options of the model layer (its own fields; defaults as in `run`).
    #[serde(default)]
    pub options: toml::Table,
    /// Networks the whole run is priced on; default the `lan` preset.
    #[serde(default = "default_networks")]
    pub networks: Vec<NetworkSpec>,
    /// The device compute profile; default zero compute (communication and latency only).
    pub device: Option<DeviceSpec>,
}

fn default_methods() -> Vec<String> {
    vec!["secp_tuning".into()]
}

fn default_queries() -> Vec<u64> {
    vec![8000]
}

fn default_model() -> ModelSpec {
    ModelSpec {
        preset: "roberta-large".into(),
        seq: Some(512),
        batch: Some(1),
        prompt_tokens: Some(50),
        ..ModelSpec::default()
    }
}

fn default_networks() -> Vec<NetworkSpec> {
    vec![NetworkSpec {
        preset: Some("lan".into()),
        ..NetworkSpec::default()
    }]
}

impl Default for WholeRunSpec {
    fn default() -> Self {
        WholeRunSpec {
            methods: default_methods(),
            queries: default_queries(),
            model: default_model(),
            options: toml::Table::new(),
            networks: default_networks(),
            device: None,
        }
    }
}

/// A tuning scenario file as written.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TuneScenario {
    /// Output name: `results/<name>/`, `plots/<name>/`. Letters, digits, `-`, `_` only.
    pub name: String,
    /// Free text shown in reports.
    #[serde(default)]
    pub description: String,
    /// Seeds, one full run each (default: `tuning.seed`, itself 0 by default).
    #[serde(default)]
    pub seeds: Vec<u64>,
    /// The tuning run's options (seed, servers, attention, model, task, CMA-ES, ...).
    #[serde(default)]
    pub tuning: TuningOptions,
    /// The whole-run cost in the paper's setting.
    #[serde(default)]
    pub whole_run: WholeRunSpec,
    /// Output folders.
    #[serde(default)]
    pub output: OutputSpec,
}

/// A loaded, validated tuning scenario with its provenance.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedTune {
    /// The scenario as written.
    pub scenario: TuneScenario,
    /// The file it was read from.
    pub file: String,
    /// FNV-1a 64 of the file's bytes (16 hex digits).
    pub hash: String,
    /// The seeds to run, in order (never empty).
    pub seeds: Vec<u64>,
    /// The whole run's networks, resolved.
    pub networks: Vec<Network>,
    /// The whole run's device profile.
    pub compute: ComputeProfile,
}

impl LoadedTune {
    /// The options of the run with seed `seed`.
    pub fn options(&self, seed: u64) -> TuningOptions {
        TuningOptions {
            seed,
            ..self.scenario.tuning.clone()
        }
    }

    /// Folder of the CSV outputs.
    pub fn results_folder(&self) -> PathBuf {
        self.scenario.output.results_dir.join(&self.scenario.name)
    }

    /// Folder of the plots.
    pub fn plots_folder(&self) -> PathBuf {
        self.scenario.output.plots_dir.join(&self.scenario.name)
    }

    /// An error about `field` of this scenario.
    pub fn error(&self, field: impl Into<String>, message: impl Into<String>) -> ScenarioError {
        ScenarioError {
            file: self.file.clone(),
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Reads and validates a tuning scenario file.
pub fn load(path: &Path) -> Result<LoadedTune, ScenarioError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
        file: file.clone(),
        field: String::new(),
        message: format!("cannot read the file: {e}"),
    })?;
    parse(&text, &file)
}

/// Parses and validates tuning scenario text; `file` names it in errors. Model-layer checks of
/// `[whole_run]` (methods, preset, options) are left to the workload, as for `run`.
pub fn parse(text: &str, file: &str) -> Result<LoadedTune, ScenarioError> {
    let scenario: TuneScenario = toml::from_str(text).map_err(|e| {
        kind_hint(
            toml_error(e, file, text),
            &[
                "seed",
                "mode",
                "methods",
                "compare_with_paper",
                "model",
                "options",
                "networks",
                "device",
                "dealer",
                "sweep",
                "seq_sweep",
            ],
            "this looks like a `run` scenario: run it with `secp-tuning run`",
        )
    })?;
    let err = |(field, message): FieldError| ScenarioError {
        file: file.to_string(),
        field,
        message,
    };
    check_name(&scenario.name).map_err(err)?;
    let seed_given = toml::from_str::<toml::Table>(text)
        .ok()
        .and_then(|t| t.get("tuning")?.as_table()?.get("seed").cloned())
        .is_some();
    let seeds = if scenario.seeds.is_empty() {
        vec![scenario.tuning.seed]
    } else if seed_given {
        return Err(err((
            "tuning.seed".into(),
            "give either `seeds` or `tuning.seed`, not both".into(),
        )));
    } else {
        scenario.seeds.clone()
    };
    let mut sorted = seeds.clone();
    sorted.sort_unstable();
    if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
        return Err(err((
            "seeds".into(),
            format!("seed {} appears twice", w[0]),
        )));
    }
    scenario
        .tuning
        .validate()
        .map_err(|e| err((format!("tuning.{}", e.option), e.message)))?;
    let w = &scenario.whole_run;
    if w.methods.is_empty() {
        return Err(err((
            "whole_run.methods".into(),
            "must list at least one method".into(),
        )));
    }
    if let Some(i) = w.queries.iter().position(|&q| q == 0) {
        return Err(err((
            format!("whole_run.queries[{i}]"),
            "must be at least 1".into(),
        )));
    }
    if w.model.weights.is_some() {
        return Err(err((
            "whole_run.model.weights".into(),
            "the whole-run cost is computed from shapes (cost mode); weights do not apply".into(),
        )));
    }
    if w.networks.is_empty() {
        return Err(err((
            "whole_run.networks".into(),
            "must list at least one network".into(),
        )));
    }
    let networks = w
        .networks
        .iter()
        .enumerate()
        .map(|(i, n)| {
            resolve_network(n).map_err(|(f, m)| err((format!("whole_run.networks[{i}].{f}"), m)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let compute = match &w.device {
        Some(d) => {
            if d.name.is_empty() {
                return Err(err((
                    "whole_run.device.name".into(),
                    "must not be empty".into(),
                )));
            }
            if !d.calibrated_on.is_empty() {
                return Err(err((
                    "whole_run.device.calibrated_on".into(),
                    "calibration rows belong to `run` scenarios".into(),
                )));
            }
            ComputeProfile {
                name: d.name.clone(),
                ps_per_round: d.ps_per_round,
                ps_per_opened_element: d.ps_per_opened_element,
                ps_per_mac: d.ps_per_mac,
            }
        }
        None => ComputeProfile::zero(),
    };
    Ok(LoadedTune {
        hash: super::content_hash(text.as_bytes()),
        file: file.to_string(),
        scenario,
        seeds,
        networks,
        compute,
    })
}
