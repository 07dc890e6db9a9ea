//! The operation catalog: every protocol operation by its measured-CSV name, runnable on either
//! backend at any shape, with its per-party cost rows (the `ops` command's output).
//!
//! Names follow the `op` column of CrypTen's measured figures (tests/data/crypten-ops-measured.csv)
//! plus the simulator's own operations (`cos_one_round`, `sin_one_round`, `dropout`, ...). The
//! catalog calls the same generic protocol code as every model; it adds nothing to costs.

mod catalog;
pub mod reference;

pub use catalog::{DROPOUT_P, Domain, LAYERNORM_EPS, Op, OpInputs};

use crate::engine::{Cost, Ctx, CtxConfig, RunSeed};
use crate::net::{DealerPolicy, Server};
use crate::ring::{FixedPoint, Shape};
use std::fmt;

/// Which CrypTen provider's offline traffic to report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provider {
    /// Trusted first party: correlations made locally, no offline traffic (CrypTen's default).
    Tfp,
    /// Trusted third party: party 0 receives the correction of each correlation.
    Ttp,
}

impl Provider {
    /// The dealer pricing policy this provider corresponds to.
    pub fn policy(self) -> DealerPolicy {
        match self {
            Provider::Tfp => DealerPolicy::Free,
            Provider::Ttp => DealerPolicy::SeededCorrection,
        }
    }
}

impl std::str::FromStr for Provider {
    type Err = OpsError;
    fn from_str(s: &str) -> Result<Self, OpsError> {
        match s {
            "tfp" => Ok(Provider::Tfp),
            "ttp" => Ok(Provider::Ttp),
            other => Err(OpsError(format!(
                "unknown provider {other:?}: expected tfp or ttp"
            ))),
        }
    }
}

/// A user-facing error of the catalog (unknown op, a shape the op cannot take).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpsError(pub String);

impl fmt::Display for OpsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OpsError {}

/// One party's cost of one operation (one row of the `ops` command's CSV).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpRow {
    /// Operation name.
    pub op: String,
    /// Input shape written with `x` between dimensions (`lhs@rhs` for matmul).
    pub shape: String,
    /// 0 or 1.
    pub party: u8,
    /// Sequential communication rounds (CrypTen's count).
    pub rounds: u64,
    /// Dependency depth.
    pub depth: u32,
    /// Ring elements opened (per sender).
    pub opened_elements: u64,
    /// Bytes this party sent.
    pub bytes_sent: u64,
    /// CrypTen's counter for this party: bytes sent + received (online only).
    pub crypten_bytes: u64,
    /// Dealer requests (correlations) the operation consumed: the same on both parties' rows
    /// and under either provider (both parties consume every correlation). Not CrypTen's
    /// per-party `ttp_requests` counter, which is this number for party 0 under TTP and 0 for
    /// party 1 (it derives its shares from a seed and never contacts the dealer); the per-party
    /// dealer traffic is [`OpRow::offline_bytes`].
    pub dealer_requests: u64,
    /// Bytes this party receives from the dealer under the provider (TTP: party 0 only).
    pub offline_bytes: u64,
}

impl OpRow {
    /// The CSV header, exactly.
    pub fn csv_header() -> &'static str {
        "op,shape,party,rounds,depth,opened_elements,bytes_sent,crypten_bytes,dealer_requests,offline_bytes"
    }

    /// The CSV record in header order (no field needs quoting).
    pub fn to_csv_record(&self) -> String {
        format!(
            "{},{},{},{},{},{},{},{},{},{}",
            self.op,
            self.shape,
            self.party,
            self.rounds,
            self.depth,
            self.opened_elements,
            self.bytes_sent,
            self.crypten_bytes,
            self.dealer_requests,
            self.offline_bytes
        )
    }
}

/// Names of the element-wise operations (what `ops --n N` lists), in catalog order.
pub fn elementwise_ops() -> Vec<&'static str> {
    Op::ALL
        .iter()
        .filter(|o| o.is_elementwise())
        .map(|o| o.name())
        .collect()
}

/// Cost of operation `name` on an input of `shape` (and `rhs` for matmul), in cost mode: one row
/// per party.
pub fn run_op(
    name: &str,
    shape: &Shape,
    rhs: Option<&Shape>,
    provider: Provider,
) -> Result<Vec<OpRow>, OpsError> {
    let op = Op::from_name(name)?;
    let inputs = OpInputs::new(op, shape, rhs)?;
    let mut ctx = Ctx::<Cost>::new(CtxConfig {
        seed: RunSeed(0),
        fixed: FixedPoint::default(),
    });
    let x = inputs.share_inputs(&mut ctx, 0);
    ctx.scoped(op.name(), |c| op.run(c, &x));
    let t = ctx.ledger().totals();
    let off = ctx.dealer_log().totals(provider.policy());
    let shape_str = inputs.shape_string();
    Ok(Server::BOTH
        .iter()
        .map(|&s| OpRow {
            op: op.name().to_string(),
            shape: shape_str.clone(),
            party: s.index() as u8,
            rounds: t.rounds.0,
            depth: t.depth(),
            opened_elements: t.opened_elements,
            bytes_sent: t.sent[s.index()].0,
            crypten_bytes: t.crypten_bytes[s.index()].0,
            dealer_requests: off.requests,
            offline_bytes: off.received[s.index()].0,
        })
        .collect())
}
