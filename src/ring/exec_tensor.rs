//! The exec backend's tensor: a shape and row-major `u64` data, wrapping arithmetic.

use super::matmul::gemm_wrapping;
use super::shape::Shape;
use super::tensor::RingTensor;
use rand::Rng;
use rand_chacha::ChaCha20Rng;

/// A dense row-major tensor over Z_2^64.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecTensor {
    shape: Shape,
    data: Vec<u64>,
}

impl ExecTensor {
    /// A tensor from its shape and row-major data. Panics if the lengths differ.
    pub fn from_vec(shape: Shape, data: Vec<u64>) -> Self {
        assert!(
            shape.numel() == data.len(),
            "shape {shape} needs {} elements, got {}",
            shape.numel(),
            data.len()
        );
        ExecTensor { shape, data }
    }

    /// The row-major elements.
    pub fn data(&self) -> &[u64] {
        &self.data
    }

    /// Consume into the row-major elements.
    pub fn into_data(self) -> Vec<u64> {
        self.data
    }

    /// Row-major copy of a strided view: `offset + sum(idx[i] * strides[i])` for every index of
    /// `out` (a stride of 0 repeats an element, which is how broadcasting is materialised).
    fn gather(&self, out: Shape, strides: &[usize], offset: usize) -> Self {
        let n = out.numel();
        let mut data = Vec::with_capacity(n);
        if n > 0 {
            let dims = out.dims();
            let r = dims.len();
            if r == 0 {
                data.push(self.data[offset]);
            } else {
                let last = dims[r - 1];
                let ls = strides[r - 1];
                let mut idx = vec![0usize; r - 1];
                let mut base = offset;
                loop {
                    if ls == 1 {
                        data.extend_from_slice(&self.data[base..base + last]);
                    } else {
                        data.extend((0..last).map(|j| self.data[base + j * ls]));
                    }
                    // advance the outer multi-index
                    let mut ax = r - 1;
                    loop {
                        if ax == 0 {
                            return ExecTensor { shape: out, data };
                        }
                        ax -= 1;
                        idx[ax] += 1;
                        base += strides[ax];
                        if idx[ax] < dims[ax] {
                            break;
                        }
                        base -= strides[ax] * dims[ax];
                        idx[ax] = 0;
                    }
                }
            }
        }
        ExecTensor { shape: out, data }
    }

    /// Strides of `self` as seen from a broadcast output shape of rank `r` (0 where broadcast).
    fn broadcast_strides(&self, out: &Shape) -> Vec<usize> {
        let r = out.rank();
        let own = self.shape.strides();
        let off = r - self.shape.rank();
        (0..r)
            .map(|i| {
                if i < off || self.shape.dims()[i - off] == 1 {
                    0
                } else {
                    own[i - off]
                }
            })
            .collect()
    }
}

impl RingTensor for ExecTensor {
    const HAS_DATA: bool = true;

    fn shape(&self) -> &Shape {
        &self.shape
    }

    fn filled(shape: Shape, value: u64) -> Self {
        let n = shape.numel();
        ExecTensor {
            shape,
            data: vec![value; n],
        }
    }

    fn from_fn(shape: Shape, f: impl FnMut(usize) -> u64) -> Self {
        let data = (0..shape.numel()).map(f).collect();
        ExecTensor { shape, data }
    }

    fn random(shape: Shape, rng: &mut ChaCha20Rng) -> Self {
        let data = (0..shape.numel()).map(|_| rng.next_u64()).collect();
        ExecTensor { shape, data }
    }

    fn map(&self, f: impl Fn(u64) -> u64 + Sync) -> Self {
        ExecTensor {
            shape: self.shape.clone(),
            data: self.data.iter().map(|&x| f(x)).collect(),
        }
    }

    fn zip(&self, other: &Self, f: impl Fn(u64, u64) -> u64 + Sync) -> Self {
        if self.shape == other.shape {
            let data = self
                .data
                .iter()
                .zip(&other.data)
                .map(|(&a, &b)| f(a, b))
                .collect();
            return ExecTensor {
                shape: self.shape.clone(),
                data,
            };
        }
        let out = Shape::broadcast(&self.shape, &other.shape);
        if other.data.len() == 1 {
            let b = other.data[0];
            let base = if self.shape == out {
                self.clone()
            } else {
                self.expand(&out)
            };
            return base.map(|a| f(a, b));
        }
        if self.data.len() == 1 {
            let a = self.data[0];
            let base = if other.shape == out {
                other.clone()
            } else {
                other.expand(&out)
            };
            return base.map(|b| f(a, b));
        }
        let a = if self.shape == out {
            self.clone()
        } else {
            self.expand(&out)
        };
        let b = if other.shape == out {
            other.clone()
        } else {
            other.expand(&out)
        };
        a.zip(&b, f)
    }

    fn matmul(&self, other: &Self) -> Self {
        let out = Shape::matmul(&self.shape, &other.shape);
        let (ra, rb) = (self.shape.rank(), other.shape.rank());
        let (m, k) = (self.shape.dims()[ra - 2], self.shape.dims()[ra - 1]);
        let p = other.shape.dims()[rb - 1];
        let out_batch = out.batch();
        let nb = out_batch.numel();
        let mut data = vec![0u64; out.numel()];
        if nb == 0 || m == 0 || p == 0 {
            return ExecTensor { shape: out, data };
        }
        // Batch offsets of each operand for every output batch index (broadcast strides).
        let batch_offsets = |t: &ExecTensor| -> Vec<usize> {
            let tb = t.shape.batch();
            let mat = t.shape.dims()[t.shape.rank() - 2] * t.shape.dims()[t.shape.rank() - 1];
            let probe = ExecTensor {
                shape: tb.clone(),
                data: (0..tb.numel()).map(|i| (i * mat) as u64).collect(),
            };
            probe
                .expand(&out_batch)
                .data
                .into_iter()
                .map(|v| v as usize)
                .collect()
        };
        let oa = batch_offsets(self);
        let ob = batch_offsets(other);
        for (bi, (&a0, &b0)) in oa.iter().zip(&ob).enumerate() {
            let c = &mut data[bi * m * p..(bi + 1) * m * p];
            gemm_wrapping(
                m,
                k,
                p,
                &self.data[a0..a0 + m * k],
                &other.data[b0..b0 + k * p],
                c,
            );
        }
        ExecTensor { shape: out, data }
    }

    fn reshape(&self, shape: Shape) -> Self {
        ExecTensor {
            shape: self.shape.reshape(&shape),
            data: self.data.clone(),
        }
    }

    fn transpose(&self, a0: usize, a1: usize) -> Self {
        let out = self.shape.transpose(a0, a1);
        let mut st = self.shape.strides();
        st.swap(a0, a1);
        self.gather(out, &st, 0)
    }

    fn narrow(&self, axis: usize, start: usize, len: usize) -> Self {
        let out = self.shape.narrow(axis, start, len);
        let st = self.shape.strides();
        let offset = if out.numel() == 0 {
            0
        } else {
            start * st[axis]
        };
        self.gather(out, &st, offset)
    }

    fn concat(parts: &[&Self], axis: usize) -> Self {
        let shapes: Vec<&Shape> = parts.iter().map(|p| &p.shape).collect();
        let out = Shape::concat(&shapes, axis);
        let (outer, _, inner) = out.split_at_axis(axis);
        let mut data = Vec::with_capacity(out.numel());
        for o in 0..outer {
            for p in parts {
                let chunk = p.shape.dims()[axis] * inner;
                data.extend_from_slice(&p.data[o * chunk..(o + 1) * chunk]);
            }
        }
        ExecTensor { shape: out, data }
    }

    fn sum_axis(&self, axis: usize, keepdim: bool) -> Self {
        let out = self.shape.sum_axis(axis, keepdim);
        let (outer, len, inner) = self.shape.split_at_axis(axis);
        let mut data = vec![0u64; outer * inner];
        for o in 0..outer {
            let dst = &mut data[o * inner..(o + 1) * inner];
            for l in 0..len {
                let src = &self.data[(o * len + l) * inner..(o * len + l + 1) * inner];
                for (d, &s) in dst.iter_mut().zip(src) {
                    *d = d.wrapping_add(s);
                }
            }
        }
        ExecTensor { shape: out, data }
    }

    fn expand(&self, shape: &Shape) -> Self {
        assert!(
            self.shape.broadcasts_to(shape),
            "cannot expand {} to {shape}",
            self.shape
        );
        let st = self.broadcast_strides(shape);
        self.gather(shape.clone(), &st, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(shape: &[usize], v: &[u64]) -> ExecTensor {
        ExecTensor::from_vec(Shape::from(shape), v.to_vec())
    }

    #[test]
    fn broadcasting_zip() {
        let a = t(&[2, 1], &[10, 20]);
        let b = t(&[3], &[1, 2, 3]);
        assert_eq!(a.add(&b).data(), &[11, 12, 13, 21, 22, 23]);
        let s = t(&[], &[5]);
        assert_eq!(b.mul(&s).data(), &[5, 10, 15]);
    }

    #[test]
    fn transpose_narrow_concat_sum() {
        let a = t(&[2, 3], &[1, 2, 3, 4, 5, 6]);
        assert_eq!(a.transpose(0, 1).data(), &[1, 4, 2, 5, 3, 6]);
        assert_eq!(a.narrow(1, 1, 2).data(), &[2, 3, 5, 6]);
        assert_eq!(
            ExecTensor::concat(&[&a, &a], 1).data(),
            &[1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6]
        );
        assert_eq!(a.sum_axis(1, false).data(), &[6, 15]);
        assert_eq!(a.sum_axis(0, true).data(), &[5, 7, 9]);
    }

    #[test]
    fn batched_matmul_broadcasts_weight() {
        let x = t(&[2, 1, 2], &[1, 2, 3, 4]);
        let w = t(&[2, 2], &[1, 0, 0, 1]);
        assert_eq!(x.matmul(&w).data(), &[1, 2, 3, 4]);
        let wrap = t(&[1, 1], &[u64::MAX]);
        assert_eq!(wrap.matmul(&t(&[1, 1], &[2])).data(), &[u64::MAX - 1]);
    }
}
