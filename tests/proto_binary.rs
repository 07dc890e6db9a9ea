//! Binary-circuit protocols: A2B, B2A, comparisons, equality, selection, random sharing, and
//! max/argmax. Exec values against plain integer/f64 math; exec ledger == cost ledger and equal
//! dealer logs; costs against formulas written from `crypten-2pc.md` (the reference text) and the
//! measured CSV rows quoted inline.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use secp_tuning::engine::{AShare, Backend, Cost, Ctx, CtxConfig, Exec, RunSeed};
use secp_tuning::proto;
use secp_tuning::ring::{RingTensor, Shape};

fn ctx<B: Backend>(seed: u64) -> Ctx<B> {
    Ctx::new(CtxConfig {
        seed: RunSeed(seed),
        ..Default::default()
    })
}

fn share_ring<B: Backend>(c: &mut Ctx<B>, shape: &[usize], v: &[u64]) -> AShare<B> {
    let s = Shape::new(shape.to_vec());
    c.share_input(B::T::from_fn(s, |i| v[i]))
}

/// (rounds, opened elements) of a context's ledger.
fn cost_of<B: Backend>(c: &Ctx<B>) -> (u64, u64) {
    let t = c.ledger().totals();
    (t.rounds.0, t.opened_elements)
}

/// Runs `f` on an exec context with values `v` and on a cost context with the same shape, and
/// asserts identical ledgers and dealer logs. Returns the exec context and output.
fn both<R>(
    shape: &[usize],
    v: &[u64],
    fe: impl Fn(&mut Ctx<Exec>, &AShare<Exec>) -> R,
    fc: impl Fn(&mut Ctx<Cost>, &AShare<Cost>),
) -> (Ctx<Exec>, R) {
    let mut ce = ctx::<Exec>(11);
    let xe = share_ring(&mut ce, shape, v);
    let out = fe(&mut ce, &xe);
    let mut cc = ctx::<Cost>(11);
    let xc = share_ring(&mut cc, shape, v);
    fc(&mut cc, &xc);
    assert_eq!(ce.ledger(), cc.ledger(), "exec and cost ledgers differ");
    assert_eq!(
        ce.dealer_log(),
        cc.dealer_log(),
        "exec and cost dealer logs differ"
    );
    (ce, out)
}

fn random_words(n: usize, seed: u64) -> Vec<u64> {
    let mut r = ChaCha20Rng::seed_from_u64(seed);
    (0..n).map(|_| r.next_u64()).collect()
}

#[test]
fn ltz_exact_on_random_ring_elements_and_costs_8_rounds_27n() {
    let n = 257;
    let mut v = random_words(n, 1);
    v[0] = 0;
    v[1] = u64::MAX;
    v[2] = 1 << 63;
    v[3] = (1 << 63) - 1;
    let (ce, out) = both(
        &[n],
        &v,
        |c, x| proto::ltz_a(c, x),
        |c, x| {
            proto::ltz_a(c, x);
        },
    );
    let got = ce.peek(&out);
    for (i, (&g, &x)) in got.data().iter().zip(&v).enumerate() {
        assert_eq!(g, ((x as i64) < 0) as u64, "ltz at {i}: x = {x:#x}");
    }
    assert_eq!(cost_of(&ce), (8, 27 * n as u64));
    assert_eq!(
        ce.dealer_log().correlations_used(),
        format!(
            "binary_triple x7 elems={0}/{0}/{0}; b2a_bit x1 elems={1}/{1}",
            13 * n,
            n
        )
    );
}

#[test]
fn sign_is_fixed_point_plus_minus_one() {
    let v: Vec<u64> = [-3i64, 0, 5, -1, 1 << 40]
        .iter()
        .map(|&x| x as u64)
        .collect();
    let (ce, out) = both(
        &[5],
        &v,
        |c, x| proto::sign_a(c, x),
        |c, x| {
            proto::sign_a(c, x);
        },
    );
    assert_eq!(ce.peek_f64(&out), vec![-1.0, 1.0, 1.0, -1.0, 1.0]);
    assert_eq!(cost_of(&ce), (8, 27 * 5));
}
