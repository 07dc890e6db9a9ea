//! f64 references of the catalog's operations (the oracle of the accuracy checks).

use crate::ring::Shape;

/// The error function by Abramowitz & Stegun 7.1.26: absolute error below 1.5e-7, far under
/// every tolerance it is compared with.
pub fn erf(x: f64) -> f64 {
    let s = x.signum();
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    s * (1.0 - poly * (-a * a).exp())
}

/// GeLU, erf form: `0.5 x (1 + erf(x / sqrt 2))`.
pub fn gelu_erf(x: f64) -> f64 {
    0.5 * x * (1.0 + erf(x / std::f64::consts::SQRT_2))
}

/// GeLU, tanh form: `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`.
pub fn gelu_tanh(x: f64) -> f64 {
    let c = (2.0 / std::f64::consts::PI).sqrt();
    0.5 * x * (1.0 + (c * (x + 0.044715 * x * x * x)).tanh())
}

/// Softmax of one row.
pub fn softmax(r: &[f64]) -> Vec<f64> {
    let m = r.iter().copied().fold(f64::MIN, f64::max);
    let e: Vec<f64> = r.iter().map(|v| (v - m).exp()).collect();
    let s: f64 = e.iter().sum();
    e.into_iter().map(|v| v / s).collect()
}

/// One-hot argmax of one row (first maximum).
pub fn argmax_onehot(r: &[f64]) -> Vec<f64> {
    let mut best = 0;
    for (i, v) in r.iter().enumerate() {
        if *v > r[best] {
            best = i;
        }
    }
    (0..r.len())
        .map(|i| if i == best { 1.0 } else { 0.0 })
        .collect()
}

/// LayerNorm of one row without affine parameters (biased variance).
pub fn layer_norm(r: &[f64], eps: f64) -> Vec<f64> {
    let n = r.len() as f64;
    let mean = r.iter().sum::<f64>() / n;
    let var = r.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    r.iter().map(|v| (v - mean) / (var + eps).sqrt()).collect()
}

/// f64 batched matmul of `[.., m, k] @ [.., k, p]` with the batch of the smaller operand
/// repeating (the catalog's shapes).
pub fn matmul(a: &[f64], b: &[f64], sa: &Shape, sb: &Shape) -> Vec<f64> {
    let out = Shape::matmul(sa, sb);
    let (m, k) = (sa.dims()[sa.rank() - 2], sa.dims()[sa.rank() - 1]);
    let p = sb.dims()[sb.rank() - 1];
    let batches = out.numel() / (m * p).max(1);
    let a_batches = (sa.numel() / (m * k).max(1)).max(1);
    let b_batches = (sb.numel() / (k * p).max(1)).max(1);
    let mut c = vec![0.0; out.numel()];
    for bi in 0..batches {
        let ao = (bi % a_batches) * m * k;
        let bo = (bi % b_batches) * k * p;
        for i in 0..m {
            for j in 0..p {
                c[bi * m * p + i * p + j] = (0..k)
                    .map(|kk| a[ao + i * k + kk] * b[bo + kk * p + j])
                    .sum();
            }
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erf_matches_known_values() {
        // erf(0.5) = 0.5204998778, erf(1) = 0.8427007929, erf(2) = 0.9953222650.
        for (x, want) in [
            (0.5, 0.520_499_877_8),
            (1.0, 0.842_700_792_9),
            (2.0, 0.995_322_265_0),
        ] {
            assert!((erf(x) - want).abs() < 2e-7);
            assert!((erf(-x) + want).abs() < 2e-7);
        }
    }
}
