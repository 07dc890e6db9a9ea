//! Stated costs of the model's building blocks (cost backend), each checked against the formula
//! derived from the reference texts (`crypten-autograd.md`, `crypten-2pc.md`), not from the code.

use secp_tuning::engine::{AShare, Cost, Ctx, CtxConfig, RunSeed};
use secp_tuning::model::dropout::{dropout_public, dropout_secret};
use secp_tuning::model::ffn::{gelu_tanh, gelu_tanh_bw};
use secp_tuning::model::head::cross_entropy_bw;
use secp_tuning::model::layer_norm::{layer_norm, layer_norm_bw};
use secp_tuning::model::linear::{linear, linear_bw};
use secp_tuning::model::methods::{CosineKind, LayerNormVariant, Profile, RfaDivide};
use secp_tuning::model::rfa::{rfa_attention, rfa_projection};
use secp_tuning::net::{Rounds, Totals};
use secp_tuning::ring::Shape;

fn ctx() -> Ctx<Cost> {
    Ctx::new(CtxConfig::default())
}

fn sh(d: &[usize]) -> AShare<Cost> {
    AShare::zeros(Shape::new(d.to_vec()))
}

fn delta(ctx: &Ctx<Cost>, before: Totals) -> (u64, u64) {
    let t = ctx.ledger().totals();
    (
        t.rounds.0 - before.rounds.0,
        t.opened_elements - before.opened_elements,
    )
}

#[test]
fn linear_costs() {
    let (s, h, o) = (16usize, 64usize, 256usize);
    let mut c = ctx();
    let (x, w, b) = (sh(&[1, s, h]), sh(&[h, o]), sh(&[o]));
    let y = linear(&mut c, &x, &w, &b);
    assert_eq!(delta(&c, Totals::default()), (1, (s * h + h * o) as u64));
    let t0 = c.ledger().totals();
    let _ = linear_bw(
        &mut c,
        Profile::Crypten,
        &y,
        &x,
        &w,
        b.shape(),
        (false, false),
    );
    let g = s * o;
    assert_eq!(delta(&c, t0), (2, (g + h * o + s * h + g) as u64));
    let t1 = c.ledger().totals();
    let _ = linear_bw(&mut c, Profile::Lean, &y, &x, &w, b.shape(), (true, false));
    assert_eq!(delta(&c, t1), (1, (g + h * o) as u64));
    let t2 = c.ledger().totals();
    let _ = linear_bw(&mut c, Profile::Lean, &y, &x, &w, b.shape(), (true, true));
    assert_eq!(
        delta(&c, t2),
        (1, (g + h * o + s * h + g) as u64),
        "batched"
    );
}

#[test]
fn layer_norm_costs() {
    let (s, h) = (16usize, 64usize);
    let n = (s * h) as u64;
    let (r, hh) = (s as u64, h as u64);
    let (x, g, b) = (sh(&[1, s, h]), sh(&[h]), sh(&[h]));
    let v = LayerNormVariant::SqrtReciprocal;
    let mut c = ctx();
    let _ = layer_norm(&mut c, &x, &g, &b, v, false, 1e-5);
    assert_eq!(delta(&c, Totals::default()), (59, 3 * n + 95 * r + hh));
    let mut c = ctx();
    let (y, tape) = layer_norm(&mut c, &x, &g, &b, v, true, 1e-5);
    assert_eq!(delta(&c, Totals::default()), (60, 4 * n + 95 * r + hh));
    let t0 = c.ledger().totals();
    let _ = layer_norm_bw(
        &mut c,
        Profile::Crypten,
        &y,
        tape.as_ref().unwrap(),
        &g,
        false,
    );
    assert_eq!(delta(&c, t0), (8, 7 * n + 7 * r + hh));
    let mut c = ctx();
    let _ = layer_norm(&mut c, &x, &g, &b, LayerNormVariant::InvSqrt, false, 1e-5);
    assert_eq!(
        delta(&c, Totals::default()),
        (1 + 17 + 1 + 1, 3 * n + 24 * r + hh)
    );
}

#[test]
fn gelu_costs() {
    let n = 16 * 256;
    let x = sh(&[1, 16, 256]);
    let mut c = ctx();
    let (y, tape) = gelu_tanh(&mut c, &x);
    assert_eq!(delta(&c, Totals::default()), (26, 52 * n as u64));
    let t0 = c.ledger().totals();
    let _ = gelu_tanh_bw(&mut c, Profile::Crypten, &y, &tape);
    assert_eq!(delta(&c, t0), (8, 15 * n as u64));
    let t1 = c.ledger().totals();
    let _ = gelu_tanh_bw(&mut c, Profile::Lean, &y, &tape);
    assert_eq!(delta(&c, t1), (4, 9 * n as u64));
}

#[test]
fn dropout_and_loss_costs() {
    let n = 16 * 64;
    let x = sh(&[1, 16, 64]);
    let mut c = ctx();
    let _ = dropout_public(&mut c, &x, 0.1, RunSeed(1), "site");
    assert_eq!(c.ledger().totals().rounds, Rounds(0));
    let _ = dropout_secret(&mut c, &x, 0.1);
    assert_eq!(delta(&c, Totals::default()), (10, 45 * n as u64));
    let mut c = ctx();
    let _ = cross_entropy_bw(&mut c, &sh(&[1, 2]), &sh(&[1, 2]));
    assert_eq!(delta(&c, Totals::default()), (1, 3));
}

#[test]
fn rfa_costs() {
    let (b, h, t, d, m) = (1u64, 4u64, 24u64, 16u64, 8u64);
    let q = sh(&[1, 4, 24, 16]);
    for (cos, div, cos_r, cos_e, rec_r, rec_e) in [
        (CosineKind::OneRound, RfaDivide::Signed, 1, 1, 38, 69),
        (CosineKind::Crypten, RfaDivide::AllPositive, 28, 37, 28, 38),
    ] {
        let mut c = ctx();
        let w = rfa_projection(&c, RunSeed(1), "layer00", 4, 16, 8);
        let _ = rfa_attention(&mut c, &q, &q, &q, &w, 2.0, cos, div, true);
        let (nx, nf) = (b * h * t, b * h * t * m);
        let feature = (
            1 + 8 + cos_r + 1,
            b * h * t * d + 8 * nx + cos_e * nf + 2 * nf + nx,
        );
        let rounds = 2 * feature.0 + 3 + rec_r + 1;
        let elems = 2 * feature.1
            + (2 * nf + b * h * t * d)
            + (2 * nf + 2 * b * h * m * d)
            + (2 * nf + 2 * b * h * m)
            + rec_e * nx
            + (b * h * t * d + nx);
        assert_eq!(delta(&c, Totals::default()), (rounds, elems), "{cos:?}");
        let t0 = c.ledger().totals();
        let _ = rfa_attention(&mut c, &q, &q, &q, &w, 2.0, cos, div, false);
        let saved = (10, b * h * t * d + 9 * nx + 2 * nf);
        assert_eq!(
            delta(&c, t0),
            (rounds - saved.0, elems - saved.1),
            "{cos:?}, no factor"
        );
    }
}
