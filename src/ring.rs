//! Tensors over the ring Z_2^64, the one shape algebra, fixed-point encoding, the matmul kernel.

pub mod exec_tensor;
pub mod fixed;
pub mod matmul;
pub mod shape;
pub mod shape_tensor;
pub mod tensor;

pub use exec_tensor::ExecTensor;
pub use fixed::FixedPoint;
pub use shape::Shape;
pub use shape_tensor::ShapeTensor;
pub use tensor::RingTensor;
