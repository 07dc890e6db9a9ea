//! Fixed-point functions under MPC, generic over the backend: CrypTen's approximations (exp,
//! reciprocal, inverse square root, log, sigmoid/tanh, erf, cos/sin), max/argmax, softmax, GeLU,
//! LayerNorm, dropout, and the paper's one-round cosine. One function per file.

pub mod cos_one_round;
pub mod div;
pub mod dropout;
pub mod erf;
pub mod exp;
pub mod gelu;
pub mod inv_sqrt;
pub mod layer_norm;
pub mod log;
pub mod max;
pub mod params;
pub mod polynomial;
pub mod pow;
pub mod reciprocal;
pub mod sigmoid;
pub mod softmax;
pub mod sqrt;
pub mod trig;
