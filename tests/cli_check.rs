//! `check` fails (exit 1, readable diff) when a protocol's cost changes: the same scenario is
//! checked with a workload whose protocol does one more Beaver multiplication than the one that
//! wrote the baseline (library entry point `cli::run_with`, hand-built ledgers).

use secp_tuning::engine::{Cost, Ctx, CtxConfig, RunSeed};
use secp_tuning::proto::mul_aa;
use secp_tuning::ring::Shape;
use secp_tuning::scenario::workload::{MethodRun, PhaseRun, Workload, WorkloadError};
use secp_tuning::scenario::{Mode, ModelSpec};

/// Every method is `muls` Beaver multiplications of 10 elements under scope `softmax`.
struct Fake {
    muls: usize,
}

impl Workload for Fake {
    fn check(
        &self,
        _: &ModelSpec,
        _: &[String],
        _: &toml::Table,
        _: Mode,
    ) -> Result<(), WorkloadError> {
        Ok(())
    }
    fn iteration(
        &self,
        _: &ModelSpec,
        method: &str,
        _: &toml::Table,
        seed: RunSeed,
        _: Mode,
    ) -> Result<MethodRun, WorkloadError> {
        let mut ctx = Ctx::<Cost>::new(CtxConfig {
            seed,
            ..CtxConfig::default()
        });
        let x = ctx.share_f64(Shape::new(vec![10]), |_| 0.5);
        ctx.scoped("softmax", |ctx| {
            let mut y = x.clone();
            for _ in 0..self.muls {
                y = mul_aa(ctx, &y, &x);
            }
        });
        let (ledger, dealer) = ctx.into_ledgers();
        Ok(MethodRun {
            method: method.into(),
            phases: vec![PhaseRun {
                phase: "forward_eval".into(),
                in_total: true,
                ledger,
                dealer,
            }],
        })
    }
    fn op_of_scope(&self, scope: &str) -> String {
        scope.split('/').next().unwrap_or("").to_string()
    }
    fn describe(&self, _: &ModelSpec, _: &toml::Table) -> String {
        "fake".into()
    }
}

fn cli(args: &[&str], w: &dyn Workload) -> (i32, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let mut full = vec!["secp-tuning"];
    full.extend_from_slice(args);
    let code = secp_tuning::cli::run_with(full, w, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

#[test]
fn check_detects_a_changed_protocol_cost() {
    let dir = std::env::temp_dir().join(format!("secp-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let scenario = dir.join("s.toml");
    std::fs::write(
        &scenario,
        "name = \"fake\"\nseed = 1\nmethods = [\"a\"]\n[model]\npreset = \"x\"\n\
         [[networks]]\npreset = \"lan\"\n[device]\nname = \"zero\"\n",
    )
    .unwrap();
    let base = dir.join("base.csv");
    let (s, b) = (scenario.to_str().unwrap(), base.to_str().unwrap());
    let (code, _, err) = cli(
        &["check", b, "--scenario", s, "--update"],
        &Fake { muls: 3 },
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = cli(&["check", b, "--scenario", s], &Fake { muls: 3 });
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("check passed"));
    let (code, out, err) = cli(&["check", b, "--scenario", s], &Fake { muls: 4 });
    assert_eq!(code, 1);
    // One more multiplication: +1 round, +20 opened elements, +160 bytes sent per party.
    assert!(
        out.contains("~ a/forward_eval/softmax: rounds 3 -> 4 (+1)"),
        "{out}"
    );
    assert!(
        out.contains("~ a/forward_eval/all: opened_elements 60 -> 80 (+20)"),
        "{out}"
    );
    assert!(out.contains("bytes_sent_p0 480 -> 640 (+160)"), "{out}");
    assert!(err.contains("changed"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
