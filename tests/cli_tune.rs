//! The `tune` command end to end (issue 6): every output, per-query ledgers with one reveal of
//! the logits to the data owner, mean and spread over seeds, the whole-run cost (one query of
//! the `cost` command x queries), byte-identical re-runs, and bad inputs (one clear error,
//! exit 2, nothing written). Learning itself is tested in `tuning_loop.rs`; here the runs are
//! tiny (a few queries, 30 pre-training steps).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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
    let d = std::env::temp_dir().join(format!("secp-tune-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    TempDir(d)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A tiny tuning scenario: 2 seeds, MPC servers, 2 generations of 4, 2 shots per class.
fn scenario(extra_top: &str, extra_tuning: &str, extra_tail: &str) -> String {
    format!(
        r#"
name = "tune-t"
{extra_top}

[tuning]
server = "mpc"
eval_every = 1
target_dev_accuracy = 0.0
{extra_tuning}

[tuning.pretrain]
steps = 30
batch = 16

[tuning.task]
shots_per_class = 2
dev_per_class = 2
test_per_class = 3

[tuning.cmaes]
dim = 4
population = 4
budget = 8

[tuning.forward]
features = 4

[whole_run]
queries = [10, 8000]
{extra_tail}
"#
    )
}

fn write(dir: &Path, text: &str) -> PathBuf {
    let p = dir.join("tune.toml");
    std::fs::write(&p, text).unwrap();
    p
}

fn tune(s: &Path, out: &Path, more: &[&str]) -> Output {
    let mut args = vec![
        "tune".to_string(),
        s.display().to_string(),
        "--results-dir".into(),
        out.join("results").display().to_string(),
        "--plots-dir".into(),
        out.join("plots").display().to_string(),
    ];
    args.extend(more.iter().map(|s| s.to_string()));
    bin().args(&args).output().unwrap()
}

fn rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let mut all = vec![h];
    for rec in r.records() {
        all.push(rec.unwrap().iter().map(String::from).collect());
    }
    all
}

fn col(rows: &[Vec<String>], name: &str) -> usize {
    rows[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", rows[0]))
}

/// The `total` row of `cost --method m` in the whole run's default setting.
fn cost_total(method: &str) -> (u64, u64) {
    let o = bin()
        .args([
            "cost",
            "--method",
            method,
            "--preset",
            "roberta-large",
            "--seq",
            "512",
            "--batch",
            "1",
            "--prompt-tokens",
            "50",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let t = text(&o.stdout);
    let line = t
        .lines()
        .find(|l| l.starts_with(&format!("{method},total,all,")))
        .unwrap();
    let f: Vec<&str> = line.split(',').collect();
    // method,phase,op,rounds,depth,opened_elements,bytes_sent_p0,bytes_sent_p1,crypten_bytes_p0,...
    (f[3].parse().unwrap(), f[8].parse().unwrap())
}

#[test]
fn tune_writes_every_output_and_is_byte_identical_twice() {
    let d = tmp("ok");
    let s = write(&d, &scenario("seeds = [3, 1]", "", ""));
    let o = tune(&s, &d.join("a"), &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    assert!(stdout.contains("seed 3: generation"), "{stdout}");
    assert!(stdout.contains("over 2 seed(s): mean +- sd"), "{stdout}");
    assert!(stdout.contains("paper run"), "{stdout}");
    let r = d.join("a/results/tune-t");
    for f in [
        "runs.csv",
        "tuning-summary.csv",
        "trajectory.csv",
        "queries.csv",
        "whole-run.csv",
        "encoder-seed3.json",
        "encoder-seed1.json",
    ] {
        assert!(r.join(f).is_file(), "{f} missing");
    }
    for f in ["tuning.png", "tuning.svg"] {
        let p = d.join("a/plots/tune-t").join(f);
        assert!(std::fs::metadata(&p).unwrap().len() > 1000, "{f}");
    }
    let svg = std::fs::read_to_string(d.join("a/plots/tune-t/tuning.svg")).unwrap();
    assert!(svg.contains("training queries") && svg.contains("seed 3"));

    // runs.csv: one row per seed, in the given order; a training query reveals exactly the
    // B x 2 logits (B = 2 classes x 2 shots) to the data owner.
    let runs = rows(&r.join("runs.csv"));
    assert_eq!(runs.len(), 3);
    assert_eq!(runs[1][col(&runs, "seed")], "3");
    assert_eq!(runs[2][col(&runs, "seed")], "1");
    assert_eq!(runs[1][col(&runs, "training_queries")], "8");
    assert_eq!(runs[1][col(&runs, "train_query_reveals")], "data_owner:8");
    assert_eq!(runs[1][col(&runs, "chance_accuracy")], "0.5");

    // queries.csv: every query of every seed; each has masked openings and exactly one reveal,
    // of 2 x batch elements, to the data owner. Per seed: 8 training queries + 2 dev checks
    // (eval_every = 1) + 6 evaluations (untuned and tuned prompt on three splits).
    let q = rows(&r.join("queries.csv"));
    assert_eq!(q.len() - 1, 2 * (8 + 2 + 6));
    let (rounds, masked, reveals, batch) = (
        col(&q, "rounds"),
        col(&q, "masked_open_rounds"),
        col(&q, "reveals"),
        col(&q, "batch"),
    );
    for row in &q[1..] {
        let b: u64 = row[batch].parse().unwrap();
        assert_eq!(row[reveals], format!("data_owner:{}", 2 * b));
        let (r, m): (u64, u64) = (row[rounds].parse().unwrap(), row[masked].parse().unwrap());
        assert_eq!(m + 1, r);
        assert!(m > 0);
    }

    // tuning-summary.csv: mean and sample sd of the per-seed values of runs.csv.
    let sum = rows(&d.join("a/results/tune-t/tuning-summary.csv"));
    let acc: Vec<f64> = runs[1..]
        .iter()
        .map(|r| r[col(&runs, "tuned_test_accuracy")].parse().unwrap())
        .collect();
    let row = sum.iter().find(|r| r[0] == "tuned_test_accuracy").unwrap();
    let mean = (acc[0] + acc[1]) / 2.0;
    let sd = ((acc[0] - mean).powi(2) + (acc[1] - mean).powi(2)).sqrt();
    assert!((row[col(&sum, "mean")].parse::<f64>().unwrap() - mean).abs() < 1e-12);
    assert!((row[col(&sum, "sd")].parse::<f64>().unwrap() - sd).abs() < 1e-12);
    assert_eq!(row[col(&sum, "seeds")], "2");

    // whole-run.csv: target 0 is reached at the first dev check (4 queries) by both seeds, so
    // the measured basis is 4 queries; then the listed 10 and 8000. One query costs what the
    // `cost` command reports for one secp_tuning iteration in the same setting.
    let w = rows(&r.join("whole-run.csv"));
    let (basis, queries) = (col(&w, "queries_basis"), col(&w, "queries"));
    let got: Vec<(&str, &str)> = w[1..]
        .iter()
        .map(|r| (r[basis].as_str(), r[queries].as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("measured_mean_queries_to_target", "4"),
            ("listed", "10"),
            ("listed", "8000"),
        ]
    );
    let (one_rounds, one_bytes) = cost_total("secp_tuning");
    for row in &w[1..] {
        let n: u64 = row[queries].parse().unwrap();
        assert_eq!(row[col(&w, "per_query_rounds")], one_rounds.to_string());
        assert_eq!(row[col(&w, "rounds")], (n * one_rounds).to_string());
        assert_eq!(
            row[col(&w, "crypten_bytes_p0")],
            (n as u128 * one_bytes as u128).to_string()
        );
        // Time: n x one query, exact in integer nanoseconds.
        let ns = |s: &str| -> u128 {
            let (a, b) = s.split_once('.').unwrap();
            a.parse::<u128>().unwrap() * 1_000_000_000 + b.parse::<u128>().unwrap()
        };
        assert_eq!(
            ns(&row[col(&w, "sim_seconds")]),
            n as u128 * ns(&row[col(&w, "per_query_sim_seconds")])
        );
        assert_eq!(row[col(&w, "paper_hours")], "8.81");
        assert_eq!(row[col(&w, "paper_crypten_tb")], "14.22");
    }

    // Same scenario again: byte-identical CSVs.
    let o = tune(&s, &d.join("b"), &["-q"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(o.stdout.is_empty());
    for f in [
        "runs.csv",
        "tuning-summary.csv",
        "trajectory.csv",
        "queries.csv",
        "whole-run.csv",
        "encoder-seed3.json",
        "encoder-seed1.json",
    ] {
        let a = std::fs::read(r.join(f)).unwrap();
        let b = std::fs::read(d.join("b/results/tune-t").join(f)).unwrap();
        assert!(a == b, "{f} differs between identical runs");
    }
    // --seeds overrides the scenario's seeds.
    let o = tune(&s, &d.join("c"), &["-q", "--seeds", "1", "--no-plots"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let runs_c = rows(&d.join("c/results/tune-t/runs.csv"));
    assert_eq!(runs_c.len(), 2);
    assert_eq!(runs_c[1], runs[2], "seed 1 alone = seed 1 of the pair");
    // One seed has no standard deviation: the column is empty, not 0.
    let sum_c = rows(&d.join("c/results/tune-t/tuning-summary.csv"));
    let acc = sum_c
        .iter()
        .find(|r| r[0] == "tuned_test_accuracy")
        .unwrap();
    assert_eq!(acc[col(&sum_c, "seeds")], "1");
    assert_eq!(acc[col(&sum_c, "sd")], "");
    assert!(!d.join("c/plots").exists());
}

fn refused(scenario: &str, needle: &str) {
    let d = tmp("bad");
    let s = write(&d, scenario);
    let o = tune(&s, &d, &[]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{needle}: {err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains(needle), "expected `{needle}` in: {err}");
    assert!(!d.join("results").exists(), "{needle}: results written");
    assert!(!d.join("plots").exists(), "{needle}: plots written");
}

#[test]
fn bad_tuning_scenarios_give_one_error_and_write_nothing() {
    refused(
        &scenario("", "", "").replace("dim = 4", "dim = 4\npopulaton = 4"),
        "unknown field `populaton`",
    );
    refused(
        &scenario("", "", "").replace("population = 4", "population = 1"),
        "field `tuning.cmaes.population`: must be at least 2 (got 1)",
    );
    refused(
        &scenario("", "", "").replace("budget = 8", "budget = 3"),
        "field `tuning.cmaes.budget`",
    );
    refused(
        &scenario("", "", "").replace("dim = 4", "dim = 0"),
        "field `tuning.cmaes.dim`",
    );
    refused(
        &scenario("", "", "").replace("shots_per_class = 2", "shots_per_class = 0"),
        "field `tuning.task.shots_per_class`",
    );
    refused(
        &scenario("", "", "").replace("server = \"mpc\"", "server = \"gpu\""),
        "unknown variant `gpu`",
    );
    refused(
        &scenario("seeds = [1, 1]", "", ""),
        "field `seeds`: seed 1 appears twice",
    );
    refused(
        &scenario("seeds = [1, 2]", "seed = 4", ""),
        "field `tuning.seed`: give either `seeds` or `tuning.seed`",
    );
    refused(
        &scenario("", "", "methods = [\"sft\"]"),
        "field `whole_run.methods[0]`: `sft` is a gradient method",
    );
    refused(
        &scenario("", "", "methods = [\"secp\"]"),
        "field `whole_run.methods[0]`",
    );
    refused(
        &scenario(
            "",
            "",
            "[[whole_run.networks]]\nname = \"w\"\nbandwidth_mbps = -5\none_way_latency_ms = 1",
        ),
        "field `whole_run.networks[0].bandwidth_mbps`",
    );
    refused(
        &scenario(
            "",
            "",
            "[whole_run.model]\npreset = \"roberta-large\"\nheads = 7",
        ),
        "field `whole_run.model.heads`",
    );
    refused(
        &scenario(
            "",
            "",
            "[whole_run.model]\npreset = \"roberta-large\"\nweights = \"enc.json\"",
        ),
        "field `whole_run.model.weights`: the whole-run cost is computed from shapes",
    );
    refused(
        &scenario("", "", "").replace("population = 4", "populaton = 4"),
        "field `tuning.cmaes.populaton`: unknown field",
    );
    refused(
        &scenario("methods = [\"fot\"]", "", ""),
        "this looks like a `run` scenario: run it with `secp-tuning run`",
    );
    refused(
        &scenario("", "", "").replace("queries = [10, 8000]", "queries = [10, 0]"),
        "field `whole_run.queries[1]`: must be at least 1",
    );
}

#[test]
fn tune_refuses_an_unwritable_output_folder_before_running() {
    let d = tmp("unwritable");
    let s = write(&d, &scenario("", "", ""));
    // A file where the results folder should be.
    std::fs::write(d.join("results"), b"not a folder").unwrap();
    let o = tune(&s, &d, &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("results"), "{err}");
    assert!(o.stdout.is_empty(), "nothing ran: {}", text(&o.stdout));
    assert!(!d.join("plots").exists());
}

#[test]
fn shipped_tuning_scenarios_load() {
    let root = env!("CARGO_MANIFEST_DIR");
    for f in ["scenarios/tune-small.toml", "scenarios/tune-small-rfa.toml"] {
        let l = secp_tuning::scenario::tune::load(&Path::new(root).join(f))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(l.seeds.len() >= 3, "{f}: mean and spread need >= 3 seeds");
    }
}

/// An exec-mode `run` scenario on the `tiny` preset (the tuning encoder's architecture).
fn exec_run_scenario(model_extra: &str) -> String {
    format!(
        r#"
name = "with-weights"
seed = 5
mode = "exec"
methods = ["fot", "secp_tuning"]

[model]
preset = "tiny"
{model_extra}

[options]
features = 4

[[networks]]
preset = "lan"

[device]
name = "zero-compute"

[output]
plots = false
"#
    )
}

/// The encoder a `tune` run wrote (`encoder-seed<k>.json`) is a weight file a `run` scenario can
/// load (`[model] weights`, relative to the scenario's folder); the counts are those of the
/// seeded weights (costs never depend on values). A file for another architecture, a missing
/// file and a file that is not a weight file are refused with an error naming `model.weights`
/// and nothing is written.
#[test]
fn tune_encoder_is_a_weight_file_for_run() {
    let d = tmp("weights");
    let s = write(&d, &scenario("seeds = [2]", "", ""));
    let o = tune(&s, &d.join("t"), &["-q", "--no-plots"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let enc = d.join("t/results/tune-t/encoder-seed2.json");
    std::fs::copy(&enc, d.join("enc.json")).unwrap();
    let run = |toml: &str, out: &str| -> Output {
        let p = d.join(format!("{out}.toml"));
        std::fs::write(&p, toml).unwrap();
        bin()
            .args(["run", "-q", "--no-plots", "--results-dir"])
            .arg(d.join(out))
            .arg(&p)
            .output()
            .unwrap()
    };
    let o = run(&exec_run_scenario(r#"weights = "enc.json""#), "given");
    assert!(o.status.success(), "{}", text(&o.stderr));
    // Without -q, `run` says which weights it computed with.
    let p = d.join("loud.toml");
    std::fs::write(&p, exec_run_scenario(r#"weights = "enc.json""#)).unwrap();
    let o = bin()
        .args(["run", "--no-plots", "--results-dir"])
        .arg(d.join("loud"))
        .arg(&p)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains("model weights: ") && out.contains("enc.json"),
        "{out}"
    );
    let o = run(&exec_run_scenario(""), "seeded");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let counts = |out: &str| -> Vec<Vec<String>> {
        let r = rows(&d.join(out).join("with-weights/ops.csv"));
        let drop: Vec<usize> = ["scenario_hash"].iter().map(|c| col(&r, c)).collect();
        r.into_iter()
            .map(|row| {
                row.into_iter()
                    .enumerate()
                    .filter(|(i, _)| !drop.contains(i))
                    .map(|(_, v)| v)
                    .collect()
            })
            .collect()
    };
    assert_eq!(counts("given"), counts("seeded"));

    std::fs::write(d.join("bad.json"), "{\"cfg\": 1}").unwrap();
    for (extra, needle) in [
        (
            "weights = \"enc.json\"\nlayers = 2",
            "the weights are for layers 1",
        ),
        ("weights = \"missing.json\"", "cannot read"),
        ("weights = \"bad.json\"", "not a weight file"),
    ] {
        let o = run(&exec_run_scenario(extra), "refused");
        assert_eq!(o.status.code(), Some(2), "{extra}: {}", text(&o.stdout));
        let err = text(&o.stderr);
        assert!(
            err.contains("model.weights") && err.contains(needle),
            "{extra}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            !d.join("refused").exists(),
            "{extra}: something was written"
        );
    }
}
