//! Maximum and one-hot argmax along a dimension (and over all elements), CrypTen's
//! `log_reduction` method with random tie-breaking.
//!
//! Reference: CrypTen `crypten/common/functions/maximum.py` (`max`, `argmax`,
//! `_max_helper_log_reduction`, `_compute_pairwise_comparisons_for_steps`,
//! `_argmax_helper_pairwise`, `_argmax_helper_all_tree_reductions`) and `crypten/mpc/mpc.py`
//! (`weighted_index`, `where`, `prod`); cost structure from `crypten-2pc.md`, "max, argmax,
//! softmax".
//!
//! Internally the input is viewed as `B` rows of length `L` (the reduced dimension is swapped to
//! the last axis and the rest flattened; both free). With `n = B L`:
//!
//! 1. **Log reduction**: `steps = floor(ln L)` (natural log). Each step splits the current length
//!    `m` into halves of `h = floor(m / 2)` plus a remainder of `m mod 2`, computes
//!    `c = (x >= y)` ([`ge_a`]: 8 rounds, 27 B h) and `where(c, x, y)` (2 rounds, 4 B h), and
//!    continues on the `h + m mod 2` maxima. **10 rounds, 31 B h per step.**
//! 2. **Pairwise max** of the remaining length `r` (`r_eff = max(r, 2)`): every row is compared
//!    with its `r_eff - 1` cyclic shifts (`ge`: 8 rounds, 27 (r_eff - 1) B r); the comparison
//!    bits are multiplied together over the shifts by a product tree (each level halves the
//!    count `s`, `s <- floor(s/2) + s mod 2`: 1 round, `2 floor(s/2) B r` per level); when
//!    `r_eff - 1 >= 128` they are instead summed and compared once with `r_eff - 1` (8 rounds,
//!    27 B r). Ties are broken by [`weighted_index`] (10 rounds, `18 B + 27 B r`), and the value
//!    is `sum(x * onehot)` (1 round, 2 B r).
//! 3. For `max_dim`/`argmax` (not for the max over all elements), CrypTen recomputes the one-hot
//!    argmax over the whole input: `eq(x, max)` (7 rounds, 13 n) and [`weighted_index`] of it
//!    (10 rounds, `18 B + 27 n`).
//!
//! Measured (CrypTen 0.4.1, TFP) for `(1, 64)`: 78 rounds, 78592 bytes (4912 elements),
//! correlations `binary_triple x55 elems=2204/2204/2204; b2a_bit x10 elems=236/236;
//! mul_triple x13 elems=134/134/134`.
//!
//! Values: exact (comparisons are exact and every product has a bit as one factor, so no
//! truncation happens). The one-hot output has exactly one 1 per row, chosen uniformly among
//! tied maxima.

use crate::engine::{AShare, Backend, Ctx, Public};
use crate::proto::{eq_a, ge_a, gez_a, gt_a, mul_aa_ring, rand_a, where_a};
use crate::ring::Shape;

/// Above this many pairwise comparisons per element, the pairwise stage sums the comparison bits
/// and compares once instead of multiplying them (CrypTen: `row_length - 1 < 2 * 64`).
pub const PAIRWISE_PROD_LIMIT: usize = 128;

/// `floor(ln L)`: the number of log-reduction steps for a row of length `L` (CrypTen
/// `int(math.log(n))`).
pub fn log_reduction_steps(len: usize) -> usize {
    assert!(len >= 1, "max over an empty dimension");
    (len as f64).ln().floor() as usize
}

/// `[1, dims..]`.
fn lead1(s: &Shape) -> Shape {
    let mut d = vec![1];
    d.extend_from_slice(s.dims());
    Shape::new(d)
}

/// Cyclic shift of a `(B, r)` sharing by `k` along the last axis (torch `roll`): local.
fn roll_last<B: Backend>(x: &AShare<B>, k: usize) -> AShare<B> {
    let r = x.shape().dims()[1];
    let k = k % r;
    if k == 0 {
        return x.clone();
    }
    AShare::concat(&[&x.narrow(1, r - k, k), &x.narrow(1, 0, r - k)], 1)
}

/// Inclusive prefix sums along the last axis of a `(B, m)` sharing (local: `ceil(log2 m)`
/// shifted additions).
fn cumsum_last<B: Backend>(x: &AShare<B>) -> AShare<B> {
    let (b, m) = (x.shape().dims()[0], x.shape().dims()[1]);
    let mut acc = x.clone();
    let mut k = 1;
    while k < m {
        let zeros = AShare::zeros(Shape::new(vec![b, k]));
        let shifted = AShare::concat(&[&zeros, &acc.narrow(1, 0, m - k)], 1);
        acc = acc.add(&shifted);
        k *= 2;
    }
    acc
}

/// CrypTen's `weighted_index` along the last axis of a `(B, m)` tensor of non-negative integer
/// weights at ring scale 1: a one-hot row (ring scale 1) whose 1 is at index `j` with probability
/// `w_j / sum(w)` (all zeros if a row's weights are all 0).
///
/// `c = cumsum(w)`; `u = rand(B)` (fixed point in [0, 1)); `t = u * c_last` (a Beaver product
/// with the integer total, no truncation, so `t` is fixed point in [0, W)); `g = (c > t)`
/// (comparison of `c` scaled to fixed point with `t`); result `g - roll(g, 1)` with the first
/// column of the rolled copy zeroed. **Cost: 10 rounds, 18 B + 27 B m** (rand 1 round 16 B,
/// product 1 round 2 B, comparison 8 rounds 27 B m). Dealer: one `b2a_bit` (16 B), one
/// `mul_triple` (B, B, B), one comparison's correlations on B m.
pub fn weighted_index<B: Backend>(ctx: &mut Ctx<B>, w: &AShare<B>) -> AShare<B> {
    assert_eq!(
        w.shape().rank(),
        2,
        "weighted_index works on (rows, length)"
    );
    let (b, m) = (w.shape().dims()[0], w.shape().dims()[1]);
    ctx.scoped("weighted_index", |ctx| {
        let scale = ctx.fixed().scale();
        let c = cumsum_last(w);
        let total = c.narrow(1, m - 1, 1);
        let u = rand_a(ctx, total.shape());
        let t = mul_aa_ring(ctx, &u, &total);
        let g = gt_a(ctx, &c.mul_int(scale as i64), &t);
        let shifted = AShare::concat(
            &[
                &AShare::zeros(Shape::new(vec![b, 1])),
                &g.narrow(1, 0, m - 1),
            ],
            1,
        );
        g.sub(&shifted)
    })
}

/// Stage 1: `steps` halving steps of `where(x >= y, x, y)` on a `(B, L)` sharing.
fn log_reduce<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, steps: usize) -> AShare<B> {
    let mut cur = x.clone();
    for _ in 0..steps {
        let m = cur.shape().dims()[1];
        let h = m / 2;
        let a = cur.narrow(1, 0, h);
        let y = cur.narrow(1, h, h);
        let c = ge_a(ctx, &a, &y);
        let pm = where_a(ctx, &c, &a, &y);
        cur = if m % 2 == 1 {
            AShare::concat(&[&pm, &cur.narrow(1, 2 * h, 1)], 1)
        } else {
            pm
        };
    }
    cur
}

/// Stage 2: pairwise max of a `(B, r)` sharing: `(value (B,), onehot (B, r))`.
fn pairwise_max<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> (AShare<B>, AShare<B>) {
    let (b, r) = (x.shape().dims()[0], x.shape().dims()[1]);
    let row = r.max(2);
    let k = row - 1;
    let stacked_shape = Shape::new(vec![k, b, r]);
    let a = x.reshape(lead1(x.shape())).expand(&stacked_shape);
    let rolls: Vec<AShare<B>> = (1..=k)
        .map(|i| roll_last(x, i).reshape(lead1(x.shape())))
        .collect();
    let refs: Vec<&AShare<B>> = rolls.iter().collect();
    let y = AShare::concat(&refs, 0);
    let comps = ge_a(ctx, &a, &y);
    let all_ge = if k < PAIRWISE_PROD_LIMIT {
        // product tree over the k comparison bits
        let mut cur = comps;
        let mut s = k;
        while s > 1 {
            let half = s / 2;
            let p = mul_aa_ring(ctx, &cur.narrow(0, 0, half), &cur.narrow(0, half, half));
            cur = if s % 2 == 1 {
                AShare::concat(&[&p, &cur.narrow(0, 2 * half, 1)], 0)
            } else {
                p
            };
            s = half + s % 2;
        }
        cur.reshape(x.shape().clone())
    } else {
        let sum = comps.sum_axis(0, false);
        let target = Public::filled_ring(sum.shape().clone(), k as u64);
        gez_a(ctx, &sum.sub_public(&target))
    };
    let onehot = weighted_index(ctx, &all_ge);
    let value = mul_aa_ring(ctx, x, &onehot).sum_axis(1, false);
    (value, onehot)
}

/// The maximum of every row of a `(B, L)` sharing (stages 1 and 2), shape `(B,)`.
fn row_max<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    let steps = log_reduction_steps(x.shape().dims()[1]);
    let reduced = log_reduce(ctx, x, steps);
    pairwise_max(ctx, &reduced).0
}

/// Maximum and one-hot argmax of every row of a `(B, L)` sharing (stages 1 to 3).
fn row_max_argmax<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> (AShare<B>, AShare<B>) {
    let b = x.shape().dims()[0];
    let value = row_max(ctx, x);
    let eq = eq_a(ctx, x, &value.reshape(Shape::new(vec![b, 1])));
    let onehot = weighted_index(ctx, &eq);
    (value, onehot)
}

/// `x` with `dim` swapped to the last axis and flattened to `(B, L)`; returns the swapped shape.
fn to_rows<B: Backend>(x: &AShare<B>, dim: usize) -> (AShare<B>, Shape) {
    let rank = x.shape().rank();
    assert!(
        dim < rank,
        "max: dim {dim} out of range for shape {}",
        x.shape()
    );
    let last = rank - 1;
    let t = if dim == last {
        x.clone()
    } else {
        x.transpose(dim, last)
    };
    let swapped = t.shape().clone();
    let len = swapped.dims()[last];
    let rows = swapped.numel() / len.max(1);
    (t.reshape(Shape::new(vec![rows, len])), swapped)
}

/// Back from `(B, m)` rows (with `m` = `len` entries on the reduced axis) to the input layout.
fn from_rows<B: Backend>(y: &AShare<B>, swapped: &Shape, dim: usize, len: usize) -> AShare<B> {
    let last = swapped.rank() - 1;
    let mut d = swapped.dims().to_vec();
    d[last] = len;
    let t = y.reshape(Shape::new(d));
    if dim == last {
        t
    } else {
        t.transpose(dim, last)
    }
}

/// Maximum along `dim` and the one-hot argmax (CrypTen `x.max(dim, keepdim)`, which always
/// computes both). `values` has the input shape without `dim` (or with `dim` of extent 1 when
/// `keepdim`); `onehot` has the input's shape, one 1 per row (ring scale 1), ties broken at
/// random.
///
/// **Cost** (B rows of length L, n = B L): `10 steps + 8 + levels + 10 + 1 + 7 + 10` rounds with
/// `steps = floor(ln L)` and `levels` the product-tree depth over `max(r, 2) - 1` comparison
/// bits; elements as in the module header. (1, 64): 78 rounds, 4912 elements.
pub fn max_dim<B: Backend>(
    ctx: &mut Ctx<B>,
    x: &AShare<B>,
    dim: usize,
    keepdim: bool,
) -> (AShare<B>, AShare<B>) {
    ctx.scoped("max", |ctx| {
        let (rows, swapped) = to_rows(x, dim);
        let len = rows.shape().dims()[1];
        let (value, onehot) = row_max_argmax(ctx, &rows);
        let onehot = from_rows(&onehot, &swapped, dim, len);
        let value_keep = from_rows(&value, &swapped, dim, 1);
        let value = if keepdim {
            value_keep
        } else {
            let mut d = x.shape().dims().to_vec();
            d.remove(dim);
            value_keep.reshape(Shape::new(d))
        };
        (value, onehot)
    })
}

/// One-hot argmax along `dim` (CrypTen `x.argmax(dim, one_hot=True)`): the `onehot` of
/// [`max_dim`], at the same cost.
pub fn argmax_dim<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>, dim: usize) -> AShare<B> {
    ctx.scoped("argmax", |ctx| max_dim(ctx, x, dim, false).1)
}

/// Maximum over all elements (CrypTen `x.max()` with `log_reduction`: the value comes directly
/// from stages 1 and 2 on the flattened input, no full one-hot recomputation). Scalar shape.
/// **Cost**: as [`max_dim`] with `B = 1`, `L = numel`, minus stage 3 (17 rounds,
/// `13 L + 18 + 27 L` elements).
pub fn max_all<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    ctx.scoped("max", |ctx| {
        let rows = x.reshape(Shape::new(vec![1, x.numel()]));
        row_max(ctx, &rows).reshape(Shape::scalar())
    })
}

/// One-hot argmax over all elements (CrypTen `x.argmax()`), shaped like `x`: stages 1 to 3 on
/// the flattened input. Same cost as [`max_dim`] with `B = 1`, `L = numel`.
pub fn argmax_all<B: Backend>(ctx: &mut Ctx<B>, x: &AShare<B>) -> AShare<B> {
    ctx.scoped("argmax", |ctx| {
        let rows = x.reshape(Shape::new(vec![1, x.numel()]));
        row_max_argmax(ctx, &rows).1.reshape(x.shape().clone())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_log_steps() {
        assert_eq!(log_reduction_steps(1), 0);
        assert_eq!(log_reduction_steps(2), 0);
        assert_eq!(log_reduction_steps(3), 1);
        assert_eq!(log_reduction_steps(64), 4);
        assert_eq!(log_reduction_steps(128), 4);
        assert_eq!(log_reduction_steps(512), 6);
    }
}
