//! Softmax costs against a hand-written formula that follows the reference text
//! (`crypten-2pc.md`, "max, argmax, softmax"), not the library code; its dependency depth against
//! a hand-derived chain; and softmax accuracy in exec mode against f64.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use secp_tuning::engine::{AShare, Cost, Ctx, CtxConfig, Exec, RunSeed};
use secp_tuning::func::softmax::softmax;
use secp_tuning::ring::Shape;

mod common;
use common::{softmax_depth_formula, softmax_formula};

#[test]
fn formula_reproduces_the_worked_values() {
    assert_eq!(softmax_formula(1, 64), (115, 5527));
    assert_eq!(softmax_formula(1, 128), (116, 11907));
    assert_eq!(softmax_formula(1, 512), (136, 42627));
    // measured (1,128): 116 rounds, 190512 bytes = 16 x 11907
    assert_eq!(16 * softmax_formula(1, 128).1, 190512);
}

fn cost_ctx(seed: u64) -> Ctx<Cost> {
    Ctx::new(CtxConfig {
        seed: RunSeed(seed),
        ..Default::default()
    })
}

#[test]
fn cost_mode_softmax_matches_formula_for_many_lengths_and_rows() {
    for l in [2usize, 3, 7, 8, 16, 20, 64, 100, 128, 512, 1024] {
        for b in [1usize, 2, 5, 12] {
            let mut c = cost_ctx(1);
            let x = AShare::<Cost>::zeros(Shape::new(vec![b, l]));
            let y = softmax(&mut c, &x, 1);
            assert_eq!(y.shape(), x.shape());
            let t = c.ledger().totals();
            let (r, e) = softmax_formula(b as u64, l as u64);
            assert_eq!((t.rounds.0, t.opened_elements), (r, e), "B = {b}, L = {l}");
            assert_eq!(t.opened_elements % b as u64, 0);
        }
    }
    // rows along dim 0 of a 3-d tensor: same per-row cost
    let mut c = cost_ctx(1);
    let x = AShare::<Cost>::zeros(Shape::new(vec![20, 3, 4]));
    softmax(&mut c, &x, 0);
    let t = c.ledger().totals();
    assert_eq!((t.rounds.0, t.opened_elements), softmax_formula(12, 20));
}

/// Dependency depth of softmax over rows of length `l` (any number of rows), derived by hand
/// from the algorithm; inputs fresh (depth 0).
///
#[test]
fn softmax_dependency_depth_follows_the_longest_chain() {
    // By hand: L = 64: 4 steps (36), r = 4, 3 bits -> 2 levels: 36 + 2 + 55 = 93 (115 rounds);
    // L = 128: 4 steps, r = 8, 7 bits -> 3 levels: 94 (116 rounds); L = 2: no step, r = 2,
    // 1 bit, no level: 55.
    assert_eq!(softmax_depth_formula(64), 93);
    assert_eq!(softmax_depth_formula(128), 94);
    assert_eq!(softmax_depth_formula(2), 55);
    for l in [1usize, 2, 3, 7, 8, 16, 20, 64, 100, 128, 512, 1024] {
        for b in [1usize, 3] {
            let mut c = cost_ctx(1);
            let x = AShare::<Cost>::zeros(Shape::new(vec![b, l]));
            softmax(&mut c, &x, 1);
            let t = c.ledger().totals();
            assert_eq!(
                t.depth(),
                softmax_depth_formula(l as u64),
                "B = {b}, L = {l}"
            );
            assert!((t.depth() as u64) < t.rounds.0);
        }
    }
}

#[test]
fn measured_softmax_1x128_correlations() {
    // TFP,softmax,"(1,128)": binary_triple x55 elems=4824/4824/4824; b2a_bit x10 elems=472/472;
    // mul_triple x25 elems=436/309/436; square_pair x26 elems=1042/1042; 190512 bytes
    let mut c = cost_ctx(1);
    let x = AShare::<Cost>::zeros(Shape::new(vec![1, 128]));
    softmax(&mut c, &x, 1);
    let mut got: Vec<String> = c
        .dealer_log()
        .correlations_used()
        .split("; ")
        .map(str::to_string)
        .collect();
    got.sort();
    let mut want: Vec<String> = "binary_triple x55 elems=4824/4824/4824; b2a_bit x10 \
                                 elems=472/472; mul_triple x25 elems=436/309/436; square_pair \
                                 x26 elems=1042/1042"
        .split("; ")
        .map(str::to_string)
        .collect();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(c.ledger().totals().crypten_bytes[1].0, 190512);
}

fn gaussian(n: usize, sd: f64, seed: u64) -> Vec<f64> {
    let mut r = ChaCha20Rng::seed_from_u64(seed);
    let mut u = || (r.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    (0..n)
        .map(|_| {
            let (a, b) = (u().max(1e-300), u());
            sd * (-2.0 * a.ln()).sqrt() * (2.0 * std::f64::consts::PI * b).cos()
        })
        .collect()
}

fn softmax_f64(x: &[f64], l: usize) -> Vec<f64> {
    x.chunks(l)
        .flat_map(|row| {
            let m = row.iter().cloned().fold(f64::MIN, f64::max);
            let e: Vec<f64> = row.iter().map(|v| (v - m).exp()).collect();
            let s: f64 = e.iter().sum();
            e.into_iter().map(move |v| v / s)
        })
        .collect()
}

#[test]
fn exec_softmax_accuracy_and_exec_equals_cost() {
    // x ~ N(0, 16) (sd 4), as the measured row; CrypTen max_abs_err 0.0043, we allow 2x.
    for (b, l, seed) in [(1usize, 128usize, 1u64), (4, 64, 2), (3, 20, 3)] {
        let xs = gaussian(b * l, 4.0, seed);
        let cfg = CtxConfig {
            seed: RunSeed(seed),
            ..Default::default()
        };
        let mut ce = Ctx::<Exec>::new(cfg);
        let x = ce.share_f64(Shape::new(vec![b, l]), |i| xs[i]);
        let y = softmax(&mut ce, &x, 1);
        let got = ce.peek_f64(&y);
        let want = softmax_f64(&xs, l);
        let err = got
            .iter()
            .zip(&want)
            .map(|(g, w)| (g - w).abs())
            .fold(0.0, f64::max);
        assert!(err < 2.0 * 0.0043, "B = {b}, L = {l}: max abs err {err}");
        let mut cc = Ctx::<Cost>::new(cfg);
        let xc = cc.share_f64(Shape::new(vec![b, l]), |i| xs[i]);
        softmax(&mut cc, &xc, 1);
        assert_eq!(ce.ledger(), cc.ledger());
        assert_eq!(ce.dealer_log(), cc.dealer_log());
    }
}

#[test]
fn log_softmax_cost_and_accuracy() {
    use secp_tuning::func::softmax::log_softmax;
    // cost: softmax's max part, exp (8, 8 n), log on the B row sums (32 rounds, 46 B)
    for (b, l) in [(1u64, 64u64), (3, 20), (2, 128)] {
        let (r_sm, e_sm) = softmax_formula(b, l);
        let n = b * l;
        let (r_max, e_max) = (r_sm - 37, e_sm - (8 * n + 38 * b + n + b));
        let mut c = cost_ctx(1);
        let x = AShare::<Cost>::zeros(Shape::new(vec![b as usize, l as usize]));
        log_softmax(&mut c, &x, 1);
        let t = c.ledger().totals();
        assert_eq!(
            (t.rounds.0, t.opened_elements),
            (r_max + 8 + 32, e_max + 8 * n + 46 * b)
        );
    }
    let (b, l) = (2usize, 50usize);
    let xs = gaussian(b * l, 2.0, 9);
    let mut ce = Ctx::<Exec>::new(CtxConfig::default());
    let x = ce.share_f64(Shape::new(vec![b, l]), |i| xs[i]);
    let y = log_softmax(&mut ce, &x, 1);
    let got = ce.peek_f64(&y);
    let want: Vec<f64> = softmax_f64(&xs, l).iter().map(|p| p.ln()).collect();
    let err = got
        .iter()
        .zip(&want)
        .map(|(g, w)| (g - w).abs())
        .fold(0.0, f64::max);
    eprintln!("log_softmax max abs err {err}");
    assert!(err < 0.05, "log_softmax max abs err {err}");
    // flat rows at L = 512: log(s) with s = 512 is outside CrypTen's log range; the scaled form
    // gives -ln 512 = -6.238.
    let l = 512usize;
    let mut ce = Ctx::<Exec>::new(CtxConfig::default());
    let x = ce.share_f64(Shape::new(vec![1, l]), |_| 0.5);
    let y = log_softmax(&mut ce, &x, 1);
    for g in ce.peek_f64(&y) {
        assert!((g + (l as f64).ln()).abs() < 0.05, "flat log_softmax: {g}");
    }
}

/// Exec softmax on `(b, l)` rows `xs`, checked against f64 with `|got - want| <= rel want + abs`,
/// and exec ledger == cost ledger. Returns the max relative error (for the message).
fn check_softmax_rows(xs: &[f64], b: usize, l: usize, rel: f64, abs: f64, what: &str) {
    let cfg = CtxConfig {
        seed: RunSeed(7),
        ..Default::default()
    };
    let mut ce = Ctx::<Exec>::new(cfg);
    let x = ce.share_f64(Shape::new(vec![b, l]), |i| xs[i]);
    let y = softmax(&mut ce, &x, 1);
    let got = ce.peek_f64(&y);
    let want = softmax_f64(xs, l);
    let mut worst = 0.0f64;
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert!(
            (g - w).abs() <= rel * w + abs,
            "{what} L = {l}: element {i}: got {g}, want {w}"
        );
        worst = worst.max((g - w).abs() / w);
    }
    eprintln!("{what} L = {l}: max relative error {worst:.2e}");
    let mut cc = Ctx::<Cost>::new(cfg);
    let xc = cc.share_f64(Shape::new(vec![b, l]), |i| xs[i]);
    softmax(&mut cc, &xc, 1);
    assert_eq!(ce.ledger(), cc.ledger());
    assert_eq!(ce.dealer_log(), cc.dealer_log());
    let t = cc.ledger().totals();
    assert_eq!(
        (t.rounds.0, t.opened_elements),
        softmax_formula(b as u64, l as u64)
    );
}

/// Row sums far above CrypTen's reciprocal cliff (s ~ 254): flat rows at L = 256 and 512 (s = L)
/// and near-flat random rows at 512 (s ~ 500), plus a peaked row (s ~ 1, the other end of the
/// scaled range). Values vs f64: 1% relative plus 2 ulp.
#[test]
fn softmax_of_long_flat_and_near_flat_rows_is_right() {
    let ulp = 1.0 / 65536.0;
    for l in [256usize, 512] {
        let xs = vec![0.75; 2 * l];
        check_softmax_rows(&xs, 2, l, 1e-2, 2.0 * ulp, "flat");
    }
    let xs: Vec<f64> = gaussian(2 * 512, 0.05, 11)
        .iter()
        .chain(gaussian(512, 0.5, 12).iter())
        .cloned()
        .collect();
    check_softmax_rows(&xs, 3, 512, 1e-2, 2.0 * ulp, "near-flat");
    let mut peaked = gaussian(512, 1.0, 13);
    peaked[100] = 14.0;
    check_softmax_rows(&peaked, 1, 512, 1e-2, 2.0 * ulp, "peaked");
}
