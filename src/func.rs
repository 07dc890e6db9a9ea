//! Fixed-point functions under MPC, generic over the backend: CrypTen's approximations (exp,
//! reciprocal, inverse square root, log, sigmoid/tanh, erf, cos/sin), max/argmax, softmax, GeLU,
//! LayerNorm, dropout, and the paper's one-round cosine. One function per file.

pub mod dropout;
pub mod max;
pub mod softmax;
