//! Binary (XOR-shared) AND of 64-bit words, and stacking helpers for binary circuits.
//!
//! Reference: CrypTen `crypten/mpc/primitives/beaver.py` (`AND`) and
//! `crypten/mpc/primitives/binary.py` (`__and__`, `__xor__`).
//!
//! XOR is local ([`BShare::xor`]); AND needs one Beaver round.

use crate::engine::{BShare, Backend, Ctx};
use crate::ring::Shape;

/// Bitwise AND `x & y` of two XOR sharings of 64-bit words, with numpy broadcasting.
///
/// Beaver AND with a binary triple `(a, b, c = a & b)` of the operands' shapes: open
/// `e = x ^ a` and `d = y ^ b` together, then `z = c ^ (e & b) ^ (a & d) ^ (e & d)`.
/// **Cost: 1 round, |x| + |y| elements opened** (whole 64-bit words).
/// Dealer: one `binary_triple` (|x|, |y|, |x & y|). Exact (no error).
pub fn and_bb<B: Backend>(ctx: &mut Ctx<B>, x: &BShare<B>, y: &BShare<B>) -> BShare<B> {
    let (dealer, scope) = ctx.dealer();
    let scope = scope.clone();
    let (a, b, c) = dealer.binary_triple(&scope, x.shape(), y.shape());
    let opened = ctx.open_binary_masked_many(&[(x, &a), (y, &b)]);
    let (e, d) = (&opened[0], &opened[1]);
    BShare::and_combine(&c, &a, &b, e, d)
}

/// `x & y` where both operands are first broadcast to their common shape `s` (numpy rules), as
/// if the broadcast copies had been materialised and passed to [`and_bb`] (e.g. the adder's
/// stacked `[P, P]`, given as `P` with a leading axis of 1): the triple and the openings are of
/// shape `s`; the exec backend reads the smaller operand in place.
/// **Cost: 1 round, 2 |s| elements opened.** Dealer: one `binary_triple` (|s|, |s|, |s|). Exact.
pub fn and_bb_broadcast<B: Backend>(ctx: &mut Ctx<B>, x: &BShare<B>, y: &BShare<B>) -> BShare<B> {
    let s = Shape::broadcast(x.shape(), y.shape());
    let (dealer, scope) = ctx.dealer();
    let scope = scope.clone();
    let (a, b, c) = dealer.binary_triple(&scope, &s, &s);
    let opened = ctx.open_binary_masked_many(&[(x, &a), (y, &b)]);
    let (e, d) = (&opened[0], &opened[1]);
    BShare::and_combine(&c, &a, &b, e, d)
}

/// The shape `[1, dims..]` of `s` (a new leading axis of extent 1).
pub(crate) fn with_leading_one(s: &Shape) -> Shape {
    let mut d = vec![1];
    d.extend_from_slice(s.dims());
    Shape::new(d)
}

/// Stack binary sharings of one shape along a new leading axis (local, free).
pub(crate) fn stack_b<B: Backend>(parts: &[&BShare<B>]) -> BShare<B> {
    let r: Vec<BShare<B>> = parts
        .iter()
        .map(|p| p.reshape(with_leading_one(p.shape())))
        .collect();
    let refs: Vec<&BShare<B>> = r.iter().collect();
    BShare::concat(&refs, 0)
}

/// Stack binary sharings of one shape along a new leading axis, every word shifted left by `k`
/// bits (local, free; one pass).
pub(crate) fn stack_shl_b<B: Backend>(parts: &[&BShare<B>], k: u32) -> BShare<B> {
    let r: Vec<BShare<B>> = parts
        .iter()
        .map(|p| p.reshape(with_leading_one(p.shape())))
        .collect();
    let refs: Vec<&BShare<B>> = r.iter().collect();
    BShare::concat_shl(&refs, 0, k)
}

/// Entry `i` of the leading axis of a stacked binary sharing, with shape `s` (local, free).
pub(crate) fn unstack_b<B: Backend>(x: &BShare<B>, i: usize, s: &Shape) -> BShare<B> {
    x.narrow(0, i, 1).reshape(s.clone())
}
