//! The catalog itself: one variant per operation, its inputs, its f64 reference.

use super::OpsError;
use super::reference as f;
use crate::engine::{AShare, Backend, Ctx, Public};
use crate::func;
use crate::proto::{self, matmul_aa, matmul_ap, mul_aa, square_a};
use crate::ring::Shape;
use rand::RngExt;

/// How exec-mode input values are drawn (the measured CSV's `input` column).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Domain {
    /// Uniform on `[lo, hi)`.
    Uniform(f64, f64),
    /// Magnitude uniform on `[lo, hi)`, random sign.
    SignedMagnitude(f64, f64),
    /// Normal with the given mean and standard deviation.
    Normal(f64, f64),
    /// Two inputs uniform on `[lo, hi)`, the second equal to the first on even indices.
    HalfEqual(f64, f64),
}

macro_rules! ops {
    ($( $v:ident => $name:literal, $doc:literal; )*) => {
        /// An operation of the catalog.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Op {
            $( #[doc = $doc] $v, )*
        }

        impl Op {
            /// Every operation, in catalog order.
            pub const ALL: &'static [Op] = &[ $( Op::$v, )* ];

            /// The name, as in the measured CSV's `op` column where it has one.
            pub fn name(self) -> &'static str {
                match self { $( Op::$v => $name, )* }
            }
        }
    };
}

ops! {
    Reveal => "reveal", "Open to both servers (CrypTen `reveal`).";
    ShareInput => "share_input", "Secret-share an input (pseudo-random zero sharing: free).";
    AddPrivate => "add_private", "`x + y`, both private (local).";
    MulPrivate => "mul_private", "`x * y`, both private (Beaver).";
    MulPublic => "mul_public", "`x * p`, public tensor `p`, local truncation.";
    Square => "square", "`x^2` with a square pair.";
    Truncation => "truncation", "Local truncation by `2^16`.";
    DivPublic => "div_public", "`x / 3.0`: an integral public divisor divides each share (CrypTen `div_` by an int).";
    Sum => "sum", "Sum of all elements (local).";
    Mean => "mean", "Mean of all elements (sum, public integer division).";
    Lt => "lt", "`x < y` (A2B, top bit, 1-bit B2A).";
    Gt => "gt", "`x > y`.";
    Le => "le", "`x <= y`.";
    Ge => "ge", "`x >= y`.";
    Ltz => "ltz", "`x < 0`.";
    Eq => "eq", "`x == y` (2-party AND tree).";
    Relu => "relu", "`max(x, 0)`.";
    Abs => "abs", "`|x|`.";
    Sign => "sign", "`+1` for `x >= 0`, else `-1`.";
    Exp => "exp", "`e^x` by the limit method, 8 squarings.";
    Reciprocal => "reciprocal", "`1 / x`, sign-aware Newton-Raphson.";
    Div => "div", "Private division `x / y` = `x * reciprocal(y)`.";
    Sqrt => "sqrt", "`sqrt(x)` = `inv_sqrt(x) * x`.";
    InvSqrt => "inv_sqrt", "`1 / sqrt(x)`, Newton-Raphson.";
    Log => "log", "Natural log, Householder iterations.";
    Sigmoid => "sigmoid", "Logistic sigmoid (reciprocal method).";
    Tanh => "tanh", "`2 sigmoid(2x) - 1`.";
    Cos => "cos", "CrypTen's cosine by `(1 + ix/2^10)^(2^10)`: 28 rounds.";
    Sin => "sin", "CrypTen's sine, same method.";
    CosOneRound => "cos_one_round", "The paper's one-round cosine (masked opening, local recombination).";
    SinOneRound => "sin_one_round", "The paper's one-round sine.";
    Erf => "erf", "Taylor series, 8 terms (correct value, CrypTen's call sequence).";
    ErfSmall => "erf_small", "`erf` measured on `[-0.5, 0.5]`, where CrypTen is right.";
    GeluErf => "gelu_erf", "`0.5 x (1 + erf(x / sqrt 2))`.";
    GeluTanh => "gelu_tanh", "`0.5 x (1 + tanh(sqrt(2/pi)(x + 0.044715 x^3)))`.";
    MaxDim => "max_dim", "Maximum over the last dimension (CrypTen `log_reduction`, value and one-hot).";
    Argmax => "argmax", "One-hot argmax over the last dimension.";
    Softmax => "softmax", "CrypTen softmax over the last dimension.";
    LogSoftmax => "log_softmax", "CrypTen log-softmax over the last dimension.";
    Layernorm => "layernorm", "The measured LayerNorm composition over the last dimension: no affine, `inv_sqrt` of the row variances.";
    Dropout => "dropout", "Dropout with a secret mask, p = 0.1 (random tensor, comparison, mul).";
    Rand => "rand", "Shared uniform random tensor on [0, 1) (16-bit B2A).";
    Matmul => "matmul", "Private batched matmul (Beaver).";
    MatmulPublic => "matmul_public", "Private @ public weights (local).";
}

/// Public operand used by `mul_public`: a fixed pattern on [-10, 10).
fn public_pattern(i: usize) -> f64 {
    ((i * 7919) % 2000) as f64 / 100.0 - 10.0
}

/// Public weights used by `matmul_public`: a fixed pattern on [-1, 1).
fn public_weight(i: usize) -> f64 {
    ((i * 7919) % 2000) as f64 / 1000.0 - 1.0
}

/// The dropout probability of the catalog's `dropout`.
pub const DROPOUT_P: f64 = 0.1;

impl Op {
    /// The operation of a name; the error lists the known names.
    pub fn from_name(name: &str) -> Result<Op, OpsError> {
        Op::ALL
            .iter()
            .copied()
            .find(|o| o.name() == name)
            .ok_or_else(|| {
                OpsError(format!(
                    "unknown op {name:?}; known ops: {}",
                    Op::ALL
                        .iter()
                        .map(|o| o.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })
    }

    /// Whether the operation is element-wise on one tensor of any shape (listed by `ops --n N`).
    pub fn is_elementwise(self) -> bool {
        !self.needs_rhs() && !self.is_row_op()
    }

    /// Whether the operation works on rows (the last dimension).
    pub fn is_row_op(self) -> bool {
        matches!(
            self,
            Op::MaxDim | Op::Argmax | Op::Softmax | Op::LogSoftmax | Op::Layernorm
        )
    }

    /// Whether the operation takes a right-hand matrix.
    pub fn needs_rhs(self) -> bool {
        matches!(self, Op::Matmul | Op::MatmulPublic)
    }

    /// Number of private inputs.
    pub fn arity(self) -> usize {
        match self {
            Op::AddPrivate
            | Op::MulPrivate
            | Op::Matmul
            | Op::Lt
            | Op::Gt
            | Op::Le
            | Op::Ge
            | Op::Eq
            | Op::Div => 2,
            _ => 1,
        }
    }

    /// The input domain used for exec-mode values (the measured CSV's `input` column).
    pub fn domain(self) -> Domain {
        use std::f64::consts::PI;
        match self {
            Op::Matmul | Op::MatmulPublic => Domain::Uniform(-1.0, 1.0),
            Op::Eq => Domain::HalfEqual(-10.0, 10.0),
            Op::Exp => Domain::Uniform(-8.0, 4.0),
            Op::Reciprocal | Op::Div => Domain::SignedMagnitude(0.1, 10.0),
            Op::Sqrt | Op::InvSqrt | Op::Log => Domain::Uniform(0.1, 10.0),
            Op::Tanh => Domain::Uniform(-5.0, 5.0),
            Op::Cos | Op::Sin | Op::CosOneRound | Op::SinOneRound => Domain::Uniform(-PI, PI),
            Op::Erf => Domain::Uniform(-2.0, 2.0),
            Op::ErfSmall => Domain::Uniform(-0.5, 0.5),
            Op::GeluErf | Op::GeluTanh => Domain::Uniform(-4.0, 4.0),
            Op::MaxDim | Op::Argmax | Op::Softmax | Op::LogSoftmax => Domain::Normal(0.0, 4.0),
            Op::Layernorm => Domain::Normal(0.5, 2.0),
            _ => Domain::Uniform(-10.0, 10.0),
        }
    }

    /// Runs the operation on shared inputs; returns the result as a sharing. Opened results are
    /// re-shared locally for free, and bits at ring scale 1 are lifted to fixed point by a local
    /// integer product, so every op returns a fixed-point sharing at no extra cost.
    pub fn run<B: Backend>(self, ctx: &mut Ctx<B>, x: &[AShare<B>]) -> AShare<B> {
        let fx = ctx.fixed();
        let lift = |bit: AShare<B>| bit.mul_int(1 << fx.frac_bits);
        let last = x[0].shape().rank().saturating_sub(1);
        match self {
            Op::Reveal => AShare::from_public(&ctx.reveal(&x[0])),
            Op::ShareInput => x[0].clone(),
            Op::AddPrivate => x[0].add(&x[1]),
            Op::MulPrivate => mul_aa(ctx, &x[0], &x[1]),
            Op::MulPublic => {
                let p = Public::from_f64_fn(fx, x[0].shape().clone(), public_pattern);
                x[0].mul_public_fixed(&p, fx)
            }
            Op::Square => square_a(ctx, &x[0]),
            Op::Truncation => x[0].mul_int(1 << fx.frac_bits).truncate(fx),
            Op::DivPublic => x[0].div_public_int(3),
            Op::Sum => sum_all(&x[0]),
            Op::Mean => {
                let n = x[0].numel() as u64;
                sum_all(&x[0]).div_public_int(n.max(1))
            }
            Op::Lt => lift(proto::compare::lt_a(ctx, &x[0], &x[1])),
            Op::Gt => lift(proto::compare::gt_a(ctx, &x[0], &x[1])),
            Op::Le => lift(proto::compare::le_a(ctx, &x[0], &x[1])),
            Op::Ge => lift(proto::compare::ge_a(ctx, &x[0], &x[1])),
            Op::Ltz => lift(proto::compare::ltz_a(ctx, &x[0])),
            Op::Eq => lift(proto::eq::eq_a(ctx, &x[0], &x[1])),
            Op::Relu => proto::compare::relu_a(ctx, &x[0]),
            Op::Abs => proto::compare::abs_a(ctx, &x[0]),
            Op::Sign => proto::compare::sign_a(ctx, &x[0]),
            Op::Exp => func::exp::exp(ctx, &x[0]),
            Op::Reciprocal => func::reciprocal::reciprocal(ctx, &x[0]),
            Op::Div => func::div::div_aa(ctx, &x[0], &x[1]),
            Op::Sqrt => func::sqrt::sqrt(ctx, &x[0]),
            Op::InvSqrt => func::inv_sqrt::inv_sqrt(ctx, &x[0]),
            Op::Log => func::log::log(ctx, &x[0]),
            Op::Sigmoid => func::sigmoid::sigmoid(ctx, &x[0]),
            Op::Tanh => func::sigmoid::tanh(ctx, &x[0]),
            Op::Cos => func::trig::cos(ctx, &x[0]),
            Op::Sin => func::trig::sin(ctx, &x[0]),
            Op::CosOneRound => func::cos_one_round::cos_one_round(ctx, &x[0]),
            Op::SinOneRound => func::cos_one_round::sin_one_round(ctx, &x[0]),
            Op::Erf | Op::ErfSmall => func::erf::erf(ctx, &x[0]),
            Op::GeluErf => func::gelu::gelu_erf(ctx, &x[0]),
            Op::GeluTanh => func::gelu::gelu_tanh(ctx, &x[0]),
            Op::MaxDim => func::max::max_dim(ctx, &x[0], last, false).0,
            Op::Argmax => lift(func::max::argmax_dim(ctx, &x[0], last)),
            Op::Softmax => func::softmax::softmax(ctx, &x[0], last),
            Op::LogSoftmax => func::softmax::log_softmax(ctx, &x[0], last),
            Op::Layernorm => func::layer_norm::layer_norm(
                ctx,
                &x[0],
                None,
                None,
                LAYERNORM_EPS,
                func::layer_norm::LayerNormForm::InvSqrt,
            ),
            Op::Dropout => func::dropout::dropout_secret(ctx, &x[0], DROPOUT_P),
            Op::Rand => proto::random::rand_a(ctx, x[0].shape()),
            Op::Matmul => matmul_aa(ctx, &x[0], &x[1]),
            Op::MatmulPublic => {
                let shape = x[1].shape().clone();
                let w = Public::from_f64_fn(fx, shape, public_weight);
                matmul_ap(ctx, &x[0], &w)
            }
        }
    }

    /// The f64 reference of the operation on the inputs' values (`shapes` are the inputs'), or
    /// `None` for random outputs (dropout, rand).
    pub fn reference(self, x: &[Vec<f64>], shapes: &[Shape]) -> Option<Vec<f64>> {
        let a = &x[0];
        let map = |g: fn(f64) -> f64| Some(a.iter().map(|&v| g(v)).collect());
        let zip =
            |g: fn(f64, f64) -> f64| Some(a.iter().zip(&x[1]).map(|(&p, &q)| g(p, q)).collect());
        let row_len = shapes[0].dims().last().copied().unwrap_or(1).max(1);
        let rows = |g: fn(&[f64]) -> Vec<f64>| Some(a.chunks(row_len).flat_map(g).collect());
        match self {
            Op::Reveal | Op::ShareInput | Op::Truncation => Some(a.clone()),
            Op::AddPrivate => zip(|p, q| p + q),
            Op::MulPrivate => zip(|p, q| p * q),
            Op::MulPublic => Some(
                a.iter()
                    .enumerate()
                    .map(|(i, p)| p * public_pattern(i))
                    .collect(),
            ),
            Op::Square => map(|v| v * v),
            Op::DivPublic => map(|v| v / 3.0),
            Op::Sum => Some(vec![a.iter().sum()]),
            Op::Mean => Some(vec![a.iter().sum::<f64>() / a.len().max(1) as f64]),
            Op::Lt => zip(|p, q| bit(p < q)),
            Op::Gt => zip(|p, q| bit(p > q)),
            Op::Le => zip(|p, q| bit(p <= q)),
            Op::Ge => zip(|p, q| bit(p >= q)),
            Op::Ltz => map(|v| bit(v < 0.0)),
            Op::Eq => zip(|p, q| bit(p == q)),
            Op::Relu => map(|v| v.max(0.0)),
            Op::Abs => map(f64::abs),
            Op::Sign => map(|v| if v >= 0.0 { 1.0 } else { -1.0 }),
            Op::Exp => map(f64::exp),
            Op::Reciprocal => map(|v| 1.0 / v),
            Op::Div => zip(|p, q| p / q),
            Op::Sqrt => map(f64::sqrt),
            Op::InvSqrt => map(|v| 1.0 / v.sqrt()),
            Op::Log => map(f64::ln),
            Op::Sigmoid => map(|v| 1.0 / (1.0 + (-v).exp())),
            Op::Tanh => map(f64::tanh),
            Op::Cos | Op::CosOneRound => map(f64::cos),
            Op::Sin | Op::SinOneRound => map(f64::sin),
            Op::Erf | Op::ErfSmall => map(f::erf),
            Op::GeluErf => map(f::gelu_erf),
            Op::GeluTanh => map(f::gelu_tanh),
            Op::MaxDim => rows(|r| vec![r.iter().copied().fold(f64::MIN, f64::max)]),
            Op::Argmax => rows(f::argmax_onehot),
            Op::Softmax => rows(f::softmax),
            Op::LogSoftmax => rows(|r| f::softmax(r).into_iter().map(f64::ln).collect()),
            Op::Layernorm => rows(|r| f::layer_norm(r, LAYERNORM_EPS)),
            Op::Dropout | Op::Rand => None,
            Op::Matmul => Some(f::matmul(a, &x[1], &shapes[0], &shapes[1])),
            Op::MatmulPublic => {
                let w: Vec<f64> = (0..shapes[1].numel()).map(public_weight).collect();
                Some(f::matmul(a, &w, &shapes[0], &shapes[1]))
            }
        }
    }
}

/// The `eps` of the catalog's LayerNorm (1e-5, which encodes to 0 at 16 fractional bits).
pub const LAYERNORM_EPS: f64 = 1e-5;

fn bit(c: bool) -> f64 {
    if c { 1.0 } else { 0.0 }
}

fn sum_all<B: Backend>(x: &AShare<B>) -> AShare<B> {
    x.reshape(Shape::from([x.numel()])).sum_axis(0, false)
}

/// The validated inputs of one catalog run: shapes, and (in exec mode) values from the op's
/// domain drawn from the run seed's `ops-input` stream.
#[derive(Clone, Debug)]
pub struct OpInputs {
    op: Op,
    shapes: Vec<Shape>,
}

impl OpInputs {
    /// Validates the shapes for `op`: matmul needs `rhs` with matching inner dimension; others
    /// refuse `rhs`; row operations need at least one dimension with a non-empty row.
    pub fn new(op: Op, shape: &Shape, rhs: Option<&Shape>) -> Result<OpInputs, OpsError> {
        let shapes = match (op.needs_rhs(), rhs) {
            (true, None) => {
                return Err(OpsError(format!(
                    "op {} needs --rhs (the right-hand matrix shape)",
                    op.name()
                )));
            }
            (true, Some(r)) => {
                Shape::try_matmul(shape, r)
                    .map_err(|e| OpsError(format!("op {}: {e}", op.name())))?;
                vec![shape.clone(), r.clone()]
            }
            (false, Some(_)) => {
                return Err(OpsError(format!("op {} takes no --rhs", op.name())));
            }
            (false, None) => {
                if op.is_row_op() && (shape.rank() == 0 || shape.numel() == 0) {
                    return Err(OpsError(format!(
                        "op {} works on rows: it needs a non-empty shape with at least one \
                         dimension, got {}",
                        op.name(),
                        shape.to_x_string()
                    )));
                }
                vec![shape.clone(); op.arity()]
            }
        };
        Ok(OpInputs { op, shapes })
    }

    /// The input shapes.
    pub fn shapes(&self) -> &[Shape] {
        &self.shapes
    }

    /// The shape as written in the `ops` CSV.
    pub fn shape_string(&self) -> String {
        if self.op.needs_rhs() {
            format!(
                "{}@{}",
                self.shapes[0].to_x_string(),
                self.shapes[1].to_x_string()
            )
        } else {
            self.shapes[0].to_x_string()
        }
    }

    /// The exec-mode input values (drawn in a fixed order from the `ops-input` stream).
    pub fn values(&self, seed: u64) -> Vec<Vec<f64>> {
        let mut rng = crate::engine::RunSeed(seed).stream("ops-input");
        let mut draw = |n: usize, d: Domain| -> Vec<f64> {
            (0..n)
                .map(|_| match d {
                    Domain::Uniform(lo, hi) | Domain::HalfEqual(lo, hi) => rng.random_range(lo..hi),
                    Domain::SignedMagnitude(lo, hi) => {
                        let m = rng.random_range(lo..hi);
                        if rng.random_range(0..2u8) == 0 { m } else { -m }
                    }
                    Domain::Normal(mean, std) => {
                        // Box-Muller on two uniforms from the same stream.
                        let u1: f64 = rng.random_range(f64::EPSILON..1.0);
                        let u2: f64 = rng.random_range(0.0..1.0);
                        mean + std
                            * (-2.0 * u1.ln()).sqrt()
                            * (2.0 * std::f64::consts::PI * u2).cos()
                    }
                })
                .collect()
        };
        let d = self.op.domain();
        let mut vals: Vec<Vec<f64>> = self.shapes.iter().map(|s| draw(s.numel(), d)).collect();
        if let Domain::HalfEqual(..) = d {
            let first = vals[0].clone();
            for (i, v) in vals[1].iter_mut().enumerate() {
                if i % 2 == 0 {
                    *v = first[i];
                }
            }
        }
        vals
    }

    /// Shares the inputs (free). In cost mode no value is drawn.
    pub fn share_inputs<B: Backend>(&self, ctx: &mut Ctx<B>, seed: u64) -> Vec<AShare<B>> {
        if <B::T as crate::ring::RingTensor>::HAS_DATA {
            let vals = self.values(seed);
            self.shapes
                .iter()
                .zip(&vals)
                .map(|(s, v)| ctx.share_f64(s.clone(), |i| v[i]))
                .collect()
        } else {
            self.shapes
                .iter()
                .map(|s| ctx.share_f64(s.clone(), |_| 0.0))
                .collect()
        }
    }
}
