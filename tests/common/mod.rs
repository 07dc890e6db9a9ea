//! Cost formulas derived by hand from ../shared/reference/crypten-2pc.md, shared by the test
//! crates that check the library against them (each test crate includes this module; not every
//! crate uses every formula).
#![allow(dead_code)] // each test crate uses a subset

/// (rounds, opened elements) of CrypTen's `log_reduction` max over B rows of length L, stages 1
/// and 2 only (crypten-2pc.md, "max, argmax, softmax"), written from the reference text:
/// floor(ln L) halving steps (10 rounds, 31 B h each), then on the remaining r (r_eff =
/// max(r, 2)): ltz on (r_eff - 1) B r (8 rounds), the product tree (1 round and
/// 2 floor(s/2) B r per level) or, from r_eff - 1 >= 128, one more comparison (8 rounds, 27 B r);
/// weighted_index(B, r) (10 rounds, 18 B + 27 B r); the value mul (1 round, 2 B r).
pub fn max_stage12(b: u64, l: u64) -> (u64, u64) {
    let (mut rounds, mut e) = (0u64, 0u64);
    let mut m = l;
    for _ in 0..(l as f64).ln().floor() as u64 {
        let h = m / 2;
        rounds += 10;
        e += 31 * b * h;
        m = h + m % 2;
    }
    let (r, r_eff) = (m, m.max(2));
    rounds += 8;
    e += 27 * (r_eff - 1) * b * r;
    if r_eff > 128 {
        // r_eff - 1 >= 128 comparisons per element
        rounds += 8;
        e += 27 * b * r;
    } else {
        let mut s = r_eff - 1;
        while s > 1 {
            rounds += 1;
            e += 2 * (s / 2) * b * r;
            s = s / 2 + s % 2;
        }
    }
    (rounds + 10 + 1, e + 18 * b + 27 * b * r + 2 * b * r)
}

/// Stage 3 (the full one-hot argmax): eq(B L) (7 rounds, 13 B L) and weighted_index(B, L)
/// (10 rounds, 18 B + 27 B L).
pub fn max_stage3(b: u64, l: u64) -> (u64, u64) {
    (17, 13 * b * l + 18 * b + 27 * b * l)
}

/// (rounds, opened elements) of softmax over `b` rows of length `l`: the whole max (stages 1 to
/// 3, [`max_stage12`] and [`max_stage3`]), then exp (8 rounds, 8 n), the reciprocal of the row
/// sums, all positive, on B values (28 rounds, 38 B) and the final mul (1 round, n + B).
pub fn softmax_formula(b: u64, l: u64) -> (u64, u64) {
    let n = b * l;
    let (r, e) = max_formula(b, l);
    (r + 8 + 28 + 1, e + 8 * n + 38 * b + n + b)
}

/// (rounds, opened elements) of max over a dimension with its one-hot argmax (stages 1 to 3).
pub fn max_formula(b: u64, l: u64) -> (u64, u64) {
    let (r12, e12) = max_stage12(b, l);
    let (r3, e3) = max_stage3(b, l);
    (r12 + r3, e12 + e3)
}

/// Each halving step: `ge` (ltz: A2B 7 + B2A 1 = 8 levels) then `where`, whose two products both
/// need only the comparison bit and the halves: +9 per step, D = 9 floor(ln L). Pairwise stage:
/// `ge` on the shifts (D + 8), the product tree (+1 per level, `lv` levels; from r_eff - 1 >= 128
/// a sum and one more comparison, +8 instead), weighted_index: rand (depth 1, independent),
/// u * total (+1), `gt` (+8); the value x * onehot (+1): V = D + lv + 18. Stage 3 (eq +7,
/// weighted_index +9) ends at V + 16 and feeds nothing that softmax uses. Softmax:
/// exp(x - V) (+8), the row sums (local), reciprocal: exp guess (+8) and 10 iterations of a
/// square then a product with the sums (+2 each), then e * (1/s) (+1): V + 37.
pub fn softmax_depth_formula(l: u64) -> u32 {
    max_value_depth(l) + 8 + 8 + 2 * 10 + 1
}

/// The depth `V` at which max(dim)'s value is known, over rows of length `l` (see
/// [`softmax_depth_formula`]); its full one-hot ends at `V + 16`.
pub fn max_value_depth(l: u64) -> u32 {
    let steps = (l as f64).ln().floor() as u32;
    let mut m = l;
    for _ in 0..steps {
        m = m / 2 + m % 2;
    }
    let bits = m.max(2) - 1;
    let lv = if bits >= 128 {
        8
    } else {
        let (mut s, mut levels) = (bits, 0);
        while s > 1 {
            s = s / 2 + s % 2;
            levels += 1;
        }
        levels
    };
    9 * steps + lv + 18
}
