//! The f64 reference's backward (`PlainModel::gradients`, hand-derived) checked against central
//! finite differences of its own forward (`PlainModel::logits` and a cross-entropy written
//! here), so the gradients the MPC backward is compared with are themselves independent of it.

use secp_tuning::engine::RunSeed;
use secp_tuning::model::ModelConfig;
use secp_tuning::model::iteration::{InputData, labels, synthetic_embedded};
use secp_tuning::plain::PlainModel;
use secp_tuning::plain::model::PlainAttention;

/// Mean cross-entropy of the softmax over the logits (B x C, row-major).
fn cross_entropy(logits: &[f64], labels: &[usize]) -> f64 {
    let c = logits.len() / labels.len();
    labels
        .iter()
        .enumerate()
        .map(|(b, &y)| {
            let row = &logits[b * c..(b + 1) * c];
            let m = row.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let lse = m + row.iter().map(|v| (v - m).exp()).sum::<f64>().ln();
            lse - row[y]
        })
        .sum::<f64>()
        / labels.len() as f64
}

fn loss(m: &PlainModel, x: &[f64], tokens: usize, labels: &[usize]) -> f64 {
    cross_entropy(&m.logits(x, tokens, 0, PlainAttention::Softmax), labels)
}

/// `|fd - g| <= 1e-6 + 1e-5 |g|` for a spread of entries of every parameter tensor and of the
/// input, with step 1e-5 (central differences: truncation error about 1e-10 here).
#[test]
fn plain_gradients_match_finite_differences() {
    let h = 1e-5;
    let close = |fd: f64, g: f64| (fd - g).abs() <= 1e-6 + 1e-5 * g.abs();
    for preset in ["tiny", "tiny-wide"] {
        let cfg = ModelConfig::preset(preset).unwrap();
        let seed = RunSeed(5);
        let x = synthetic_embedded(&cfg, seed);
        let y = labels(&cfg, seed, &InputData::Synthetic);
        let mut m = PlainModel::seeded(&cfg, seed);
        let g = m.gradients(&x, cfg.seq, 0, &y);
        assert!(
            (g.loss - loss(&m, &x, cfg.seq, &y)).abs() < 1e-12,
            "{preset}: the backward's loss is the forward's"
        );
        let mut checked = 0;
        for t in 0..m.params.len() {
            let n = m.params[t].len();
            for j in [0, n / 3, n / 2, n - 1] {
                let v = m.params[t][j];
                m.params[t][j] = v + h;
                let up = loss(&m, &x, cfg.seq, &y);
                m.params[t][j] = v - h;
                let down = loss(&m, &x, cfg.seq, &y);
                m.params[t][j] = v;
                let fd = (up - down) / (2.0 * h);
                assert!(
                    close(fd, g.params[t][j]),
                    "{preset} tensor {t} entry {j}: finite difference {fd}, backward {}",
                    g.params[t][j]
                );
                checked += 1;
            }
        }
        let mut xs = x.clone();
        for j in (0..x.len()).step_by(x.len() / 7 + 1) {
            xs[j] = x[j] + h;
            let up = loss(&m, &xs, cfg.seq, &y);
            xs[j] = x[j] - h;
            let down = loss(&m, &xs, cfg.seq, &y);
            xs[j] = x[j];
            let fd = (up - down) / (2.0 * h);
            assert!(
                close(fd, g.input[j]),
                "{preset} input {j}: finite difference {fd}, backward {}",
                g.input[j]
            );
        }
        assert!(checked >= 4 * 18);
    }
}
