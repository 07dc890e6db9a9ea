//! Scenario files: typed TOML describing one experiment (model, methods, networks, device
//! profile, outputs, optional sweeps), validated at the boundary.
//!
//! Every table rejects unknown fields (serde `deny_unknown_fields`); every error names the file
//! and the field. A scenario that loads is valid: bandwidths are positive, latencies finite and
//! non-negative, names unique, sweep axes non-empty. Checks that need the model layer (method
//! names, model presets, heads dividing hidden, method options) are made by the
//! [`workload::Workload`] before anything runs or is written.
//!
//! ```toml
//! name = "paper-lan"            # output folder name: results/<name>/, plots/<name>/
//! seed = 1                      # every random stream of the run derives from it
//! methods = ["sft", "prompt_tuning", "fot", "secp_tuning"]
//!
//! [model]                       # a preset, then optional overrides
//! preset = "roberta-large"
//! seq = 512
//! batch = 1
//! prompt_tokens = 50
//!
//! [options]                     # method options, passed to the model layer (its own fields)
//!
//! [[networks]]
//! preset = "lan"                # or: name, bandwidth_mbps, one_way_latency_ms
//!
//! [device]                      # the compute model: named constants, one set for all rows
//! name = "a100-like"
//! ps_per_round = 0
//! ps_per_opened_element = 0
//! ps_per_mac = 0
//! ```

pub mod tune;
pub mod workload;

use crate::engine::RunSeed;
use crate::net::presets::NetworkPreset;
use crate::net::{BitsPerSec, ComputeProfile, DealerPolicy, Network, SimDuration};
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// An error in a scenario file: the file, the field (a dotted path) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// The scenario file (or `<inline>`).
    pub file: String,
    /// The offending field, e.g. `networks[1].bandwidth_mbps` (empty when the file as a whole is
    /// at fault, e.g. it cannot be read).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "scenario {}: {}", self.file, self.message)
        } else {
            write!(
                f,
                "scenario {}: field `{}`: {}",
                self.file, self.field, self.message
            )
        }
    }
}

impl std::error::Error for ScenarioError {}

/// How the methods are run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Shapes only (the `Cost` backend): any model size, milliseconds.
    #[default]
    Cost,
    /// Real secret-shared values (the `Exec` backend): small models only. The ledgers are
    /// identical to cost mode by construction; exec mode additionally checks that the protocol
    /// runs on real data.
    Exec,
}

impl Mode {
    /// Name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Cost => "cost",
            Mode::Exec => "exec",
        }
    }
}

/// The `[model]` table: a preset of the model layer, then optional overrides of its fields.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// Preset name of the model layer (`roberta-large`, `roberta-base`, `bert-base`, ...).
    pub preset: String,
    /// Encoder layers.
    pub layers: Option<usize>,
    /// Hidden width.
    pub hidden: Option<usize>,
    /// Attention heads (must divide `hidden`).
    pub heads: Option<usize>,
    /// Feed-forward width.
    pub ffn: Option<usize>,
    /// Sequence length in tokens (the input, without the prompt).
    pub seq: Option<usize>,
    /// Sequences per iteration.
    pub batch: Option<usize>,
    /// Output classes.
    pub classes: Option<usize>,
    /// Soft-prompt tokens prepended by the prompt-based methods.
    pub prompt_tokens: Option<usize>,
    /// Vocabulary size.
    pub vocab: Option<usize>,
    /// A weight file (JSON of [`crate::plain::PlainModel`]: its configuration and one value
    /// vector per parameter tensor; `tune` writes one per seed, `encoder-seed<k>.json`) whose
    /// values the model owner shares instead of the seeded initialiser: the encoder and the
    /// classification head, so layers, hidden, heads, FFN and classes must match the model;
    /// vocabulary, sequence length, batch and prompt length stay the scenario's (the inputs are
    /// synthetic, and an MPC embedding table is seeded). Exec mode only (cost mode refuses it).
    /// A relative path is relative to the scenario file's folder.
    pub weights: Option<PathBuf>,
}

/// One entry of `[[networks]]`: a named preset, or an explicit network.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSpec {
    /// A preset name (`lan`, `wan-100mbps-80ms`, `wan-200mbps-40ms`); excludes the other fields
    /// except `name`.
    pub preset: Option<String>,
    /// Name used in reports (required without a preset).
    pub name: Option<String>,
    /// Bandwidth in 10^6 bit/s, each direction (> 0).
    pub bandwidth_mbps: Option<f64>,
    /// Latency in milliseconds, charged **once per communication round, one-way** (>= 0).
    pub one_way_latency_ms: Option<f64>,
}

/// The `[device]` table: the named constants of the local compute model (see
/// [`mod@crate::net::price`]), one set for every row of the report.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceSpec {
    /// Profile name used in reports.
    pub name: String,
    /// Fixed overhead per communication call, picoseconds.
    #[serde(default)]
    pub ps_per_round: u64,
    /// Local work per opened ring element, picoseconds.
    #[serde(default)]
    pub ps_per_opened_element: u64,
    /// One ring multiply-accumulate, picoseconds.
    #[serde(default)]
    pub ps_per_mac: u64,
    /// Paper rows (`method@network`) the constants were fitted on (at most two); reported as
    /// `calibration` rows, every other row with a paper value as `out_of_fit`.
    #[serde(default)]
    pub calibrated_on: Vec<String>,
    /// Where the constants come from (free text, printed in reports).
    #[serde(default)]
    pub source: String,
}

/// The `[dealer]` table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DealerSpec {
    /// How offline traffic is priced (reported separately, never added to online figures):
    /// `free` (CrypTen TFP), `seeded_correction` (CrypTen TTP), `full_shares`.
    #[serde(default)]
    pub policy: DealerPolicy,
}

/// The `[output]` table: where results and plots go (relative to the working directory).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputSpec {
    /// Root of the CSV outputs; files go to `<results_dir>/<name>/`.
    #[serde(default = "default_results_dir")]
    pub results_dir: PathBuf,
    /// Root of the plots; files go to `<plots_dir>/<name>/`.
    #[serde(default = "default_plots_dir")]
    pub plots_dir: PathBuf,
    /// Whether to draw plots at all.
    #[serde(default = "default_true")]
    pub plots: bool,
}

fn default_results_dir() -> PathBuf {
    PathBuf::from("results")
}
fn default_plots_dir() -> PathBuf {
    PathBuf::from("plots")
}
fn default_true() -> bool {
    true
}

impl Default for OutputSpec {
    fn default() -> Self {
        OutputSpec {
            results_dir: default_results_dir(),
            plots_dir: default_plots_dir(),
            plots: true,
        }
    }
}

/// The `[sweep]` table: a bandwidth x latency grid over which each method's single ledger is
/// re-priced (no re-run).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    /// Bandwidths in 10^6 bit/s (each > 0).
    pub bandwidth_mbps: Vec<f64>,
    /// One-way latencies per round in milliseconds (each >= 0).
    pub one_way_latency_ms: Vec<f64>,
    /// The method whose time is the numerator of the speed-up (e.g. `sft`).
    pub reference: String,
    /// The method whose speed-up is plotted (e.g. `secp_tuning`).
    pub target: String,
}

/// The `[seq_sweep]` table: re-run the listed methods (cost mode) at each sequence length.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeqSweepSpec {
    /// Sequence lengths in tokens (each > 0).
    pub seq: Vec<usize>,
    /// Methods to compare (e.g. `fot` for softmax attention, `secp_tuning` for RFA).
    pub methods: Vec<String>,
}

/// A scenario file as written.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Output name: `results/<name>/`, `plots/<name>/`. Letters, digits, `-`, `_` only.
    pub name: String,
    /// Free text shown in reports.
    #[serde(default)]
    pub description: String,
    /// The run seed.
    pub seed: u64,
    /// Cost (default) or exec.
    #[serde(default)]
    pub mode: Mode,
    /// Show the paper's reported figures as a reference column (only meaningful for the paper's
    /// setting: RoBERTa-large, 512 tokens, batch 1, 50 prompt tokens). Default false.
    #[serde(default)]
    pub compare_with_paper: bool,
    /// Methods in report order (`sft`, `prompt_tuning`, `fot`, `secp_tuning`,
    /// `secp_tuning_crypten_cos`).
    pub methods: Vec<String>,
    /// The model.
    pub model: ModelSpec,
    /// Method options, passed to the model layer, which rejects unknown fields.
    #[serde(default)]
    pub options: toml::Table,
    /// Networks under which every method is priced.
    pub networks: Vec<NetworkSpec>,
    /// The device compute profile.
    pub device: DeviceSpec,
    /// Offline (dealer) pricing.
    #[serde(default)]
    pub dealer: DealerSpec,
    /// Output folders.
    #[serde(default)]
    pub output: OutputSpec,
    /// Optional bandwidth x latency sweep.
    pub sweep: Option<SweepSpec>,
    /// Optional sequence-length sweep.
    pub seq_sweep: Option<SeqSweepSpec>,
}

/// A loaded, validated scenario with its provenance.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedScenario {
    /// The scenario as written.
    pub scenario: Scenario,
    /// The file it was read from (or `<inline>`).
    pub file: String,
    /// FNV-1a 64 of the file's bytes, as 16 hex digits (the `scenario_hash` column).
    pub hash: String,
    /// The resolved networks, in file order.
    pub networks: Vec<Network>,
    /// The device profile.
    pub compute: ComputeProfile,
}

impl LoadedScenario {
    /// The run seed.
    pub fn seed(&self) -> RunSeed {
        RunSeed(self.scenario.seed)
    }

    /// Folder of the CSV outputs.
    pub fn results_folder(&self) -> PathBuf {
        self.scenario.output.results_dir.join(&self.scenario.name)
    }

    /// Folder of the plots.
    pub fn plots_folder(&self) -> PathBuf {
        self.scenario.output.plots_dir.join(&self.scenario.name)
    }

    /// Re-checks the scenario after a change made in code (e.g. sweep axes from the command
    /// line), with the same rules as loading.
    pub fn revalidate(&self) -> Result<(), ScenarioError> {
        validate(&self.scenario).map_err(|(f, m)| self.error(f, m))
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

/// FNV-1a 64 of `bytes`, as 16 lowercase hex digits.
pub fn content_hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Reads and validates a scenario file.
pub fn load(path: &Path) -> Result<LoadedScenario, ScenarioError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
        file: file.clone(),
        field: String::new(),
        message: format!("cannot read the file: {e}"),
    })?;
    let mut loaded = parse(&text, &file)?;
    if let Some(w) = &mut loaded.scenario.model.weights
        && w.is_relative()
    {
        *w = path.parent().unwrap_or(Path::new("")).join(&*w);
    }
    Ok(loaded)
}

/// Parses and validates scenario text; `file` names it in errors.
pub fn parse(text: &str, file: &str) -> Result<LoadedScenario, ScenarioError> {
    let scenario: Scenario = toml::from_str(text).map_err(|e| {
        kind_hint(
            toml_error(e, file, text),
            &["seeds", "tuning", "whole_run"],
            "this looks like a tuning scenario: run it with `secp-tuning tune`",
        )
    })?;
    let err = |field: String, message: String| ScenarioError {
        file: file.to_string(),
        field,
        message,
    };
    validate(&scenario).map_err(|(f, m)| err(f, m))?;
    let networks = scenario
        .networks
        .iter()
        .enumerate()
        .map(|(i, n)| resolve_network(n).map_err(|(f, m)| err(format!("networks[{i}].{f}"), m)))
        .collect::<Result<Vec<_>, _>>()?;
    let mut names: Vec<&str> = networks.iter().map(|n| n.name.as_str()).collect();
    names.sort();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(err(
            "networks".into(),
            format!("network name `{}` appears twice", w[0]),
        ));
    }
    let d = &scenario.device;
    let compute = ComputeProfile {
        name: d.name.clone(),
        ps_per_round: d.ps_per_round,
        ps_per_opened_element: d.ps_per_opened_element,
        ps_per_mac: d.ps_per_mac,
    };
    for (i, row) in d.calibrated_on.iter().enumerate() {
        let field = format!("device.calibrated_on[{i}]");
        let Some((m, n)) = row.split_once('@') else {
            return Err(err(
                field,
                format!("`{row}` is not of the form method@network"),
            ));
        };
        if !scenario.methods.iter().any(|x| x == m) {
            return Err(err(field, format!("method `{m}` is not in `methods`")));
        }
        if !networks.iter().any(|x| x.name == n) {
            return Err(err(field, format!("network `{n}` is not in `networks`")));
        }
    }
    Ok(LoadedScenario {
        hash: content_hash(text.as_bytes()),
        file: file.to_string(),
        scenario,
        networks,
        compute,
    })
}

pub(crate) fn toml_error(e: toml::de::Error, file: &str, text: &str) -> ScenarioError {
    // The toml error message says what is wrong ("unknown field `x`, expected ...", "invalid
    // type: ..."); its span locates it. The field is the key at the start of that line.
    let (field, location) = match e.span() {
        Some(span) => {
            let start = span.start.min(text.len());
            let line_no = text[..start].matches('\n').count() + 1;
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let line = text[line_start..].lines().next().unwrap_or("");
            let key = line
                .split('=')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches(|c| c == '[' || c == ']')
                .trim()
                .to_string();
            // A key inside a table is named with the table's path (`model.seqq`,
            // `networks[1].bandwidth_mbps`); a table header names itself.
            let key = if table_header(line).is_some() {
                key
            } else {
                format!("{}{key}", table_prefix(&text[..line_start]))
            };
            (key, format!(" (line {line_no})"))
        }
        None => (String::new(), String::new()),
    };
    ScenarioError {
        file: file.to_string(),
        field,
        message: format!("{}{location}", e.message().trim()),
    }
}

/// The table a header line opens (`[model]` -> `model`, `[[networks]]` -> `networks` as an array
/// entry), if the line is a header.
fn table_header(line: &str) -> Option<(String, bool)> {
    let t = line.split('#').next().unwrap_or("").trim();
    let (inner, array) = if let Some(r) = t.strip_prefix("[[") {
        (r.strip_suffix("]]")?, true)
    } else {
        (t.strip_prefix('[')?.strip_suffix(']')?, false)
    };
    let name = inner.trim();
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
    valid.then(|| (name.to_string(), array))
}

/// The path prefix (`model.`, `networks[1].`, or empty at the top level) of the table that the
/// last header in `before` opens.
fn table_prefix(before: &str) -> String {
    let mut prefix = String::new();
    let mut counts: Vec<(String, usize)> = Vec::new();
    for line in before.lines() {
        if let Some((name, array)) = table_header(line) {
            prefix = if array {
                let i = match counts.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, c)) => {
                        *c += 1;
                        *c - 1
                    }
                    None => {
                        counts.push((name.clone(), 1));
                        0
                    }
                };
                format!("{name}[{i}].")
            } else {
                format!("{name}.")
            };
        }
    }
    prefix
}

/// Adds a hint to an unknown top-level field that belongs to the other kind of scenario file
/// (`fields`), e.g. a tuning scenario given to `run`.
pub(crate) fn kind_hint(mut e: ScenarioError, fields: &[&str], hint: &str) -> ScenarioError {
    if e.message.starts_with("unknown field") && fields.contains(&e.field.as_str()) {
        e.message = format!("{} ({hint})", e.message);
    }
    e
}

pub(crate) type FieldError = (String, String);

/// The `name` field names output folders: non-empty, letters, digits, `-` and `_` only.
pub(crate) fn check_name(name: &str) -> Result<(), FieldError> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err((
            "name".into(),
            format!("`{name}` must be non-empty and use only letters, digits, `-` and `_`"),
        ));
    }
    Ok(())
}

fn validate(s: &Scenario) -> Result<(), FieldError> {
    let fe = |f: &str, m: String| Err((f.to_string(), m));
    check_name(&s.name)?;
    if s.methods.is_empty() {
        return fe("methods", "must list at least one method".into());
    }
    let mut m = s.methods.clone();
    m.sort();
    if let Some(w) = m.windows(2).find(|w| w[0] == w[1]) {
        return fe("methods", format!("method `{}` appears twice", w[0]));
    }
    if s.networks.is_empty() {
        return fe("networks", "must list at least one network".into());
    }
    if !s.device.calibrated_on.is_empty() && !s.compare_with_paper {
        return fe(
            "device.calibrated_on",
            "calibration rows are paper rows: set compare_with_paper = true".into(),
        );
    }
    if s.compare_with_paper && s.model.preset != "roberta-large" {
        return fe(
            "compare_with_paper",
            format!(
                "the paper's figures are for roberta-large, not `{}`",
                s.model.preset
            ),
        );
    }
    if s.device.calibrated_on.len() > 2 {
        return fe(
            "device.calibrated_on",
            format!(
                "at most two paper rows may be used for calibration (got {})",
                s.device.calibrated_on.len()
            ),
        );
    }
    if s.device.name.is_empty() {
        return fe("device.name", "must not be empty".into());
    }
    let positive_usize = |v: Option<usize>, f: &str| -> Result<(), FieldError> {
        match v {
            Some(0) => fe(f, "must be > 0".into()),
            _ => Ok(()),
        }
    };
    let md = &s.model;
    positive_usize(md.layers, "model.layers")?;
    positive_usize(md.hidden, "model.hidden")?;
    positive_usize(md.heads, "model.heads")?;
    positive_usize(md.ffn, "model.ffn")?;
    positive_usize(md.seq, "model.seq")?;
    positive_usize(md.batch, "model.batch")?;
    positive_usize(md.classes, "model.classes")?;
    positive_usize(md.vocab, "model.vocab")?;
    if let (Some(h), Some(a)) = (md.hidden, md.heads)
        && h % a != 0
    {
        return fe(
            "model.heads",
            format!("{a} heads do not divide hidden = {h}"),
        );
    }
    if let Some(sw) = &s.sweep {
        if sw.bandwidth_mbps.is_empty() {
            return fe("sweep.bandwidth_mbps", "must not be empty".into());
        }
        if sw.one_way_latency_ms.is_empty() {
            return fe("sweep.one_way_latency_ms", "must not be empty".into());
        }
        for (i, &b) in sw.bandwidth_mbps.iter().enumerate() {
            check_bandwidth(b).map_err(|m| (format!("sweep.bandwidth_mbps[{i}]"), m))?;
        }
        for (i, &l) in sw.one_way_latency_ms.iter().enumerate() {
            check_latency(l).map_err(|m| (format!("sweep.one_way_latency_ms[{i}]"), m))?;
        }
        for (f, v) in [
            ("sweep.reference", &sw.reference),
            ("sweep.target", &sw.target),
        ] {
            if !s.methods.contains(v) {
                return fe(f, format!("method `{v}` is not in `methods`"));
            }
        }
    }
    if let Some(sq) = &s.seq_sweep {
        if sq.seq.is_empty() {
            return fe("seq_sweep.seq", "must not be empty".into());
        }
        if let Some(i) = sq.seq.iter().position(|&x| x == 0) {
            return fe(&format!("seq_sweep.seq[{i}]"), "must be > 0".into());
        }
        if sq.methods.is_empty() {
            return fe("seq_sweep.methods", "must not be empty".into());
        }
    }
    Ok(())
}

fn check_bandwidth(b: f64) -> Result<(), String> {
    if b.is_finite() && b > 0.0 && BitsPerSec::from_mbps(b).0 > 0 {
        Ok(())
    } else {
        Err(format!(
            "bandwidth must be a positive number of Mbit/s (got {b})"
        ))
    }
}

fn check_latency(l: f64) -> Result<(), String> {
    if l.is_finite() && l >= 0.0 {
        Ok(())
    } else {
        Err(format!(
            "one-way latency must be a non-negative number of milliseconds (got {l})"
        ))
    }
}

/// A network of a sweep grid point, named `bw<Mbps>-lat<ms>`.
pub fn sweep_network(bandwidth_mbps: f64, one_way_latency_ms: f64) -> Network {
    Network {
        name: format!("bw{bandwidth_mbps}mbps-lat{one_way_latency_ms}ms"),
        bandwidth: BitsPerSec::from_mbps(bandwidth_mbps),
        latency: SimDuration::from_millis_f64(one_way_latency_ms),
    }
}

pub(crate) fn resolve_network(n: &NetworkSpec) -> Result<Network, FieldError> {
    match &n.preset {
        Some(p) => {
            if n.bandwidth_mbps.is_some() || n.one_way_latency_ms.is_some() {
                return Err((
                    "preset".into(),
                    "a preset network takes no bandwidth_mbps or one_way_latency_ms".into(),
                ));
            }
            let Some(preset) = NetworkPreset::find(p) else {
                return Err((
                    "preset".into(),
                    format!(
                        "unknown network preset `{p}` (known: {})",
                        NetworkPreset::names()
                    ),
                ));
            };
            let mut net = preset.network();
            if let Some(name) = &n.name {
                net.name = name.clone();
            }
            Ok(net)
        }
        None => {
            let name = n.name.clone().ok_or_else(|| {
                (
                    "name".to_string(),
                    "required unless `preset` is given".to_string(),
                )
            })?;
            if name.is_empty() || name.contains(',') || name.contains('"') {
                return Err(("name".into(), format!("`{name}` is not a usable name")));
            }
            let b = n.bandwidth_mbps.ok_or_else(|| {
                (
                    "bandwidth_mbps".to_string(),
                    "required unless `preset` is given".to_string(),
                )
            })?;
            check_bandwidth(b).map_err(|m| ("bandwidth_mbps".to_string(), m))?;
            let l = n.one_way_latency_ms.ok_or_else(|| {
                (
                    "one_way_latency_ms".to_string(),
                    "required unless `preset` is given".to_string(),
                )
            })?;
            check_latency(l).map_err(|m| ("one_way_latency_ms".to_string(), m))?;
            Ok(Network {
                name,
                bandwidth: BitsPerSec::from_mbps(b),
                latency: SimDuration::from_millis_f64(l),
            })
        }
    }
}
