//! Reports of `secp-tuning tune`: the tuning runs of every seed (trajectories, accuracies,
//! queries-to-target, per-query ledgers), their mean and spread, and the whole-run cost the
//! measured query count implies in a large model's setting (per-query cost from the cost
//! backend x queries), beside the paper's whole-run table.
//!
//! Pure functions of [`TuneResults`]: the same results give byte-identical CSVs (floats in
//! Rust's shortest round-trip form). Host wall-clock never enters a CSV.

use super::paper;
use super::tables::{CsvFile, secs};
use super::{ReportError, aggregate};
use crate::net::{DealerPolicy, Network, Timeline, Totals};
use crate::scenario::Mode;
use crate::scenario::tune::LoadedTune;
use crate::scenario::workload::Workload;
use crate::tuning::TuningReport;
use crate::tuning::cost::WholeRunCost;
use crate::tuning::options::{AttentionChoice, ServerKind};
use std::fmt::Write as _;

/// Where a whole-run query count comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryBasis {
    /// The mean of the measured queries-to-target over the seeds that reached the target.
    MeasuredMean {
        /// Seeds that reached the target.
        reached: usize,
        /// Seeds run.
        seeds: usize,
    },
    /// A count listed in `whole_run.queries`.
    Listed,
}

impl QueryBasis {
    /// Name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            QueryBasis::MeasuredMean { .. } => "measured_mean_queries_to_target",
            QueryBasis::Listed => "listed",
        }
    }
}

/// One row of the whole-run table: a method, a query count and a network.
#[derive(Clone, Debug, PartialEq)]
pub struct WholeRunRow {
    /// The query count's origin.
    pub basis: QueryBasis,
    /// The scaled cost (method, queries, one query's totals).
    pub cost: WholeRunCost,
    /// The network's name.
    pub network: String,
    /// One query, priced.
    pub per_query: Timeline,
    /// The whole run's priced time (queries x one query).
    pub total: crate::net::SimDuration,
}

/// Everything `tune` measured.
#[derive(Clone, Debug, PartialEq)]
pub struct TuneResults {
    /// The scenario.
    pub loaded: LoadedTune,
    /// One report per seed, in seed order.
    pub runs: Vec<TuningReport>,
    /// The whole-run table.
    pub whole_run: Vec<WholeRunRow>,
}

/// One forward-only query's totals of each `whole_run.methods` entry (cost backend), in order.
/// Errors name the scenario field.
pub fn per_query_costs(
    loaded: &LoadedTune,
    workload: &dyn Workload,
) -> Result<Vec<(crate::model::Method, Totals)>, ReportError> {
    let w = &loaded.scenario.whole_run;
    let err =
        |field: String, message: String| ReportError(loaded.error(field, message).to_string());
    workload
        .check(&w.model, &w.methods, &w.options, Mode::Cost)
        .map_err(|e| err(format!("whole_run.{}", e.field), e.message))?;
    let seed = crate::engine::RunSeed(loaded.seeds[0]);
    w.methods
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let field = format!("whole_run.methods[{i}]");
            let m: crate::model::Method = name
                .parse()
                .map_err(|e| err(field.clone(), format!("{e}")))?;
            if m.is_gradient() {
                return Err(err(
                    field,
                    format!(
                        "`{name}` is a gradient method: a query is one forward pass of a \
                         forward-only method (fot, secp_tuning, secp_tuning_crypten_cos)"
                    ),
                ));
            }
            let run = workload
                .iteration(&w.model, name, &w.options, seed, Mode::Cost)
                .map_err(|e| err(format!("whole_run.{}", e.field), e.message))?;
            Ok((
                m,
                aggregate(&run, DealerPolicy::Free, workload)
                    .total()
                    .online
                    .clone(),
            ))
        })
        .collect()
}

/// The mean of the measured queries-to-target (rounded to a whole query) and how many seeds
/// reached the target; `None` when none did.
pub fn mean_queries_to_target(runs: &[TuningReport]) -> Option<(u64, usize)> {
    let q: Vec<f64> = runs
        .iter()
        .filter_map(|r| r.queries_to_target.map(|q| q as f64))
        .collect();
    if q.is_empty() {
        return None;
    }
    Some((
        (q.iter().sum::<f64>() / q.len() as f64).round() as u64,
        q.len(),
    ))
}

/// The whole-run table: each method x (the measured mean queries-to-target, then each listed
/// count) x each network.
pub fn whole_run_rows(
    per_query: &[(crate::model::Method, Totals)],
    runs: &[TuningReport],
    loaded: &LoadedTune,
) -> Vec<WholeRunRow> {
    let mut counts: Vec<(QueryBasis, u64)> = Vec::new();
    if let Some((q, reached)) = mean_queries_to_target(runs) {
        counts.push((
            QueryBasis::MeasuredMean {
                reached,
                seeds: runs.len(),
            },
            q,
        ));
    }
    for &q in &loaded.scenario.whole_run.queries {
        counts.push((QueryBasis::Listed, q));
    }
    let mut rows = Vec::new();
    for (m, totals) in per_query {
        for &(basis, queries) in &counts {
            let cost = WholeRunCost {
                method: *m,
                queries,
                per_query: totals.clone(),
            };
            for net in &loaded.networks {
                rows.push(priced_row(basis, cost.clone(), net, loaded));
            }
        }
    }
    rows
}

fn priced_row(basis: QueryBasis, cost: WholeRunCost, net: &Network, l: &LoadedTune) -> WholeRunRow {
    let (per_query, total) = cost.priced(net, &l.compute);
    WholeRunRow {
        basis,
        cost,
        network: net.name.clone(),
        per_query,
        total,
    }
}

fn server_name(r: &TuningReport) -> &'static str {
    match r.options.server {
        ServerKind::Mpc => "mpc",
        ServerKind::Plain => "plain",
    }
}

fn attention_name(r: &TuningReport) -> &'static str {
    match r.options.attention {
        AttentionChoice::Softmax => "softmax",
        AttentionChoice::Rfa => "rfa",
    }
}

fn csv(header: &[&str], rows: Vec<Vec<String>>, name: &str) -> CsvFile {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).expect("in-memory write");
    for r in rows {
        w.write_record(&r).expect("in-memory write");
    }
    CsvFile {
        name: name.into(),
        bytes: w.into_inner().expect("in-memory flush"),
    }
}

fn prov(r: &TuneResults) -> [String; 2] {
    [r.loaded.hash.clone(), env!("CARGO_PKG_VERSION").to_string()]
}

/// The chance accuracy of the task's balanced splits: one over the number of labels.
pub fn chance_accuracy(r: &TuningReport) -> f64 {
    1.0 / r.options.model_config(1).classes as f64
}

/// `trajectory.csv`: every seed's per-generation trajectory
/// ([`TuningReport::CSV_HEADER`]), seeds in order.
pub fn trajectory(r: &TuneResults) -> CsvFile {
    let mut s = String::from(TuningReport::CSV_HEADER);
    s.push('\n');
    for run in &r.runs {
        let t = run.trajectory_csv();
        s.push_str(t.split_once('\n').map_or("", |(_, rows)| rows));
    }
    CsvFile {
        name: "trajectory.csv".into(),
        bytes: s.into_bytes(),
    }
}

/// The header of `runs.csv`.
pub const RUNS_HEADER: &[&str] = &[
    "seed",
    "server",
    "attention",
    "chance_accuracy",
    "pretrain_min_task_accuracy",
    "untuned_train_loss",
    "untuned_dev_accuracy",
    "untuned_test_accuracy",
    "tuned_train_loss",
    "tuned_dev_accuracy",
    "tuned_test_accuracy",
    "final_best_train_loss",
    "training_queries",
    "eval_queries",
    "target_dev_accuracy",
    "queries_to_target",
    "train_query_rounds",
    "train_query_masked_open_rounds",
    "train_query_reveals",
    "train_query_crypten_bytes_p0",
    "scenario_hash",
    "version",
];

/// `runs.csv`: one row per seed (accuracies of the untuned prompt p0 and of the tuned prompt on
/// the three splits, queries, queries-to-target, and one training query's MPC ledger; the
/// ledger columns are empty for the plaintext server).
pub fn runs(r: &TuneResults) -> CsvFile {
    let opt = |v: Option<String>| v.unwrap_or_default();
    let rows = r
        .runs
        .iter()
        .map(|run| {
            let train_batch = 2 * run.options.task.shots_per_class;
            let q = run.query_ledgers.iter().find(|q| q.batch == train_batch);
            let pmin = run
                .pretrain
                .task_accuracy
                .iter()
                .copied()
                .fold(f64::INFINITY, f64::min);
            let mut row = vec![
                run.options.seed.to_string(),
                server_name(run).into(),
                attention_name(run).into(),
                chance_accuracy(run).to_string(),
                pmin.to_string(),
                run.untuned.train.loss.to_string(),
                run.untuned.dev.accuracy.to_string(),
                run.untuned.test.accuracy.to_string(),
                run.tuned.train.loss.to_string(),
                run.tuned.dev.accuracy.to_string(),
                run.tuned.test.accuracy.to_string(),
                opt(run.trajectory.last().map(|g| g.best_loss.to_string())),
                run.queries.to_string(),
                run.eval_queries.to_string(),
                opt(run.options.target_dev_accuracy.map(|t| t.to_string())),
                opt(run.queries_to_target.map(|q| q.to_string())),
                opt(q.map(|q| q.rounds.to_string())),
                opt(q.map(|q| q.masked_open_rounds.to_string())),
                opt(q.map(|q| reveals_text(&q.reveals))),
                opt(q.map(|q| q.crypten_bytes[0].to_string())),
            ];
            row.extend(prov(r));
            row
        })
        .collect();
    csv(RUNS_HEADER, rows, "runs.csv")
}

fn reveals_text(reveals: &[(crate::net::Recipient, u64)]) -> String {
    reveals
        .iter()
        .map(|(who, n)| format!("{}:{n}", who.name()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `queries.csv`: every MPC query of every seed (training queries, dev checks and the final
/// evaluations, in order) with its ledger: rounds, masked openings between the servers and
/// every reveal with its recipient and size. Empty (header only) for the plaintext server.
pub fn queries(r: &TuneResults) -> CsvFile {
    let header = [
        "seed",
        "query",
        "batch",
        "rounds",
        "masked_open_rounds",
        "masked_open_elements",
        "reveals",
        "crypten_bytes_p0",
        "crypten_bytes_p1",
        "dealer_requests",
        "scenario_hash",
        "version",
    ];
    let mut rows = Vec::new();
    for run in &r.runs {
        for (i, q) in run.query_ledgers.iter().enumerate() {
            let mut row = vec![
                run.options.seed.to_string(),
                i.to_string(),
                q.batch.to_string(),
                q.rounds.to_string(),
                q.masked_open_rounds.to_string(),
                q.masked_open_elements.to_string(),
                reveals_text(&q.reveals),
                q.crypten_bytes[0].to_string(),
                q.crypten_bytes[1].to_string(),
                q.dealer_requests.to_string(),
            ];
            row.extend(prov(r));
            rows.push(row);
        }
    }
    csv(&header, rows, "queries.csv")
}

/// Mean, sample standard deviation (n - 1; `None` for fewer than two values, where it is
/// undefined), min and max.
pub fn mean_sd(v: &[f64]) -> (f64, Option<f64>, f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let sd = (v.len() > 1)
        .then(|| (v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0)).sqrt());
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (mean, sd, min, max)
}

/// The metrics summarised over seeds: name and value per run (`None`: not measured).
fn metrics(r: &TuneResults) -> Vec<(&'static str, Vec<f64>)> {
    let col = |f: &dyn Fn(&TuningReport) -> Option<f64>| r.runs.iter().filter_map(f).collect();
    vec![
        (
            "untuned_test_accuracy",
            col(&|x| Some(x.untuned.test.accuracy)),
        ),
        ("tuned_test_accuracy", col(&|x| Some(x.tuned.test.accuracy))),
        ("tuned_dev_accuracy", col(&|x| Some(x.tuned.dev.accuracy))),
        (
            "test_accuracy_gain",
            col(&|x| Some(x.tuned.test.accuracy - x.untuned.test.accuracy)),
        ),
        ("untuned_train_loss", col(&|x| Some(x.untuned.train.loss))),
        ("tuned_train_loss", col(&|x| Some(x.tuned.train.loss))),
        (
            "queries_to_target",
            col(&|x| x.queries_to_target.map(|q| q as f64)),
        ),
    ]
}

/// `tuning-summary.csv`: mean, sample standard deviation (empty for one seed), min and max over
/// seeds of the accuracies, losses and queries-to-target (`seeds` = runs with a value: for
/// queries-to-target, the seeds that reached the target).
pub fn summary(r: &TuneResults) -> CsvFile {
    let rows = metrics(r)
        .into_iter()
        .map(|(name, v)| {
            let mut row = vec![name.to_string(), v.len().to_string()];
            if v.is_empty() {
                row.extend(["", "", "", ""].map(String::from));
            } else {
                let (m, s, lo, hi) = mean_sd(&v);
                row.extend([
                    m.to_string(),
                    s.map(|s| s.to_string()).unwrap_or_default(),
                    lo.to_string(),
                    hi.to_string(),
                ]);
            }
            row.extend(prov(r));
            row
        })
        .collect();
    csv(
        &[
            "metric",
            "seeds",
            "mean",
            "sd",
            "min",
            "max",
            "scenario_hash",
            "version",
        ],
        rows,
        "tuning-summary.csv",
    )
}

/// `whole-run.csv`: the whole-run table with one query's figures, the scaled totals and the
/// paper's whole-run figure for the method (empty when it reports none).
pub fn whole_run(r: &TuneResults) -> CsvFile {
    let header = [
        "method",
        "queries_basis",
        "queries",
        "seeds_reached_target",
        "network",
        "per_query_rounds",
        "per_query_crypten_bytes_p0",
        "per_query_sim_seconds",
        "rounds",
        "opened_elements",
        "bytes_sent_p0",
        "crypten_bytes_p0",
        "sim_seconds",
        "paper_hours",
        "paper_crypten_tb",
        "scenario_hash",
        "version",
    ];
    let rows = r
        .whole_run
        .iter()
        .map(|w| {
            let c = &w.cost;
            let p = paper::whole_run(c.method.name());
            let mut row = vec![
                c.method.name().to_string(),
                w.basis.name().to_string(),
                c.queries.to_string(),
                match w.basis {
                    QueryBasis::MeasuredMean { reached, seeds } => format!("{reached}/{seeds}"),
                    QueryBasis::Listed => String::new(),
                },
                w.network.clone(),
                c.per_query.rounds.0.to_string(),
                c.per_query.crypten_bytes[0].0.to_string(),
                secs(w.per_query.total.0),
                c.rounds().to_string(),
                (c.per_query.opened_elements as u128 * c.queries as u128).to_string(),
                c.sent_bytes(0).to_string(),
                c.crypten_bytes(0).to_string(),
                secs(w.total.0),
                p.map(|p| p.hours.to_string()).unwrap_or_default(),
                p.map(|p| p.crypten_tb.to_string()).unwrap_or_default(),
            ];
            row.extend(prov(r));
            row
        })
        .collect();
    csv(&header, rows, "whole-run.csv")
}

/// The model developer's pre-trained encoder of each seed, as a weight file
/// (`encoder-seed<k>.json`, JSON of [`crate::plain::PlainModel`]): a scenario's `[model] weights`
/// can load it, so `run` in exec mode computes with the weights the tuning runs used.
pub fn encoder_files(r: &TuneResults) -> Result<Vec<CsvFile>, ReportError> {
    r.runs
        .iter()
        .map(|run| {
            let bytes = serde_json::to_vec(&run.encoder)
                .map_err(|e| ReportError(format!("cannot encode the encoder weights: {e}")))?;
            Ok(CsvFile {
                name: format!("encoder-seed{}.json", run.options.seed),
                bytes,
            })
        })
        .collect()
}

/// Every file of a `tune` run, in write order: the CSVs, then the encoder weight files.
pub fn all(r: &TuneResults) -> Result<Vec<CsvFile>, ReportError> {
    let mut files = vec![runs(r), summary(r), trajectory(r), queries(r), whole_run(r)];
    files.extend(encoder_files(r)?);
    Ok(files)
}

/// The text printed after the runs: per-seed results, mean and spread, and the whole-run table
/// beside the paper's.
pub fn report_text(r: &TuneResults) -> String {
    let mut s = String::new();
    let target = r.runs[0]
        .options
        .target_dev_accuracy
        .map(|t| format!("{t}"))
        .unwrap_or_else(|| "-".into());
    let _ = writeln!(
        s,
        "\nseed  server  attention  chance  untuned test  tuned test  tuned dev  final train loss  queries to dev {target}"
    );
    for run in &r.runs {
        let _ = writeln!(
            s,
            "{:<5} {:<7} {:<10} {:>6.3} {:>13.3} {:>11.3} {:>10.3} {:>17.4} {:>19}",
            run.options.seed,
            server_name(run),
            attention_name(run),
            chance_accuracy(run),
            run.untuned.test.accuracy,
            run.tuned.test.accuracy,
            run.tuned.dev.accuracy,
            run.tuned.train.loss,
            run.queries_to_target
                .map(|q| q.to_string())
                .unwrap_or_else(|| "not reached".into())
        );
    }
    let _ = writeln!(
        s,
        "\nover {} seed(s): mean +- sd (min .. max)",
        r.runs.len()
    );
    for (name, v) in metrics(r) {
        if v.is_empty() {
            let _ = writeln!(s, "  {name:<22} no seed reached the target");
            continue;
        }
        let (m, sd, lo, hi) = mean_sd(&v);
        let sd = sd.map_or("n/a".to_string(), |sd| format!("{sd:.3}"));
        let _ = writeln!(
            s,
            "  {name:<22} {m:.3} +- {sd} ({lo:.3} .. {hi:.3}) over {} seed(s)",
            v.len()
        );
    }
    let w = &r.loaded.scenario.whole_run;
    let _ = writeln!(
        s,
        "\nwhole run in the setting of [whole_run] ({}, seq {}, batch {}, prompt tokens {}): one \
         query = one forward pass with the logits revealed to the data owner, costed in cost mode; \
         whole run = queries x one query; device profile {}",
        w.model.preset,
        opt_usize(w.model.seq),
        opt_usize(w.model.batch),
        opt_usize(w.model.prompt_tokens),
        r.loaded.compute.name
    );
    let _ = writeln!(
        s,
        "{:<14} {:>8}  {:<28} {:<18} {:>12} {:>12} {:>10} {:>10}  paper run",
        "method", "queries", "basis", "network", "rounds", "CrypTen p0", "sim h", "1 query s"
    );
    for row in &r.whole_run {
        let c = &row.cost;
        let basis = match row.basis {
            QueryBasis::MeasuredMean { reached, seeds } => {
                format!("measured mean ({reached}/{seeds} seeds)")
            }
            QueryBasis::Listed => "listed".into(),
        };
        let p = paper::whole_run(c.method.name())
            .map(|p| format!("{} h, {} TB", p.hours, p.crypten_tb))
            .unwrap_or_else(|| "-".into());
        let _ = writeln!(
            s,
            "{:<14} {:>8}  {:<28} {:<18} {:>12} {:>9.2} TB {:>10.2} {:>10.2}  {p}",
            c.method.name(),
            c.queries,
            basis,
            row.network,
            c.rounds(),
            c.crypten_bytes(0) as f64 / 1e12,
            row.total.as_secs_f64() / 3600.0,
            row.per_query.total.as_secs_f64(),
        );
    }
    for row in r.whole_run.iter().filter(|x| x.basis == QueryBasis::Listed) {
        if let Some(p) = paper::whole_run(row.cost.method.name()) {
            let per = row.cost.per_query.crypten_bytes[0].0 as f64;
            let per_s = row.per_query.total.as_secs_f64();
            let _ = writeln!(
                s,
                "the paper's {} run ({} TB, {} h) is {:.0} queries of this per-query communication \
                 and {:.0} queries of this per-query time on {}",
                row.cost.method.name(),
                p.crypten_tb,
                p.hours,
                p.crypten_tb * 1e12 / per,
                p.hours * 3600.0 / per_s,
                row.network
            );
            break;
        }
    }
    let _ = writeln!(s, "paper values: {}", paper::WHOLE_RUN_SOURCE);
    s
}

fn opt_usize(v: Option<usize>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "preset".into())
}
