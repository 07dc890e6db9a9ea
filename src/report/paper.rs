//! The paper's reported figures: a **reference column only**, never a fitting target per row.
//!
//! Provenance: Luo et al., "SecP-Tuning: Efficient Privacy-Preserving Prompt Tuning for Large
//! Language Models via MPC", ICLR 2026 (arXiv 2506.15307), per-iteration efficiency table on
//! RoBERTa-large at 512 tokens, LAN "3 Gbps, 0.8 ms", as transcribed in public notes of the
//! camera-ready paper (see ../shared/reference/secp-tuning-paper.md of the project). The
//! communication column is CrypTen's per-party counter (sent + received); "GB" is read as 10^9
//! bytes. The paper gives no WAN per-iteration figures.

/// One reported per-iteration figure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PaperRow {
    /// Method name as in the simulator.
    pub method: &'static str,
    /// Network name as in the simulator's presets.
    pub network: &'static str,
    /// Reported time per iteration, seconds.
    pub seconds: f64,
    /// Reported communication per iteration, GB (10^9 bytes, CrypTen counter, one party).
    pub crypten_gb: f64,
}

impl PaperRow {
    /// The communication figure in bytes.
    pub fn crypten_bytes(&self) -> u64 {
        (self.crypten_gb * 1e9).round() as u64
    }
}

/// Where the figures come from (printed in reports).
pub const SOURCE: &str = "SecP-Tuning (ICLR 2026) per-iteration table, RoBERTa-large, 512 tokens, LAN; \
     from public notes of the camera-ready paper";

/// The reported per-iteration figures.
pub const ROWS: &[PaperRow] = &[
    PaperRow {
        method: "sft",
        network: "lan",
        seconds: 651.60,
        crypten_gb: 970.72,
    },
    PaperRow {
        method: "prompt_tuning",
        network: "lan",
        seconds: 882.08,
        crypten_gb: 1116.21,
    },
    PaperRow {
        method: "fot",
        network: "lan",
        seconds: 174.14,
        crypten_gb: 205.36,
    },
    PaperRow {
        method: "secp_tuning",
        network: "lan",
        seconds: 55.17,
        crypten_gb: 56.55,
    },
];

/// The reported figure for `method` on `network`, if any.
pub fn row(method: &str, network: &str) -> Option<&'static PaperRow> {
    ROWS.iter()
        .find(|r| r.method == method && r.network == network)
}

/// What a ratio compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// Time per iteration (speed-up).
    Time,
    /// CrypTen-counter bytes of party 0 (communication reduction).
    CryptenBytes,
}

impl Metric {
    /// Name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Time => "time",
            Metric::CryptenBytes => "crypten_bytes_p0",
        }
    }
}

/// A headline ratio of the paper: `numerator / denominator` of `metric`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PaperRatio {
    /// How the paper states it (`12x`).
    pub label: &'static str,
    /// The compared metric.
    pub metric: Metric,
    /// The slower / heavier method.
    pub numerator: &'static str,
    /// The faster / lighter method.
    pub denominator: &'static str,
    /// The ratio of the reported figures (e.g. 651.60 / 55.17 = 11.81).
    pub value: f64,
}

/// The paper's headline ratios (SecP-Tuning against SFT and gradient prompt tuning).
pub const RATIOS: &[PaperRatio] = &[
    PaperRatio {
        label: "12x",
        metric: Metric::Time,
        numerator: "sft",
        denominator: "secp_tuning",
        value: 651.60 / 55.17,
    },
    PaperRatio {
        label: "16x",
        metric: Metric::Time,
        numerator: "prompt_tuning",
        denominator: "secp_tuning",
        value: 882.08 / 55.17,
    },
    PaperRatio {
        label: "17x",
        metric: Metric::CryptenBytes,
        numerator: "sft",
        denominator: "secp_tuning",
        value: 970.72 / 56.55,
    },
    PaperRatio {
        label: "20x",
        metric: Metric::CryptenBytes,
        numerator: "prompt_tuning",
        denominator: "secp_tuning",
        value: 1116.21 / 56.55,
    },
];

/// One reported whole-run figure (a whole tuning run on SST-2, not one iteration).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PaperWholeRun {
    /// Method name as in the simulator.
    pub method: &'static str,
    /// Reported wall time of the run, hours.
    pub hours: f64,
    /// Reported communication of the run, TB (10^12 bytes, CrypTen counter, one party).
    pub crypten_tb: f64,
}

/// Where the whole-run figures come from (printed in reports).
pub const WHOLE_RUN_SOURCE: &str = "SecP-Tuning (ICLR 2026) whole-run table, SST-2, RoBERTa-large; \
     from public notes of the camera-ready paper; iteration counts not stated";

/// The reported whole-run figures (SST-2). Their ratios match the per-iteration table with no
/// single iteration count, so they are a reference column only.
pub const WHOLE_RUN: &[PaperWholeRun] = &[
    PaperWholeRun {
        method: "sft",
        hours: 65.86,
        crypten_tb: 67.36,
    },
    PaperWholeRun {
        method: "prompt_tuning",
        hours: 86.15,
        crypten_tb: 149.37,
    },
    PaperWholeRun {
        method: "secp_tuning",
        hours: 8.81,
        crypten_tb: 14.22,
    },
];

/// The reported whole-run figure for `method`, if any.
pub fn whole_run(method: &str) -> Option<&'static PaperWholeRun> {
    WHOLE_RUN.iter().find(|r| r.method == method)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_ratios_round_to_the_papers_labels() {
        for r in RATIOS {
            let stated: f64 = r.label.trim_end_matches('x').parse().unwrap();
            assert!((r.value - stated).abs() < 0.5, "{} vs {}", r.value, r.label);
        }
        assert_eq!(
            row("secp_tuning", "lan").unwrap().crypten_bytes(),
            56_550_000_000
        );
    }
}
