//! The catalog itself: one variant per operation, its inputs, its f64 reference.

use super::OpsError;
use crate::engine::{AShare, Backend, Ctx, Public};
use crate::proto::{matmul_aa, matmul_ap, mul_aa, square_a};
use crate::ring::Shape;
use rand::RngExt;

/// An operation of the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Open to both servers (CrypTen `reveal`).
    Reveal,
    /// Secret-share an input (pseudo-random zero sharing: free).
    ShareInput,
    /// `x + y`, both private.
    AddPrivate,
    /// `x * y`, both private (Beaver).
    MulPrivate,
    /// `x * p`, public tensor `p`, local truncation.
    MulPublic,
    /// `x^2` with a square pair.
    Square,
    /// Local truncation by `2^16`.
    Truncation,
    /// `x / 3.0`: CrypTen turns an integral public divisor into an integer division of each
    /// share (`div_` by an int), which is exact to about one ulp.
    DivPublic,
    /// Sum of all elements.
    Sum,
    /// Mean of all elements (sum, then public integer division).
    Mean,
    /// Private batched matmul (Beaver).
    Matmul,
    /// Private @ public weights (local).
    MatmulPublic,
}

/// Public operand used by `mul_public`: a fixed pattern on [-10, 10).
fn public_pattern(i: usize) -> f64 {
    ((i * 7919) % 2000) as f64 / 100.0 - 10.0
}

/// Public weights used by `matmul_public`: a fixed pattern on [-1, 1).
fn public_weight(i: usize) -> f64 {
    ((i * 7919) % 2000) as f64 / 1000.0 - 1.0
}

impl Op {
    /// Every operation, in catalog order.
    pub const ALL: &'static [Op] = &[
        Op::Reveal,
        Op::ShareInput,
        Op::AddPrivate,
        Op::MulPrivate,
        Op::MulPublic,
        Op::Square,
        Op::Truncation,
        Op::DivPublic,
        Op::Sum,
        Op::Mean,
        Op::Matmul,
        Op::MatmulPublic,
    ];

    /// The name, as in the measured CSV's `op` column.
    pub fn name(self) -> &'static str {
        match self {
            Op::Reveal => "reveal",
            Op::ShareInput => "share_input",
            Op::AddPrivate => "add_private",
            Op::MulPrivate => "mul_private",
            Op::MulPublic => "mul_public",
            Op::Square => "square",
            Op::Truncation => "truncation",
            Op::DivPublic => "div_public",
            Op::Sum => "sum",
            Op::Mean => "mean",
            Op::Matmul => "matmul",
            Op::MatmulPublic => "matmul_public",
        }
    }

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

    /// Whether the operation takes one tensor of any shape (listed by `ops --n N`).
    pub fn is_elementwise(self) -> bool {
        !matches!(self, Op::Matmul | Op::MatmulPublic)
    }

    /// Whether the operation takes a right-hand matrix.
    pub fn needs_rhs(self) -> bool {
        matches!(self, Op::Matmul | Op::MatmulPublic)
    }

    /// Number of private inputs.
    pub fn arity(self) -> usize {
        match self {
            Op::AddPrivate | Op::MulPrivate | Op::Matmul => 2,
            _ => 1,
        }
    }

    /// The input domain used for exec-mode values (the measured CSV's `input` column).
    pub fn domain(self) -> (f64, f64) {
        match self {
            Op::Matmul | Op::MatmulPublic => (-1.0, 1.0),
            _ => (-10.0, 10.0),
        }
    }

    /// Runs the operation on shared inputs; returns the result as a sharing (opened results are
    /// re-shared locally for free so every op has the same return type).
    pub fn run<B: Backend>(self, ctx: &mut Ctx<B>, x: &[AShare<B>]) -> AShare<B> {
        let fx = ctx.fixed();
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
            Op::Matmul => matmul_aa(ctx, &x[0], &x[1]),
            Op::MatmulPublic => {
                let shape = x[1].shape().clone();
                let w = Public::from_f64_fn(fx, shape, public_weight);
                matmul_ap(ctx, &x[0], &w)
            }
        }
    }

    /// The f64 reference of the operation on the inputs' values (`shapes` are the inputs').
    pub fn reference(self, x: &[Vec<f64>], shapes: &[Shape]) -> Vec<f64> {
        let a = &x[0];
        match self {
            Op::Reveal | Op::ShareInput | Op::Truncation => a.clone(),
            Op::AddPrivate => a.iter().zip(&x[1]).map(|(p, q)| p + q).collect(),
            Op::MulPrivate => a.iter().zip(&x[1]).map(|(p, q)| p * q).collect(),
            Op::MulPublic => a
                .iter()
                .enumerate()
                .map(|(i, p)| p * public_pattern(i))
                .collect(),
            Op::Square => a.iter().map(|p| p * p).collect(),
            Op::DivPublic => a.iter().map(|p| p / 3.0).collect(),
            Op::Sum => vec![a.iter().sum()],
            Op::Mean => vec![a.iter().sum::<f64>() / a.len().max(1) as f64],
            Op::Matmul => plain_matmul(a, &x[1], &shapes[0], &shapes[1]),
            Op::MatmulPublic => {
                let w: Vec<f64> = (0..shapes[1].numel()).map(public_weight).collect();
                plain_matmul(a, &w, &shapes[0], &shapes[1])
            }
        }
    }
}

fn sum_all<B: Backend>(x: &AShare<B>) -> AShare<B> {
    x.reshape(Shape::from([x.numel()])).sum_axis(0, false)
}

/// f64 matmul of `[.., m, k] @ [k, p]` or `[b, m, k] @ [b, k, p]` (the catalog's shapes).
fn plain_matmul(a: &[f64], b: &[f64], sa: &Shape, sb: &Shape) -> Vec<f64> {
    let out = Shape::matmul(sa, sb);
    let (m, k) = (sa.dims()[sa.rank() - 2], sa.dims()[sa.rank() - 1]);
    let p = sb.dims()[sb.rank() - 1];
    let batches = out.numel() / (m * p).max(1);
    let a_batches = sa.numel() / (m * k).max(1);
    let b_batches = sb.numel() / (k * p).max(1);
    let mut c = vec![0.0; out.numel()];
    for bi in 0..batches {
        let ao = (bi % a_batches.max(1)) * m * k;
        let bo = (bi % b_batches.max(1)) * k * p;
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

/// The validated inputs of one catalog run: shapes, and (in exec mode) values from the op's
/// domain drawn from the run seed's `ops-input` stream.
#[derive(Clone, Debug)]
pub struct OpInputs {
    op: Op,
    shapes: Vec<Shape>,
}

impl OpInputs {
    /// Validates the shapes for `op`: matmul needs `rhs` with matching inner dimension; others
    /// refuse `rhs`.
    pub fn new(op: Op, shape: &Shape, rhs: Option<&Shape>) -> Result<OpInputs, OpsError> {
        let shapes = match (op.needs_rhs(), rhs) {
            (true, None) => {
                return Err(OpsError(format!(
                    "op {} needs --rhs (the right-hand matrix shape)",
                    op.name()
                )));
            }
            (true, Some(r)) => {
                if shape.rank() < 2 || r.rank() < 2 {
                    return Err(OpsError(format!(
                        "op {} needs matrices of rank >= 2, got {} @ {}",
                        op.name(),
                        shape.to_x_string(),
                        r.to_x_string()
                    )));
                }
                let k = shape.dims()[shape.rank() - 1];
                let kr = r.dims()[r.rank() - 2];
                if k != kr {
                    return Err(OpsError(format!(
                        "op {}: inner dimensions differ: {} @ {}",
                        op.name(),
                        shape.to_x_string(),
                        r.to_x_string()
                    )));
                }
                vec![shape.clone(), r.clone()]
            }
            (false, Some(_)) => {
                return Err(OpsError(format!("op {} takes no --rhs", op.name())));
            }
            (false, None) => vec![shape.clone(); op.arity()],
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
    pub fn values(&self, fx_seed: u64) -> Vec<Vec<f64>> {
        let mut rng = crate::engine::RunSeed(fx_seed).stream("ops-input");
        let (lo, hi) = self.op.domain();
        self.shapes
            .iter()
            .map(|s| (0..s.numel()).map(|_| rng.random_range(lo..hi)).collect())
            .collect()
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
