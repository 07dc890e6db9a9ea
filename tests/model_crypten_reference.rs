//! Config a of `crypten-autograd.md` under the `crypten` profile with Adam: per-phase rounds and
//! CrypTen-counter bytes (party 0 and party 1) equal the reference table exactly, and the
//! per-operation split of the forward. All figures below are copied from the reference text.

use secp_tuning::engine::{Cost, Ctx, CtxConfig, RunSeed};
use secp_tuning::model::encoder::{ForwardSpec, Mode, forward};
use secp_tuning::model::iteration::{InputData, share_inputs};
use secp_tuning::model::methods::{AdamScope, Optimizer, Profile};
use secp_tuning::model::weights::Weights;
use secp_tuning::model::{Method, MethodOptions, ModelConfig, Phase, iteration_cost, op_of_scope};
use secp_tuning::net::{Bytes, Ledger, Rounds, Totals};

fn cfg() -> ModelConfig {
    ModelConfig::preset("crypten-a").unwrap()
}

fn check(t: Totals, rounds: u64, bytes: u64, what: &str) {
    assert_eq!(t.rounds, Rounds(rounds), "{what}: rounds");
    assert_eq!(
        t.crypten_bytes,
        [Bytes(bytes), Bytes(bytes)],
        "{what}: CrypTen bytes"
    );
}

fn phase(method: Method, opts: &MethodOptions, p: Phase) -> Ledger {
    iteration_cost(method, &cfg(), opts, RunSeed(1))
        .phase(p)
        .unwrap()
        .ledger
        .clone()
}

#[test]
fn full_variant_matches_reference() {
    let o = MethodOptions::default();
    assert_eq!(o.profile, Profile::Crypten);
    let c = iteration_cost(Method::Sft, &cfg(), &o, RunSeed(1));
    check(
        c.phase(Phase::ForwardEval).unwrap().ledger.totals(),
        354,
        6_292_944,
        "forward eval",
    );
    check(
        c.phase(Phase::Forward).unwrap().ledger.totals(),
        356,
        6_325_712,
        "forward train",
    );
    check(
        c.phase(Phase::Backward).unwrap().ledger.totals(),
        45,
        2_646_640,
        "backward",
    );
    check(
        c.phase(Phase::Optimizer).unwrap().ledger.totals(),
        1_044,
        77_776_928,
        "adam per tensor",
    );
    let fused = MethodOptions {
        adam_scope: AdamScope::Fused,
        ..MethodOptions::default()
    };
    check(
        phase(Method::Sft, &fused, Phase::Optimizer).totals(),
        58,
        77_776_928,
        "adam fused",
    );
    let sgd = MethodOptions {
        optimizer: Optimizer::Sgd,
        ..MethodOptions::default()
    };
    check(
        phase(Method::Sft, &sgd, Phase::Optimizer).totals(),
        0,
        0,
        "sgd",
    );
}

#[test]
fn prompt_variant_matches_reference() {
    let o = MethodOptions::default();
    let c = iteration_cost(Method::PromptTuning, &cfg(), &o, RunSeed(1));
    check(
        c.phase(Phase::ForwardEval).unwrap().ledger.totals(),
        363,
        9_774_800,
        "forward eval",
    );
    check(
        c.phase(Phase::Forward).unwrap().ledger.totals(),
        365,
        9_823_952,
        "forward train",
    );
    check(
        c.phase(Phase::Backward).unwrap().ledger.totals(),
        45,
        3_660_144,
        "backward",
    );
    check(
        c.phase(Phase::Optimizer).unwrap().ledger.totals(),
        58,
        794_624,
        "adam on prompt",
    );
}

#[test]
fn dropout_variant_matches_reference() {
    let o = MethodOptions {
        dropout: 0.1,
        ..MethodOptions::default()
    };
    check(
        phase(Method::Sft, &o, Phase::Forward).totals(),
        366,
        7_062_992,
        "dropout forward",
    );
    // Training mode without autograd: secret masks at all four sites.
    let cfg = cfg();
    let mut ctx = Ctx::<Cost>::new(CtxConfig::default());
    let w = Weights::seeded(&mut ctx, &cfg, RunSeed(1));
    let (x, _, t) = share_inputs(&mut ctx, &cfg, &o, RunSeed(1), &InputData::Synthetic, false);
    let spec = ForwardSpec {
        opts: &o,
        mode: Mode::Train { autograd: false },
        attention: Method::Sft.attention(),
        seed: RunSeed(1),
        input_requires_grad: false,
        head_token: 0,
    };
    let _ = forward(&mut ctx, &cfg, &w, &x, Some(&t), &spec);
    check(
        ctx.ledger().totals(),
        394,
        9_242_064,
        "no-autograd dropout forward",
    );
}

#[test]
fn per_operation_split_matches_reference() {
    let o = MethodOptions::default();
    let split = |l: &Ledger, op: &str| l.totals_where(|s| op_of_scope(s) == op);
    let eval = phase(Method::Sft, &o, Phase::ForwardEval);
    let train = phase(Method::Sft, &o, Phase::Forward);
    check(split(&eval, "linear"), 7, 936_960, "linear");
    check(split(&eval, "attention_scores"), 1, 32_768, "scores");
    check(split(&eval, "softmax"), 95, 1_727_488, "softmax");
    check(split(&eval, "attention_values"), 1, 32_768, "probs x V");
    check(split(&eval, "layernorm"), 118, 148_992, "layernorm eval");
    check(split(&train, "layernorm"), 120, 181_760, "layernorm train");
    check(split(&eval, "gelu"), 26, 3_407_872, "gelu");
    check(split(&eval, "loss"), 106, 6_096, "loss");
    assert_eq!(
        split(&eval, "other").rounds,
        Rounds(0),
        "nothing unattributed"
    );
}
