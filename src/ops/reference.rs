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

/// f64 batched matmul of `[.., m, k] @ [.., k, p]`, batch dimensions broadcast as in
/// [`Shape::matmul`].
pub fn matmul(a: &[f64], b: &[f64], sa: &Shape, sb: &Shape) -> Vec<f64> {
    let out = Shape::matmul(sa, sb);
    let (m, k) = (sa.dims()[sa.rank() - 2], sa.dims()[sa.rank() - 1]);
    let p = sb.dims()[sb.rank() - 1];
    let out_batch = out.batch();
    // Offset of each operand's matrix for every output batch index (0 stride where broadcast).
    let offsets = |s: &Shape, mat: usize| -> Vec<usize> {
        let b = s.batch();
        let strides = b.strides();
        let lead = out_batch.rank() - b.rank();
        (0..out_batch.numel())
            .map(|mut i| {
                let mut off = 0;
                for ax in (0..out_batch.rank()).rev() {
                    let idx = i % out_batch.dims()[ax];
                    i /= out_batch.dims()[ax];
                    if ax >= lead && b.dims()[ax - lead] != 1 {
                        off += idx * strides[ax - lead];
                    }
                }
                off * mat
            })
            .collect()
    };
    let (oa, ob) = (offsets(sa, m * k), offsets(sb, k * p));
    let mut c = vec![0.0; out.numel()];
    for (bi, (&ao, &bo)) in oa.iter().zip(&ob).enumerate() {
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
    fn matmul_broadcasts_batches_like_numpy() {
        // (2,1,1,2) @ (3,2,1): batch (2,1) x (3,) -> (2,3); a[i] pairs with b[j].
        let a = [1.0, 0.0, 0.0, 1.0];
        let b = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0];
        let c = matmul(&a, &b, &Shape::from([2, 1, 1, 2]), &Shape::from([3, 2, 1]));
        assert_eq!(c, vec![10.0, 30.0, 50.0, 20.0, 40.0, 60.0]);
    }

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
