//! Foundation: Beaver primitives against f64 (also at 12 and 20 fractional bits), exec ledger ==
//! cost ledger (Beaver and public-input primitives), determinism, cost-mode
//! scale, and internal shape errors.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;
use secp_tuning::engine::{AShare, Backend, Cost, Ctx, CtxConfig, Exec, Public, RunSeed};
use secp_tuning::net::{Recipient, Rounds, Server};
use secp_tuning::proto::{matmul_aa, matmul_ap, mul_aa, mul_aa_ring, square_a};
use secp_tuning::ring::{FixedPoint, Shape};

fn ctx<B: Backend>(seed: u64) -> Ctx<B> {
    Ctx::new(CtxConfig {
        seed: RunSeed(seed),
        fixed: FixedPoint::default(),
    })
}

/// Uniform reals in [lo, hi) from a test stream (the values only matter in exec mode).
fn uniform(n: usize, lo: f64, hi: f64, seed: u64) -> Vec<f64> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    (0..n).map(|_| rng.random_range(lo..hi)).collect()
}

fn share<B: Backend>(ctx: &mut Ctx<B>, shape: &Shape, v: &[f64]) -> AShare<B> {
    ctx.share_f64(shape.clone(), |i| v[i])
}

/// Index of the broadcast source element for output index `i`.
fn bcast_index(out: &Shape, src: &Shape, i: usize) -> usize {
    let od = out.dims();
    let sd = src.dims();
    let off = od.len() - sd.len();
    let mut rem = i;
    let mut idx = vec![0; od.len()];
    for ax in (0..od.len()).rev() {
        idx[ax] = rem % od[ax];
        rem /= od[ax];
    }
    let mut j = 0;
    for ax in 0..sd.len() {
        let k = if sd[ax] == 1 { 0 } else { idx[ax + off] };
        j = j * sd[ax] + k;
    }
    j
}

fn max_err(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

#[test]
fn mul_aa_matches_f64_with_broadcasting() {
    let sx = Shape::from([4, 1, 8]);
    let sy = Shape::from([3, 1]);
    let out = Shape::broadcast(&sx, &sy);
    let xv = uniform(sx.numel(), -10.0, 10.0, 1);
    let yv = uniform(sy.numel(), -10.0, 10.0, 2);
    let mut c = ctx::<Exec>(11);
    let x = share(&mut c, &sx, &xv);
    let y = share(&mut c, &sy, &yv);
    let z = mul_aa(&mut c, &x, &y);
    assert_eq!(z.shape(), &out);
    let want: Vec<f64> = (0..out.numel())
        .map(|i| xv[bcast_index(&out, &sx, i)] * yv[bcast_index(&out, &sy, i)])
        .collect();
    // Encoding truncates each input by < 1 ulp (error < (|x| + |y|) ulp) and the product's
    // local truncation adds < 2 ulp: < 22 ulp = 3.4e-4 on [-10, 10]. CrypTen measured 2.4e-4.
    let e = max_err(&c.peek_f64(&z), &want);
    assert!(e < 3.4e-4, "mul error {e}");
}

#[test]
fn square_a_matches_f64() {
    let s = Shape::from([257]);
    let v = uniform(s.numel(), -10.0, 10.0, 3);
    let mut c = ctx::<Exec>(12);
    let x = share(&mut c, &s, &v);
    let z = square_a(&mut c, &x);
    let want: Vec<f64> = v.iter().map(|a| a * a).collect();
    let e = max_err(&c.peek_f64(&z), &want);
    assert!(e < 3.4e-4, "square error {e}");
}

#[test]
fn matmul_aa_matches_f64_batched_weight_broadcast() {
    let (b, m, k, p) = (3, 5, 64, 7);
    let sx = Shape::from([b, m, k]);
    let sw = Shape::from([k, p]);
    let xv = uniform(sx.numel(), -1.0, 1.0, 4);
    let wv = uniform(sw.numel(), -1.0, 1.0, 5);
    let mut c = ctx::<Exec>(13);
    let x = share(&mut c, &sx, &xv);
    let w = share(&mut c, &sw, &wv);
    let z = matmul_aa(&mut c, &x, &w);
    assert_eq!(z.shape(), &Shape::from([b, m, p]));
    let mut want = vec![0.0; b * m * p];
    for bi in 0..b {
        for i in 0..m {
            for j in 0..p {
                want[(bi * m + i) * p + j] = (0..k)
                    .map(|kk| xv[(bi * m + i) * k + kk] * wv[kk * p + j])
                    .sum();
            }
        }
    }
    // Each of the k products carries < (|x| + |w|) ulp of encoding error: < 2k ulp + 2 ulp.
    let e = max_err(&c.peek_f64(&z), &want);
    assert!(e < (2.0 * k as f64 + 2.0) / 65536.0, "matmul error {e}");
    // One round, |x| + |w| elements: the weight is opened once, not per batch.
    let t = c.ledger().totals();
    assert_eq!(t.rounds, Rounds(1));
    assert_eq!(t.opened_elements, (sx.numel() + sw.numel()) as u64);
}

#[test]
fn public_ops_match_f64() {
    let fx = FixedPoint::default();
    let s = Shape::from([2, 50]);
    let v = uniform(s.numel(), -10.0, 10.0, 6);
    let pv = uniform(50, -3.0, 3.0, 7);
    let mut c = ctx::<Exec>(14);
    let x = share(&mut c, &s, &v);
    let p = Public::<Exec>::from_f64_fn(fx, Shape::from([50]), |i| pv[i]);
    // Encoding truncates each input by < 1 ulp; a local truncation or division adds < 1 ulp per
    // share. So: sums and differences < 2 ulp; products with an encoded constant < (|x| + |p|)
    // ulp + 2 ulp.
    let ulp = 1.0 / 65536.0;
    type Check<'a> = (AShare<Exec>, Box<dyn Fn(usize) -> f64 + 'a>);
    let checks: Vec<(Check, f64)> = vec![
        ((x.add_public(&p), Box::new(|i| v[i] + pv[i % 50])), 2.0),
        ((x.sub_public(&p), Box::new(|i| v[i] - pv[i % 50])), 2.0),
        ((x.rsub_public(&p), Box::new(|i| pv[i % 50] - v[i])), 2.0),
        ((x.add_f64(0.75, fx), Box::new(|i| v[i] + 0.75)), 1.0),
        ((x.rsub_f64(0.75, fx), Box::new(|i| 0.75 - v[i])), 1.0),
        (
            (x.mul_public_fixed(&p, fx), Box::new(|i| v[i] * pv[i % 50])),
            15.0,
        ),
        ((x.mul_scalar(0.3, fx), Box::new(|i| v[i] * 0.3)), 13.0),
        (
            (x.mul_scalar(1.0 / 3.0, fx), Box::new(|i| v[i] / 3.0)),
            13.0,
        ),
        ((x.div_public_int(7), Box::new(|i| v[i] / 7.0)), 2.0),
        ((x.mul_int(-5), Box::new(|i| v[i] * -5.0)), 5.0),
        (
            (
                x.sum_axis(1, false).div_public_int(50),
                Box::new(|i| (0..50).map(|j| v[i * 50 + j]).sum::<f64>() / 50.0),
            ),
            3.0,
        ),
    ];
    for (k, ((z, f), ulps)) in checks.iter().enumerate() {
        let got = c.peek_f64(z);
        let want: Vec<f64> = (0..got.len()).map(f).collect();
        let e = max_err(&got, &want);
        assert!(
            e < ulps * ulp,
            "public op #{k}: error {e} exceeds {ulps} ulp"
        );
    }
    // Public-times-shared matmul: local, no communication.
    let w = Public::<Exec>::from_f64_fn(fx, Shape::from([50, 3]), |i| ((i % 7) as f64 - 3.0) / 4.0);
    let z = matmul_ap(&mut c, &x, &w);
    let got = c.peek_f64(&z);
    for i in 0..2 {
        for j in 0..3 {
            let want: f64 = (0..50)
                .map(|kk| v[i * 50 + kk] * (((kk * 3 + j) % 7) as f64 - 3.0) / 4.0)
                .sum();
            assert!((got[i * 3 + j] - want).abs() < 3e-3);
        }
    }
    assert_eq!(c.ledger().totals().rounds, Rounds(0));
}

/// Largest distance, in units of `2^-f`, between a sharing's raw ring value (read as a signed
/// integer, no decoding) and `want * 2^f`.
fn err_units(c: &Ctx<Exec>, z: &AShare<Exec>, want: &[f64], f: u32) -> f64 {
    let raw = c.peek(z);
    assert_eq!(raw.data().len(), want.len());
    let scale = 2f64.powi(f as i32);
    raw.data()
        .iter()
        .zip(want)
        .map(|(&r, w)| (r as i64 as f64 - w * scale).abs())
        .fold(0.0, f64::max)
}

#[test]
fn beaver_products_at_12_and_20_fractional_bits_match_f64() {
    // Tolerances in ulps of the context's precision (ulp = 2^-f):
    //
    // (a) Inputs on the 2^-f grid encode exactly: X = x 2^f, Y = y 2^f. The Beaver recombination
    //     is exact in the ring, so the two shares sum to X Y (scale 2^2f) or, for matmul, to
    //     sum_k X_ik W_kj. Local truncation: each party divides its own share by 2^f rounding
    //     toward zero, each off by less than 1 unit, so the result is off by < 2 units from the
    //     exact quotient: |error| < 2 ulp, for mul, square and matmul alike (one truncation).
    //     The f64 reference is exact here: products of grid values are multiples of 2^-2f below
    //     2^53 2^-2f, and so are sums of 64 of them. (Wrap probability of the local truncation is
    //     about |X Y| / 2^64 <= 16 2^40 / 2^64 = 2^-20 per element at f = 20: none expected.)
    // (b) Off-grid inputs: encoding truncates toward zero, x' = x - a with |a| < ulp, so
    //     |x'y' - xy| <= |x||b| + |y||a| + |a||b| < (|x| + |y| + ulp) ulp; plus (a)'s 2 ulp:
    //     mul < (|x| + |y| + 2 + ulp) ulp, square < (2|x| + 2 + ulp) ulp, matmul
    //     < (sum_k (|x_ik| + |w_kj| + ulp) + 2) ulp.
    //
    // The errors are measured on the raw ring value (|ring - want 2^f| in units), so a protocol
    // truncating by the default 2^16 instead of 2^f would be off by a factor 2^(16 - f).
    for f in [12u32, 20] {
        let fx = FixedPoint::new(f);
        let ulp = 2f64.powi(-(f as i32));
        let grid =
            |v: Vec<f64>| -> Vec<f64> { v.into_iter().map(|a| (a / ulp).trunc() * ulp).collect() };
        let mut c = Ctx::<Exec>::new(CtxConfig {
            seed: RunSeed(40 + f as u64),
            fixed: fx,
        });
        assert_eq!(c.fixed(), fx);

        // mul_aa with broadcasting, values in [-4, 4).
        let sx = Shape::from([4, 1, 8]);
        let sy = Shape::from([3, 1]);
        let out = Shape::broadcast(&sx, &sy);
        for on_grid in [true, false] {
            let mut xv = uniform(sx.numel(), -4.0, 4.0, 21 + f as u64);
            let mut yv = uniform(sy.numel(), -4.0, 4.0, 22 + f as u64);
            if on_grid {
                (xv, yv) = (grid(xv), grid(yv));
            }
            let x = share(&mut c, &sx, &xv);
            let y = share(&mut c, &sy, &yv);
            let z = mul_aa(&mut c, &x, &y);
            let pairs: Vec<(f64, f64)> = (0..out.numel())
                .map(|i| (xv[bcast_index(&out, &sx, i)], yv[bcast_index(&out, &sy, i)]))
                .collect();
            let want: Vec<f64> = pairs.iter().map(|(a, b)| a * b).collect();
            let bound = if on_grid {
                2.0
            } else {
                pairs
                    .iter()
                    .map(|(a, b)| a.abs() + b.abs() + 2.0 + ulp)
                    .fold(0.0, f64::max)
            };
            let e = err_units(&c, &z, &want, f);
            assert!(
                e < bound,
                "f = {f}, grid {on_grid}: mul error {e} ulp >= {bound}"
            );
            let e64 = max_err(&c.peek_f64(&z), &want);
            assert!(e64 < bound * ulp, "f = {f}: mul error {e64} (decoded)");
            println!("f = {f}, on grid {on_grid}: mul_aa max error {e} ulp (bound {bound:.2})");
        }

        // square_a, values in [-4, 4).
        let s = Shape::from([257]);
        for on_grid in [true, false] {
            let mut v = uniform(s.numel(), -4.0, 4.0, 23 + f as u64);
            if on_grid {
                v = grid(v);
            }
            let x = share(&mut c, &s, &v);
            let z = square_a(&mut c, &x);
            let want: Vec<f64> = v.iter().map(|a| a * a).collect();
            let bound = if on_grid {
                2.0
            } else {
                v.iter()
                    .map(|a| 2.0 * a.abs() + 2.0 + ulp)
                    .fold(0.0, f64::max)
            };
            let e = err_units(&c, &z, &want, f);
            assert!(
                e < bound,
                "f = {f}, grid {on_grid}: square error {e} ulp >= {bound}"
            );
            println!("f = {f}, on grid {on_grid}: square_a max error {e} ulp (bound {bound:.2})");
        }

        // matmul_aa, batched with a broadcast weight, values in [-1, 1).
        let (b, m, k, p) = (2, 5, 64, 3);
        let sx = Shape::from([b, m, k]);
        let sw = Shape::from([k, p]);
        for on_grid in [true, false] {
            let mut xv = uniform(sx.numel(), -1.0, 1.0, 24 + f as u64);
            let mut wv = uniform(sw.numel(), -1.0, 1.0, 25 + f as u64);
            if on_grid {
                (xv, wv) = (grid(xv), grid(wv));
            }
            let x = share(&mut c, &sx, &xv);
            let w = share(&mut c, &sw, &wv);
            let z = matmul_aa(&mut c, &x, &w);
            let mut want = vec![0.0; b * m * p];
            let mut bound: f64 = 2.0;
            for r in 0..b * m {
                for j in 0..p {
                    want[r * p + j] = (0..k).map(|kk| xv[r * k + kk] * wv[kk * p + j]).sum();
                    if !on_grid {
                        let s: f64 = (0..k)
                            .map(|kk| xv[r * k + kk].abs() + wv[kk * p + j].abs() + ulp)
                            .sum();
                        bound = bound.max(s + 2.0);
                    }
                }
            }
            let e = err_units(&c, &z, &want, f);
            assert!(
                e < bound,
                "f = {f}, grid {on_grid}: matmul error {e} ulp >= {bound}"
            );
            println!("f = {f}, on grid {on_grid}: matmul_aa max error {e} ulp (bound {bound:.2})");
        }

        // The precision changes values, not costs: 6 rounds, each opening its operands once
        // (crypten-2pc.md: mul |x| + |y|, square n, matmul |X| + |W|).
        let t = c.ledger().totals();
        assert_eq!(t.rounds, Rounds(6));
        assert_eq!(
            t.opened_elements,
            2 * ((32 + 3) + 257 + (2 * 5 * 64 + 64 * 3)) as u64
        );
    }
}

#[test]
fn reveal_to_the_data_owner_is_one_round_on_the_ledger() {
    let s = Shape::from([3]);
    let mut c = ctx::<Exec>(15);
    let x = share(&mut c, &s, &[1.5, -2.0, 0.25]);
    let r = c.reveal_to(Recipient::DataOwner, &x);
    assert_eq!(r.decode(c.fixed()), vec![1.5, -2.0, 0.25]);
    let t = c.ledger().totals();
    assert_eq!(t.rounds, Rounds(1));
    // Both servers send their shares to the client; neither receives anything.
    assert_eq!(t.sent[0].0, 24);
    assert_eq!(t.crypten_bytes[0].0, 24);
    let r = c.reveal_to(Recipient::Server(Server::P1), &x);
    assert_eq!(r.recipient(), Recipient::Server(Server::P1));
    let e = &c.ledger().rounds()[1];
    assert_eq!((e.sent[0].0, e.sent[1].0), (24, 0));
}

/// Which primitive a ledger-equality case runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Prim {
    Mul,
    Matmul,
    Square,
    Reveal,
    /// `mul_aa_ring` (raw ring Beaver product), then a local truncation.
    MulRing,
    /// `matmul_ap`: shared `x` @ public `w` (local; records its multiply-accumulates).
    MatmulPublic,
    /// `AShare::public_matmul_ring`: public `p` @ shared `y`, then a local truncation.
    PublicMatmulLeft,
    /// Every element-wise public-operand op of `AShare` chained (broadcasting): public fixed-point
    /// product, public add / sub / reverse sub (with an opened value, depth 1), scalar product,
    /// add / reverse sub of reals, integer product, public integer division, raw ring product,
    /// truncation.
    PublicElementwise,
}

impl Prim {
    /// The primitives whose communication is only the test's own reveals (crypten-2pc.md:
    /// "Add, subtract, multiply or divide by a public value ...: local, free"; public-times-shared
    /// matmul: local + truncation). They consume no correlation.
    fn is_public(self) -> bool {
        matches!(
            self,
            Prim::MatmulPublic | Prim::PublicMatmulLeft | Prim::PublicElementwise
        )
    }

    fn is_matmul(self) -> bool {
        matches!(
            self,
            Prim::Matmul | Prim::MatmulPublic | Prim::PublicMatmulLeft
        )
    }
}

fn run_prim<B: Backend>(seed: u64, prim: Prim, sx: &Shape, sy: &Shape) -> Ctx<B> {
    let mut c = ctx::<B>(seed);
    let xv = uniform(sx.numel(), -2.0, 2.0, seed ^ 1);
    let yv = uniform(sy.numel(), -2.0, 2.0, seed ^ 2);
    let x = share(&mut c, sx, &xv);
    let y = share(&mut c, sy, &yv);
    let fx = c.fixed();
    c.scoped("case", |c| match prim {
        Prim::Mul => {
            let z = mul_aa(c, &x, &y);
            square_a(c, &z);
        }
        Prim::Matmul => {
            let z = matmul_aa(c, &x, &y);
            c.reveal(&z);
        }
        Prim::Square => {
            square_a(c, &x);
        }
        Prim::Reveal => {
            c.reveal(&x);
            c.reveal_to(Recipient::DataOwner, &y);
        }
        Prim::MulRing => {
            let z = mul_aa_ring(c, &x, &y).truncate(fx);
            c.reveal(&z);
        }
        Prim::MatmulPublic => {
            let w = Public::<B>::from_f64_fn(fx, sy.clone(), |i| yv[i]);
            let z = matmul_ap(c, &x, &w);
            c.reveal(&z);
        }
        Prim::PublicMatmulLeft => {
            let p = Public::<B>::from_f64_fn(fx, sx.clone(), |i| xv[i]);
            let z = AShare::public_matmul_ring(&p, &y).truncate(fx);
            c.reveal(&z);
        }
        Prim::PublicElementwise => {
            let p = Public::<B>::from_f64_fn(fx, sy.clone(), |i| yv[i]);
            let q = c.reveal(&y);
            let z = x
                .mul_public_fixed(&p, fx)
                .add_public(&q)
                .sub_public(&p)
                .rsub_public(&q)
                .mul_scalar(0.3, fx)
                .add_f64(0.75, fx)
                .rsub_f64(-1.25, fx)
                .mul_int(-3)
                .div_public_int(7)
                .mul_public_ring(&Public::filled_ring(Shape::scalar(), 5))
                .truncate(fx);
            c.reveal(&z);
        }
    });
    c
}

/// Numpy broadcasting of two dimension lists, by hand.
fn bcast_dims(a: &[usize], b: &[usize]) -> Vec<usize> {
    let r = a.len().max(b.len());
    let get = |d: &[usize], i: usize| {
        if i + d.len() >= r {
            d[i + d.len() - r]
        } else {
            1
        }
    };
    (0..r)
        .map(|i| {
            let (x, y) = (get(a, i), get(b, i));
            assert!(x == y || x == 1 || y == 1, "test shapes must broadcast");
            if x == 1 { y } else { x }
        })
        .collect()
}

/// Output dimensions of a batched matmul `a @ b`, by hand: broadcast batch, then (m, p).
fn matmul_dims(a: &[usize], b: &[usize]) -> Vec<usize> {
    let (ra, rb) = (a.len(), b.len());
    assert_eq!(a[ra - 1], b[rb - 2], "test matmul inner dims");
    let mut d = bcast_dims(&a[..ra - 2], &b[..rb - 2]);
    d.push(a[ra - 2]);
    d.push(b[rb - 1]);
    d
}

/// Random shapes for a primitive: broadcasting pairs, batched matmuls, 1-element and empty-batch
/// edge cases.
fn random_cases(prim: Prim, count: usize, seed: u64) -> Vec<(Shape, Shape)> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut cases = if prim.is_matmul() {
        vec![
            (Shape::from([1, 1]), Shape::from([1, 1])),
            (Shape::from([0, 3, 4]), Shape::from([4, 2])),
            (Shape::from([2, 1, 3, 4]), Shape::from([5, 4, 2])),
        ]
    } else {
        vec![
            (Shape::from([1]), Shape::from([1])),
            (Shape::from([0, 3]), Shape::from([3])),
            (Shape::scalar(), Shape::from([2, 3])),
        ]
    };
    while cases.len() < count {
        let rank = rng.random_range(1..4usize);
        let dims: Vec<usize> = (0..rank).map(|_| rng.random_range(1..6usize)).collect();
        if prim.is_matmul() {
            let k = rng.random_range(1..6usize);
            let p = rng.random_range(1..6usize);
            let mut a = dims.clone();
            a.push(k);
            let b = if rng.random_range(0..2u8) == 0 {
                vec![k, p]
            } else {
                let mut b: Vec<usize> = dims[..dims.len() - 1].to_vec();
                b.push(k);
                b.push(p);
                b
            };
            cases.push((Shape::new(a), Shape::new(b)));
        } else {
            // y: a suffix of x's dims with some dims set to 1 (broadcasting).
            let keep = rng.random_range(0..=rank);
            let y: Vec<usize> = dims[rank - keep..]
                .iter()
                .map(|&d| if rng.random_range(0..3u8) == 0 { 1 } else { d })
                .collect();
            cases.push((Shape::new(dims), Shape::new(y)));
        }
    }
    cases
}

/// The rounds a public-input case must put on the ledger, by hand: (elements, depth) per round.
/// The public ops themselves are local (crypten-2pc.md); only the test's reveals communicate.
fn public_case_rounds(prim: Prim, sx: &Shape, sy: &Shape) -> Vec<(u64, u32)> {
    let numel = |d: &[usize]| d.iter().product::<usize>() as u64;
    let (a, b) = (sx.dims(), sy.dims());
    match prim {
        // reveal(z), z of the matmul's output shape, inputs fresh: depth 1.
        Prim::MatmulPublic | Prim::PublicMatmulLeft => vec![(numel(&matmul_dims(a, b)), 1)],
        // reveal(y) (depth 1), then reveal(z) of the broadcast shape; z depends on the opened
        // y through add_public / rsub_public, so its reveal is at depth 2.
        Prim::PublicElementwise => vec![(numel(b), 1), (numel(&bcast_dims(a, b)), 2)],
        _ => unreachable!("not a public-input case"),
    }
}

#[test]
fn exec_and_cost_ledgers_are_identical_on_random_shapes() {
    for (pi, prim) in [
        Prim::Mul,
        Prim::Matmul,
        Prim::Square,
        Prim::Reveal,
        Prim::MulRing,
        Prim::MatmulPublic,
        Prim::PublicMatmulLeft,
        Prim::PublicElementwise,
    ]
    .into_iter()
    .enumerate()
    {
        let cases = random_cases(prim, 24, 100 + pi as u64);
        assert!(cases.len() >= 20);
        for (ci, (sx, sy)) in cases.iter().enumerate() {
            let seed = 1000 + ci as u64;
            let e = run_prim::<Exec>(seed, prim, sx, sy);
            let c = run_prim::<Cost>(seed, prim, sx, sy);
            let (el, cl) = (e.ledger(), c.ledger());
            // Event by event (index, scope, kind, elements, sent bytes, depth), then the
            // local-work (MAC) records, then the whole ledgers.
            assert_eq!(
                el.rounds().len(),
                cl.rounds().len(),
                "{prim:?} {sx} {sy}: round counts differ"
            );
            for (re, rc) in el.rounds().iter().zip(cl.rounds()) {
                assert_eq!(re, rc, "{prim:?} {sx} {sy}: round {} differs", re.index);
            }
            assert_eq!(
                el.local_work(),
                cl.local_work(),
                "{prim:?} {sx} {sy}: local-work records differ"
            );
            assert_eq!(el.totals().macs, cl.totals().macs);
            assert_eq!(el, cl, "{prim:?} {sx} {sy}: online ledgers differ");
            assert_eq!(
                e.dealer_log(),
                c.dealer_log(),
                "{prim:?} {sx} {sy}: dealer logs differ"
            );
            assert!(!el.rounds().is_empty());
            if prim.is_public() {
                assert!(
                    e.dealer_log().requests().is_empty(),
                    "{prim:?} {sx} {sy}: public ops consume no correlation"
                );
                let got: Vec<(u64, u32)> =
                    el.rounds().iter().map(|r| (r.elements, r.depth)).collect();
                assert_eq!(
                    got,
                    public_case_rounds(prim, sx, sy),
                    "{prim:?} {sx} {sy}: rounds (elements, depth)"
                );
            }
            if prim == Prim::MatmulPublic {
                // batch x m x k x p multiply-accumulates, by hand.
                let out = matmul_dims(sx.dims(), sy.dims());
                let k = sx.dims()[sx.rank() - 1];
                let macs = (out.iter().product::<usize>() * k) as u64;
                assert_eq!(el.totals().macs, macs, "{sx} @ {sy}: matmul_ap MACs");
            }
            if prim == Prim::MulRing {
                // One Beaver opening of |x| + |y|, then the reveal of the broadcast product.
                let n = |d: &[usize]| d.iter().product::<usize>() as u64;
                let got: Vec<u64> = el.rounds().iter().map(|r| r.elements).collect();
                assert_eq!(
                    got,
                    vec![
                        (sx.numel() + sy.numel()) as u64,
                        n(&bcast_dims(sx.dims(), sy.dims()))
                    ],
                    "{sx} {sy}: mul_aa_ring rounds"
                );
                assert_eq!(e.dealer_log().requests().len(), 1, "one mul triple");
            }
        }
    }
}

#[test]
fn same_seed_same_everything_other_seed_other_shares_same_ledger() {
    let sx = Shape::from([4, 6]);
    let sy = Shape::from([6, 3]);
    let run = |seed| {
        let mut c = ctx::<Exec>(seed);
        let xv = uniform(sx.numel(), -2.0, 2.0, 9);
        let x = share(&mut c, &sx, &xv);
        let y = share(&mut c, &sy, &xv[..18]);
        let z = matmul_aa(&mut c, &x, &y);
        let s0 = c.peek_share(&z, Server::P0);
        let plain = c.peek(&z);
        (s0, plain, c.into_ledgers())
    };
    let (a0, ap, al) = run(5);
    let (b0, bp, bl) = run(5);
    let (c0, cp, cl) = run(6);
    assert_eq!(a0, b0, "same seed must give identical shares");
    assert_eq!(
        al, bl,
        "same seed must give identical ledgers and dealer logs"
    );
    assert_ne!(a0, c0, "another seed must change the shares");
    assert_eq!(al, cl, "another seed must not change the ledgers");
    // The plaintext result may differ by the truncation's +-1 ulp between seeds, nothing more.
    for (x, y) in ap.data().iter().zip(cp.data()) {
        assert!((*x as i64 - *y as i64).abs() <= 4);
    }
    assert_eq!(ap, bp);
}

#[test]
fn cost_mode_handles_llm_sizes_without_data() {
    // In exec mode this would need (512*1024 + 1024*4096 + 512*4096) * 8 bytes per tensor and
    // share, and the 355M-element tensor alone 2.8 GB per share; the triples and masked copies
    // take well over 100 GB. Cost mode allocates shapes only.
    let mut c = ctx::<Cost>(1);
    let x = c.share_f64(Shape::from([1, 512, 1024]), |_| {
        unreachable!("cost mode never evaluates values")
    });
    let w = c.share_f64(Shape::from([1024, 4096]), |_| unreachable!());
    let z = matmul_aa(&mut c, &x, &w);
    assert_eq!(z.shape(), &Shape::from([1, 512, 4096]));
    let big = c.share_f64(Shape::from([355, 1000, 1000]), |_| unreachable!());
    let q = mul_aa(&mut c, &big, &big);
    square_a(&mut c, &q);
    let t = c.ledger().totals();
    assert_eq!(t.rounds, Rounds(3));
    assert_eq!(
        t.opened_elements,
        (512 * 1024 + 1024 * 4096) as u64 + 3 * 355_000_000
    );
    assert_eq!(t.crypten_bytes[0].0, 16 * t.opened_elements);
}

#[test]
#[should_panic(expected = "shapes (2,3) and (4,) do not broadcast")]
fn mismatched_shapes_inside_the_library_panic_naming_both() {
    let mut c = ctx::<Exec>(1);
    let x = c.share_f64(Shape::from([2, 3]), |_| 1.0);
    let y = c.share_f64(Shape::from([4]), |_| 1.0);
    mul_aa(&mut c, &x, &y);
}

#[test]
#[should_panic(expected = "matmul inner dimensions differ: (2,3) @ (4,5)")]
fn mismatched_matmul_panics_naming_both() {
    let mut c = ctx::<Cost>(1);
    let x = c.share_f64(Shape::from([2, 3]), |_| 1.0);
    let y = c.share_f64(Shape::from([4, 5]), |_| 1.0);
    matmul_aa(&mut c, &x, &y);
}

#[test]
fn dependency_depth_counts_the_longest_chain() {
    let mut c = ctx::<Cost>(1);
    let s = Shape::from([8]);
    let x = c.share_f64(s.clone(), |_| 0.0);
    // Two independent squares (depth 1 each), then their product (depth 2), then a square.
    let a = square_a(&mut c, &x);
    let b = square_a(&mut c, &x);
    let p = mul_aa(&mut c, &a, &b);
    square_a(&mut c, &p);
    let t = c.ledger().totals();
    assert_eq!(t.rounds, Rounds(4));
    assert_eq!(t.depth(), 3);
}

/// The protocols' fused local steps compute, share by share, what the chains of local operations
/// they replaced computed: the Beaver recombination (`c + eps b + a delta`, party 0 adding
/// `eps delta`, with or without truncation), the matmul recombination, the AND recombination and
/// the shifted stack; and a fused masked opening is the same ledger round and values as opening
/// the differences. Shapes: equal, broadcast both ways, empty, scalar, and above the threaded
/// size.
#[test]
fn fused_local_steps_equal_their_unfused_chains_share_by_share() {
    use secp_tuning::engine::BShare;
    use secp_tuning::ring::tensor::ShareRng;
    let pairs: &[(&[usize], &[usize])] = &[
        (&[4, 3], &[4, 3]),
        (&[4, 3], &[3]),
        (&[3], &[4, 3]),
        (&[4, 1], &[1, 5]),
        (&[0, 3], &[3]),
        (&[2, 1, 3], &[4, 1]),
        (&[], &[5]),
        (&[200, 300], &[300]),
        (&[300, 200], &[300, 1]),
    ];
    let val = |ctx: &mut Ctx<Exec>, s: &Shape, k: f64| {
        ctx.share_f64(s.clone(), |i| ((i as f64) * 0.37 + k).sin() * 3.0)
    };
    let same = |ctx: &Ctx<Exec>, f: &AShare<Exec>, u: &AShare<Exec>, what: &str| {
        for p in [Server::P0, Server::P1] {
            assert!(
                ctx.peek_share(f, p) == ctx.peek_share(u, p),
                "{what}, {p:?}"
            );
        }
        assert_eq!(f.depth(), u.depth(), "{what}: depth");
    };
    for &(px, py) in pairs {
        let (sx, sy) = (Shape::from(px), Shape::from(py));
        let what = format!("{sx} with {sy}");
        let mut ctx = ctx::<Exec>(7);
        let fx = ctx.fixed();
        let (x, y) = (val(&mut ctx, &sx, 1.0), val(&mut ctx, &sy, 2.0));
        let (a, b) = (val(&mut ctx, &sx, 3.0), val(&mut ctx, &sy, 4.0));
        let c = val(&mut ctx, &Shape::broadcast(&sx, &sy), 5.0);
        let opened = ctx.open_many(&[&x.sub(&a), &y.sub(&b)]);
        let (e, d) = (&opened[0], &opened[1]);
        let chain = c
            .add(&b.mul_public_ring(e))
            .add(&a.mul_public_ring(d))
            .add_public(&e.mul_ring(d));
        let fused = AShare::beaver_combine(&c, &a, &b, e, d, None);
        same(&ctx, &fused, &chain, &format!("beaver, {what}"));
        let fused = AShare::beaver_combine(&c, &a, &b, e, d, Some(fx));
        same(
            &ctx,
            &fused,
            &chain.truncate(fx),
            &format!("truncated, {what}"),
        );

        // Masked opening: one round of |x| + |y| elements, the same values and depth.
        let rounds_before = ctx.ledger().rounds().len();
        let masked = ctx.open_masked_many(&[(&x, &a), (&y, &b)]);
        let rounds = ctx.ledger().rounds();
        assert_eq!(rounds.len(), rounds_before + 1, "{what}");
        let (r1, r0) = (&rounds[rounds_before], &rounds[rounds_before - 1]);
        assert_eq!((r1.elements, r1.depth), (r0.elements, r0.depth), "{what}");
        for (m, o) in masked.iter().zip(&opened) {
            assert!(
                ctx.peek(&AShare::from_public(m)) == ctx.peek(&AShare::from_public(o)),
                "{what}"
            );
        }

        // AND: the combined sharing opens to the same words.
        let mut r0 = ShareRng::seed_from_u64(1);
        let mut r1 = ShareRng::seed_from_u64(2);
        let mut bits = |s: &Shape| BShare::<Exec>::random_local(s.clone(), 64, [&mut r0, &mut r1]);
        let (bx, ba, by, bb) = (bits(&sx), bits(&sx), bits(&sy), bits(&sy));
        let bc = bits(&Shape::broadcast(&sx, &sy));
        let o = ctx.open_binary_many(&[&bx.xor(&ba), &by.xor(&bb)]);
        let (be, bd) = (&o[0], &o[1]);
        let chain = bc
            .xor(&bb.and_public(be))
            .xor(&ba.and_public(bd))
            .xor_public(&be.and(bd));
        let fused = BShare::and_combine(&bc, &ba, &bb, be, bd);
        assert!(
            ctx.peek_binary(&fused) == ctx.peek_binary(&chain),
            "and, {what}"
        );
        for k in [0u32, 1, 63, 64].into_iter().filter(|_| sx.rank() > 0) {
            let fused = BShare::concat_shl(&[&bx, &bx], 0, k);
            let chain = BShare::concat(&[&bx.shl(k), &bx.shl(k)], 0);
            assert!(
                ctx.peek_binary(&fused) == ctx.peek_binary(&chain),
                "shl {k}, {what}"
            );
        }
    }
    for (px, py) in [
        (&[2usize, 3, 4][..], &[4usize, 5][..]),
        (&[3, 4], &[2, 4, 5]),
        (&[0, 4], &[4, 5]),
        (&[64, 600], &[600, 70]),
    ] {
        let (sx, sy) = (Shape::from(px), Shape::from(py));
        let mut ctx = ctx::<Exec>(8);
        let fx = ctx.fixed();
        let (x, y) = (val(&mut ctx, &sx, 1.0), val(&mut ctx, &sy, 2.0));
        let (a, b) = (val(&mut ctx, &sx, 3.0), val(&mut ctx, &sy, 4.0));
        let c = val(&mut ctx, &Shape::matmul(&sx, &sy), 5.0);
        let o = ctx.open_many(&[&x.sub(&a), &y.sub(&b)]);
        let (e, d) = (&o[0], &o[1]);
        let (eb, ad) = (AShare::public_matmul_ring(e, &b), a.matmul_public_ring(d));
        let ed = e.matmul_ring(d);
        let fused = AShare::beaver_matmul_combine(&c, &eb, &ad, &ed, fx);
        let chain = c.add(&eb).add(&ad).add_public(&ed).truncate(fx);
        same(&ctx, &fused, &chain, &format!("matmul {sx} @ {sy}"));
    }
}
