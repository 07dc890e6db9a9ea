//! Pricing a finished ledger on a network and a device: a pure function.
//!
//! Round model (full duplex, both servers send at once): one round costs
//! `latency + max(sent_p0, sent_p1) / bandwidth`, where **latency is one-way** (a CrypTen opening
//! between two parties is a simultaneous exchange: each message crosses the link once). Summed
//! over a ledger this is `rounds x latency + (sum over rounds of max sent) / bandwidth`, so a
//! ledger is priced from its [`Totals`] in O(1): one protocol run is priced for LAN, WAN and a
//! whole bandwidth x latency sweep without re-running it.
//!
//! Local compute is modelled from counts, never measured: `per_round` fixed overhead per
//! communication call, `per_opened_element` for the element-wise work around each opened element
//! (masking, recombination, truncation), `per_mac` for ring multiply-accumulates. The constants
//! are a named [`ComputeProfile`]; the same profile prices every row of a report.

use super::ledger::Totals;
use super::units::{BitsPerSec, SimDuration};
use serde::{Deserialize, Serialize};

/// A network between the two servers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Network {
    /// Name used in reports (`lan`, `wan-100mbps-80ms`, ...).
    pub name: String,
    /// Link bandwidth (each direction).
    pub bandwidth: BitsPerSec,
    /// One-way latency charged once per round.
    pub latency: SimDuration,
}

/// A device profile: the named constants of the local compute model, in picoseconds so that the
/// arithmetic stays in integers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComputeProfile {
    /// Name used in reports.
    pub name: String,
    /// Fixed software overhead per communication call, in picoseconds.
    pub ps_per_round: u64,
    /// Local element-wise work per opened ring element, in picoseconds.
    pub ps_per_opened_element: u64,
    /// One ring multiply-accumulate, in picoseconds.
    pub ps_per_mac: u64,
}

impl ComputeProfile {
    /// A profile that charges nothing for local work (communication only).
    pub fn zero() -> Self {
        ComputeProfile {
            name: "none".into(),
            ps_per_round: 0,
            ps_per_opened_element: 0,
            ps_per_mac: 0,
        }
    }
}

/// The priced time of a ledger, split by cause.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Timeline {
    /// Rounds x one-way latency.
    pub latency: SimDuration,
    /// Bytes on the busier direction / bandwidth.
    pub transfer: SimDuration,
    /// Modelled local compute.
    pub compute: SimDuration,
    /// `latency + transfer + compute`.
    pub total: SimDuration,
}

/// Price the totals of a ledger (see the module header for the model).
pub fn price(totals: &Totals, network: &Network, compute: &ComputeProfile) -> Timeline {
    let latency = SimDuration(totals.rounds.0 * network.latency.0);
    let transfer = network.bandwidth.transfer_time(totals.max_sent_sum);
    let ps = totals.rounds.0 as u128 * compute.ps_per_round as u128
        + totals.opened_elements as u128 * compute.ps_per_opened_element as u128
        + totals.macs as u128 * compute.ps_per_mac as u128;
    let compute = SimDuration(ps.div_ceil(1000) as u64);
    Timeline {
        latency,
        transfer,
        compute,
        total: SimDuration(latency.0 + transfer.0 + compute.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::ledger::{Ledger, RoundKind};
    use crate::net::units::Bytes;
    use std::sync::Arc;

    #[test]
    fn price_is_latency_plus_busier_direction_over_bandwidth() {
        let mut l = Ledger::new();
        let s: Arc<str> = Arc::from("");
        // Two rounds; in the second party 1 sends more.
        l.push_round(
            s.clone(),
            RoundKind::MaskedOpen,
            1,
            [Bytes(1000), Bytes(1000)],
            1,
        );
        l.push_round(s, RoundKind::MaskedOpen, 1, [Bytes(500), Bytes(2000)], 2);
        let net = Network {
            name: "t".into(),
            bandwidth: BitsPerSec(8_000), // 1000 bytes per second
            latency: SimDuration::from_millis_f64(1.0),
        };
        let t = price(&l.totals(), &net, &ComputeProfile::zero());
        assert_eq!(t.latency, SimDuration(2_000_000));
        assert_eq!(t.transfer, SimDuration(3_000_000_000));
        assert_eq!(t.total, SimDuration(3_002_000_000));
    }
}
