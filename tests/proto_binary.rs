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

fn fixed_vals(xs: &[f64]) -> Vec<u64> {
    xs.iter().map(|&x| ((x * 65536.0) as i64) as u64).collect()
}

#[test]
fn eq_exact_and_costs_7_rounds_13n_with_measured_correlations() {
    // half the entries zero, as in the measured row `eq (64,)`
    let n = 64;
    let mut v = random_words(n, 2);
    for (i, w) in v.iter_mut().enumerate() {
        if i % 2 == 0 {
            *w = 0;
        }
    }
    v[1] = 1;
    v[3] = u64::MAX;
    v[5] = 1 << 63;
    let (ce, out) = both(
        &[n],
        &v,
        |c, x| proto::eqz_a(c, x),
        |c, x| {
            proto::eqz_a(c, x);
        },
    );
    let got = ce.peek(&out);
    for (i, (&g, &x)) in got.data().iter().zip(&v).enumerate() {
        assert_eq!(g, (x == 0) as u64, "eqz at {i}: x = {x:#x}");
    }
    // measured: TFP,eq,(64,): 7 rounds, 13312 bytes = 16 x 832 elements
    assert_eq!(cost_of(&ce), (7, 13 * n as u64));
    assert_eq!(ce.ledger().totals().crypten_bytes[0].0, 13312);
    assert_eq!(
        ce.dealer_log().correlations_used(),
        "binary_triple x6 elems=384/384/384; b2a_bit x1 elems=64/64"
    );
}

#[test]
fn eq_of_two_sharings_and_broadcasting() {
    let mut ce = ctx::<Exec>(3);
    let x = share_ring(&mut ce, &[2, 3], &[1, 2, 3, 4, 5, 6]);
    let y = share_ring(&mut ce, &[3], &[4, 2, 6]);
    let e = proto::eq_a(&mut ce, &x, &y);
    assert_eq!(ce.peek(&e).data(), &[0, 1, 0, 1, 0, 1]);
}

#[test]
fn where_selects_and_costs_two_sequential_muls() {
    let xs = [1.5, -2.25, 3.0, 7.0];
    let ys = [-4.0, 0.5, 9.75, -1.0];
    let cs = [1u64, 0, 0, 1];
    let run = |c: &mut Ctx<Exec>| {
        let cc = share_ring(c, &[4], &cs);
        let x = share_ring(c, &[4], &fixed_vals(&xs));
        let y = share_ring(c, &[4], &fixed_vals(&ys));
        proto::where_a(c, &cc, &x, &y)
    };
    let mut ce = ctx::<Exec>(4);
    let out = run(&mut ce);
    assert_eq!(ce.peek_f64(&out), vec![1.5, 0.5, 9.75, 7.0]);
    assert_eq!(cost_of(&ce), (2, 16));
    // broadcasting: c (3,1), x (3,4), y (4): (|c| + |y|) + (|x| + |c|) = 7 + 15
    let mut cc = ctx::<Cost>(4);
    let c = AShare::<Cost>::zeros(Shape::new(vec![3, 1]));
    let x = AShare::<Cost>::zeros(Shape::new(vec![3, 4]));
    let y = AShare::<Cost>::zeros(Shape::new(vec![4]));
    let out = proto::where_a(&mut cc, &c, &x, &y);
    assert_eq!(out.shape(), &Shape::new(vec![3, 4]));
    assert_eq!(cost_of(&cc), (2, 7 + 15));
}

#[test]
fn rand_is_uniform_on_16_bits_and_costs_1_round_16n() {
    let n = 4000;
    let shape = Shape::new(vec![n]);
    let mut ce = ctx::<Exec>(5);
    let r = proto::rand_a(&mut ce, &shape);
    let mut cc = ctx::<Cost>(5);
    proto::rand_a(&mut cc, &shape);
    assert_eq!(ce.ledger(), cc.ledger());
    assert_eq!(ce.dealer_log(), cc.dealer_log());
    assert_eq!(cost_of(&ce), (1, 16 * n as u64));
    assert_eq!(
        ce.dealer_log().correlations_used(),
        format!("b2a_bit x1 elems={0}/{0}", 16 * n)
    );
    let v = ce.peek_f64(&r);
    assert!(v.iter().all(|&u| (0.0..1.0).contains(&u)));
    let mean = v.iter().sum::<f64>() / n as f64;
    assert!((mean - 0.5).abs() < 0.03, "mean {mean}");
    // a second call draws fresh values
    let r2 = proto::rand_a(&mut ce, &shape);
    assert_ne!(ce.peek(&r).data(), ce.peek(&r2).data());
}
