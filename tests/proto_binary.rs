//! Binary-circuit protocols: A2B, B2A, comparisons, equality, selection, random sharing, and
//! max/argmax. Exec values against plain integer/f64 math (ltz, sign, eq and the comparisons on
//! 10^4 random inputs); exec ledger == cost ledger and equal dealer logs (22 shapes, empty and
//! non-last-dimension cases included); costs against formulas written from `crypten-2pc.md` (the
//! reference text) and the measured CSV rows quoted inline.
//! Dependency depths derived by hand from the circuits.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use secp_tuning::engine::{AShare, Backend, Cost, Ctx, CtxConfig, Exec, RunSeed};
use secp_tuning::proto;
use secp_tuning::ring::{RingTensor, Shape};

mod common;
use common::{max_stage3, max_stage12};

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

/// The `correlations_used` entries as a sorted list (the ledger orders kinds its own way).
fn sorted_corr(s: &str) -> Vec<String> {
    let mut v: Vec<String> = s.split("; ").map(|e| e.trim().to_string()).collect();
    v.sort();
    v
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
    let (ce, out) = both(&[n], &v, proto::ltz_a, |c, x| {
        proto::ltz_a(c, x);
    });
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
    let (ce, out) = both(&[5], &v, proto::sign_a, |c, x| {
        proto::sign_a(c, x);
    });
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
    let (ce, out) = both(&[n], &v, proto::eqz_a, |c, x| {
        proto::eqz_a(c, x);
    });
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

mod max {
    use super::*;
    use secp_tuning::func::max::{argmax_all, argmax_dim, max_all, max_dim};

    fn gaussian_rows(rows: usize, len: usize, seed: u64) -> Vec<f64> {
        // x ~ N(0, 16) by Box-Muller, quantised to the fixed-point grid
        let mut r = ChaCha20Rng::seed_from_u64(seed);
        let mut u = || (r.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        (0..rows * len)
            .map(|_| {
                let (a, b) = (u().max(1e-300), u());
                let g = 4.0 * (-2.0 * a.ln()).sqrt() * (2.0 * std::f64::consts::PI * b).cos();
                (g * 65536.0).trunc() / 65536.0
            })
            .collect()
    }

    #[test]
    fn max_dim_1x64_matches_measured_crypten_row() {
        // TFP,max_dim,"(1,64)": 78 rounds, 78592 bytes,
        // binary_triple x55 elems=2204/2204/2204; b2a_bit x10 elems=236/236;
        // mul_triple x13 elems=134/134/134
        let xs = gaussian_rows(1, 64, 7);
        let (ce, (v, oh)) = both(
            &[1, 64],
            &fixed_vals(&xs),
            |c, x| max_dim(c, x, 1, false),
            |c, x| {
                max_dim(c, x, 1, false);
            },
        );
        let t = ce.ledger().totals();
        assert_eq!(t.rounds.0, 78);
        assert_eq!(t.crypten_bytes, [secp_tuning::net::Bytes(78592); 2]);
        assert_eq!(
            sorted_corr(&ce.dealer_log().correlations_used()),
            sorted_corr(
                "binary_triple x55 elems=2204/2204/2204; b2a_bit x10 elems=236/236; \
                 mul_triple x13 elems=134/134/134"
            )
        );
        let want = xs.iter().cloned().fold(f64::MIN, f64::max);
        assert_eq!(ce.peek_f64(&v), vec![want]);
        let oh = ce.peek(&oh);
        let i = xs.iter().position(|&x| x == want).unwrap();
        for (j, &b) in oh.data().iter().enumerate() {
            assert_eq!(b, (j == i) as u64);
        }
    }

    #[test]
    fn max_values_and_argmax_exact_on_many_shapes() {
        for (shape, dim, seed) in [
            (vec![5, 7], 1usize, 1u64),
            (vec![3, 20], 1, 2),
            (vec![2, 3, 9], 2, 3),
            (vec![6, 4], 0, 4),
            (vec![2, 8, 3], 1, 5),
            (vec![4, 1], 1, 6),
            (vec![3, 2], 1, 7),
            (vec![1, 100], 1, 8),
        ] {
            let n: usize = shape.iter().product();
            let xs = gaussian_rows(1, n, seed);
            let (ce, (v, oh)) = both(
                &shape,
                &fixed_vals(&xs),
                |c, x| max_dim(c, x, dim, true),
                |c, x| {
                    max_dim(c, x, dim, true);
                },
            );
            // plaintext max along dim
            let dims = shape.clone();
            let strides: Vec<usize> = (0..dims.len())
                .map(|i| dims[i + 1..].iter().product())
                .collect();
            let got_v = ce.peek_f64(&v);
            let got_oh = ce.peek(&oh);
            let mut vshape = dims.clone();
            vshape[dim] = 1;
            assert_eq!(v.shape(), &Shape::new(vshape.clone()));
            for (vi, &gv) in got_v.iter().enumerate() {
                // multi-index of vi in vshape
                let mut rem = vi;
                let mut base = 0;
                for a in 0..dims.len() {
                    let s: usize = vshape[a + 1..].iter().product();
                    let idx = rem / s;
                    rem %= s;
                    base += idx * strides[a];
                }
                let line: Vec<f64> = (0..dims[dim])
                    .map(|k| xs[base + k * strides[dim]])
                    .collect();
                let want = line.iter().cloned().fold(f64::MIN, f64::max);
                assert_eq!(gv, want, "shape {shape:?} dim {dim} row {vi}");
                let ones: Vec<u64> = (0..dims[dim])
                    .map(|k| got_oh.data()[base + k * strides[dim]])
                    .collect();
                assert_eq!(ones.iter().sum::<u64>(), 1, "one-hot {ones:?}");
                let k = ones.iter().position(|&b| b == 1).unwrap();
                assert_eq!(line[k], want);
            }
            // argmax_dim is the same one-hot at the same cost
            let mut c2 = ctx::<Exec>(11);
            let x2 = share_ring(&mut c2, &shape, &fixed_vals(&xs));
            let oh2 = argmax_dim(&mut c2, &x2, dim);
            assert_eq!(c2.ledger().totals(), ce.ledger().totals());
            assert_eq!(c2.peek(&oh2).data().iter().sum::<u64>(), got_v.len() as u64);
        }
    }

    #[test]
    fn ties_are_broken_to_one_of_the_maxima() {
        let xs = [3.0, 1.0, 3.0, 3.0, -2.0, 3.0, 0.5];
        let mut picked = [0usize; 7];
        for seed in 0..40 {
            let mut ce = ctx::<Exec>(seed);
            let x = share_ring(&mut ce, &[1, 7], &fixed_vals(&xs));
            let (v, oh) = max_dim(&mut ce, &x, 1, false);
            assert_eq!(ce.peek_f64(&v), vec![3.0]);
            let oh = ce.peek(&oh);
            assert_eq!(oh.data().iter().sum::<u64>(), 1);
            let k = oh.data().iter().position(|&b| b == 1).unwrap();
            assert_eq!(xs[k], 3.0);
            picked[k] += 1;
        }
        // the four tied positions are all chosen sometimes
        assert!(picked.iter().filter(|&&c| c > 0).count() >= 3, "{picked:?}");
    }

    #[test]
    fn max_all_and_argmax_all() {
        let xs = gaussian_rows(1, 24, 9);
        let (ce, (m, oh)) = both(
            &[2, 3, 4],
            &fixed_vals(&xs),
            |c, x| (max_all(c, x), argmax_all(c, x)),
            |c, x| {
                max_all(c, x);
                argmax_all(c, x);
            },
        );
        let want = xs.iter().cloned().fold(f64::MIN, f64::max);
        assert_eq!(ce.peek_f64(&m), vec![want]);
        assert_eq!(oh.shape(), &Shape::new(vec![2, 3, 4]));
        let oh = ce.peek(&oh);
        let k = oh.data().iter().position(|&b| b == 1).unwrap();
        assert_eq!(xs[k], want);
    }
}

#[test]
fn comparisons_exact_on_10k_random_fixed_point_pairs() {
    // x, y uniform on [-1000, 1000] in fixed point, ties removed (|x - y| >= 1 ulp)
    let n = 10_000;
    let mut r = ChaCha20Rng::seed_from_u64(42);
    let range = 1000i64 << 16;
    let mut xv = Vec::with_capacity(n);
    let mut yv = Vec::with_capacity(n);
    while xv.len() < n {
        let a = (r.next_u64() % (2 * range as u64)) as i64 - range;
        let b = (r.next_u64() % (2 * range as u64)) as i64 - range;
        if a != b {
            xv.push(a as u64);
            yv.push(b as u64);
        }
    }
    type Cmp = fn(&mut Ctx<Exec>, &AShare<Exec>, &AShare<Exec>) -> AShare<Exec>;
    type Case = (&'static str, Cmp, fn(i64, i64) -> bool);
    let cases: [Case; 4] = [
        ("lt", proto::lt_a, |a, b| a < b),
        ("gt", proto::gt_a, |a, b| a > b),
        ("le", proto::le_a, |a, b| a <= b),
        ("ge", proto::ge_a, |a, b| a >= b),
    ];
    for (name, f, want) in cases {
        let mut ce = ctx::<Exec>(9);
        let x = share_ring(&mut ce, &[n], &xv);
        let y = share_ring(&mut ce, &[n], &yv);
        let o = f(&mut ce, &x, &y);
        let out = ce.peek(&o);
        let bad = (0..n)
            .filter(|&i| out.data()[i] != want(xv[i] as i64, yv[i] as i64) as u64)
            .count();
        assert_eq!(bad, 0, "{name}: {bad} mismatches");
        assert_eq!(cost_of(&ce), (8, 27 * n as u64), "{name}");
    }
    // ties: le and ge are 1, lt and gt are 0
    let mut ce = ctx::<Exec>(9);
    let x = share_ring(&mut ce, &[3], &xv[..3]);
    for (f, w) in [
        (proto::lt_a as Cmp, 0),
        (proto::gt_a, 0),
        (proto::le_a, 1),
        (proto::ge_a, 1),
    ] {
        let o = f(&mut ce, &x, &x);
        assert_eq!(ce.peek(&o).data(), &[w; 3]);
    }
}

#[test]
fn a2b_and_b2a_round_trips() {
    let n = 300;
    let v = random_words(n, 12);
    let (ce, (b, back, low)) = both(
        &[3, 100],
        &v,
        |c, x| {
            let b = proto::a2b(c, x);
            let back = proto::b2a_bits(c, &b, 64);
            let low = proto::b2a_bits(c, &b, 16);
            (b, back, low)
        },
        |c, x| {
            let b = proto::a2b(c, x);
            proto::b2a_bits(c, &b, 64);
            proto::b2a_bits(c, &b, 16);
        },
    );
    assert_eq!(ce.peek_binary(&b).data(), &v[..]);
    assert_eq!(ce.peek(&back).data(), &v[..]);
    let want_low: Vec<u64> = v.iter().map(|w| w & 0xffff).collect();
    assert_eq!(ce.peek(&low).data(), &want_low[..]);
    // a2b: 7 rounds, 26 n; b2a of k bits: 1 round, k n
    assert_eq!(cost_of(&ce), (7 + 1 + 1, (26 + 64 + 16) * n as u64));
    assert_eq!(
        sorted_corr(&ce.dealer_log().correlations_used()),
        sorted_corr(&format!(
            "binary_triple x7 elems={0}/{0}/{0}; b2a_bit x2 elems={1}/{1}",
            13 * n,
            80 * n
        ))
    );
    // 1-bit B2A of every bit position
    let mut ce = ctx::<Exec>(13);
    let x = share_ring(&mut ce, &[n], &v);
    let b = proto::a2b(&mut ce, &x);
    for i in [0u32, 1, 31, 63] {
        let a = proto::b2a_bit(&mut ce, &b.bit(i));
        let want: Vec<u64> = v.iter().map(|w| (w >> i) & 1).collect();
        assert_eq!(ce.peek(&a).data(), &want[..], "bit {i}");
    }
}

#[test]
fn and_bb_broadcasts_and_costs_operand_sizes() {
    let v = random_words(12, 14);
    let mut ce = ctx::<Exec>(15);
    let x = share_ring(&mut ce, &[3, 4], &v);
    let y = share_ring(&mut ce, &[4], &v[..4]);
    let bx = proto::a2b(&mut ce, &x);
    let by = proto::a2b(&mut ce, &y);
    let before = cost_of(&ce);
    let z = proto::and_bb(&mut ce, &bx, &by);
    let after = cost_of(&ce);
    assert_eq!((after.0 - before.0, after.1 - before.1), (1, 12 + 4));
    let want: Vec<u64> = (0..12).map(|i| v[i] & v[i % 4]).collect();
    assert_eq!(ce.peek_binary(&z).data(), &want[..]);
}

#[test]
fn relu_abs_sign_vs_f64() {
    let xs: Vec<f64> = (0..200).map(|i| (i as f64 - 100.0) * 0.173).collect();
    let v = fixed_vals(&xs);
    let (ce, (r, a, s)) = both(
        &[200],
        &v,
        |c, x| (proto::relu_a(c, x), proto::abs_a(c, x), proto::sign_a(c, x)),
        |c, x| {
            proto::relu_a(c, x);
            proto::abs_a(c, x);
            proto::sign_a(c, x);
        },
    );
    let q = |x: f64| (x * 65536.0).trunc() / 65536.0;
    let (r, a, s) = (ce.peek_f64(&r), ce.peek_f64(&a), ce.peek_f64(&s));
    for i in 0..200 {
        let x = q(xs[i]);
        assert_eq!(r[i], x.max(0.0), "relu({x})");
        assert_eq!(a[i], x.abs(), "abs({x})");
        assert_eq!(s[i], if x < 0.0 { -1.0 } else { 1.0 }, "sign({x})");
    }
    // relu, abs: 9 rounds, 29 n each; sign 8, 27 n
    assert_eq!(cost_of(&ce), (9 + 9 + 8, (29 + 29 + 27) * 200));
}

#[test]
fn dropout_keeps_about_1_minus_p_and_scales() {
    use secp_tuning::func::dropout::dropout_secret;
    let n = 4000;
    let p = 0.3;
    let v = fixed_vals(&vec![2.0; n]);
    let (ce, out) = both(
        &[40, 100],
        &v,
        |c, x| dropout_secret(c, x, p),
        |c, x| {
            dropout_secret(c, x, p);
        },
    );
    assert_eq!(cost_of(&ce), (10, 45 * n as u64));
    let got = ce.peek_f64(&out);
    let kept = got.iter().filter(|&&g| g != 0.0).count();
    for &g in &got {
        assert!(g == 0.0 || (g - 2.0 / 0.7).abs() < 1e-4, "value {g}");
    }
    let frac = kept as f64 / n as f64;
    assert!((frac - 0.7).abs() < 0.03, "kept fraction {frac}");
    // p = 0 and p = 1 are free
    let mut c = ctx::<Exec>(1);
    let x = share_ring(&mut c, &[2], &v[..2]);
    let d0 = dropout_secret(&mut c, &x, 0.0);
    assert_eq!(c.peek(&d0).data(), &v[..2]);
    let d1 = dropout_secret(&mut c, &x, 1.0);
    assert_eq!(c.peek(&d1).data(), &[0, 0]);
    assert_eq!(cost_of(&c), (0, 0));
}

/// The shapes and reduced dimension of the exec == cost test: fixed edge cases (one element,
/// empty tensors reduced along a non-empty dimension, unit dimensions, row ops on a non-last
/// dimension), then random shapes and dimensions up to 22 cases.
fn exec_cost_cases(r: &mut ChaCha20Rng) -> Vec<(Vec<usize>, usize)> {
    let mut v: Vec<(Vec<usize>, usize)> = vec![
        (vec![1], 0),
        (vec![0, 4], 1),
        (vec![2, 0, 3], 2),
        (vec![1, 1], 0),
        (vec![3, 4], 0),
        (vec![2, 3, 4], 1),
        (vec![4, 1, 2], 0),
        (vec![5, 3], 1),
    ];
    while v.len() < 22 {
        let rank = 1 + (r.next_u64() % 3) as usize;
        let dims: Vec<usize> = (0..rank).map(|_| 1 + (r.next_u64() % 6) as usize).collect();
        let dim = (r.next_u64() % rank as u64) as usize;
        v.push((dims, dim));
    }
    v
}

#[test]
fn exec_equals_cost_on_random_shapes_for_every_function() {
    use secp_tuning::func::{dropout::dropout_secret, max, softmax};
    let mut r = ChaCha20Rng::seed_from_u64(77);
    let cases = exec_cost_cases(&mut r);
    assert!(cases.len() >= 20);
    assert!(
        cases.iter().any(|(d, k)| *k + 1 < d.len()),
        "a non-last dim"
    );
    for (trial, (dims, dim)) in cases.into_iter().enumerate() {
        let rank = dims.len();
        let n: usize = dims.iter().product();
        let xs: Vec<f64> = (0..n)
            .map(|_| (r.next_u64() % 20000) as f64 / 1000.0 - 10.0)
            .collect();
        let v = fixed_vals(&xs);
        assert!(dim < rank && dims[dim] > 0, "reduced dimension non-empty");
        // The max over all elements needs at least one element.
        let whole = n > 0;
        macro_rules! run {
            ($c:expr, $x:expr) => {{
                let c = $c;
                let x = $x;
                let b = proto::a2b(c, x);
                proto::b2a_bits(c, &b, 3);
                proto::ltz_a(c, x);
                proto::lt_a(c, x, x);
                proto::gt_a(c, x, x);
                proto::le_a(c, x, x);
                proto::ge_a(c, x, x);
                proto::sign_a(c, x);
                proto::relu_a(c, x);
                proto::abs_a(c, x);
                let e = proto::eq_a(c, x, x);
                proto::where_a(c, &e, x, x);
                proto::rand_a(c, x.shape());
                max::max_dim(c, x, dim, trial % 2 == 0);
                max::argmax_dim(c, x, dim);
                if whole {
                    max::max_all(c, x);
                    max::argmax_all(c, x);
                }
                softmax::softmax(c, x, dim);
                softmax::log_softmax(c, &x.mul_int(0), dim);
                dropout_secret(c, x, 0.25);
            }};
        }
        let (ce, _) = both(&dims, &v, |c, x| run!(c, x), |c, x| run!(c, x));
        assert!(ce.ledger().totals().rounds.0 > 0, "{dims:?}");
    }
}

#[test]
fn cost_formulas_at_one_million_elements() {
    let n = 1_000_000usize;
    let s = Shape::new(vec![1000, 1000]);
    type F = fn(&mut Ctx<Cost>, &AShare<Cost>);
    let cases: Vec<(&str, F, u64, u64)> = vec![
        ("a2b", |c, x| drop(proto::a2b(c, x)), 7, 26),
        ("ltz", |c, x| drop(proto::ltz_a(c, x)), 8, 27),
        ("lt", |c, x| drop(proto::lt_a(c, x, x)), 8, 27),
        ("gt", |c, x| drop(proto::gt_a(c, x, x)), 8, 27),
        ("le", |c, x| drop(proto::le_a(c, x, x)), 8, 27),
        ("ge", |c, x| drop(proto::ge_a(c, x, x)), 8, 27),
        ("sign", |c, x| drop(proto::sign_a(c, x)), 8, 27),
        ("relu", |c, x| drop(proto::relu_a(c, x)), 9, 29),
        ("abs", |c, x| drop(proto::abs_a(c, x)), 9, 29),
        ("eq", |c, x| drop(proto::eq_a(c, x, x)), 7, 13),
        ("where", |c, x| drop(proto::where_a(c, x, x, x)), 2, 4),
        ("rand", |c, x| drop(proto::rand_a(c, x.shape())), 1, 16),
        (
            "b2a_bit",
            |c, x| drop(proto::b2a_bit(c, &x.split_to_binary()[0])),
            1,
            1,
        ),
        (
            "b2a_bits16",
            |c, x| drop(proto::b2a_bits(c, &x.split_to_binary()[0], 16)),
            1,
            16,
        ),
        (
            "and_bb",
            |c, x| {
                let [a, b] = x.split_to_binary();
                drop(proto::and_bb(c, &a, &b))
            },
            1,
            2,
        ),
        (
            "dropout",
            |c, x| drop(secp_tuning::func::dropout::dropout_secret(c, x, 0.5)),
            10,
            45,
        ),
    ];
    for (name, f, rounds, per) in cases {
        let mut c = ctx::<Cost>(1);
        let x = AShare::<Cost>::zeros(s.clone());
        f(&mut c, &x);
        assert_eq!(cost_of(&c), (rounds, per * n as u64), "{name}");
    }
    // max_dim (1000 rows of 1000): formula from the reference text
    // steps = floor(ln 1000) = 6; m: 1000, 500, 250, 125, 63, 32 -> 16
    let b = 1000u64;
    let mut m = 1000u64;
    let (mut rounds, mut e) = (0u64, 0u64);
    for _ in 0..6 {
        let h = m / 2;
        rounds += 10;
        e += 31 * b * h;
        m = h + m % 2;
    }
    assert_eq!(m, 16);
    // r = 16: ltz on 15 B r; product tree 15 -> 8 -> 4 -> 2 -> 1 (7, 4, 2, 1 products)
    rounds += 8 + 4 + 10 + 1 + 7 + 10;
    e += 27 * 15 * b * 16 + 2 * (7 + 4 + 2 + 1) * b * 16;
    e += 18 * b + 27 * b * 16 + 2 * b * 16;
    e += 13 * b * 1000 + 18 * b + 27 * b * 1000;
    let mut c = ctx::<Cost>(1);
    let x = AShare::<Cost>::zeros(s.clone());
    secp_tuning::func::max::max_dim(&mut c, &x, 1, false);
    assert_eq!(cost_of(&c), (rounds, e));
}

#[test]
fn ltz_eq_sign_exact_on_10k_random_inputs() {
    let n = 10_000;
    // ltz and sign on uniform 64-bit ring elements (every sign, magnitudes up to 2^63), plus
    // the boundary words.
    let mut v = random_words(n, 31);
    v[..6].copy_from_slice(&[0, 1, u64::MAX, 1 << 63, (1 << 63) - 1, (1 << 63) + 1]);
    let (ce, (l, s)) = both(
        &[n],
        &v,
        |c, x| (proto::ltz_a(c, x), proto::sign_a(c, x)),
        |c, x| {
            proto::ltz_a(c, x);
            proto::sign_a(c, x);
        },
    );
    let (l, s) = (ce.peek(&l), ce.peek(&s));
    let one = 1u64 << 16; // sign is fixed point: +-1.0 = +-2^16 on the ring
    let mut bad = 0;
    for ((&w, &lg), &sg) in v.iter().zip(l.data()).zip(s.data()) {
        let neg = (w as i64) < 0;
        bad += (lg != neg as u64) as usize;
        bad += (sg != if neg { one.wrapping_neg() } else { one }) as usize;
    }
    assert_eq!(bad, 0, "ltz/sign mismatches on {n} ring elements");
    assert_eq!(cost_of(&ce), (8 + 8, 27 * 2 * n as u64));

    // eq on pairs, half of them equal (the measured row's input); the unequal half includes
    // neighbours (y = x +- 1) and words differing only in the top bit.
    let x = random_words(n, 32);
    let mut y = random_words(n, 33);
    for i in 0..n {
        match i % 8 {
            0 | 2 | 4 | 6 => y[i] = x[i],
            1 => y[i] = x[i].wrapping_add(1),
            3 => y[i] = x[i].wrapping_sub(1),
            5 => y[i] = x[i] ^ (1 << 63),
            _ => {}
        }
    }
    let mut ce = ctx::<Exec>(34);
    let xs = share_ring(&mut ce, &[n], &x);
    let ys = share_ring(&mut ce, &[n], &y);
    let e = proto::eq_a(&mut ce, &xs, &ys);
    let got = ce.peek(&e);
    let equal = (0..n).filter(|&i| x[i] == y[i]).count();
    assert_eq!(equal, n / 2, "half the pairs equal");
    let bad = (0..n)
        .filter(|&i| got.data()[i] != (x[i] == y[i]) as u64)
        .count();
    assert_eq!(bad, 0, "eq mismatches on {n} pairs");
    assert_eq!(cost_of(&ce), (7, 13 * n as u64));
}

#[test]
fn max_all_and_argmax_all_cost_formulas() {
    use secp_tuning::func::max::{argmax_all, max_all};
    // By hand, 10 elements (any shape: both reduce the flattened input, B = 1, L = 10):
    // steps = floor(ln 10) = 2: m = 10 -> h = 5 (10 rounds, 155) -> m = 5 -> h = 2 (10 rounds,
    // 62) -> m = 3. r = 3: ltz on 2 x 3 = 6 (8 rounds, 162); tree over 2 bits: one level
    // (1 round, 2 x 1 x 3 = 6); weighted_index(1, 3): 10 rounds, 18 + 81 = 99; value: 1 round,
    // 6. max_all: 40 rounds, 155 + 62 + 162 + 6 + 99 + 6 = 490 elements.
    // argmax_all adds eq(10) (7, 130) and weighted_index(1, 10) (10, 18 + 270): 57, 908.
    assert_eq!(max_stage12(1, 10), (40, 490));
    assert_eq!(max_stage3(1, 10), (17, 418));
    // One element: no step, r = 1, r_eff = 2: ltz on 1 (8, 27), no tree level,
    // weighted_index(1, 1) (10, 45), value (1, 2): 19 rounds, 74.
    assert_eq!(max_stage12(1, 1), (19, 74));
    // 64 elements: stages 1 to 3 are the measured max_dim (1, 64) row: 78 rounds, 4912
    // elements (78592 bytes / 16).
    let (r12, e12) = max_stage12(1, 64);
    let (r3, e3) = max_stage3(1, 64);
    assert_eq!((r12 + r3, e12 + e3), (78, 78592 / 16));
    // 2^20 + 1 elements: 13 steps leave r = ceil(L / 2^13) = 129, so r_eff - 1 = 128
    // comparisons per element: the sum-and-compare branch instead of the product tree.
    for dims in [
        vec![2, 5],
        vec![10],
        vec![1],
        vec![4, 16],
        vec![3, 7, 11],
        vec![1000],
        vec![(1 << 20) + 1],
    ] {
        let l: u64 = dims.iter().product::<usize>() as u64;
        let (r12, e12) = max_stage12(1, l);
        let (r3, e3) = max_stage3(1, l);
        let s = Shape::new(dims.clone());
        let mut c = ctx::<Cost>(1);
        let x = AShare::<Cost>::zeros(s.clone());
        let m = max_all(&mut c, &x);
        assert_eq!(m.shape(), &Shape::scalar());
        assert_eq!(cost_of(&c), (r12, e12), "max_all {dims:?}");
        assert_eq!(c.ledger().totals().crypten_bytes[0].0, 16 * e12);
        let mut c = ctx::<Cost>(1);
        let oh = argmax_all(&mut c, &x);
        assert_eq!(oh.shape(), &s);
        assert_eq!(cost_of(&c), (r12 + r3, e12 + e3), "argmax_all {dims:?}");
    }
}

#[test]
fn dependency_depth_of_the_binary_protocols() {
    use secp_tuning::func::dropout::dropout_secret;
    use secp_tuning::func::max::{argmax_all, max_all, max_dim};
    // Inputs are fresh (depth 0); a round is one deeper than its deepest input.
    type F = fn(&mut Ctx<Cost>, &AShare<Cost>);
    let cases: Vec<(&str, Vec<usize>, F, u64, u32)> = vec![
        // generate AND (1), then 6 prefix levels each on the previous (7)
        ("a2b", vec![64], |c, x| drop(proto::a2b(c, x)), 7, 7),
        // a2b (7), then the 1-bit B2A of its top bit (8)
        ("ltz", vec![64], |c, x| drop(proto::ltz_a(c, x)), 8, 8),
        ("lt", vec![64], |c, x| drop(proto::lt_a(c, x, x)), 8, 8),
        ("sign", vec![64], |c, x| drop(proto::sign_a(c, x)), 8, 8),
        // ltz (8), then x * bit (9)
        ("relu", vec![64], |c, x| drop(proto::relu_a(c, x)), 9, 9),
        ("abs", vec![64], |c, x| drop(proto::abs_a(c, x)), 9, 9),
        // 6 AND levels, each on the previous (6), then B2A (7)
        ("eq", vec![64], |c, x| drop(proto::eq_a(c, x, x)), 7, 7),
        // the two products of where need only c, x, y: 2 rounds, one level
        (
            "where",
            vec![64],
            |c, x| drop(proto::where_a(c, x, x, x)),
            2,
            1,
        ),
        (
            "rand",
            vec![64],
            |c, x| drop(proto::rand_a(c, x.shape())),
            1,
            1,
        ),
        // rand (1), ltz(p - u) (9), x * keep (10)
        (
            "dropout",
            vec![64],
            |c, x| drop(dropout_secret(c, x, 0.5)),
            10,
            10,
        ),
        // (1, 64): 4 halving steps of ge (8) then where (+1): 36; pairwise on r = 4: ge (44),
        // tree over 3 bits: 2 levels (46); weighted_index: u * total (47), ge (55); value
        // x * onehot (56); stage 3: eq with the value (63), weighted_index: mul (64), ge (72).
        // 78 rounds.
        (
            "max_dim",
            vec![1, 64],
            |c, x| drop(max_dim(c, x, 1, false)),
            78,
            72,
        ),
        // 10 elements: 2 steps (18); r = 3: ge (26), one tree level (27), weighted_index (28,
        // 36), value (37). argmax_all: eq (44), weighted_index (45, 53).
        ("max_all", vec![2, 5], |c, x| drop(max_all(c, x)), 40, 37),
        (
            "argmax_all",
            vec![2, 5],
            |c, x| drop(argmax_all(c, x)),
            57,
            53,
        ),
    ];
    for (name, dims, f, rounds, depth) in cases {
        let mut c = ctx::<Cost>(1);
        let x = AShare::<Cost>::zeros(Shape::new(dims));
        f(&mut c, &x);
        let t = c.ledger().totals();
        assert_eq!(
            (t.rounds.0, t.depth()),
            (rounds, depth),
            "{name}: (rounds, depth)"
        );
    }
}

/// `and_bb_broadcast(x, y)` is `and_bb` of the materialised broadcast operands: the same words,
/// the same ledger round (2 |s| elements) and the same dealer request, in both backends.
#[test]
fn and_bb_broadcast_equals_and_bb_of_the_materialised_stack() {
    use secp_tuning::engine::BShare;
    use secp_tuning::proto::{and_bb, and_bb_broadcast};
    use secp_tuning::ring::tensor::ShareRng;
    fn run<B: Backend>(n: usize, broadcast: bool) -> (Ctx<B>, BShare<B>) {
        let mut ctx = Ctx::<B>::new(CtxConfig {
            seed: RunSeed(3),
            ..CtxConfig::default()
        });
        let (mut r0, mut r1) = (ShareRng::seed_from_u64(5), ShareRng::seed_from_u64(6));
        let x = BShare::<B>::random_local(Shape::from([1, n]), 64, [&mut r0, &mut r1]);
        let y = BShare::<B>::random_local(Shape::from([2, n]), 64, [&mut r0, &mut r1]);
        let z = if broadcast {
            and_bb_broadcast(&mut ctx, &x, &y)
        } else {
            and_bb(&mut ctx, &BShare::concat(&[&x, &x], 0), &y)
        };
        (ctx, z)
    }
    for n in [1usize, 7, 5000, 40000] {
        let (cb, zb) = run::<Exec>(n, true);
        let (cm, zm) = run::<Exec>(n, false);
        assert!(cb.peek_binary(&zb) == cm.peek_binary(&zm), "n = {n}");
        assert!(cb.ledger() == cm.ledger(), "n = {n}");
        assert!(cb.dealer_log() == cm.dealer_log(), "n = {n}");
        assert_eq!(cb.ledger().rounds()[0].elements, 4 * n as u64);
        let (cc, _) = run::<Cost>(n, true);
        assert!(cc.ledger() == cb.ledger() && cc.dealer_log() == cb.dealer_log());
    }
}
