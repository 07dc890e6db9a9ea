//! The data owner's plaintext loss and accuracy on the revealed label logits.
//!
//! Reference: BBT (Sun et al., ICML 2022): cross-entropy over the label words' logits (default)
//! or hinge. Computed in plaintext by the data owner after reconstructing the logits
//! (SecP-Tuning step 5); never under MPC, never seen by the servers.

use super::options::LossKind;

/// Mean loss of `logits` (row-major (B, C)) against `labels` (B).
pub fn loss(kind: LossKind, logits: &[f64], labels: &[usize]) -> f64 {
    let b = labels.len();
    assert!(b > 0 && logits.len() % b == 0, "logits are (B, C)");
    let c = logits.len() / b;
    let per: f64 = logits
        .chunks_exact(c)
        .zip(labels)
        .map(|(row, &y)| match kind {
            LossKind::CrossEntropy => {
                let m = row.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let lse = m + row.iter().map(|v| (v - m).exp()).sum::<f64>().ln();
                lse - row[y]
            }
            LossKind::Hinge => row
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != y)
                .map(|(_, v)| (1.0 - (row[y] - v)).max(0.0))
                .sum(),
        })
        .sum();
    per / b as f64
}

/// The predicted class of each row (argmax; the first maximum on ties).
pub fn predictions(logits: &[f64], classes: usize) -> Vec<usize> {
    logits
        .chunks_exact(classes)
        .map(|row| {
            let mut best = 0;
            for (j, v) in row.iter().enumerate() {
                if *v > row[best] {
                    best = j;
                }
            }
            best
        })
        .collect()
}

/// Fraction of rows whose argmax equals the label.
pub fn accuracy(logits: &[f64], labels: &[usize]) -> f64 {
    let c = logits.len() / labels.len();
    let hits = predictions(logits, c)
        .iter()
        .zip(labels)
        .filter(|(p, y)| p == y)
        .count();
    hits as f64 / labels.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_entropy_and_hinge_by_hand() {
        let logits = [0.0, 0.0, 2.0, 0.0];
        // Row 0: ln 2. Row 1 (label 0): ln(1 + e^-2).
        let ce = loss(LossKind::CrossEntropy, &logits, &[1, 0]);
        let expect = (2f64.ln() + (1.0 + (-2f64).exp()).ln()) / 2.0;
        assert!((ce - expect).abs() < 1e-12);
        // Hinge: row 0: max(0, 1 - 0) = 1; row 1: max(0, 1 - 2) = 0.
        assert_eq!(loss(LossKind::Hinge, &logits, &[1, 0]), 0.5);
        assert_eq!(accuracy(&logits, &[1, 0]), 0.5);
        assert_eq!(accuracy(&logits, &[0, 0]), 1.0);
    }
}
