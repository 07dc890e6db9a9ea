//! The cost backend's tensor: a shape and nothing else (O(1) memory whatever the size).

use super::shape::Shape;
use super::tensor::RingTensor;
use super::tensor::ShareRng;

/// A tensor that is only a shape. Every operation computes its output shape through [`Shape`]
/// (the same rules the exec backend uses) and never allocates element storage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShapeTensor {
    shape: Shape,
}

impl RingTensor for ShapeTensor {
    const HAS_DATA: bool = false;

    fn shape(&self) -> &Shape {
        &self.shape
    }
    fn filled(shape: Shape, _value: u64) -> Self {
        ShapeTensor { shape }
    }
    fn from_fn(shape: Shape, _f: impl FnMut(usize) -> u64) -> Self {
        ShapeTensor { shape }
    }
    fn random(shape: Shape, _rng: &mut ShareRng) -> Self {
        ShapeTensor { shape }
    }
    fn map(&self, _f: impl Fn(u64) -> u64 + Sync) -> Self {
        self.clone()
    }
    fn zip(&self, other: &Self, _f: impl Fn(u64, u64) -> u64 + Sync) -> Self {
        ShapeTensor {
            shape: Shape::broadcast(&self.shape, &other.shape),
        }
    }
    fn zip_n<const N: usize>(ins: [&Self; N], _f: impl Fn([u64; N]) -> u64 + Sync) -> Self {
        ShapeTensor {
            shape: broadcast_all(ins.iter().map(|t| &t.shape)),
        }
    }
    fn zip_n2<const N: usize>(
        ins: [&Self; N],
        _f: impl Fn([u64; N]) -> [u64; 2] + Sync,
    ) -> [Self; 2] {
        let t = ShapeTensor {
            shape: broadcast_all(ins.iter().map(|t| &t.shape)),
        };
        [t.clone(), t]
    }
    fn matmul(&self, other: &Self) -> Self {
        ShapeTensor {
            shape: Shape::matmul(&self.shape, &other.shape),
        }
    }
    fn reshape(&self, shape: Shape) -> Self {
        ShapeTensor {
            shape: self.shape.reshape(&shape),
        }
    }
    fn transpose(&self, a0: usize, a1: usize) -> Self {
        ShapeTensor {
            shape: self.shape.transpose(a0, a1),
        }
    }
    fn narrow(&self, axis: usize, start: usize, len: usize) -> Self {
        ShapeTensor {
            shape: self.shape.narrow(axis, start, len),
        }
    }
    fn concat(parts: &[&Self], axis: usize) -> Self {
        let shapes: Vec<&Shape> = parts.iter().map(|p| &p.shape).collect();
        ShapeTensor {
            shape: Shape::concat(&shapes, axis),
        }
    }
    fn concat_map(parts: &[&Self], axis: usize, _f: impl Fn(u64) -> u64 + Sync) -> Self {
        Self::concat(parts, axis)
    }
    fn sum_axis(&self, axis: usize, keepdim: bool) -> Self {
        ShapeTensor {
            shape: self.shape.sum_axis(axis, keepdim),
        }
    }
    fn expand(&self, shape: &Shape) -> Self {
        assert!(
            self.shape.broadcasts_to(shape),
            "cannot expand {} to {shape}",
            self.shape
        );
        ShapeTensor {
            shape: shape.clone(),
        }
    }
}

/// The common broadcast shape of several shapes (panics, naming two shapes, when they do not
/// broadcast); a scalar for none.
pub(super) fn broadcast_all<'a>(shapes: impl Iterator<Item = &'a Shape>) -> Shape {
    shapes.fold(Shape::scalar(), |acc, s| Shape::broadcast(&acc, s))
}
