//! Unit types. Bytes, bits, rounds and simulated time never share a bare integer.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign};

/// A number of bytes (8 bits).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Bytes(pub u64);

/// A number of communication rounds.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Rounds(pub u64);

/// Simulated time in integer nanoseconds.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct SimDuration(pub u64);

/// A link bandwidth in bits per second (must be > 0; validated where it is read).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct BitsPerSec(pub u64);

impl Bytes {
    /// Size of `elements` ring elements of 8 bytes (the CrypTen-compatible wire format).
    pub fn of_ring_elements(elements: u64) -> Bytes {
        Bytes(8 * elements)
    }
    /// In gigabytes (10^9 bytes), for reports only.
    pub fn as_gb(self) -> f64 {
        self.0 as f64 / 1e9
    }
}

impl SimDuration {
    /// From seconds (rounded to the nearest nanosecond), for configuration.
    pub fn from_secs_f64(s: f64) -> SimDuration {
        SimDuration((s * 1e9).round() as u64)
    }
    /// From milliseconds (rounded to the nearest nanosecond), for configuration.
    pub fn from_millis_f64(ms: f64) -> SimDuration {
        SimDuration((ms * 1e6).round() as u64)
    }
    /// In seconds, for reports only.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1e9
    }
}

impl BitsPerSec {
    /// From gigabits per second (10^9 bit/s).
    pub fn from_gbps(g: f64) -> BitsPerSec {
        BitsPerSec((g * 1e9).round() as u64)
    }
    /// From megabits per second (10^6 bit/s).
    pub fn from_mbps(m: f64) -> BitsPerSec {
        BitsPerSec((m * 1e6).round() as u64)
    }
    /// Time to push `bytes` through this link, rounded up to a whole nanosecond.
    pub fn transfer_time(self, bytes: Bytes) -> SimDuration {
        assert!(self.0 > 0, "bandwidth must be positive");
        let bits = bytes.0 as u128 * 8 * 1_000_000_000;
        SimDuration(bits.div_ceil(self.0 as u128) as u64)
    }
}

macro_rules! additive {
    ($t:ident) => {
        impl Add for $t {
            type Output = $t;
            fn add(self, o: $t) -> $t {
                $t(self.0 + o.0)
            }
        }
        impl AddAssign for $t {
            fn add_assign(&mut self, o: $t) {
                self.0 += o.0;
            }
        }
        impl Sum for $t {
            fn sum<I: Iterator<Item = $t>>(it: I) -> $t {
                $t(it.map(|x| x.0).sum())
            }
        }
    };
}
additive!(Bytes);
additive!(Rounds);
additive!(SimDuration);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} B", self.0)
    }
}
impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.6} s", self.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transfer_time_counts_bits_not_bytes() {
        // 1 GB at 8 Gbit/s is one second.
        let t = BitsPerSec::from_gbps(8.0).transfer_time(Bytes(1_000_000_000));
        assert_eq!(t, SimDuration(1_000_000_000));
        assert_eq!(
            BitsPerSec(3).transfer_time(Bytes(1)),
            SimDuration(2_666_666_667)
        );
    }
}
