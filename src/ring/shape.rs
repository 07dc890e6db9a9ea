//! The one shape algebra shared by both backends.
//!
//! Every shape rule (broadcasting, batched matmul, reshape, transpose, concat, narrow, sum over an
//! axis) lives here and nowhere else. The exec backend computes data *after* asking this module for
//! the output shape; the cost backend only asks this module. So the two backends cannot disagree on
//! a shape, and therefore cannot disagree on a message size.
//!
//! Shape errors inside the library are internal invariant violations: they panic with a message
//! naming both shapes. User input is validated at the boundary (scenario, CLI) before it gets here.

use std::fmt;

/// A tensor shape: the extent of each dimension, outermost first. A scalar has no dimensions.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Shape(Vec<usize>);

impl Shape {
    /// A shape from its dimensions.
    pub fn new(dims: impl Into<Vec<usize>>) -> Self {
        Shape(dims.into())
    }

    /// The scalar shape (no dimensions, one element).
    pub fn scalar() -> Self {
        Shape(Vec::new())
    }

    /// The dimensions, outermost first.
    pub fn dims(&self) -> &[usize] {
        &self.0
    }

    /// Number of dimensions.
    pub fn rank(&self) -> usize {
        self.0.len()
    }

    /// Number of elements (product of the dimensions; 1 for a scalar, 0 if any dimension is 0).
    pub fn numel(&self) -> usize {
        self.0.iter().product()
    }

    /// Extent of dimension `axis`. Panics if the axis is out of range.
    pub fn dim(&self, axis: usize) -> usize {
        assert!(
            axis < self.rank(),
            "axis {axis} out of range for shape {self}"
        );
        self.0[axis]
    }

    /// Row-major strides in elements.
    pub fn strides(&self) -> Vec<usize> {
        let mut s = vec![0; self.rank()];
        let mut acc = 1;
        for i in (0..self.rank()).rev() {
            s[i] = acc;
            acc *= self.0[i];
        }
        s
    }

    /// Numpy-style broadcast of two shapes: dimensions are aligned at the right; each pair must be
    /// equal or contain a 1. Panics naming both shapes otherwise (an internal invariant); the
    /// boundary uses [`Shape::try_broadcast`].
    pub fn broadcast(a: &Shape, b: &Shape) -> Shape {
        Shape::try_broadcast(a, b).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Shape::broadcast`] as a result, for validating user input.
    pub fn try_broadcast(a: &Shape, b: &Shape) -> Result<Shape, String> {
        let r = a.rank().max(b.rank());
        let mut out = vec![0; r];
        for (i, o) in out.iter_mut().enumerate() {
            let da = dim_from_right(a, r - 1 - i);
            let db = dim_from_right(b, r - 1 - i);
            *o = match (da, db) {
                (x, y) if x == y => x,
                (1, y) => y,
                (x, 1) => x,
                _ => return Err(format!("shapes {a} and {b} do not broadcast")),
            };
        }
        Ok(Shape(out))
    }

    /// Whether `self` can be broadcast to `target` (used by `expand`).
    pub fn broadcasts_to(&self, target: &Shape) -> bool {
        if self.rank() > target.rank() {
            return false;
        }
        (0..self.rank()).all(|i| {
            let d = dim_from_right(self, i);
            d == 1 || d == dim_from_right(target, i)
        })
    }

    /// Output shape of a batched matrix product `a @ b` with `a = [.., m, k]`, `b = [.., k, p]`;
    /// the batch dimensions broadcast. Both operands must have rank >= 2 and agree on `k`.
    pub fn matmul(a: &Shape, b: &Shape) -> Shape {
        Shape::try_matmul(a, b).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Shape::matmul`] as a result, for validating user input.
    pub fn try_matmul(a: &Shape, b: &Shape) -> Result<Shape, String> {
        if a.rank() < 2 || b.rank() < 2 {
            return Err(format!("matmul needs rank >= 2 operands, got {a} @ {b}"));
        }
        let (m, ka) = (a.0[a.rank() - 2], a.0[a.rank() - 1]);
        let (kb, p) = (b.0[b.rank() - 2], b.0[b.rank() - 1]);
        if ka != kb {
            return Err(format!("matmul inner dimensions differ: {a} @ {b}"));
        }
        let batch = Shape::try_broadcast(&a.batch(), &b.batch())
            .map_err(|_| format!("matmul batch dimensions do not broadcast: {a} @ {b}"))?;
        let mut d = batch.0;
        d.push(m);
        d.push(p);
        Ok(Shape(d))
    }

    /// The batch part of a matrix shape (all but the last two dimensions).
    pub fn batch(&self) -> Shape {
        assert!(self.rank() >= 2, "shape {self} is not a matrix");
        Shape(self.0[..self.rank() - 2].to_vec())
    }

    /// Reshape: same number of elements required, else panic naming both shapes.
    pub fn reshape(&self, to: &Shape) -> Shape {
        assert!(
            self.numel() == to.numel(),
            "cannot reshape {self} ({} elements) to {to} ({} elements)",
            self.numel(),
            to.numel()
        );
        to.clone()
    }

    /// Swap two axes.
    pub fn transpose(&self, a0: usize, a1: usize) -> Shape {
        assert!(
            a0 < self.rank() && a1 < self.rank(),
            "transpose axes ({a0}, {a1}) out of range for {self}"
        );
        let mut d = self.0.clone();
        d.swap(a0, a1);
        Shape(d)
    }

    /// Narrow dimension `axis` to `len` entries starting at `start`.
    pub fn narrow(&self, axis: usize, start: usize, len: usize) -> Shape {
        assert!(
            axis < self.rank(),
            "narrow axis {axis} out of range for {self}"
        );
        assert!(
            start + len <= self.0[axis],
            "narrow [{start}, {}) out of range on axis {axis} of {self}",
            start + len
        );
        let mut d = self.0.clone();
        d[axis] = len;
        Shape(d)
    }

    /// Concatenate along `axis`; all other dimensions must agree.
    pub fn concat(parts: &[&Shape], axis: usize) -> Shape {
        assert!(!parts.is_empty(), "concat of no tensors");
        let first = parts[0];
        assert!(
            axis < first.rank(),
            "concat axis {axis} out of range for {first}"
        );
        let mut d = first.0.clone();
        d[axis] = 0;
        for p in parts {
            assert!(
                p.rank() == first.rank()
                    && (0..p.rank()).all(|i| i == axis || p.0[i] == first.0[i]),
                "cannot concat {first} and {p} on axis {axis}"
            );
            d[axis] += p.0[axis];
        }
        Shape(d)
    }

    /// Sum over `axis`: the axis is removed, or kept with extent 1 when `keepdim`.
    pub fn sum_axis(&self, axis: usize, keepdim: bool) -> Shape {
        assert!(
            axis < self.rank(),
            "sum axis {axis} out of range for {self}"
        );
        let mut d = self.0.clone();
        if keepdim {
            d[axis] = 1;
        } else {
            d.remove(axis);
        }
        Shape(d)
    }

    /// Stack `count` tensors of this shape along a new leading axis.
    pub fn stacked(&self, count: usize) -> Shape {
        let mut d = vec![count];
        d.extend_from_slice(&self.0);
        Shape(d)
    }

    /// `(outer, axis_len, inner)` sizes around `axis`, for row-major kernels.
    pub fn split_at_axis(&self, axis: usize) -> (usize, usize, usize) {
        assert!(
            axis < self.rank(),
            "axis {axis} out of range for shape {self}"
        );
        let outer = self.0[..axis].iter().product();
        let inner = self.0[axis + 1..].iter().product();
        (outer, self.0[axis], inner)
    }

    /// Written with `x` between dimensions (`16x128x128`); the scalar is written `scalar`.
    pub fn to_x_string(&self) -> String {
        if self.0.is_empty() {
            return "scalar".to_string();
        }
        self.0
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("x")
    }
}

fn dim_from_right(s: &Shape, i: usize) -> usize {
    if i < s.rank() {
        s.0[s.rank() - 1 - i]
    } else {
        1
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(")?;
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                write!(f, ",")?;
            }
            write!(f, "{d}")?;
        }
        if self.0.len() == 1 {
            write!(f, ",")?;
        }
        write!(f, ")")
    }
}

impl fmt::Debug for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl From<&[usize]> for Shape {
    fn from(d: &[usize]) -> Self {
        Shape(d.to_vec())
    }
}

impl<const N: usize> From<[usize; N]> for Shape {
    fn from(d: [usize; N]) -> Self {
        Shape(d.to_vec())
    }
}

impl From<Vec<usize>> for Shape {
    fn from(d: Vec<usize>) -> Self {
        Shape(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcast_rules() {
        let a = Shape::from([4, 1, 3]);
        let b = Shape::from([5, 1]);
        assert_eq!(Shape::broadcast(&a, &b), Shape::from([4, 5, 3]));
        assert_eq!(Shape::broadcast(&Shape::scalar(), &a), a);
    }

    #[test]
    #[should_panic(expected = "shapes (2,3) and (4,) do not broadcast")]
    fn broadcast_mismatch_names_both() {
        Shape::broadcast(&Shape::from([2, 3]), &Shape::from([4]));
    }

    #[test]
    fn matmul_batch_broadcast() {
        let a = Shape::from([1, 512, 1024]);
        let b = Shape::from([1024, 4096]);
        assert_eq!(Shape::matmul(&a, &b), Shape::from([1, 512, 4096]));
        let a = Shape::from([0, 3, 4]);
        let b = Shape::from([4, 2]);
        assert_eq!(Shape::matmul(&a, &b).numel(), 0);
    }

    #[test]
    #[should_panic(expected = "(2,3) @ (4,5)")]
    fn matmul_mismatch_names_both() {
        Shape::matmul(&Shape::from([2, 3]), &Shape::from([4, 5]));
    }

    #[test]
    fn display_and_x_string() {
        assert_eq!(Shape::from([64]).to_string(), "(64,)");
        assert_eq!(Shape::from([1, 128]).to_string(), "(1,128)");
        assert_eq!(Shape::from([16, 128, 128]).to_x_string(), "16x128x128");
    }
}
