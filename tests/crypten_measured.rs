//! Every row of CrypTen's measured per-operation figures (tests/data/crypten-ops-measured.csv,
//! measured by running CrypTen 0.4.1 with two parties) reproduced through the op catalog:
//! rounds and CrypTen-counter bytes per party exactly; for TTP the dealer requests, the 3 extra
//! counted calls per request and the 8 |c| payload of party 0, with |c| parsed from the measured
//! `correlations_used` column for every TTP row (the CSV's Python object-size overhead, about
//! 280-300 bytes per request, is not payload); the correlations consumed; exec
//! accuracy no worse than twice CrypTen's measured error where CrypTen is right; and the exec
//! ledger equal to the cost ledger.

use secp_tuning::engine::{Backend, Cost, Ctx, CtxConfig, Exec, RunSeed};
use secp_tuning::net::DealerPolicy;
use secp_tuning::ops::{Op, OpInputs, Provider, run_op};
use secp_tuning::ring::{FixedPoint, Shape};

#[derive(Debug, Clone)]
struct Row {
    provider: String,
    op: String,
    input_shape: String,
    party: u8,
    rounds: u64,
    crypten_bytes: u64,
    ttp_requests: u64,
    ttp_counted_bytes: u64,
    correlations_used: String,
    max_abs_err: f64,
}

fn rows() -> Vec<Row> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/crypten-ops-measured.csv"
    );
    let mut rdr = csv::Reader::from_path(path).expect("measured CSV present");
    rdr.records()
        .map(|r| {
            let r = r.expect("valid CSV record");
            Row {
                provider: r[0].to_string(),
                op: r[1].to_string(),
                input_shape: r[2].to_string(),
                party: r[3].parse().unwrap(),
                rounds: r[4].parse().unwrap(),
                crypten_bytes: r[5].parse().unwrap(),
                ttp_requests: r[6].parse().unwrap(),
                ttp_counted_bytes: r[7].parse().unwrap(),
                correlations_used: r[8].to_string(),
                max_abs_err: r[9].parse().unwrap(),
            }
        })
        .collect()
}

/// "(64,)" -> [64]; "(128,64)@(64,64)" -> ([128,64], Some([64,64])).
fn parse_shapes(s: &str) -> (Shape, Option<Shape>) {
    let one = |t: &str| -> Shape {
        let t = t.trim().trim_start_matches('(').trim_end_matches(')');
        Shape::new(
            t.split(',')
                .filter(|d| !d.trim().is_empty())
                .map(|d| d.trim().parse::<usize>().unwrap())
                .collect::<Vec<_>>(),
        )
    };
    match s.split_once('@') {
        Some((a, b)) => (one(a), Some(one(b))),
        None => (one(s), None),
    }
}

/// Ring elements of TTP corrections implied by a `correlations_used` entry
/// (`kind xCOUNT elems=A/B[/C]`, element counts summed over the requests). crypten-2pc.md: "The
/// TTP provider sends party 0 a correction of |c| elements per request"; party 1 derives all its
/// shares from a seed. The dependent component is the last one: `c` of a triple
/// (`mul_triple`, `matmul_triple`, `binary_triple`: third number), `r^2` of a square pair and the
/// arithmetic bit of a B2A bit pair (`square_pair`, `b2a_bit`: second number).
fn ttp_correction_elements(correlations_used: &str) -> u64 {
    correlations_used
        .split(';')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|entry| {
            let (kind, rest) = entry.split_once(' ').expect("kind xCOUNT elems=..");
            let elems = rest
                .split_once("elems=")
                .expect("elems= field")
                .1
                .split('/')
                .map(|v| v.parse::<u64>().expect("element count"))
                .collect::<Vec<_>>();
            let idx = match kind {
                "mul_triple" | "matmul_triple" | "binary_triple" => 2,
                "square_pair" | "b2a_bit" => 1,
                other => panic!("unknown correlation kind {other:?}"),
            };
            assert_eq!(elems.len(), idx + 1, "{entry}: component count");
            elems[idx]
        })
        .sum()
}

#[test]
fn correction_parser_reads_the_dependent_component() {
    // By hand from the CSV text: log = square_pair r^2 (1664) + mul_triple c (896), not the
    // 384 of its b component; ltz = binary_triple c (832) + b2a_bit (64).
    assert_eq!(
        ttp_correction_elements("square_pair x26 elems=1664/1664; mul_triple x6 elems=896/384/896"),
        1664 + 896
    );
    assert_eq!(
        ttp_correction_elements("binary_triple x7 elems=832/832/832; b2a_bit x1 elems=64/64"),
        832 + 64
    );
    assert_eq!(
        ttp_correction_elements("matmul_triple x1 elems=8192/8192/16384"),
        16384
    );
    assert_eq!(ttp_correction_elements(""), 0);
}

#[test]
fn every_measured_row_is_reproduced() {
    let mut checked = 0;
    let mut ttp_p0_rows = 0;
    for row in rows() {
        let (shape, rhs) = parse_shapes(&row.input_shape);
        let provider = match row.provider.as_str() {
            "TFP" => Provider::Tfp,
            "TTP" => Provider::Ttp,
            p => panic!("unknown provider {p}"),
        };
        let ours = run_op(&row.op, &shape, rhs.as_ref(), provider)
            .unwrap_or_else(|e| panic!("{} {}: {e}", row.op, row.input_shape));
        let me = &ours[row.party as usize];
        let what = format!(
            "{} {} {} party {}",
            row.provider, row.op, row.input_shape, row.party
        );
        match (provider, row.party) {
            (Provider::Ttp, 0) => {
                // CrypTen's party-0 counters include the dealer's: 3 calls and 8|c| + overhead
                // bytes per request.
                assert_eq!(
                    me.dealer_requests, row.ttp_requests,
                    "{what}: dealer requests"
                );
                assert_eq!(
                    me.rounds + 3 * me.dealer_requests,
                    row.rounds,
                    "{what}: rounds"
                );
                // The payload, from the measured `correlations_used` column alone: party 0
                // receives |c| elements per request (8 bytes each).
                let payload = 8 * ttp_correction_elements(&row.correlations_used);
                assert_eq!(
                    me.offline_bytes, payload,
                    "{what}: offline payload is not 8 |c| of {:?}",
                    row.correlations_used
                );
                let overhead = row.ttp_counted_bytes - payload;
                let req = me.dealer_requests;
                // What is left of the counted bytes is CrypTen's pickling overhead, not payload:
                // 288 bytes per request for a 1-D correlation, and the stacked words of one A2B
                // adder add 104 bytes once. For the ops with higher-rank or broadcast
                // correlations (max, softmax, log, layernorm, matmul) the overhead is only
                // bounded (the payload above is exact for every row).
                let exact = match row.op.as_str() {
                    "mul_private" | "square" | "eq" | "exp" | "sqrt" | "inv_sqrt" | "cos"
                    | "sin" | "erf" | "erf_small" | "gelu_erf" => Some(288 * req),
                    "lt" | "gt" | "ltz" | "sign" | "relu" | "reciprocal" | "sigmoid" | "tanh"
                    | "gelu_tanh" => Some(288 * req + 104),
                    _ => None,
                };
                match exact {
                    Some(want) => assert_eq!(
                        overhead, want,
                        "{what}: counted {} minus payload {payload}",
                        row.ttp_counted_bytes
                    ),
                    None => assert!(
                        (280 * req..=320 * req).contains(&overhead),
                        "{what}: payload {payload} vs counted {} leaves {overhead} bytes of \
                         overhead",
                        row.ttp_counted_bytes
                    ),
                }
                assert_eq!(
                    me.crypten_bytes + row.ttp_counted_bytes,
                    row.crypten_bytes,
                    "{what}: online CrypTen bytes"
                );
                ttp_p0_rows += 1;
            }
            _ => {
                assert_eq!(me.rounds, row.rounds, "{what}: rounds");
                assert_eq!(me.crypten_bytes, row.crypten_bytes, "{what}: CrypTen bytes");
                assert_eq!(
                    me.offline_bytes, 0,
                    "{what}: no offline bytes for this party"
                );
            }
        }
        checked += 1;
    }
    assert_eq!(checked, 144, "every row of the measured CSV is checked");
    assert_eq!(
        ttp_p0_rows, 36,
        "every TTP party-0 row has its payload checked"
    );
}

fn run_catalog<B: Backend>(op: Op, inputs: &OpInputs, seed: u64) -> Ctx<B> {
    let mut ctx = Ctx::<B>::new(CtxConfig {
        seed: RunSeed(seed),
        fixed: FixedPoint::default(),
    });
    let x = inputs.share_inputs(&mut ctx, seed);
    ctx.scoped(op.name(), |c| op.run(c, &x));
    ctx
}

#[test]
fn correlations_consumed_match_the_measured_column() {
    let all = rows();
    for row in all
        .iter()
        .filter(|r| r.party == 1 && !r.correlations_used.is_empty())
    {
        let op = Op::from_name(&row.op).expect("every measured op is in the catalog");
        let (shape, rhs) = parse_shapes(&row.input_shape);
        let inputs = OpInputs::new(op, &shape, rhs.as_ref()).unwrap();
        let ctx = run_catalog::<Cost>(op, &inputs, 1);
        assert_eq!(
            ctx.dealer_log().correlations_used(),
            row.correlations_used,
            "{} {} {}",
            row.provider,
            row.op,
            row.input_shape
        );
        let what = format!("{} {} {}", row.provider, row.op, row.input_shape);
        let off = ctx.dealer_log().totals(DealerPolicy::SeededCorrection);
        // Under TTP: payload 8 |c| to party 0 only (parsed from the measured column), one
        // request per correlation, and the calls CrypTen's party-0 counter adds for the dealer
        // equal the measured difference between the two parties' round counters.
        assert_eq!(
            off.received[0].0,
            8 * ttp_correction_elements(&row.correlations_used),
            "{what}: TTP payload of party 0"
        );
        assert_eq!(off.received[1].0, 0, "{what}: TTP payload of party 1");
        if row.provider == "TTP" {
            let p0 = all
                .iter()
                .find(|r| {
                    r.provider == row.provider
                        && r.op == row.op
                        && r.input_shape == row.input_shape
                        && r.party == 0
                })
                .expect("party-0 row");
            assert_eq!(off.requests, p0.ttp_requests, "{what}: requests");
            assert_eq!(
                off.calls,
                [p0.rounds - row.rounds, 0],
                "{what}: dealer calls counted per party"
            );
        }
    }
}

#[test]
fn local_ops_consume_no_correlation() {
    // Rows whose measured `correlations_used` is empty: CrypTen consumed no correlation (the
    // local ops, share_input and reveal). The simulator's dealer log for the op must be empty
    // too, in both backends, and so the `ops` rows report no dealer request and no offline
    // bytes under either provider.
    let all = rows();
    let empty: Vec<&Row> = all
        .iter()
        .filter(|r| r.correlations_used.is_empty())
        .collect();
    // By hand from the CSV: reveal, share_input, add_private, mul_public, truncation,
    // div_public, sum, mean, matmul_public; x 2 providers x 2 parties.
    assert_eq!(empty.len(), 9 * 2 * 2, "rows with no correlation");
    for row in empty {
        let what = format!(
            "{} {} {} party {}",
            row.provider, row.op, row.input_shape, row.party
        );
        assert_eq!(
            row.ttp_requests, 0,
            "{what}: the CSV itself names no request"
        );
        let op = Op::from_name(&row.op).expect("every measured op is in the catalog");
        let (shape, rhs) = parse_shapes(&row.input_shape);
        let inputs = OpInputs::new(op, &shape, rhs.as_ref()).unwrap();
        let cost = run_catalog::<Cost>(op, &inputs, 3);
        assert!(
            cost.dealer_log().requests().is_empty(),
            "{what}: cost-mode dealer log is {:?}",
            cost.dealer_log().correlations_used()
        );
        assert_eq!(cost.dealer_log().correlations_used(), "", "{what}");
        let exec = run_catalog::<Exec>(op, &inputs, 3);
        assert!(
            exec.dealer_log().requests().is_empty(),
            "{what}: exec-mode dealer log is {:?}",
            exec.dealer_log().correlations_used()
        );
        let provider = match row.provider.as_str() {
            "TFP" => Provider::Tfp,
            _ => Provider::Ttp,
        };
        let me = &run_op(&row.op, &shape, rhs.as_ref(), provider).unwrap()[row.party as usize];
        assert_eq!(
            (me.dealer_requests, me.offline_bytes),
            (0, 0),
            "{what}: ops row"
        );
    }
}

#[test]
fn exec_accuracy_within_twice_crypten_and_exec_ledger_equals_cost() {
    // CrypTen is wrong for erf on |x| > 0.5 and hence erf-GeLU (the pow bug): bounds for those
    // live in the function tests, not here.
    const CRYPTEN_WRONG: &[&str] = &["erf", "gelu_erf"];
    for row in rows()
        .iter()
        .filter(|r| r.provider == "TFP" && r.party == 0)
    {
        let op = Op::from_name(&row.op).expect("every measured op is in the catalog");
        let (shape, rhs) = parse_shapes(&row.input_shape);
        let inputs = OpInputs::new(op, &shape, rhs.as_ref()).unwrap();
        let seed = 42;
        let exec = run_catalog::<Exec>(op, &inputs, seed);
        let cost = run_catalog::<Cost>(op, &inputs, seed);
        assert_eq!(exec.ledger(), cost.ledger(), "{}: ledgers differ", row.op);
        assert_eq!(
            exec.dealer_log(),
            cost.dealer_log(),
            "{}: dealer logs differ",
            row.op
        );
        if CRYPTEN_WRONG.contains(&row.op.as_str()) {
            continue;
        }
        // Re-run to get the result value (the catalog's run returns the output sharing).
        let mut ctx = Ctx::<Exec>::new(CtxConfig {
            seed: RunSeed(seed),
            fixed: FixedPoint::default(),
        });
        let x = inputs.share_inputs(&mut ctx, seed);
        let z = op.run(&mut ctx, &x);
        let got = ctx.peek_f64(&z);
        let want = op
            .reference(&inputs.values(seed), inputs.shapes())
            .expect("measured ops have deterministic outputs");
        assert_eq!(got.len(), want.len(), "{}: output size", row.op);
        let err = got
            .iter()
            .zip(&want)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        // One fixed-point ulp of slack where CrypTen measured an exact result.
        let bound = (2.0 * row.max_abs_err).max(1.0 / 65536.0);
        assert!(
            err <= bound,
            "{}: max abs error {err} exceeds twice CrypTen's {}",
            row.op,
            row.max_abs_err
        );
    }
}
