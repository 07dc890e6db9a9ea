//! Reports: one protocol run per method, priced under every network of the scenario (no
//! re-run), aggregated by phase and by operation, written as CSV with explicit column names and
//! units, printed as a comparison table.
//!
//! Column conventions (every CSV): `rounds` are sequential communication rounds (CrypTen's
//! count), `depth` the dependency depth; `bytes_sent_pX` are bytes party X sent;
//! `crypten_bytes_pX` is CrypTen's per-party counter (sent + received); `offline_bytes_pX` is
//! the dealer's traffic to party X under the scenario's dealer policy, never added to the online
//! columns; `*_seconds` are simulated seconds (compute + rounds x one-way latency + busier
//! direction's bytes / bandwidth); `paper_*` are the paper's reported values (empty when none)
//! and `rel_diff_*` = simulated / paper - 1. Every row carries `seed`, `scenario_hash` and
//! `version`.

pub mod calibrate;
pub mod check;
pub mod output;
pub mod paper;
pub mod tables;
pub mod tuning;

use crate::net::{DealerPolicy, Network, OfflineTotals, Timeline, Totals, price};
use crate::scenario::LoadedScenario;
use crate::scenario::workload::{MethodRun, Workload, WorkloadError};
use std::collections::{BTreeMap, HashMap};

/// Counts of one phase (or of the whole iteration when `phase` is `total`).
#[derive(Clone, Debug, PartialEq)]
pub struct PhaseCounts {
    /// Phase name, or `total`.
    pub phase: String,
    /// Whether the phase is part of the iteration's total (true for the `total` row itself).
    pub in_total: bool,
    /// Online totals.
    pub online: Totals,
    /// Offline totals under the scenario's dealer policy.
    pub offline: OfflineTotals,
}

/// Counts of one operation within one phase.
#[derive(Clone, Debug, PartialEq)]
pub struct OpCounts {
    /// Phase name.
    pub phase: String,
    /// Operation name (from the workload's scope-to-op map).
    pub op: String,
    /// Online totals.
    pub online: Totals,
    /// Offline totals under the scenario's dealer policy.
    pub offline: OfflineTotals,
}

/// One reveal of a protocol value (not a masked opening).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevealRow {
    /// Phase name.
    pub phase: String,
    /// Position of the round in the phase's ledger.
    pub round_index: u64,
    /// Scope path.
    pub scope: String,
    /// Who learns the value (`data_owner`, `both_servers`, `p0`, `p1`).
    pub recipient: String,
    /// Ring elements revealed.
    pub elements: u64,
    /// Bytes sent by each party.
    pub sent: [u64; 2],
}

/// Everything measured for one method.
#[derive(Clone, Debug, PartialEq)]
pub struct MethodResult {
    /// Method name.
    pub method: String,
    /// Phases in order, then the `total` row.
    pub phases: Vec<PhaseCounts>,
    /// Per-operation counts, by phase then operation name.
    pub ops: Vec<OpCounts>,
    /// Reveals in order.
    pub reveals: Vec<RevealRow>,
    /// Host wall-clock seconds the iteration took to compute (exec or cost backend). Printed,
    /// never written to a CSV (it would break byte-identical outputs) and never mixed into
    /// simulated time.
    pub host_wall_seconds: f64,
}

impl MethodResult {
    /// The `total` row.
    pub fn total(&self) -> &PhaseCounts {
        self.phases.last().expect("a method result has a total row")
    }
}

/// One point of the bandwidth x latency sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepPoint {
    /// Bandwidth, Mbit/s.
    pub bandwidth_mbps: f64,
    /// One-way latency per round, ms.
    pub one_way_latency_ms: f64,
    /// Method name.
    pub method: String,
    /// Priced time.
    pub timeline: Timeline,
}

/// One point of the sequence-length sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct SeqPoint {
    /// Sequence length, tokens.
    pub seq: usize,
    /// Method name.
    pub method: String,
    /// Iteration totals.
    pub online: Totals,
    /// Totals of the attention non-linearity alone: the operations named in
    /// [`ATTENTION_OPS`] (`softmax` for softmax attention, `rfa` for random feature attention).
    pub attention: Totals,
}

/// The operations that make up the attention non-linearity in the sequence-length comparison.
pub const ATTENTION_OPS: &[&str] = &["softmax", "rfa"];

/// The results of one scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Results {
    /// The scenario.
    pub loaded: LoadedScenario,
    /// The workload's description of the resolved model and options.
    pub description: String,
    /// One entry per method, in scenario order.
    pub methods: Vec<MethodResult>,
    /// The bandwidth x latency sweep, if the scenario has one.
    pub sweep: Vec<SweepPoint>,
    /// The sequence-length sweep, if the scenario has one.
    pub seq: Vec<SeqPoint>,
}

/// An error while computing a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportError(pub String);

impl std::fmt::Display for ReportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ReportError {}

fn werr(loaded: &LoadedScenario, e: WorkloadError) -> ReportError {
    ReportError(loaded.error(e.field, e.message).to_string())
}

/// Aggregates one method's run into phase, operation and reveal tables.
pub fn aggregate(run: &MethodRun, policy: DealerPolicy, workload: &dyn Workload) -> MethodResult {
    let mut phases = Vec::new();
    let mut total = PhaseCounts {
        phase: "total".into(),
        in_total: true,
        online: Totals::default(),
        offline: OfflineTotals::default(),
    };
    let mut ops = Vec::new();
    let mut reveals = Vec::new();
    for p in &run.phases {
        let online = p.ledger.totals();
        let offline = p.dealer.totals(policy);
        if p.in_total {
            total.online.merge(&online);
            total.offline.merge(&offline);
        }
        phases.push(PhaseCounts {
            phase: p.phase.clone(),
            in_total: p.in_total,
            online,
            offline,
        });
        // Scope -> op, computed once per distinct scope (the map is only looked up, never
        // iterated, so its order cannot reach the output).
        let mut op_of: HashMap<&str, String> = HashMap::new();
        let scopes = p
            .ledger
            .rounds()
            .iter()
            .map(|e| &*e.scope)
            .chain(p.ledger.local_work().iter().map(|w| &*w.scope))
            .chain(p.dealer.requests().iter().map(|r| &*r.scope));
        let mut names = std::collections::BTreeSet::new();
        for s in scopes {
            let op = op_of
                .entry(s)
                .or_insert_with(|| workload.op_of_scope(s))
                .clone();
            names.insert(op);
        }
        for op in names {
            let keep = |s: &str| op_of.get(s) == Some(&op);
            ops.push(OpCounts {
                phase: p.phase.clone(),
                online: p.ledger.totals_where(keep),
                offline: p.dealer.totals_where(policy, keep),
                op,
            });
        }
        for e in p.ledger.reveals().filter(|_| p.in_total) {
            reveals.push(RevealRow {
                phase: p.phase.clone(),
                round_index: e.index,
                scope: e.scope.to_string(),
                recipient: e.kind.recipient().name().to_string(),
                elements: e.elements,
                sent: [e.sent[0].0, e.sent[1].0],
            });
        }
    }
    phases.push(total);
    MethodResult {
        method: run.method.clone(),
        phases,
        ops,
        reveals,
        host_wall_seconds: 0.0,
    }
}

/// Computes every method of the scenario once (cost mode), then the sweeps. `progress` is called
/// with a short label before each unit of work.
pub fn compute(
    loaded: &LoadedScenario,
    workload: &dyn Workload,
    progress: &mut dyn FnMut(&str),
) -> Result<Results, ReportError> {
    let s = &loaded.scenario;
    workload
        .check(&s.model, &s.methods, &s.options, s.mode)
        .map_err(|e| werr(loaded, e))?;
    if let Some(sq) = &s.seq_sweep {
        workload
            .check(&s.model, &sq.methods, &s.options, s.mode)
            .map_err(|e| {
                werr(
                    loaded,
                    WorkloadError {
                        field: format!("seq_sweep.{}", e.field),
                        message: e.message,
                    },
                )
            })?;
    }
    let mut methods = Vec::new();
    for m in &s.methods {
        progress(m);
        let start = std::time::Instant::now();
        let run = workload
            .iteration(&s.model, m, &s.options, loaded.seed(), s.mode)
            .map_err(|e| werr(loaded, e))?;
        let wall = start.elapsed().as_secs_f64();
        let mut result = aggregate(&run, s.dealer.policy, workload);
        result.host_wall_seconds = wall;
        methods.push(result);
    }
    let mut sweep = Vec::new();
    if let Some(sw) = &s.sweep {
        progress("sweep");
        sweep = sweep_points(loaded, &methods, &sw.bandwidth_mbps, &sw.one_way_latency_ms);
    }
    let mut seq = Vec::new();
    if let Some(sq) = &s.seq_sweep {
        for &n in &sq.seq {
            let mut model = s.model.clone();
            model.seq = Some(n);
            for m in &sq.methods {
                progress(&format!("seq {n} {m}"));
                let run = workload
                    .iteration(&model, m, &s.options, loaded.seed(), s.mode)
                    .map_err(|e| werr(loaded, e))?;
                let mut online = Totals::default();
                let mut attention = Totals::default();
                for p in run.phases.iter().filter(|p| p.in_total) {
                    online.merge(&p.ledger.totals());
                    attention.merge(&p.ledger.totals_where(|sc| {
                        ATTENTION_OPS.contains(&workload.op_of_scope(sc).as_str())
                    }));
                }
                seq.push(SeqPoint {
                    seq: n,
                    method: m.clone(),
                    online,
                    attention,
                });
            }
        }
    }
    Ok(Results {
        loaded: loaded.clone(),
        description: workload.describe(&s.model, &s.options),
        methods,
        sweep,
        seq,
    })
}

/// Prices every method's total over a bandwidth x latency grid (no re-run).
pub fn sweep_points(
    loaded: &LoadedScenario,
    methods: &[MethodResult],
    bandwidth_mbps: &[f64],
    one_way_latency_ms: &[f64],
) -> Vec<SweepPoint> {
    let mut out = Vec::new();
    for &b in bandwidth_mbps {
        for &l in one_way_latency_ms {
            let net = crate::scenario::sweep_network(b, l);
            for m in methods {
                out.push(SweepPoint {
                    bandwidth_mbps: b,
                    one_way_latency_ms: l,
                    method: m.method.clone(),
                    timeline: price(&m.total().online, &net, &loaded.compute),
                });
            }
        }
    }
    out
}

impl Results {
    /// The priced time of `method`'s total on `network`.
    pub fn timeline(&self, method: &MethodResult, network: &Network) -> Timeline {
        price(&method.total().online, network, &self.loaded.compute)
    }

    /// The result of `method`, if it was run.
    pub fn method(&self, method: &str) -> Option<&MethodResult> {
        self.methods.iter().find(|m| m.method == method)
    }

    /// The simulated value of a paper ratio on `network`, if both methods were run.
    pub fn ratio(&self, r: &paper::PaperRatio, network: &Network) -> Option<f64> {
        let num = self.method(r.numerator)?;
        let den = self.method(r.denominator)?;
        let v = |m: &MethodResult| match r.metric {
            paper::Metric::Time => self.timeline(m, network).total.0 as f64,
            paper::Metric::CryptenBytes => m.total().online.crypten_bytes[0].0 as f64,
        };
        let d = v(den);
        (d > 0.0).then(|| v(num) / d)
    }

    /// The paper's figure for `method` on `network`, when the scenario compares with the paper
    /// (`compare_with_paper = true`: the paper's model and sizes).
    pub fn paper_row(&self, method: &str, network: &str) -> Option<&'static paper::PaperRow> {
        if self.loaded.scenario.compare_with_paper {
            paper::row(method, network)
        } else {
            None
        }
    }

    /// The paper's communication figure for `method` (on any network), when the scenario compares
    /// with the paper.
    pub fn paper_comm(&self, method: &str) -> Option<&'static paper::PaperRow> {
        if self.loaded.scenario.compare_with_paper {
            paper::ROWS.iter().find(|p| p.method == method)
        } else {
            None
        }
    }

    /// `calibration`, `out_of_fit` or empty: the role of a row with a paper value.
    pub fn fit_role(&self, method: &str, network: &str) -> &'static str {
        if self.paper_row(method, network).is_none() {
            return "";
        }
        let key = format!("{method}@{network}");
        if self.loaded.scenario.device.calibrated_on.contains(&key) {
            "calibration"
        } else {
            "out_of_fit"
        }
    }

    /// Per-phase, per-network times (for plots): `(method, phase, network) -> timeline`.
    pub fn phase_timelines(&self) -> BTreeMap<(String, String, String), Timeline> {
        let mut out = BTreeMap::new();
        for m in &self.methods {
            for p in &m.phases {
                for n in &self.loaded.networks {
                    out.insert(
                        (m.method.clone(), p.phase.clone(), n.name.clone()),
                        price(&p.online, n, &self.loaded.compute),
                    );
                }
            }
        }
        out
    }
}

/// Writes every CSV of `results` to `results_dir` and (if `plots_dir` is given) every plot to it,
/// atomically: all files appear together or none does. The folders must have been checked with
/// [`output::prepare_dir`] first.
pub fn write_run(
    results: &Results,
    results_dir: &std::path::Path,
    plots_dir: Option<&std::path::Path>,
) -> Result<Vec<std::path::PathBuf>, output::OutputError> {
    let mut staging = output::Staging::new();
    for f in tables::all(results) {
        staging.write(&results_dir.join(&f.name), &f.bytes)?;
    }
    if let Some(dir) = plots_dir {
        crate::plot::save_all(results, dir, &mut staging)?;
    }
    staging.commit()
}
