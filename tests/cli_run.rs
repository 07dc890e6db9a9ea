//! The built binary end to end: `run` on a tiny scenario (every output kind), determinism,
//! bad inputs (one clear error, exit 2, nothing written), `check`, `cost`, `ops` (matmul,
//! element-wise, softmax, max/argmax, LayerNorm and public-matmul rows against the reference
//! formulas, TTP payload per party), `--help`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_secp-tuning"))
}

/// A fresh scratch folder, removed when the test ends.
struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tmp(name: &str) -> TempDir {
    let d = std::env::temp_dir().join(format!("secp-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    TempDir(d)
}

/// A tiny cost-mode scenario with both sweeps (outputs go where the command line says).
fn tiny(_dir: &Path, extra_model: &str, methods: &str) -> String {
    format!(
        r#"
name = "tiny"
seed = 5
methods = [{methods}]

[model]
preset = "tiny"
{extra_model}

[options]
features = 4

[[networks]]
preset = "lan"

[[networks]]
name = "slow"
bandwidth_mbps = 10
one_way_latency_ms = 20

[device]
name = "test-device"
ps_per_round = 1000
ps_per_opened_element = 10
ps_per_mac = 1

[sweep]
bandwidth_mbps = [10, 1000]
one_way_latency_ms = [0.5, 40]
reference = "sft"
target = "secp_tuning"

[seq_sweep]
seq = [4, 8]
methods = ["fot", "secp_tuning"]
"#
    )
}

fn out_flags(dir: &Path) -> [String; 4] {
    [
        "--results-dir".into(),
        dir.join("results").display().to_string(),
        "--plots-dir".into(),
        dir.join("plots").display().to_string(),
    ]
}

fn run_scenario(s: &Path, dir: &Path) -> Output {
    let mut args = vec!["run".to_string(), s.display().to_string()];
    args.extend(out_flags(dir));
    bin().args(&args).output().unwrap()
}

const METHODS: &str = r#""sft", "prompt_tuning", "fot", "secp_tuning""#;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn run_writes_every_output_and_is_byte_identical_twice() {
    let mut csvs = Vec::new();
    for round in 0..2 {
        let d = tmp(&format!("det{round}"));
        let s = write(&d, "tiny.toml", &tiny(&d, "", METHODS));
        let o = run_scenario(&s, &d);
        assert!(o.status.success(), "{}", text(&o.stderr));
        let out = text(&o.stdout);
        assert!(
            out.contains("secp_tuning") && out.contains("rounds"),
            "{out}"
        );
        let res = d.join("results/tiny");
        let mut files = Vec::new();
        for f in [
            "summary.csv",
            "phases.csv",
            "ops.csv",
            "reveals.csv",
            "ratios.csv",
            "sweep.csv",
            "seqlen.csv",
        ] {
            files.push(std::fs::read(res.join(f)).unwrap_or_else(|e| panic!("{f}: {e}")));
        }
        let plots = d.join("plots/tiny");
        for p in [
            "time",
            "communication",
            "ratios",
            "phases",
            "operations",
            "sweep",
            "seqlen-communication",
            "seqlen-attention",
            "seqlen-time-lan",
        ] {
            let png = std::fs::read(plots.join(format!("{p}.png"))).unwrap();
            assert_eq!(&png[1..4], b"PNG", "{p}.png");
            let svg = std::fs::read_to_string(plots.join(format!("{p}.svg"))).unwrap();
            assert!(
                svg.contains("<svg") && svg.contains("<text"),
                "{p}.svg has text"
            );
        }
        // No temporary file is left behind.
        for dir in [&res, &plots] {
            for e in std::fs::read_dir(dir).unwrap() {
                let n = e.unwrap().file_name().to_string_lossy().into_owned();
                assert!(!n.starts_with('.'), "leftover {n}");
            }
        }
        csvs.push(files);
    }
    for (a, b) in csvs[0].iter().zip(&csvs[1]) {
        assert!(
            a == b,
            "same scenario, byte-identical CSVs:\n{}\n{}",
            text(a),
            text(b)
        );
    }
    let summary = text(&csvs[0][0]);
    let header = summary.lines().next().unwrap();
    for col in [
        "method",
        "network",
        "rounds",
        "crypten_bytes_p0",
        "bytes_sent_p0",
        "sim_seconds",
        "paper_crypten_bytes",
        "paper_seconds",
        "seed",
        "scenario_hash",
        "version",
    ] {
        assert!(header.split(',').any(|c| c == col), "summary lacks {col}");
    }
    assert_eq!(
        summary.lines().count(),
        1 + 4 * 2,
        "one row per method and network"
    );
    // The forward-only methods reveal the logits to the data owner, and nothing else in clear.
    let reveals = text(&csvs[0][3]);
    for m in ["fot", "secp_tuning"] {
        let rows: Vec<&str> = reveals
            .lines()
            .filter(|l| l.split(',').nth(1) == Some(m))
            .collect();
        assert!(!rows.is_empty(), "{m} reveals something");
        assert!(rows.iter().all(|l| l.contains("data_owner")), "{rows:?}");
    }
}

fn assert_refused(scenario: &str, dir: &Path, needle: &str) {
    let s = write(dir, "bad.toml", scenario);
    let o = run_scenario(&s, dir);
    assert_eq!(o.status.code(), Some(2), "{needle}: {}", text(&o.stderr));
    let err = text(&o.stderr);
    assert_eq!(err.lines().count(), 1, "one error line: {err}");
    assert!(
        err.starts_with("error: ") && err.contains(needle),
        "{needle}: {err}"
    );
    assert!(o.stdout.is_empty());
    assert!(
        !dir.join("results").exists() && !dir.join("plots").exists(),
        "nothing written"
    );
}

#[test]
fn bad_inputs_give_one_error_and_write_nothing() {
    let d = tmp("bad");
    let good = tiny(&d, "", METHODS);
    assert_refused(
        &good.replace("seed = 5", "seed = 5\ncolour = 1"),
        &d,
        "colour",
    );
    assert_refused(
        &good.replace("features = 4", "featurez = 4"),
        &d,
        "field `options.featurez`",
    );
    // Errors name the field with its table's path.
    assert_refused(
        &tiny(&d, "seqq = 3", METHODS),
        &d,
        "field `model.seqq`: unknown field `seqq`",
    );
    assert_refused(
        &good.replace("features = 4", "features = 4\noptimizer = \"adma\""),
        &d,
        "field `options.optimizer`: unknown variant `adma`",
    );
    assert_refused(
        &good.replace(
            "bandwidth_mbps = 10\n",
            "bandwidth_mbps = 10\nlatency = 3\n",
        ),
        &d,
        "field `networks[1].latency`",
    );
    assert_refused(
        &good.replace("[seq_sweep]\n", "[seq_sweep]\nlength = 3\n"),
        &d,
        "field `seq_sweep.length`",
    );
    // A tuning scenario given to `run` says so.
    assert_refused(
        &good.replace("seed = 5", "seeds = [5]"),
        &d,
        "this looks like a tuning scenario: run it with `secp-tuning tune`",
    );
    // Weights belong to exec mode.
    assert_refused(
        &tiny(&d, "weights = \"w.json\"", METHODS),
        &d,
        "field `model.weights`: weights apply in exec mode only",
    );
    assert_refused(
        &good.replace("seed = 5", "seed = \"five\""),
        &d,
        "invalid type",
    );
    assert_refused(
        &good.replace("bandwidth_mbps = 10\n", "bandwidth_mbps = 0\n"),
        &d,
        "bandwidth_mbps",
    );
    assert_refused(
        &good.replace("bandwidth_mbps = 10\n", "bandwidth_mbps = -5\n"),
        &d,
        "bandwidth_mbps",
    );
    assert_refused(
        &good.replace(r#"methods = ["sft","#, r#"methods = ["fotx", "sft","#),
        &d,
        "unknown method \"fotx\"",
    );
    assert_refused(
        &good.replace("preset = \"tiny\"", "preset = \"gpt-9\""),
        &d,
        "unknown model preset",
    );
    assert_refused(
        &good.replace("preset = \"lan\"", "preset = \"moon\""),
        &d,
        "unknown network preset",
    );
    assert_refused(&tiny(&d, "heads = 3", METHODS), &d, "model.heads");
    assert_refused(
        &good
            .replace("preset = \"tiny\"", "preset = \"roberta-large\"")
            .replace("seed = 5", "seed = 5\nmode = \"exec\""),
        &d,
        "exec mode",
    );
    assert_refused(
        &tiny(&d, "hidden = 16\nheads = 5", METHODS),
        &d,
        "model.heads",
    );
    let o = run(&["run", d.join("missing.toml").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("cannot read"));
}

#[test]
fn an_unwritable_output_folder_is_refused_before_writing() {
    let d = tmp("unwritable");
    let blocker = write(&d, "file", "");
    let p = write(&d, "s.toml", &tiny(&d, "", METHODS));
    let o = run(&[
        "run",
        p.to_str().unwrap(),
        "--results-dir",
        blocker.join("results").to_str().unwrap(),
        "--plots-dir",
        d.join("plots").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("output") && err.contains("cannot be created"),
        "{err}"
    );
    assert!(!d.join("plots").exists(), "nothing written");
    // A writable results folder and an unwritable plots folder: refused, and the results
    // folder (checked first) is not left behind either.
    let o = run(&[
        "run",
        p.to_str().unwrap(),
        "--results-dir",
        d.join("results").to_str().unwrap(),
        "--plots-dir",
        blocker.join("plots").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("cannot be created"));
    assert!(!d.join("results").exists(), "no empty results folder left");
}

#[test]
fn check_passes_on_equal_counts_and_fails_with_a_diff() {
    let d = tmp("check");
    let s = write(&d, "tiny.toml", &tiny(&d, "", METHODS));
    let base = d.join("baseline/tiny-ops.csv");
    let (s, b) = (s.to_str().unwrap(), base.to_str().unwrap());
    let o = run(&["check", b, "--scenario", s, "--update"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = run(&["check", b, "--scenario", s]);
    assert!(o.status.success(), "{}", text(&o.stdout));
    // A changed count in the baseline (as if a protocol's cost had changed).
    let csv = std::fs::read_to_string(&base).unwrap();
    let mut lines: Vec<String> = csv.lines().map(String::from).collect();
    let mut f: Vec<String> = lines[1].split(',').map(String::from).collect();
    let rounds: u64 = f[4].parse().unwrap();
    f[4] = (rounds + 1).to_string();
    lines[1] = f.join(",");
    std::fs::write(&base, lines.join("\n") + "\n").unwrap();
    let o = run(&["check", b, "--scenario", s]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(
        out.contains("FAILED") && out.contains(&format!("rounds {} -> {rounds} (-1)", rounds + 1)),
        "{out}"
    );
}

#[test]
fn exec_mode_writes_the_same_counts_as_cost_mode() {
    let d = tmp("exec");
    let cost = write(&d, "cost.toml", &tiny(&d, "", METHODS));
    let exec = write(
        &d,
        "exec.toml",
        &tiny(&d, "", METHODS).replace("seed = 5", "seed = 5\nmode = \"exec\""),
    );
    let base = d.join("ops.csv");
    let b = base.to_str().unwrap();
    assert!(
        run(&["check", b, "--scenario", cost.to_str().unwrap(), "--update"])
            .status
            .success()
    );
    let o = run(&["check", b, "--scenario", exec.to_str().unwrap()]);
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
}

#[test]
fn cost_and_ops_print_the_specified_csv_headers() {
    let o = run(&[
        "cost",
        "--method",
        "secp_tuning",
        "--preset",
        "tiny",
        "--seq",
        "6",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert_eq!(
        out.lines().next().unwrap(),
        "method,phase,op,rounds,depth,opened_elements,bytes_sent_p0,bytes_sent_p1,crypten_bytes_p0,crypten_bytes_p1"
    );
    assert!(out.lines().any(|l| l.starts_with("secp_tuning,total,all,")));
    let o = run(&["ops", "--op", "softmax", "--shape", "2,4,4"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert_eq!(
        out.lines().next().unwrap(),
        "op,shape,party,rounds,depth,opened_elements,bytes_sent,crypten_bytes,dealer_requests,offline_bytes"
    );
    assert!(out.lines().nth(1).unwrap().starts_with("softmax,2x4x4,0,"));
    let o = run(&[
        "cost", "--method", "bogus", "--preset", "tiny", "--seq", "6",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn every_command_explains_itself() {
    for c in [
        "run",
        "sweep",
        "check",
        "calibrate",
        "cost",
        "ops",
        "tune",
        "networks",
    ] {
        let o = run(&[c, "--help"]);
        assert!(o.status.success(), "{c}");
        assert!(text(&o.stdout).len() > 100, "{c} --help explains");
    }
    let o = run(&["--help"]);
    assert!(text(&o.stdout).contains("ONE-WAY"));
    let o = run(&["networks"]);
    assert!(text(&o.stdout).contains("wan-200mbps-40ms,200,40"));
}

#[test]
fn calibrate_recovers_known_device_constants_and_reports_left_out_rows() {
    // Simulate with a known device profile, then fit a zero profile to those times.
    let d = tmp("calibrate");
    let s = write(&d, "tiny.toml", &tiny(&d, "", METHODS));
    let o = run_scenario(&s, &d);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let summary = std::fs::read_to_string(d.join("results/tiny/summary.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(summary.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let mut reference = String::from("method,network,seconds\n");
    for rec in rdr.records() {
        let rec = rec.unwrap();
        reference.push_str(&format!(
            "{},{},{}\n",
            &rec[col("method")],
            &rec[col("network")],
            &rec[col("sim_seconds")]
        ));
    }
    let refp = write(&d, "reference.csv", &reference);
    let zero = tiny(&d, "", METHODS)
        .replace("ps_per_opened_element = 10", "ps_per_opened_element = 0")
        .replace("ps_per_mac = 1", "ps_per_mac = 0");
    let zs = write(&d, "zero.toml", &zero);
    let o = run(&[
        "calibrate",
        zs.to_str().unwrap(),
        "--fit",
        "ps_per_opened_element,ps_per_mac",
        "--rows",
        "sft@lan,secp_tuning@slow",
        "--reference",
        refp.to_str().unwrap(),
    ]);
    let out = text(&o.stdout);
    assert!(o.status.success(), "{out}{}", text(&o.stderr));
    assert!(
        out.contains("ps_per_opened_element = 10  # fitted"),
        "{out}"
    );
    assert!(out.contains("ps_per_mac = 1  # fitted"), "{out}");
    assert!(out.contains("fot@lan") && out.contains("left_out"), "{out}");
    // The paper's table: at most two rows may be fitted.
    let o = run(&[
        "calibrate",
        zs.to_str().unwrap(),
        "--rows",
        "sft@lan,fot@lan,secp_tuning@lan",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("at most two"));
}

#[test]
fn sweep_reprices_over_a_grid_given_on_the_command_line() {
    let d = tmp("sweep");
    let s = write(&d, "tiny.toml", &tiny(&d, "", METHODS));
    let mut args: Vec<String> = [
        "sweep",
        s.to_str().unwrap(),
        "--bandwidth-mbps",
        "10,100,1000",
        "--latency-ms",
        "0,5",
    ]
    .iter()
    .map(|x| x.to_string())
    .collect();
    args.extend(out_flags(&d));
    let o = bin().args(&args).output().unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let csv = std::fs::read_to_string(d.join("results/tiny/sweep.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 3 * 2 * 4, "grid x methods");
    assert!(d.join("plots/tiny/sweep.png").exists() && d.join("plots/tiny/sweep.svg").exists());
    // Zero bandwidth on the command line is refused like in a file.
    let o = run(&[
        "sweep",
        s.to_str().unwrap(),
        "--bandwidth-mbps",
        "0",
        "--latency-ms",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("sweep.bandwidth_mbps[0]"));
}

#[test]
fn summary_times_follow_the_stated_pricing_formula() {
    // time = rounds x one-way latency + busier direction's bytes / bandwidth
    //      + (ps_per_round x rounds + ps_per_opened_element x opened + ps_per_mac x macs) / 1e12
    let d = tmp("formula");
    let s = write(&d, "tiny.toml", &tiny(&d, "", METHODS));
    assert!(run_scenario(&s, &d).status.success());
    let summary = std::fs::read_to_string(d.join("results/tiny/summary.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(summary.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let mut rows = 0;
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let f = |n: &str| rec[col(n)].parse::<f64>().unwrap();
        let (bw, lat) = match &rec[col("network")] {
            "lan" => (3000e6, 0.8e-3),
            "slow" => (10e6, 20e-3),
            other => panic!("{other}"),
        };
        let rounds = f("rounds");
        // The tiny protocols are symmetric: both parties send the same bytes every round.
        assert_eq!(f("bytes_sent_p0"), f("bytes_sent_p1"));
        assert_eq!(
            f("crypten_bytes_p0"),
            2.0 * f("bytes_sent_p0") - reveal_bytes(&d, &rec[col("method")])
        );
        let latency = rounds * lat;
        let transfer = f("bytes_sent_p0") * 8.0 / bw;
        let compute = (1000.0 * rounds + 10.0 * f("opened_elements") + f("macs")) * 1e-12;
        assert!((f("latency_seconds") - latency).abs() < 1e-9, "{rec:?}");
        assert!((f("transfer_seconds") - transfer).abs() < 2e-9, "{rec:?}");
        assert!((f("compute_seconds") - compute).abs() < 2e-9, "{rec:?}");
        let total = f("latency_seconds") + f("transfer_seconds") + f("compute_seconds");
        assert!((f("sim_seconds") - total).abs() < 2e-9, "{rec:?}");
        rows += 1;
    }
    assert_eq!(rows, 8);
}

/// Bytes a party sent in reveals to the data owner (sent but not received by the other server,
/// so CrypTen's counter of the other server does not include them).
fn reveal_bytes(d: &Path, method: &str) -> f64 {
    let reveals = std::fs::read_to_string(d.join("results/tiny/reveals.csv")).unwrap();
    reveals
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(1) == Some(method))
        .filter(|l| l.split(',').nth(5) == Some("data_owner"))
        .map(|l| l.split(',').nth(7).unwrap().parse::<f64>().unwrap())
        .sum()
}

/// `ops` through the library entry point (`cli::run_with`, as tests/cli_check.rs does): exit
/// code, stdout, stderr.
fn ops_cli(args: &[&str]) -> (i32, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let mut full = vec!["secp-tuning", "ops"];
    full.extend_from_slice(args);
    let w = secp_tuning::scenario::workload::ModelWorkload;
    let code = secp_tuning::cli::run_with(full, &w, &mut out, &mut err);
    (code, text(&out), text(&err))
}

const OPS_HEADER: &str = "op,shape,party,rounds,depth,opened_elements,bytes_sent,crypten_bytes,dealer_requests,offline_bytes";

/// The data rows of an `ops` CSV, split into fields (after checking the header exactly).
fn ops_rows(out: &str) -> Vec<Vec<String>> {
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some(OPS_HEADER), "{out}");
    lines
        .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>())
        .inspect(|f| assert_eq!(f.len(), 10, "{f:?}"))
        .collect()
}

fn num(f: &[String], col: usize) -> u64 {
    f[col]
        .parse()
        .unwrap_or_else(|e| panic!("{f:?} column {col}: {e}"))
}

#[test]
fn ops_matmul_rows_follow_the_beaver_formula() {
    // Beaver matmul (crypten-2pc.md): 1 round; E = |X| + |W| opened by each party;
    // X = 1x128x1024 (131072), W = 1024x1024 (1048576): E = 1179648; sent 8 E, CrypTen 16 E.
    // One matmul triple; the output c has the shape of X @ W = 1x128x1024 = 131072 elements.
    let e: u64 = 128 * 1024 + 1024 * 1024;
    assert_eq!(e, 1_179_648);
    for (provider, offline) in [("tfp", [0, 0]), ("ttp", [8 * 128 * 1024, 0])] {
        let (code, out, err) = ops_cli(&[
            "--op",
            "matmul",
            "--shape",
            "1,128,1024",
            "--rhs",
            "1024,1024",
            "--provider",
            provider,
        ]);
        assert_eq!(code, 0, "{err}");
        let rows = ops_rows(&out);
        assert_eq!(rows.len(), 2, "{out}");
        for (party, f) in rows.iter().enumerate() {
            assert_eq!(f[0], "matmul");
            assert_eq!(f[1], "1x128x1024@1024x1024");
            assert_eq!(num(f, 2), party as u64);
            assert_eq!(num(f, 3), 1, "rounds");
            assert_eq!(num(f, 4), 1, "depth: one opening of the inputs");
            assert_eq!(num(f, 5), e, "opened elements");
            assert_eq!(num(f, 6), 8 * e, "bytes sent");
            assert_eq!(num(f, 7), 16 * e, "CrypTen counter");
            assert_eq!(num(f, 8), 1, "one matmul triple");
            // TTP: party 0 receives |c| = 131072 elements = 1048576 bytes, party 1 nothing.
            assert_eq!(num(f, 9), offline[party], "{provider} offline bytes");
        }
    }
    assert_eq!(8 * 128 * 1024, 1_048_576);
}

#[test]
fn ops_without_op_lists_every_elementwise_op_with_the_reference_costs() {
    // Every catalog op that takes one tensor of any shape (no --rhs, not a row op), with
    // (rounds, opened elements per input element) from crypten-2pc.md's tables; binary ops
    // (add_private, mul_private, lt, .., eq, div) take two inputs of n elements.
    //   reveal 1, n | share/add/public mul/truncation/public div/sum/mean: local
    //   mul 1, |x| + |y| = 2n | square 1, n | lt..ltz, sign: 8, 27n | eq 7, 13n
    //   relu, abs: ltz + mul = 9, 29n | exp 8, 8n | reciprocal 38, 69n | div 39, 71n
    //   sqrt 18, 25n | inv_sqrt 17, 23n | log 32, 46n | sigmoid, tanh 23, 47n
    //   cos, sin 28, 37n | one-round cos/sin 1, n | erf 34, 47n | gelu_erf = erf + mul: 35, 49n
    //   gelu_tanh 26, 52n | rand 1, 16n | dropout = rand + ltz + mul: 1 + 8 + 1 = 10,
    //   16n + 27n + 2n = 45n
    let want: &[(&str, u64, u64)] = &[
        ("reveal", 1, 1),
        ("share_input", 0, 0),
        ("add_private", 0, 0),
        ("mul_private", 1, 2),
        ("mul_public", 0, 0),
        ("square", 1, 1),
        ("truncation", 0, 0),
        ("div_public", 0, 0),
        ("sum", 0, 0),
        ("mean", 0, 0),
        ("lt", 8, 27),
        ("gt", 8, 27),
        ("le", 8, 27),
        ("ge", 8, 27),
        ("ltz", 8, 27),
        ("eq", 7, 13),
        ("relu", 9, 29),
        ("abs", 9, 29),
        ("sign", 8, 27),
        ("exp", 8, 8),
        ("reciprocal", 38, 69),
        ("div", 39, 71),
        ("sqrt", 18, 25),
        ("inv_sqrt", 17, 23),
        ("log", 32, 46),
        ("sigmoid", 23, 47),
        ("tanh", 23, 47),
        ("cos", 28, 37),
        ("sin", 28, 37),
        ("cos_one_round", 1, 1),
        ("sin_one_round", 1, 1),
        ("erf", 34, 47),
        ("erf_small", 34, 47),
        ("gelu_erf", 35, 49),
        ("gelu_tanh", 26, 52),
        ("dropout", 10, 45),
        ("rand", 1, 16),
    ];
    let n = 4096u64;
    let (code, out, err) = ops_cli(&["--n", "4096"]);
    assert_eq!(code, 0, "{err}");
    let rows = ops_rows(&out);
    assert_eq!(rows.len(), 2 * want.len(), "two rows per op:\n{out}");
    // Exactly these ops, each as party 0 then party 1 (the order is the catalog's, so compare
    // sets of names and check the pairing).
    let mut listed: Vec<&str> = rows.iter().step_by(2).map(|f| f[0].as_str()).collect();
    let mut expected: Vec<&str> = want.iter().map(|w| w.0).collect();
    listed.sort_unstable();
    expected.sort_unstable();
    assert_eq!(listed, expected);
    for pair in rows.chunks(2) {
        let name = pair[0][0].as_str();
        let &(_, rounds, per) = want.iter().find(|w| w.0 == name).unwrap();
        for (party, f) in pair.iter().enumerate() {
            assert_eq!(f[0], name);
            assert_eq!(f[1], "4096", "{name}: shape");
            assert_eq!(num(f, 2), party as u64, "{name}: party");
            assert_eq!(num(f, 3), rounds, "{name}: rounds");
            assert_eq!(num(f, 5), per * n, "{name}: opened elements");
            assert_eq!(num(f, 6), 8 * per * n, "{name}: bytes sent");
            assert_eq!(num(f, 7), 16 * per * n, "{name}: CrypTen counter");
            assert_eq!(num(f, 9), 0, "{name}: TFP has no offline traffic");
            assert!(num(f, 4) <= rounds, "{name}: depth <= rounds");
            // Correlations consumed: the same for both parties (see `ops --help`).
            assert_eq!(f[8], pair[0][8], "{name}: dealer_requests");
        }
    }
    // Dealer requests by hand: a mul is one triple, exp t = 8 square pairs, ltz 7 binary
    // triples + 1 bit pair, local ops none.
    let req = |name: &str| num(rows.iter().find(|f| f[0] == name).unwrap(), 8);
    assert_eq!(
        [req("mul_private"), req("exp"), req("ltz"), req("sum")],
        [1, 8, 8, 0]
    );
}

#[test]
fn ops_ttp_payload_goes_to_party_0_and_help_explains_the_columns() {
    // mul_private at n = 64 under TTP: one triple, |c| = 64: party 0 receives 512 bytes, party 1
    // none (measured: TTP,mul_private,(64,): ttp_requests 1 for party 0, 0 for party 1).
    let (code, out, err) = ops_cli(&["--op", "mul_private", "--n", "64", "--provider", "ttp"]);
    assert_eq!(code, 0, "{err}");
    let rows = ops_rows(&out);
    assert_eq!(num(&rows[0], 9), 8 * 64);
    assert_eq!(num(&rows[1], 9), 0);
    // dealer_requests counts the correlations the op consumes (both parties consume them);
    // CrypTen's per-party ttp_requests counter is that number for party 0 and 0 for party 1.
    assert_eq!((num(&rows[0], 8), num(&rows[1], 8)), (1, 1));
    let (code, help, _) = ops_cli(&["--help"]);
    assert_eq!(code, 0);
    for col in ["dealer_requests", "offline_bytes", "ttp_requests", "depth"] {
        assert!(help.contains(col), "ops --help explains {col}:\n{help}");
    }
    // Errors are input errors (exit 2).
    let (code, _, err) = ops_cli(&["--op", "matmul", "--shape", "2,3", "--rhs", "4,5"]);
    assert_eq!(code, 2);
    assert!(err.contains("inner dimensions"), "{err}");
    let (code, _, err) = ops_cli(&["--op", "bogus"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown op"), "{err}");
}

/// `cost` rows as (phase, op) -> (rounds, crypten_bytes_p0, crypten_bytes_p1).
fn cost_table(args: &[&str]) -> std::collections::BTreeMap<(String, String), (u64, u64, u64)> {
    let mut a = vec!["cost"];
    a.extend_from_slice(args);
    let o = run(&a);
    assert!(o.status.success(), "{args:?}: {}", text(&o.stderr));
    text(&o.stdout)
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let n = |i: usize| f[i].parse::<u64>().unwrap();
            ((f[1].to_string(), f[2].to_string()), (n(3), n(8), n(9)))
        })
        .collect()
}

/// Config a of crypten-autograd.md given through the size flags (no preset): the reference's
/// per-phase rounds and CrypTen bytes for the full, prompt and dropout variants, Adam per tensor
/// and fused; `--profile lean` does less backward work.
#[test]
fn cost_flags_reproduce_the_crypten_reference_for_config_a() {
    let a = [
        "--layers", "1", "--hidden", "64", "--heads", "4", "--ffn", "256", "--seq", "16",
        "--batch", "1",
    ];
    let with = |more: &[&str]| {
        let mut v: Vec<&str> = a.to_vec();
        v.extend_from_slice(more);
        cost_table(&v)
    };
    let key = |p: &str| (p.to_string(), "all".to_string());
    let full = with(&[
        "--method",
        "sft",
        "--optimizer",
        "adam",
        "--adam",
        "per-tensor",
    ]);
    assert_eq!(full[&key("forward_eval")].0, 354);
    assert_eq!(full[&key("forward_eval")].1, 6_292_944);
    assert_eq!(full[&key("forward")].0, 356);
    assert_eq!(full[&key("forward")].1, 6_325_712);
    assert_eq!(full[&key("backward")].0, 45);
    assert_eq!(full[&key("backward")].1, 2_646_640);
    assert_eq!(full[&key("optimizer")].0, 1_044);
    assert_eq!(full[&key("optimizer")].1, 77_776_928);
    let fused = with(&["--method", "sft", "--adam", "fused"]);
    assert_eq!(fused[&key("optimizer")].0, 58);
    assert_eq!(fused[&key("optimizer")].1, 77_776_928);
    let sgd = with(&["--method", "sft", "--optimizer", "sgd"]);
    assert_eq!(sgd[&key("optimizer")], (0, 0, 0), "SGD is local");
    let prompt = with(&["--method", "prompt_tuning", "--prompt-tokens", "8"]);
    assert_eq!(prompt[&key("forward_eval")].0, 363);
    assert_eq!(prompt[&key("forward_eval")].1, 9_774_800);
    assert_eq!(prompt[&key("backward")].1, 3_660_144);
    assert_eq!(prompt[&key("optimizer")].0, 58);
    assert_eq!(prompt[&key("optimizer")].1, 794_624);
    let dropout = with(&["--method", "sft", "--dropout", "0.1"]);
    assert_eq!(dropout[&key("forward")].0, 366);
    assert_eq!(dropout[&key("forward")].1, 7_062_992);
    let lean = with(&["--method", "sft", "--profile", "lean"]);
    assert!(lean[&key("backward")].1 < full[&key("backward")].1);
    // Bad flags: exit 2 with the flag named.
    let o = run(&[
        "cost", "--method", "sft", "--layers", "1", "--hidden", "64", "--seq", "16",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--layers --hidden --heads --ffn"));
    let o = run(&[
        "cost",
        "--method",
        "sft",
        "--preset",
        "crypten-a",
        "--seq",
        "16",
        "--heads",
        "5",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--heads"), "{}", text(&o.stderr));
}

/// `cost --provider ttp`: CrypTen's counter of party 0 then includes the dealer's corrections,
/// exactly the `offline_bytes_p0` a `run` under the `seeded_correction` policy reports for the
/// same model; party 1's counter and every online column are unchanged.
#[test]
fn cost_under_ttp_adds_the_dealer_corrections_to_party_0s_counter() {
    let d = tmp("ttp");
    let s = write(
        &d,
        "ttp.toml",
        r#"
name = "ttp"
seed = 0
methods = ["fot"]
[model]
preset = "tiny"
[[networks]]
preset = "lan"
[device]
name = "none"
[dealer]
policy = "seeded_correction"
"#,
    );
    let o = run(&[
        "run",
        s.to_str().unwrap(),
        "--results-dir",
        d.join("r").to_str().unwrap(),
        "--no-plots",
        "-q",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let ops = std::fs::read_to_string(d.join("r/ttp/ops.csv")).unwrap();
    let offline_p0: u64 = ops
        .lines()
        .find(|l| l.starts_with("ttp,fot,forward_eval,all,"))
        .map(|l| l.split(',').nth(13).unwrap().parse().unwrap())
        .unwrap();
    assert!(offline_p0 > 0);
    let base = ["--method", "fot", "--preset", "tiny", "--seq", "6"];
    let tfp = cost_table(&base);
    let mut t = base.to_vec();
    t.extend_from_slice(&["--provider", "ttp"]);
    let ttp = cost_table(&t);
    let k = ("total".to_string(), "all".to_string());
    assert_eq!(ttp[&k].1, tfp[&k].1 + offline_p0);
    assert_eq!(
        ttp[&k].2, tfp[&k].2,
        "party 1 derives its shares from a seed"
    );
    assert_eq!(ttp[&k].0, tfp[&k].0, "rounds are online only");
    let r = ("total".to_string(), "reveal".to_string());
    assert_eq!(ttp[&r], tfp[&r], "a reveal uses no correlation");
}

/// The two rows of `secp-tuning ops ARGS` run as the built binary, after checking the exit
/// status, the header, the op and shape columns and the party order.
fn ops_bin_rows(args: &[&str], op: &str, shape: &str) -> Vec<Vec<String>> {
    let mut a = vec!["ops"];
    a.extend_from_slice(args);
    let o = run(&a);
    assert!(o.status.success(), "{a:?}: {}", text(&o.stderr));
    let out = text(&o.stdout);
    let rows = ops_rows(&out);
    assert_eq!(rows.len(), 2, "{a:?}: one row per party:\n{out}");
    for (party, f) in rows.iter().enumerate() {
        assert_eq!(f[0], op, "{a:?}");
        assert_eq!(f[1], shape, "{a:?}: shape column");
        assert_eq!(num(f, 2), party as u64, "{a:?}: party");
    }
    rows
}

#[test]
fn ops_softmax_16x128x128_follows_the_hand_formula_under_both_providers() {
    // 16 x 128 x 128: B = 2048 rows of L = 128 (softmax over the last dimension).
    let (b, l) = (16 * 128u64, 128u64);
    let (rounds, e) = common::softmax_formula(b, l);
    // The reference's worked value: L = 128 costs 116 rounds and 11907 elements per row.
    assert_eq!((rounds, e), (116, 2048 * 11907));
    let depth = common::softmax_depth_formula(l);
    assert_eq!(depth, 94);
    // TTP payload, party 0 only: 8 |c| per correlation; every correlation of softmax is per row,
    // so |c| scales with B. Per row of 128, from the measured CSV's TTP softmax (1,128)
    // correlations_used: binary_triple c 4824 + b2a_bit 472 + mul_triple c 436 + square_pair
    // r^2 1042 = 6774 elements.
    let per_row_c = 4824 + 472 + 436 + 1042u64;
    for (provider, offline) in [("tfp", [0, 0]), ("ttp", [8 * per_row_c * b, 0])] {
        let rows = ops_bin_rows(
            &[
                "--op",
                "softmax",
                "--shape",
                "16,128,128",
                "--provider",
                provider,
            ],
            "softmax",
            "16x128x128",
        );
        for (party, f) in rows.iter().enumerate() {
            let what = format!("{provider} party {party}");
            assert_eq!(num(f, 3), rounds, "{what}: rounds");
            assert_eq!(num(f, 4), depth as u64, "{what}: depth");
            assert_eq!(num(f, 5), e, "{what}: opened elements");
            assert_eq!(num(f, 6), 8 * e, "{what}: bytes sent");
            // CrypTen's counter: 16 bytes per opened element (online; the dealer's traffic is
            // the separate offline_bytes column).
            assert_eq!(num(f, 7), 16 * num(f, 5), "{what}: crypten_bytes = 16 E");
            // One correlation per online round (crypten-2pc.md: ttp_requests, one request per
            // online round), consumed by both parties.
            assert_eq!(num(f, 8), rounds, "{what}: dealer requests");
            assert_eq!(num(f, 9), offline[party], "{what}: offline bytes");
        }
    }
}

#[test]
fn ops_row_ops_and_public_matmul_run_through_the_binary() {
    let (b, l) = (16 * 128u64, 128u64);
    let n = b * l;
    // max(dim) and argmax: the same cost (crypten-2pc.md): 79 rounds at L = 128 (softmax's 116
    // minus exp 8, reciprocal 28, mul 1), E = 2048 x (11907 - (8 128 + 38 + 128 + 1)).
    let (max_rounds, max_e) = common::max_formula(b, l);
    assert_eq!((max_rounds, max_e), (79, 2048 * 10716));
    let max_depth = common::max_value_depth(l) + 16;
    // LayerNorm over rows (crypten-2pc.md): mean free, (x - mean)^2 square (1, n), variance free,
    // inv_sqrt on the B row values (17, 23 B), (x - mean) * r (1, n + B), no affine: 19 rounds,
    // 2 n + 24 B. Measured (4,64): 19 rounds, 9728 bytes = 16 (2 256 + 24 4).
    let (ln_rounds, ln_e) = (1 + 17 + 1, n + 23 * b + (n + b));
    assert_eq!(16 * (2 * 256 + 24 * 4), 9728);
    // LayerNorm TTP payload by hand: square pairs (r^2) of n (the square) + 11 B (inv_sqrt's exp
    // with 8 squarings, 3 Newton squares), mul triples' c of 6 B (3 iterations x 2 muls) + n
    // (the final mul): 8 (2 n + 17 B). Measured (4,64): square_pair 300 + mul_triple c 280 =
    // 580 = 2 256 + 17 4.
    assert_eq!(2 * 256 + 17 * 4, 300 + 280);
    let ln_offline = 8 * (2 * n + 17 * b);
    for provider in ["tfp", "ttp"] {
        let ttp = provider == "ttp";
        for op in ["max_dim", "argmax"] {
            let rows = ops_bin_rows(
                &["--op", op, "--shape", "16,128,128", "--provider", provider],
                op,
                "16x128x128",
            );
            for (party, f) in rows.iter().enumerate() {
                let what = format!("{op} {provider} party {party}");
                assert_eq!(num(f, 3), max_rounds, "{what}: rounds");
                assert_eq!(num(f, 4), max_depth as u64, "{what}: depth");
                assert_eq!(num(f, 5), max_e, "{what}: opened elements");
                assert_eq!(num(f, 7), 16 * max_e, "{what}: crypten_bytes");
                assert_eq!(num(f, 8), max_rounds, "{what}: one request per round");
                // TTP: party 0 only receives corrections.
                assert_eq!(num(f, 9) > 0, ttp && party == 0, "{what}: offline bytes");
            }
        }
        let rows = ops_bin_rows(
            &[
                "--op",
                "layernorm",
                "--shape",
                "16,128,128",
                "--provider",
                provider,
            ],
            "layernorm",
            "16x128x128",
        );
        for (party, f) in rows.iter().enumerate() {
            let what = format!("layernorm {provider} party {party}");
            assert_eq!(num(f, 3), ln_rounds, "{what}: rounds");
            assert_eq!(num(f, 5), ln_e, "{what}: opened elements");
            assert_eq!(num(f, 7), 16 * ln_e, "{what}: crypten_bytes");
            assert_eq!(num(f, 8), ln_rounds, "{what}: one request per round");
            let want = if ttp && party == 0 { ln_offline } else { 0 };
            assert_eq!(num(f, 9), want, "{what}: offline bytes");
        }
        // Private @ public weights: local ring matmul + local truncation: no round, nothing
        // opened, no correlation (measured (128,64)@(64,64): 0 rounds, 0 bytes, none used).
        for (shape, rhs, col) in [
            ("128,64", "64,64", "128x64@64x64"),
            ("16,128,128", "128,64", "16x128x128@128x64"),
        ] {
            let rows = ops_bin_rows(
                &[
                    "--op",
                    "matmul_public",
                    "--shape",
                    shape,
                    "--rhs",
                    rhs,
                    "--provider",
                    provider,
                ],
                "matmul_public",
                col,
            );
            for f in &rows {
                assert_eq!(
                    f[3..].iter().map(|v| v.as_str()).collect::<Vec<_>>(),
                    ["0"; 7],
                    "matmul_public {col} {provider}: all costs zero"
                );
            }
        }
    }
}
