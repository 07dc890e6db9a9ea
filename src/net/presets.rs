//! Named networks between the two computing servers.
//!
//! The paper (SecP-Tuning, efficiency setup) names a LAN of "3 Gbps, 0.8 ms" and two WANs,
//! "100 Mbps / 80 ms" and "200 Mbps / 40 ms". The paper does not say whether its latency is
//! one-way or a round trip; this simulator charges the stated latency **once per communication
//! round, one-way** (a CrypTen opening is a simultaneous exchange: each message crosses the link
//! once). See [`mod@crate::net::price`].

use super::price::Network;
use super::units::{BitsPerSec, SimDuration};

/// A named network preset: bandwidth in Mbit/s and one-way latency per round in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NetworkPreset {
    /// Name used in scenarios and reports.
    pub name: &'static str,
    /// Link bandwidth in 10^6 bit/s (each direction).
    pub bandwidth_mbps: f64,
    /// One-way latency charged once per round, in milliseconds.
    pub one_way_latency_ms: f64,
    /// Where the figures come from.
    pub source: &'static str,
}

/// Every named network, in report order.
pub const PRESETS: &[NetworkPreset] = &[
    NetworkPreset {
        name: "lan",
        bandwidth_mbps: 3000.0,
        one_way_latency_ms: 0.8,
        source: "SecP-Tuning efficiency setup: LAN 3 Gbps, 0.8 ms",
    },
    NetworkPreset {
        name: "wan-100mbps-80ms",
        bandwidth_mbps: 100.0,
        one_way_latency_ms: 80.0,
        source: "SecP-Tuning efficiency setup: WAN 100 Mbps / 80 ms",
    },
    NetworkPreset {
        name: "wan-200mbps-40ms",
        bandwidth_mbps: 200.0,
        one_way_latency_ms: 40.0,
        source: "SecP-Tuning efficiency setup: WAN 200 Mbps / 40 ms",
    },
];

impl NetworkPreset {
    /// The preset called `name`, if any.
    pub fn find(name: &str) -> Option<&'static NetworkPreset> {
        PRESETS.iter().find(|p| p.name == name)
    }

    /// The names of all presets, comma separated (for error messages and help).
    pub fn names() -> String {
        PRESETS
            .iter()
            .map(|p| p.name)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The network this preset describes.
    pub fn network(&self) -> Network {
        Network {
            name: self.name.to_string(),
            bandwidth: BitsPerSec::from_mbps(self.bandwidth_mbps),
            latency: SimDuration::from_millis_f64(self.one_way_latency_ms),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_networks() {
        let lan = NetworkPreset::find("lan").unwrap().network();
        assert_eq!(lan.bandwidth, BitsPerSec(3_000_000_000));
        assert_eq!(lan.latency, SimDuration(800_000));
        let wan = NetworkPreset::find("wan-100mbps-80ms").unwrap().network();
        assert_eq!(wan.bandwidth, BitsPerSec(100_000_000));
        assert_eq!(wan.latency, SimDuration(80_000_000));
        let wan2 = NetworkPreset::find("wan-200mbps-40ms").unwrap().network();
        assert_eq!(wan2.bandwidth, BitsPerSec(200_000_000));
        assert_eq!(wan2.latency, SimDuration(40_000_000));
        assert!(NetworkPreset::find("moon").is_none());
    }
}
