//! Fixed-point encoding of reals in Z_2^64, and the 2-party local truncation.
//!
//! Reference: CrypTen `crypten/encoder.py` (FixedPointEncoder) and
//! `crypten/mpc/primitives/arithmetic.py` (`div_` with world size 2).

use serde::{Deserialize, Serialize};

/// A fixed-point encoding with `frac_bits` fractional bits (CrypTen's default is 16).
///
/// `encode(x) = trunc(x * 2^f)` as a two's-complement `i64` (truncation toward zero, as CrypTen's
/// `long()` cast), `decode(v) = (v as i64) / 2^f`. Values with `|x| * 2^f >= 2^63` saturate in the
/// cast; the library never encodes such values from protocol code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixedPoint {
    /// Number of fractional bits.
    pub frac_bits: u32,
}

impl Default for FixedPoint {
    fn default() -> Self {
        FixedPoint { frac_bits: 16 }
    }
}

impl FixedPoint {
    /// A fixed-point encoding with `frac_bits` fractional bits (1..=40).
    pub fn new(frac_bits: u32) -> Self {
        assert!(
            (1..=40).contains(&frac_bits),
            "fixed-point fractional bits must be in 1..=40, got {frac_bits}"
        );
        FixedPoint { frac_bits }
    }

    /// The scale `2^f` as a ring element.
    pub fn scale(&self) -> u64 {
        1u64 << self.frac_bits
    }

    /// The scale `2^f` as a float.
    pub fn scale_f64(&self) -> f64 {
        self.scale() as f64
    }

    /// Encode a real: `trunc(x * 2^f)` in two's complement.
    pub fn encode(&self, x: f64) -> u64 {
        ((x * self.scale_f64()) as i64) as u64
    }

    /// Decode a ring element to a real.
    pub fn decode(&self, v: u64) -> f64 {
        (v as i64) as f64 / self.scale_f64()
    }

    /// One unit in the last place: `2^-f`.
    pub fn ulp(&self) -> f64 {
        1.0 / self.scale_f64()
    }
}

/// The public integer `K = round(2^(64 - f) / (2 pi))` that maps a fixed-point value with `f`
/// fractional bits to the **ring angle encoding**, in which the ring element `v` denotes the
/// angle `2 pi v / 2^64`: the ring wraps at exactly one period, so a mask uniform on the ring is
/// uniform on the circle. The map `x -> K x` is exact in the ring; its scale error is at most
/// `pi / 2^48` relative.
pub fn angle_factor(frac_bits: u32) -> u64 {
    assert!(
        (2..=40).contains(&frac_bits),
        "fractional bits must be in 2..=40, got {frac_bits}"
    );
    ((1u128 << (64 - frac_bits)) as f64 / (2.0 * std::f64::consts::PI)).round() as u64
}

/// The angle in radians denoted by a ring element in the ring angle encoding (see
/// [`angle_factor`]).
pub fn ring_angle(v: u64) -> f64 {
    v as f64 * (2.0 * std::f64::consts::PI / 18_446_744_073_709_551_616.0)
}

/// One party's step of the 2-party local truncation by `2^bits` (SecureML style, as CrypTen in
/// 2PC): each party divides its own share, read as a signed integer, by `2^bits` rounding toward
/// zero (CrypTen's `div_(.., rounding_mode="trunc")`).
///
/// Error: when the two shares do not overflow as integers (`s0 + s1 = x` without wrapping) the
/// result is `x / 2^bits` off by at most one unit (each share rounds separately). When they do
/// wrap, which happens with probability about `|x| / 2^64` per element for uniform shares (`x`
/// the ring value before truncation, e.g. about `2^32 |a b|` for a product of fixed-point `a`,
/// `b`), the result is off by `2^(64 - bits)`: a huge, rare error inherent to local truncation.
pub fn trunc_share(share: u64, bits: u32) -> u64 {
    let s = share as i64;
    (s / (1i64 << bits)) as u64
}

/// One party's step of dividing its share by a public positive integer `d` (truncating toward
/// zero). Same error behaviour as [`trunc_share`] with `2^bits` replaced by `d`.
pub fn div_share(share: u64, d: u64) -> u64 {
    assert!(
        d > 0 && d <= i64::MAX as u64,
        "public divisor must be in 1..=i64::MAX, got {d}"
    );
    ((share as i64) / (d as i64)) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_exact_for_representable_values() {
        let fx = FixedPoint::default();
        for k in [-1_000_000i64, -3, -1, 0, 1, 7, 65_535, 1 << 40] {
            let x = k as f64 / 65536.0;
            assert_eq!(fx.decode(fx.encode(x)), x);
        }
    }

    #[test]
    fn round_trip_at_8_and_24_fractional_bits() {
        for f in [8u32, 24] {
            let fx = FixedPoint::new(f);
            let scale = (1u64 << f) as f64;
            assert_eq!(fx.scale(), 1u64 << f);
            assert_eq!(fx.ulp(), 1.0 / scale);
            // Multiples of 2^-f (within |x| 2^f < 2^63) round-trip exactly.
            for k in [
                -(1i64 << 50),
                -1_000_000,
                -3,
                -1,
                0,
                1,
                7,
                (1 << f) - 1,
                1 << f,
                1 << 40,
                1 << 50,
            ] {
                let x = k as f64 / scale;
                assert_eq!(fx.encode(x) as i64, k, "f = {f}: encode({x})");
                assert_eq!(fx.decode(fx.encode(x)), x, "f = {f}: round trip of {x}");
            }
            // Other reals: truncation toward zero, so the decoded value has the same sign, is
            // not larger in magnitude, and is less than one ulp away.
            for x in [
                std::f64::consts::PI,
                -std::f64::consts::E,
                1.0 / 3.0,
                -1e-3,
                123_456.789,
                -0.5 / scale,
            ] {
                let d = fx.decode(fx.encode(x));
                assert!(
                    d.abs() <= x.abs() && (x - d).abs() < 1.0 / scale,
                    "f = {f}: {x} -> {d}"
                );
                assert!(d == 0.0 || d.signum() == x.signum(), "f = {f}: {x} -> {d}");
            }
        }
        // By hand: 8 bits: 1.0 -> 256, -2.5 -> -640, 1.5 ulp -> 1, -1.5 ulp -> -1;
        // 24 bits: 1.0 -> 2^24 = 16777216, -0.75 -> -12582912.
        let f8 = FixedPoint::new(8);
        assert_eq!(f8.encode(1.0), 256);
        assert_eq!(f8.encode(-2.5) as i64, -640);
        assert_eq!(f8.encode(1.5 / 256.0), 1);
        assert_eq!(f8.encode(-1.5 / 256.0) as i64, -1);
        let f24 = FixedPoint::new(24);
        assert_eq!(f24.encode(1.0), 16_777_216);
        assert_eq!(f24.encode(-0.75) as i64, -12_582_912);
        assert_eq!(f24.decode((-12_582_912i64) as u64), -0.75);
    }

    #[test]
    fn encode_truncates_toward_zero() {
        let fx = FixedPoint::default();
        assert_eq!(fx.encode(1.5 / 65536.0), 1);
        assert_eq!(fx.encode(-1.5 / 65536.0) as i64, -1);
    }

    #[test]
    fn local_truncation_is_within_one_ulp_without_wrap() {
        let fx = FixedPoint::default();
        let x = fx.encode(3.25) as i64 * (1 << 16);
        for r in [0i64, 12345, -987654321, 1 << 50, -(1 << 50)] {
            let s0 = (x - r) as u64;
            let s1 = r as u64;
            let y = trunc_share(s0, 16).wrapping_add(trunc_share(s1, 16));
            let err = (y as i64 - fx.encode(3.25) as i64).abs();
            assert!(err <= 1, "error {err} ulp");
        }
    }
}
