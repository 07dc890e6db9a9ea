//! Named random streams derived from one run seed.
//!
//! Stream `name` of seed `s` is a ChaCha20 generator keyed by the 32 bytes
//! `s (LE) || fnv1a64(name) || fnv1a64(name || 0xff) || b"secp-tun"`: independent streams for
//! different names, identical output for the same seed and name on every run and platform.
//! Share randomness (the dealer, input sharing, the parties' local random shares) comes from
//! [`RunSeed::share_stream`]: the same key, ChaCha8 ([`crate::ring::tensor::ShareRng`]).

use crate::ring::tensor::ShareRng;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};

/// The seed of one run; every random draw of the run comes from a named stream of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RunSeed(pub u64);

/// Names of the engine's own streams.
pub mod streams {
    /// The dealer's correlated randomness.
    pub const DEALER: &str = "dealer";
    /// Pseudo-random zero sharing of inputs.
    pub const PRZS: &str = "przs";
}

fn fnv1a64(bytes: impl IntoIterator<Item = u8>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

impl RunSeed {
    /// The named stream `name` of this seed.
    pub fn stream(&self, name: &str) -> ChaCha20Rng {
        ChaCha20Rng::from_seed(self.key(name))
    }

    /// The named stream `name` of this seed for share randomness (dealer correlations, input
    /// masks, local random shares): ChaCha8 keyed like [`RunSeed::stream`]. Crate-private, so
    /// that code outside the library cannot regenerate the dealer's or the input masks' stream.
    ///
    /// ```compile_fail,E0624
    /// use secp_tuning::engine::RunSeed;
    /// let _ = RunSeed(0).share_stream("dealer");
    /// ```
    pub(crate) fn share_stream(&self, name: &str) -> ShareRng {
        ShareRng::from_seed(self.key(name))
    }

    fn key(&self, name: &str) -> [u8; 32] {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&self.0.to_le_bytes());
        key[8..16].copy_from_slice(&fnv1a64(name.bytes()).to_le_bytes());
        key[16..24].copy_from_slice(&fnv1a64(name.bytes().chain([0xff])).to_le_bytes());
        key[24..].copy_from_slice(b"secp-tun");
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let s = RunSeed(7);
        assert_eq!(s.stream("a").next_u64(), s.stream("a").next_u64());
        assert_ne!(s.stream("a").next_u64(), s.stream("b").next_u64());
        assert_ne!(s.stream("a").next_u64(), RunSeed(8).stream("a").next_u64());
    }
}
