//! The CSV files and the stdout comparison table of a run. Pure functions of [`Results`]:
//! the same results give byte-identical CSVs.

use super::paper::{self, PaperRatio};
use super::{MethodResult, Results};
use crate::net::{OfflineTotals, Timeline, Totals};

/// One CSV file: its file name and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvFile {
    /// File name inside `results/<scenario>/`.
    pub name: String,
    /// The CSV text.
    pub bytes: Vec<u8>,
}

struct Csv {
    w: csv::Writer<Vec<u8>>,
}

impl Csv {
    fn new(header: &[&str]) -> Csv {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(header).expect("in-memory write");
        Csv { w }
    }
    fn row(&mut self, fields: Vec<String>) {
        self.w.write_record(&fields).expect("in-memory write");
    }
    fn finish(self, name: &str) -> CsvFile {
        CsvFile {
            name: name.into(),
            bytes: self.w.into_inner().expect("in-memory flush"),
        }
    }
}

/// Seconds with nanosecond resolution (exact for integer-nanosecond simulated times).
pub fn secs(ns: u64) -> String {
    format!("{}.{:09}", ns / 1_000_000_000, ns % 1_000_000_000)
}

fn rel(sim: f64, paper: f64) -> String {
    format!("{:.4}", sim / paper - 1.0)
}

fn provenance(r: &Results) -> [String; 3] {
    [
        r.loaded.scenario.seed.to_string(),
        r.loaded.hash.clone(),
        env!("CARGO_PKG_VERSION").to_string(),
    ]
}

const COUNTS: &[&str] = &[
    "rounds",
    "depth",
    "opened_elements",
    "bytes_sent_p0",
    "bytes_sent_p1",
    "crypten_bytes_p0",
    "crypten_bytes_p1",
    "macs",
    "dealer_requests",
    "offline_bytes_p0",
    "offline_bytes_p1",
];

fn counts(t: &Totals, o: &OfflineTotals) -> Vec<String> {
    vec![
        t.rounds.0.to_string(),
        t.depth().to_string(),
        t.opened_elements.to_string(),
        t.sent[0].0.to_string(),
        t.sent[1].0.to_string(),
        t.crypten_bytes[0].0.to_string(),
        t.crypten_bytes[1].0.to_string(),
        t.macs.to_string(),
        o.requests.to_string(),
        o.received[0].0.to_string(),
        o.received[1].0.to_string(),
    ]
}

const TIMES: &[&str] = &[
    "sim_seconds",
    "latency_seconds",
    "transfer_seconds",
    "compute_seconds",
];

fn times(t: &Timeline) -> Vec<String> {
    vec![
        secs(t.total.0),
        secs(t.latency.0),
        secs(t.transfer.0),
        secs(t.compute.0),
    ]
}

fn header(
    front: &[&'static str],
    middle: &[&[&'static str]],
    back: &[&'static str],
) -> Vec<&'static str> {
    let mut h: Vec<&'static str> = front.to_vec();
    for m in middle {
        h.extend_from_slice(m);
    }
    h.extend_from_slice(back);
    h
}

const PROV: &[&str] = &["seed", "scenario_hash", "version"];

/// `summary.csv`: one row per method and network.
pub fn summary(r: &Results) -> CsvFile {
    let h = header(
        &["scenario", "method", "network"],
        &[COUNTS, TIMES],
        &[
            "paper_crypten_bytes",
            "paper_seconds",
            "rel_diff_crypten_bytes",
            "rel_diff_seconds",
            "fit_role",
            "dealer_policy",
            "device_profile",
            "seed",
            "scenario_hash",
            "version",
        ],
    );
    let mut c = Csv::new(&h);
    let policy = serde_json::to_value(r.loaded.scenario.dealer.policy)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    for m in &r.methods {
        let t = m.total();
        for n in &r.loaded.networks {
            let tl = r.timeline(m, n);
            let mut row = vec![
                r.loaded.scenario.name.clone(),
                m.method.clone(),
                n.name.clone(),
            ];
            row.extend(counts(&t.online, &t.offline));
            row.extend(times(&tl));
            match r.paper_row(&m.method, &n.name) {
                Some(p) => {
                    row.push(p.crypten_bytes().to_string());
                    row.push(format!("{:.2}", p.seconds));
                    row.push(rel(
                        t.online.crypten_bytes[0].0 as f64,
                        p.crypten_bytes() as f64,
                    ));
                    row.push(rel(tl.total.as_secs_f64(), p.seconds));
                }
                None => row.extend(["", "", "", ""].map(String::from)),
            }
            row.push(r.fit_role(&m.method, &n.name).into());
            row.push(policy.clone());
            row.push(r.loaded.compute.name.clone());
            row.extend(provenance(r));
            c.row(row);
        }
    }
    c.finish("summary.csv")
}

/// `phases.csv`: one row per method, phase (and `total`) and network.
pub fn phases(r: &Results) -> CsvFile {
    let h = header(
        &["scenario", "method", "phase", "network"],
        &[COUNTS, TIMES],
        PROV,
    );
    let mut c = Csv::new(&h);
    for m in &r.methods {
        for p in &m.phases {
            for n in &r.loaded.networks {
                let tl = crate::net::price(&p.online, n, &r.loaded.compute);
                let mut row = vec![
                    r.loaded.scenario.name.clone(),
                    m.method.clone(),
                    p.phase.clone(),
                    n.name.clone(),
                ];
                row.extend(counts(&p.online, &p.offline));
                row.extend(times(&tl));
                row.extend(provenance(r));
                c.row(row);
            }
        }
    }
    c.finish("phases.csv")
}

/// The header of `ops.csv` (also the format `check` compares).
pub fn ops_header() -> Vec<&'static str> {
    header(&["scenario", "method", "phase", "op"], &[COUNTS], PROV)
}

/// The columns of `ops.csv` that identify a row.
pub const OPS_KEY: &[&str] = &["method", "phase", "op"];

/// The count columns of `ops.csv` (what `check` compares).
pub fn ops_count_columns() -> &'static [&'static str] {
    COUNTS
}

/// `ops.csv`: network-independent counts by method, phase and operation, plus each phase's
/// `all` row. This is the baseline format of `check`.
pub fn ops(r: &Results) -> CsvFile {
    let mut c = Csv::new(&ops_header());
    for m in &r.methods {
        for p in &m.phases {
            for o in m.ops.iter().filter(|o| o.phase == p.phase) {
                let mut row = vec![
                    r.loaded.scenario.name.clone(),
                    m.method.clone(),
                    o.phase.clone(),
                    o.op.clone(),
                ];
                row.extend(counts(&o.online, &o.offline));
                row.extend(provenance(r));
                c.row(row);
            }
            let mut row = vec![
                r.loaded.scenario.name.clone(),
                m.method.clone(),
                p.phase.clone(),
                "all".into(),
            ];
            row.extend(counts(&p.online, &p.offline));
            row.extend(provenance(r));
            c.row(row);
        }
    }
    c.finish("ops.csv")
}

/// `reveals.csv`: every reveal of a protocol value, with its recipient, scope and size.
pub fn reveals(r: &Results) -> CsvFile {
    let h = header(
        &[
            "scenario",
            "method",
            "phase",
            "round_index",
            "scope",
            "recipient",
            "elements",
            "bytes_sent_p0",
            "bytes_sent_p1",
        ],
        &[],
        PROV,
    );
    let mut c = Csv::new(&h);
    for m in &r.methods {
        for v in &m.reveals {
            let mut row = vec![
                r.loaded.scenario.name.clone(),
                m.method.clone(),
                v.phase.clone(),
                v.round_index.to_string(),
                v.scope.clone(),
                v.recipient.clone(),
                v.elements.to_string(),
                v.sent[0].to_string(),
                v.sent[1].to_string(),
            ];
            row.extend(provenance(r));
            c.row(row);
        }
    }
    c.finish("reveals.csv")
}

/// `ratios.csv`: the paper's headline ratios, simulated on every network.
pub fn ratios(r: &Results) -> CsvFile {
    let h = header(
        &[
            "scenario",
            "network",
            "metric",
            "numerator_method",
            "denominator_method",
            "simulated_ratio",
            "paper_ratio",
            "paper_label",
            "rel_diff",
        ],
        &[],
        PROV,
    );
    let mut c = Csv::new(&h);
    for n in &r.loaded.networks {
        for p in paper::RATIOS {
            let Some(v) = r.ratio(p, n) else { continue };
            let paper_here =
                r.loaded.scenario.compare_with_paper && paper_ratio_applies(p, &n.name);
            let mut row = vec![
                r.loaded.scenario.name.clone(),
                n.name.clone(),
                p.metric.name().into(),
                p.numerator.into(),
                p.denominator.into(),
                format!("{v:.4}"),
                if paper_here {
                    format!("{:.4}", p.value)
                } else {
                    String::new()
                },
                if paper_here {
                    p.label.into()
                } else {
                    String::new()
                },
                if paper_here {
                    rel(v, p.value)
                } else {
                    String::new()
                },
            ];
            row.extend(provenance(r));
            c.row(row);
        }
    }
    c.finish("ratios.csv")
}

/// The paper's ratios were measured on its LAN; communication ratios hold on any network.
pub fn paper_ratio_applies(p: &PaperRatio, network: &str) -> bool {
    match p.metric {
        paper::Metric::Time => network == "lan",
        paper::Metric::CryptenBytes => true,
    }
}

/// `sweep.csv`: every method priced over the bandwidth x latency grid.
pub fn sweep(r: &Results) -> Option<CsvFile> {
    if r.sweep.is_empty() {
        return None;
    }
    let reference = r
        .loaded
        .scenario
        .sweep
        .as_ref()
        .map(|s| s.reference.clone())?;
    let h = header(
        &["scenario", "bandwidth_mbps", "one_way_latency_ms", "method"],
        &[TIMES],
        &[
            "speedup_vs_reference",
            "reference_method",
            "seed",
            "scenario_hash",
            "version",
        ],
    );
    let mut c = Csv::new(&h);
    for p in &r.sweep {
        let base = r
            .sweep
            .iter()
            .find(|q| {
                q.method == reference
                    && q.bandwidth_mbps == p.bandwidth_mbps
                    && q.one_way_latency_ms == p.one_way_latency_ms
            })
            .map(|q| q.timeline.total.0 as f64);
        let mut row = vec![
            r.loaded.scenario.name.clone(),
            p.bandwidth_mbps.to_string(),
            p.one_way_latency_ms.to_string(),
            p.method.clone(),
        ];
        row.extend(times(&p.timeline));
        row.push(match base {
            Some(b) if p.timeline.total.0 > 0 => format!("{:.4}", b / p.timeline.total.0 as f64),
            _ => String::new(),
        });
        row.push(reference.clone());
        row.extend(provenance(r));
        c.row(row);
    }
    Some(c.finish("sweep.csv"))
}

/// `seqlen.csv`: the sequence-length sweep, counts and time on every network, for the whole
/// iteration and for the attention non-linearity alone (softmax or RFA).
pub fn seqlen(r: &Results) -> Option<CsvFile> {
    if r.seq.is_empty() {
        return None;
    }
    let h = header(
        &["scenario", "seq", "method", "network"],
        &[
            &[
                "rounds",
                "depth",
                "opened_elements",
                "bytes_sent_p0",
                "crypten_bytes_p0",
                "macs",
            ],
            TIMES,
            &[
                "attention_rounds",
                "attention_crypten_bytes_p0",
                "attention_sim_seconds",
            ],
        ],
        PROV,
    );
    let mut c = Csv::new(&h);
    for p in &r.seq {
        for n in &r.loaded.networks {
            let tl = crate::net::price(&p.online, n, &r.loaded.compute);
            let mut row = vec![
                r.loaded.scenario.name.clone(),
                p.seq.to_string(),
                p.method.clone(),
                n.name.clone(),
                p.online.rounds.0.to_string(),
                p.online.depth().to_string(),
                p.online.opened_elements.to_string(),
                p.online.sent[0].0.to_string(),
                p.online.crypten_bytes[0].0.to_string(),
                p.online.macs.to_string(),
            ];
            row.extend(times(&tl));
            row.push(p.attention.rounds.0.to_string());
            row.push(p.attention.crypten_bytes[0].0.to_string());
            row.push(secs(
                crate::net::price(&p.attention, n, &r.loaded.compute)
                    .total
                    .0,
            ));
            row.extend(provenance(r));
            c.row(row);
        }
    }
    Some(c.finish("seqlen.csv"))
}

/// Every CSV of a run, in a fixed order.
pub fn all(r: &Results) -> Vec<CsvFile> {
    let mut v = vec![summary(r), phases(r), ops(r), reveals(r), ratios(r)];
    v.extend(sweep(r));
    v.extend(seqlen(r));
    v
}

/// Bytes in human units (decimal: kB = 10^3, MB = 10^6, GB = 10^9 bytes), for the stdout table.
pub fn human_bytes(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.2} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.2} MB", b / 1e6)
    } else if b >= 1e3 {
        format!("{:.2} kB", b / 1e3)
    } else {
        format!("{bytes} B")
    }
}

fn pct(sim: f64, paper: f64) -> String {
    format!("{:+.1}%", (sim / paper - 1.0) * 100.0)
}

/// The comparison table printed to stdout: one line per method and network, then the ratios.
pub fn comparison_table(r: &Results) -> String {
    let mut out = String::new();
    let s = &r.loaded.scenario;
    out.push_str(&format!(
        "scenario {} ({}), seed {}, hash {}\nmodel: {}\ndevice profile: {} (ps/round {}, ps/opened element {}, ps/MAC {}){}\n\n",
        s.name,
        r.loaded.file,
        s.seed,
        r.loaded.hash,
        r.description,
        r.loaded.compute.name,
        r.loaded.compute.ps_per_round,
        r.loaded.compute.ps_per_opened_element,
        r.loaded.compute.ps_per_mac,
        if s.device.calibrated_on.is_empty() {
            String::new()
        } else {
            format!(", calibrated on {}", s.device.calibrated_on.join(", "))
        }
    ));
    let head = [
        "method",
        "network",
        "rounds",
        "CrypTen p0",
        "paper",
        "diff",
        "sim s",
        "paper s",
        "diff",
        "fit",
    ];
    let mut rows: Vec<Vec<String>> = vec![head.iter().map(|s| s.to_string()).collect()];
    for m in &r.methods {
        for n in &r.loaded.networks {
            let t = &m.total().online;
            let tl = r.timeline(m, n);
            let p = r.paper_row(&m.method, &n.name);
            rows.push(vec![
                m.method.clone(),
                n.name.clone(),
                t.rounds.0.to_string(),
                human_bytes(t.crypten_bytes[0].0),
                p.map(|p| format!("{:.2} GB", p.crypten_gb))
                    .unwrap_or_default(),
                p.map(|p| pct(t.crypten_bytes[0].0 as f64, p.crypten_bytes() as f64))
                    .unwrap_or_default(),
                format!("{:.2}", tl.total.as_secs_f64()),
                p.map(|p| format!("{:.2}", p.seconds)).unwrap_or_default(),
                p.map(|p| pct(tl.total.as_secs_f64(), p.seconds))
                    .unwrap_or_default(),
                r.fit_role(&m.method, &n.name).to_string(),
            ]);
        }
    }
    out.push_str(&align(&rows));
    let mut ratio_rows: Vec<Vec<String>> = vec![
        ["ratio", "network", "simulated", "paper"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
    ];
    for n in &r.loaded.networks {
        for p in paper::RATIOS {
            if let Some(v) = r.ratio(p, n) {
                ratio_rows.push(vec![
                    format!("{} {} / {}", p.metric.name(), p.numerator, p.denominator),
                    n.name.clone(),
                    format!("{v:.1}x"),
                    if r.loaded.scenario.compare_with_paper && paper_ratio_applies(p, &n.name) {
                        format!("{:.1}x ({})", p.value, p.label)
                    } else {
                        String::new()
                    },
                ]);
            }
        }
    }
    if ratio_rows.len() > 1 {
        out.push('\n');
        out.push_str(&align(&ratio_rows));
    }
    out.push_str(&format!(
        "\nhost wall-clock to compute one iteration ({} backend; not simulated time): {}\n",
        s.mode.name(),
        r.methods
            .iter()
            .map(|m| format!("{} {:.3} s", m.method, m.host_wall_seconds))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    if s.compare_with_paper {
        out.push_str(&format!("paper values: {}\n", paper::SOURCE));
    }
    out
}

fn align(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .map(|r| r.get(c).map_or(0, |s| s.len()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, s)| {
                if i < 2 {
                    format!("{s:<w$}", w = widths[i])
                } else {
                    format!("{s:>w$}", w = widths[i])
                }
            })
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// Bytes of a method's total, for plots (CrypTen counter, party 0).
pub fn crypten_p0(m: &MethodResult) -> u64 {
    m.total().online.crypten_bytes[0].0
}
