//! The fixed random projection A from the subspace R^d to the prompt space R^(P H), and the
//! prompt `p = A z + p0`.
//!
//! Reference: BBT (Sun et al., ICML 2022), `secp-tuning-paper.md`. `Normal`: every entry
//! `N(0, s^2)` with `s = alpha sigma_hat / (sqrt(d) sigma0)`, sigma_hat the standard deviation of
//! the word-embedding table (BBT's final version; its bias term is omitted here). `Uniform`:
//! `U(-1/sqrt(d), 1/sqrt(d))` (early BBT: PyTorch's `nn.Linear` default). Drawn from stream
//! `tuning/projection` of the run seed, row-major (P H rows, d columns).
//!
//! Cost: local to the data owner (P H d multiply-adds per prompt), no communication.

use super::cmaes::Normal;
use super::options::ProjectionKind;
use crate::engine::RunSeed;

/// The projection matrix and the prompt offset.
#[derive(Clone, Debug, PartialEq)]
pub struct Projection {
    /// Output size P H.
    pub out_dim: usize,
    /// Subspace dimension d.
    pub dim: usize,
    /// Row-major (out_dim, dim).
    pub a: Vec<f64>,
    /// Offset p0 (out_dim).
    pub p0: Vec<f64>,
}

impl Projection {
    /// Draw A for `out_dim = P H` and subspace `dim` (both >= 1).
    #[allow(
        clippy::too_many_arguments,
        reason = "BBT's scale alpha sigma_hat / (sqrt(d) sigma0) is spelled out by its named parts"
    )]
    pub fn new(
        kind: ProjectionKind,
        out_dim: usize,
        dim: usize,
        sigma_hat: f64,
        sigma0: f64,
        alpha: f64,
        p0: Vec<f64>,
        seed: RunSeed,
    ) -> Self {
        assert_eq!(p0.len(), out_dim, "p0 has P H entries");
        let mut n = Normal::new(seed.stream("tuning/projection"));
        let a = match kind {
            ProjectionKind::Normal => {
                let s = alpha * sigma_hat / ((dim as f64).sqrt() * sigma0);
                (0..out_dim * dim).map(|_| s * n.sample()).collect()
            }
            ProjectionKind::Uniform => {
                let b = 1.0 / (dim as f64).sqrt();
                (0..out_dim * dim)
                    .map(|_| b * (2.0 * n.uniform() - 1.0))
                    .collect()
            }
        };
        Projection {
            out_dim,
            dim,
            a,
            p0,
        }
    }

    /// The prompt `A z + p0` (row-major (P, H)).
    pub fn prompt(&self, z: &[f64]) -> Vec<f64> {
        assert_eq!(z.len(), self.dim, "z has d entries");
        self.a
            .chunks_exact(self.dim)
            .zip(&self.p0)
            .map(|(row, p)| p + row.iter().zip(z).map(|(a, z)| a * z).sum::<f64>())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_scale_matches_bbt_formula() {
        // s = 2 * 1.5 / (sqrt(100) * 0.5) = 0.6; sample std over 64 * 100 entries within 5%.
        let p = Projection::new(
            ProjectionKind::Normal,
            64,
            100,
            1.5,
            0.5,
            2.0,
            vec![0.0; 64],
            RunSeed(1),
        );
        let n = p.a.len() as f64;
        let std = (p.a.iter().map(|v| v * v).sum::<f64>() / n).sqrt();
        assert!((std - 0.6).abs() < 0.03, "{std}");
        let u = Projection::new(
            ProjectionKind::Uniform,
            64,
            100,
            1.0,
            1.0,
            1.0,
            vec![0.0; 64],
            RunSeed(1),
        );
        assert!(u.a.iter().all(|v| v.abs() <= 0.1));
    }

    #[test]
    fn prompt_is_affine() {
        let p = Projection::new(
            ProjectionKind::Normal,
            6,
            3,
            1.0,
            1.0,
            1.0,
            vec![1.0; 6],
            RunSeed(2),
        );
        assert_eq!(p.prompt(&[0.0; 3]), vec![1.0; 6]);
        let z = [0.5, -1.0, 2.0];
        let y = p.prompt(&z);
        for (i, yi) in y.iter().enumerate() {
            let e: f64 = 1.0 + (0..3).map(|j| p.a[i * 3 + j] * z[j]).sum::<f64>();
            assert_eq!(*yi, e);
        }
    }
}
