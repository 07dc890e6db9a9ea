//! The command-line interface (clap). `main.rs` only calls [`main_entry`]; tests call
//! [`run_with`] with their own workload and output buffers.
//!
//! Exit codes: 0 success; 1 `check` found a changed count; 2 invalid input (scenario, flags) or
//! an I/O error, reported as one line `error: ...` on stderr with nothing written.

mod calibrate;
mod check;
mod cost;
mod run;
mod tune;

use crate::scenario::workload::{ModelWorkload, Workload};
use clap::{Args, Parser, Subcommand};
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

/// A command failure: a message for stderr and an exit code.
#[derive(Debug)]
pub struct CliError {
    /// Exit code (1: check found differences; 2: invalid input or I/O error).
    pub code: i32,
    /// Message printed after `error: `.
    pub message: String,
}

impl CliError {
    /// Invalid input or an I/O error (exit code 2).
    pub fn input(message: impl ToString) -> Self {
        CliError {
            code: 2,
            message: message.to_string(),
        }
    }
}

const ABOUT: &str = "Deterministic 2-party MPC protocol simulator reproducing CrypTen's costs for \
the SecP-Tuning paper (privacy-preserving prompt tuning of LLMs).";

const LONG_ABOUT: &str = "Deterministic 2-party MPC protocol simulator reproducing CrypTen's \
costs for the SecP-Tuning paper (privacy-preserving prompt tuning of LLMs).

Every method's iteration is run once in cost mode (shapes only) and its ledger of rounds and \
bytes is priced under each network: time = compute (device profile) + rounds x one-way latency \
+ bytes on the busier direction / bandwidth. Latency is charged ONCE PER ROUND, ONE-WAY.

Main job:   secp-tuning run scenarios/paper-lan.toml
Outputs:    results/<scenario>/*.csv, plots/<scenario>/*.png and *.svg";

/// The command line.
#[derive(Debug, Parser)]
#[command(name = "secp-tuning", version, about = ABOUT, long_about = LONG_ABOUT)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario: cost every method once, price it on every network, write CSVs and plots,
    /// print the comparison with the paper.
    #[command(long_about = "Run a scenario file (TOML).

For each method of the scenario, one training iteration is computed once in cost mode and priced \
under every network of the scenario without re-running. Writes results/<name>/summary.csv \
(one row per method and network), phases.csv, ops.csv, reveals.csv, ratios.csv (and sweep.csv, \
seqlen.csv when the scenario has sweeps), and plots/<name>/*.png + *.svg; prints the \
comparison table. All files are written atomically; on any error nothing is written.")]
    Run(RunArgs),
    /// Price every method of a scenario over a bandwidth x latency grid (no re-run).
    #[command(
        long_about = "Price every method of a scenario over a bandwidth x latency grid.

Each method is costed once; its ledger is priced at every grid point (one-way latency per \
round). Writes results/<name>/sweep.csv and plots/<name>/sweep.png/.svg (the speed-up of the \
target method over the reference method). Grid and methods come from the scenario's [sweep] \
table unless given here."
    )]
    Sweep(SweepArgs),
    /// Recompute a scenario's protocol counts and compare them with a committed baseline CSV;
    /// exit 1 with a diff when any count changed.
    #[command(
        long_about = "Recompute a scenario's per-method, per-phase, per-operation counts \
(the ops.csv format: rounds, depth, opened elements, bytes sent, CrypTen counters, MACs, dealer \
requests, offline bytes) and compare them with BASELINE.

Exit 0 when every count matches; exit 1 and print one line per difference otherwise. Seed, \
scenario hash and version columns are not compared. Use --update to (re)write the baseline \
after an intended change. CI: secp-tuning check results/baseline/paper-lan-ops.csv --scenario \
scenarios/paper-lan.toml"
    )]
    Check(CheckArgs),
    /// Fit named device-profile constants to a reference table by least squares; print the
    /// residuals of every row, including those left out of the fit.
    #[command(
        long_about = "Fit device-profile constants (ps_per_round, ps_per_opened_element, \
ps_per_mac) by non-negative least squares so that the simulated time of the chosen rows matches \
a reference table; print the fitted [device] table and the residual of every reference row \
(in the fit or left out). The reference is the paper's per-iteration table unless --reference \
is given (CSV with columns method,network,seconds). With the paper's table, at most two rows may \
be fitted: the others are out-of-fit checks."
    )]
    Calibrate(CalibrateArgs),
    /// One iteration's cost of one method, by phase and operation, as CSV (no scenario file).
    Cost(CostArgs),
    /// Cost of one protocol operation (or of every element-wise one) at a given size, as CSV.
    #[command(
        long_about = "Cost of one protocol operation (or, without --op, of every \
operation that takes one tensor of any shape) at a given size, in cost mode, as CSV with one \
row per party.

Columns: rounds (CrypTen's count of communication calls), depth (longest chain of dependent \
rounds), opened_elements (ring elements each party opens), bytes_sent (8 per opened element), \
crypten_bytes (CrypTen's per-party counter: sent + received, online only), dealer_requests \
(correlations the operation consumes: the same number on both parties' rows and under either \
provider; CrypTen's per-party ttp_requests counter equals it for party 0 under TTP and is 0 for \
party 1, which derives its shares from a seed and never contacts the dealer), offline_bytes \
(bytes this party receives from the dealer: 0 under tfp; under ttp 8 per element of each \
correlation's dependent component, to party 0 only)."
    )]
    Ops(OpsArgs),
    /// Forward-only prompt tuning for real: the data owner's CMA-ES loop driving exec-mode MPC
    /// forward passes; trajectory, accuracies, queries-to-target and the whole-run cost they
    /// imply.
    #[command(
        long_about = "Run forward-only prompt tuning for real (a tuning scenario, TOML; \
e.g. scenarios/tune-small.toml).

The data owner optimises a soft prompt p = A z + p0 with CMA-ES in plaintext; every query \
secret-shares [prompt ; embedded inputs] to two servers that run the forward pass of a small \
pre-trained encoder on real secret shares (exec mode; or the f64 reference with server = \
\"plain\") and reveal only the logits, to the data owner. The task is the project's synthetic \
few-shot task (src/tuning/task.rs, docs/tuning.md); the encoder is pre-trained in plaintext \
inside the project, nothing is downloaded.

One run per seed (`seeds` in the scenario, or --seeds). Prints the dev accuracy at each dev \
check, then per-seed and mean +- sd accuracies and queries-to-target, and the whole-run cost in \
the [whole_run] setting (default: roberta-large, 512 tokens, batch 1, 50 prompt tokens, LAN): \
one query's cost from cost mode x the measured mean queries-to-target (and x each listed count), \
beside the paper's whole-run table.

Writes results/<name>/runs.csv, tuning-summary.csv, trajectory.csv, queries.csv (every MPC \
query's ledger: masked openings and reveals), whole-run.csv, encoder-seed<k>.json (each seed's \
pre-trained encoder: a weight file a run scenario's [model] weights can load), and \
plots/<name>/tuning.png + .svg. All files are written atomically at the end; on any error nothing is written. Same \
scenario and seeds: byte-identical CSVs."
    )]
    Tune(TuneArgs),
    /// List the named network presets (bandwidth, one-way latency per round).
    Networks,
}

/// Arguments of `tune`.
#[derive(Debug, Args)]
pub struct TuneArgs {
    /// The tuning scenario file (TOML), e.g. scenarios/tune-small.toml.
    pub scenario: PathBuf,
    /// Seeds to run, comma separated (overrides the scenario's `seeds`).
    #[arg(long, value_delimiter = ',')]
    pub seeds: Vec<u64>,
    /// Root of the CSV outputs (overrides the scenario's output.results_dir).
    #[arg(long)]
    pub results_dir: Option<PathBuf>,
    /// Root of the plots (overrides the scenario's output.plots_dir).
    #[arg(long)]
    pub plots_dir: Option<PathBuf>,
    /// Do not draw the plot.
    #[arg(long)]
    pub no_plots: bool,
    /// Print nothing on success.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments of `run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario file (TOML), e.g. scenarios/paper-lan.toml.
    pub scenario: PathBuf,
    /// Root of the CSV outputs (overrides the scenario's output.results_dir).
    #[arg(long)]
    pub results_dir: Option<PathBuf>,
    /// Root of the plots (overrides the scenario's output.plots_dir).
    #[arg(long)]
    pub plots_dir: Option<PathBuf>,
    /// Do not draw plots.
    #[arg(long)]
    pub no_plots: bool,
    /// Do not print the comparison table.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments of `sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Bandwidths in Mbit/s, comma separated (default: the scenario's sweep.bandwidth_mbps).
    #[arg(long, value_delimiter = ',')]
    pub bandwidth_mbps: Vec<f64>,
    /// One-way latencies per round in ms, comma separated (default: the scenario's).
    #[arg(long, value_delimiter = ',')]
    pub latency_ms: Vec<f64>,
    /// The method in the numerator of the speed-up (default: the scenario's, else sft).
    #[arg(long)]
    pub reference: Option<String>,
    /// The method whose speed-up is plotted (default: the scenario's, else secp_tuning).
    #[arg(long)]
    pub target: Option<String>,
    /// Root of the CSV outputs.
    #[arg(long)]
    pub results_dir: Option<PathBuf>,
    /// Root of the plots.
    #[arg(long)]
    pub plots_dir: Option<PathBuf>,
    /// Do not draw plots.
    #[arg(long)]
    pub no_plots: bool,
}

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The committed baseline CSV (ops.csv format), e.g. results/baseline/paper-lan-ops.csv.
    pub baseline: PathBuf,
    /// The scenario whose counts are recomputed.
    #[arg(long)]
    pub scenario: PathBuf,
    /// Write the recomputed counts to BASELINE instead of comparing (after an intended change).
    #[arg(long)]
    pub update: bool,
}

/// Arguments of `calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// The scenario file (TOML): model, methods, networks, starting device profile.
    pub scenario: PathBuf,
    /// Constants to fit, comma separated (ps_per_round, ps_per_opened_element, ps_per_mac).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "ps_per_opened_element,ps_per_mac"
    )]
    pub fit: Vec<String>,
    /// Rows to fit on, as method@network, comma separated (default: the scenario's
    /// device.calibrated_on).
    #[arg(long, value_delimiter = ',')]
    pub rows: Vec<String>,
    /// Reference table (CSV: method,network,seconds); default: the paper's per-iteration table.
    #[arg(long)]
    pub reference: Option<PathBuf>,
}

/// Arguments of `cost`.
#[derive(Debug, Args)]
pub struct CostArgs {
    /// Method: sft, prompt_tuning, fot, secp_tuning, secp_tuning_crypten_cos.
    #[arg(long)]
    pub method: String,
    /// Model preset (roberta-large, roberta-base, bert-base, crypten-a, tiny, tiny-wide);
    /// the size flags override it. Without a preset, --layers --hidden --heads --ffn are
    /// required.
    #[arg(long)]
    pub preset: Option<String>,
    /// Encoder layers.
    #[arg(long)]
    pub layers: Option<usize>,
    /// Hidden width.
    #[arg(long)]
    pub hidden: Option<usize>,
    /// Attention heads (must divide hidden).
    #[arg(long)]
    pub heads: Option<usize>,
    /// Feed-forward width.
    #[arg(long)]
    pub ffn: Option<usize>,
    /// Sequence length in tokens (without the prompt).
    #[arg(long)]
    pub seq: usize,
    /// Batch size.
    #[arg(long)]
    pub batch: Option<usize>,
    /// Soft-prompt tokens of the prompt-based methods.
    #[arg(long)]
    pub prompt_tokens: Option<usize>,
    /// Optimizer of the gradient methods: adam or sgd.
    #[arg(long)]
    pub optimizer: Option<String>,
    /// Adam scope: fused or per-tensor.
    #[arg(long)]
    pub adam: Option<String>,
    /// Training-cost profile: crypten (CrypTen's autograd exactly) or lean.
    #[arg(long)]
    pub profile: Option<String>,
    /// Random features per head (RFA).
    #[arg(long)]
    pub features: Option<usize>,
    /// Dropout probability.
    #[arg(long)]
    pub dropout: Option<f64>,
    /// Dealer provider: tfp (default: correlations made locally, no dealer traffic) or ttp
    /// (CrypTen's trusted third party: party 0 receives a correction per correlation). Under ttp
    /// the crypten_bytes columns follow CrypTen's counter, which includes the dealer traffic a
    /// party receives (8 bytes per correction element; CrypTen's Python object overhead of
    /// about 300 bytes per request is not payload and is left out); every other column is online
    /// only, and the dealer's traffic is never in bytes_sent.
    #[arg(long, default_value = "tfp")]
    pub provider: String,
}

/// Arguments of `ops`.
#[derive(Debug, Args)]
pub struct OpsArgs {
    /// Operation name (as in the measured CSV's op column: mul_private, exp, softmax, matmul,
    /// ...). Without it, every element-wise operation at --n elements.
    #[arg(long)]
    pub op: Option<String>,
    /// Number of elements (a 1-D input) when --shape is not given.
    #[arg(long, default_value_t = 4096)]
    pub n: usize,
    /// Input shape, comma separated (e.g. 16,128,128).
    #[arg(long, value_delimiter = ',')]
    pub shape: Vec<usize>,
    /// Right-hand shape of matmul, comma separated (e.g. 1024,1024).
    #[arg(long, value_delimiter = ',')]
    pub rhs: Vec<usize>,
    /// Dealer provider for the offline columns: tfp (default) or ttp.
    #[arg(long, default_value = "tfp")]
    pub provider: String,
}

/// Runs the command line `args` (including the program name) with `workload`, writing to `out`
/// and `err`; returns the exit code.
pub fn run_with<I, T>(
    args: I,
    workload: &dyn Workload,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let text = e.render().to_string();
            if e.use_stderr() {
                let _ = write!(err, "{text}");
            } else {
                let _ = write!(out, "{text}");
            }
            return code;
        }
    };
    let result = match &cli.command {
        Command::Run(a) => run::run(a, workload, out, err),
        Command::Sweep(a) => run::sweep(a, workload, out, err),
        Command::Check(a) => check::check(a, workload, out),
        Command::Calibrate(a) => calibrate::calibrate(a, workload, out),
        Command::Cost(a) => cost::cost(a, out),
        Command::Ops(a) => cost::ops(a, out),
        Command::Tune(a) => tune::tune(a, workload, out),
        Command::Networks => run::networks(out),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(err, "error: {}", e.message);
            e.code
        }
    }
}

/// The binary's entry point: the real model workload, stdout and stderr; returns the exit code.
pub fn main_entry() -> i32 {
    let args: Vec<OsString> = std::env::args_os().collect();
    let workload = ModelWorkload;
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    run_with(args, &workload, &mut out, &mut err)
}
