//! One iteration of a method, generic over the backend, split into phase ledgers.
//!
//! Gradient methods (`sft`, `prompt_tuning`): a first context runs the inference-mode forward
//! with the loss (phase `forward_eval`, for reporting); a second runs the training iteration,
//! whose ledger is cut at the phase boundaries into `forward` (training mode, with loss),
//! `backward` and `optimizer`. Forward-only methods: one context runs the inference forward and
//! reveals the logits to the data owner only (`ctx.reveal_to(Recipient::DataOwner, ..)` under
//! scope `reveal`); both are phase `forward_eval`.
//!
//! Each context gets its own seed derived from the run seed (streams `ctx/forward_eval`,
//! `ctx/train`, `ctx/query`), so dealer correlations are never reused across contexts. Weights
//! come from the run seed's `weights/<name>` streams, inputs from `input/*` streams (or are
//! given), in both backends alike; the cost backend evaluates none of them.

use super::config::ModelConfig;
use super::encoder::{ForwardSpec, Mode, backward, forward};
use super::methods::{
    Embedding, IterationCost, Method, MethodOptions, Optimizer, Phase, PhaseCost,
};
use super::optim::{AdamParams, AdamState, adam_step, sgd_step};
use super::weights::{Weights, embedding_spec, init_values, param_specs, std_normal};
use crate::engine::{AShare, Backend, Ctx, CtxConfig, Revealed, RunSeed};
use crate::net::{DealerLog, Ledger, Recipient};
use crate::proto::matmul_aa;
use crate::ring::Shape;
use rand::{Rng, RngExt};

/// Where the data owner's inputs come from.
#[derive(Clone, Debug, PartialEq)]
pub enum InputData {
    /// From the run seed: embedded input `N(0, 1)` (stream `input/embedded`), labels uniform
    /// (`input/labels`), prompt `N(0, 1)` (`input/prompt`), tokens uniform (`input/tokens`).
    Synthetic,
    /// Explicit values.
    Given {
        /// Embedded input, row-major (batch, seq, hidden).
        embedded: Vec<f64>,
        /// One label per sequence.
        labels: Vec<usize>,
        /// Soft prompt, row-major (prompt_tokens, hidden), for the prompt-based methods.
        prompt: Option<Vec<f64>>,
    },
}

/// The result of one iteration.
#[derive(Clone, Debug)]
pub struct IterationRun<B: Backend> {
    /// Per-phase ledgers.
    pub cost: IterationCost,
    /// Logits revealed to the data owner (forward-only methods).
    pub logits: Option<Revealed<B>>,
    /// Training loss (gradient methods).
    pub loss: Option<AShare<B>>,
    /// Updated trainable tensors (gradient methods): all weights (sft) or the prompt.
    pub updated: Option<Vec<AShare<B>>>,
}

fn derived(seed: RunSeed, name: &str) -> CtxConfig {
    CtxConfig {
        seed: RunSeed(seed.stream(name).next_u64()),
        ..CtxConfig::default()
    }
}

/// The labels of the synthetic or given input.
pub fn labels(cfg: &ModelConfig, seed: RunSeed, input: &InputData) -> Vec<usize> {
    match input {
        InputData::Synthetic => {
            let mut rng = seed.stream("input/labels");
            (0..cfg.batch)
                .map(|_| rng.random_range(0..cfg.classes))
                .collect()
        }
        InputData::Given { labels, .. } => labels.clone(),
    }
}

/// The embedded input (B, S, H) as f64, for the synthetic case (the f64 reference uses it).
pub fn synthetic_embedded(cfg: &ModelConfig, seed: RunSeed) -> Vec<f64> {
    let mut rng = seed.stream("input/embedded");
    (0..cfg.batch * cfg.seq * cfg.hidden)
        .map(|_| std_normal(&mut rng))
        .collect()
}

/// The synthetic prompt (P, H) as f64.
pub fn synthetic_prompt(cfg: &ModelConfig, seed: RunSeed) -> Vec<f64> {
    let mut rng = seed.stream("input/prompt");
    (0..cfg.prompt_tokens * cfg.hidden)
        .map(|_| std_normal(&mut rng))
        .collect()
}

/// The data owner's shared inputs: `(encoder input (B, T, H), prompt (P, H) if any, one-hot
/// target (B, C))`. Embedding under MPC (option `embedding = mpc`) costs one Beaver matmul under
/// scope `embedding`.
pub fn share_inputs<B: Backend>(
    ctx: &mut Ctx<B>,
    cfg: &ModelConfig,
    opts: &MethodOptions,
    seed: RunSeed,
    input: &InputData,
    with_prompt: bool,
) -> (AShare<B>, Option<AShare<B>>, AShare<B>) {
    let (b, s, h, c) = (cfg.batch, cfg.seq, cfg.hidden, cfg.classes);
    let x = match (opts.embedding, input) {
        (Embedding::Mpc, _) => {
            let mut rng = seed.stream("input/tokens");
            let toks: Vec<usize> = (0..b * s).map(|_| rng.random_range(0..cfg.vocab)).collect();
            let v = cfg.vocab;
            let onehot = ctx.share_f64(Shape::new([b * s, v]), |i| {
                if toks[i / v] == i % v { 1.0 } else { 0.0 }
            });
            let spec = embedding_spec(cfg);
            let table = ctx.share_f64(Shape::new(spec.shape.clone()), init_values(seed, &spec));
            ctx.scoped("embedding", |ctx| matmul_aa(ctx, &onehot, &table))
                .reshape(Shape::new([b, s, h]))
        }
        (Embedding::DataOwner, InputData::Synthetic) => {
            let mut rng = seed.stream("input/embedded");
            ctx.share_f64(Shape::new([b, s, h]), |_| std_normal(&mut rng))
        }
        (Embedding::DataOwner, InputData::Given { embedded, .. }) => {
            assert_eq!(embedded.len(), b * s * h, "embedded input size");
            ctx.share_f64(Shape::new([b, s, h]), |i| embedded[i])
        }
    };
    let prompt = with_prompt.then(|| {
        let p = cfg.prompt_tokens;
        match input {
            InputData::Given {
                prompt: Some(v), ..
            } => {
                assert_eq!(v.len(), p * h, "prompt size");
                ctx.share_f64(Shape::new([p, h]), |i| v[i])
            }
            _ => {
                let mut rng = seed.stream("input/prompt");
                ctx.share_f64(Shape::new([p, h]), |_| std_normal(&mut rng))
            }
        }
    });
    let x = match &prompt {
        Some(p) => {
            let pe = p
                .reshape(Shape::new([1, cfg.prompt_tokens, h]))
                .expand(&Shape::new([b, cfg.prompt_tokens, h]));
            AShare::concat(&[&pe, &x], 1)
        }
        None => x,
    };
    let lab = labels(cfg, seed, input);
    let target = ctx.share_f64(Shape::new([b, c]), |i| {
        if lab[i / c] == i % c { 1.0 } else { 0.0 }
    });
    (x, prompt, target)
}

#[derive(Clone, Copy)]
struct Mark {
    rounds: usize,
    local: usize,
    dealer: usize,
}

fn mark<B: Backend>(ctx: &Ctx<B>) -> Mark {
    Mark {
        rounds: ctx.ledger().rounds().len(),
        local: ctx.ledger().local_work().len(),
        dealer: ctx.dealer_log().requests().len(),
    }
}

fn slice(ledger: &Ledger, log: &DealerLog, phase: Phase, a: Mark, b: Mark) -> PhaseCost {
    let mut l = Ledger::new();
    for e in &ledger.rounds()[a.rounds..b.rounds] {
        l.push_round(e.scope.clone(), e.kind, e.elements, e.sent, e.depth);
    }
    for w in &ledger.local_work()[a.local..b.local] {
        l.push_local(w.scope.clone(), w.macs);
    }
    let mut d = DealerLog::default();
    for r in &log.requests()[a.dealer..b.dealer] {
        d.push(r.scope.clone(), r.kind, r.elements.clone());
    }
    PhaseCost {
        phase,
        ledger: l,
        dealer: d,
    }
}

fn whole<B: Backend>(ctx: Ctx<B>, phase: Phase) -> PhaseCost {
    let (ledger, dealer) = ctx.into_ledgers();
    PhaseCost {
        phase,
        ledger,
        dealer,
    }
}

/// Where the model owner's weights come from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum WeightSource<'a> {
    /// The seeded initialiser of the run seed ([`Weights::seeded`]).
    Seeded,
    /// Explicit values, one vector per tensor in [`param_specs`] order (e.g. a weight file of
    /// [`crate::plain::PlainModel`]); the cost backend only uses their shapes.
    Given(&'a [Vec<f64>]),
}

impl WeightSource<'_> {
    /// The weights, shared by the model owner (free: input sharing).
    fn share<B: Backend>(self, ctx: &mut Ctx<B>, cfg: &ModelConfig, seed: RunSeed) -> Weights<B> {
        match self {
            WeightSource::Seeded => Weights::seeded(ctx, cfg, seed),
            WeightSource::Given(v) => Weights::from_values(ctx, cfg, v),
        }
    }
}

/// Run one iteration of `method` over backend `B` with the seeded weights. Panics on invalid
/// configuration or options (validate first).
pub fn run_iteration<B: Backend>(
    method: Method,
    cfg: &ModelConfig,
    opts: &MethodOptions,
    seed: RunSeed,
    input: &InputData,
) -> IterationRun<B> {
    run_iteration_with(method, cfg, opts, seed, input, WeightSource::Seeded)
}

/// Run one iteration of `method` over backend `B` with the model owner's `weights`. Panics on
/// invalid configuration or options (validate first), or on weights that do not fit `cfg`
/// (one vector per [`param_specs`] entry, of its size).
pub fn run_iteration_with<B: Backend>(
    method: Method,
    cfg: &ModelConfig,
    opts: &MethodOptions,
    seed: RunSeed,
    input: &InputData,
    weights: WeightSource,
) -> IterationRun<B> {
    if let Err(e) = opts.validate_for(method, cfg) {
        panic!("invalid iteration of {method}: {e}");
    }
    let with_prompt = method.uses_prompt() && cfg.prompt_tokens > 0;
    let spec = |mode| ForwardSpec {
        opts,
        mode,
        attention: method.attention(),
        seed,
        input_requires_grad: method == Method::PromptTuning && with_prompt,
        head_token: cfg.head_token(with_prompt),
    };
    if !method.is_gradient() {
        let mut ctx = Ctx::<B>::new(derived(seed, "ctx/query"));
        let w = weights.share(&mut ctx, cfg, seed);
        let (x, _, _) = share_inputs(&mut ctx, cfg, opts, seed, input, with_prompt);
        let out = forward(&mut ctx, cfg, &w, &x, None, &spec(Mode::Eval));
        let logits = ctx.scoped("reveal", |ctx| {
            ctx.reveal_to(Recipient::DataOwner, &out.logits)
        });
        return IterationRun {
            cost: IterationCost {
                method,
                phases: vec![whole(ctx, Phase::ForwardEval)],
            },
            logits: Some(logits),
            loss: None,
            updated: None,
        };
    }

    // Inference-mode forward with loss, for reporting.
    let mut ectx = Ctx::<B>::new(derived(seed, "ctx/forward_eval"));
    let w = weights.share(&mut ectx, cfg, seed);
    let (x, _, target) = share_inputs(&mut ectx, cfg, opts, seed, input, with_prompt);
    let _ = forward(&mut ectx, cfg, &w, &x, Some(&target), &spec(Mode::Eval));
    let eval = whole(ectx, Phase::ForwardEval);

    // The training iteration.
    let mut ctx = Ctx::<B>::new(derived(seed, "ctx/train"));
    let w = weights.share(&mut ctx, cfg, seed);
    let (x, prompt, target) = share_inputs(&mut ctx, cfg, opts, seed, input, with_prompt);
    let m0 = mark(&ctx);
    let sp = spec(Mode::Train { autograd: true });
    let out = forward(&mut ctx, cfg, &w, &x, Some(&target), &sp);
    let m1 = mark(&ctx);
    let tape = out.tape.as_ref().expect("training forward keeps a tape");
    let train_weights = method == Method::Sft;
    let grads = backward(
        &mut ctx,
        &w,
        tape,
        &target,
        opts.profile,
        train_weights,
        sp.input_requires_grad,
    );
    let m2 = mark(&ctx);
    let (params, gs, names): (Vec<&AShare<B>>, Vec<AShare<B>>, Vec<String>) = if train_weights {
        let gw = grads.weights.as_ref().expect("weight gradients");
        (
            w.tensors(),
            gw.tensors().into_iter().cloned().collect(),
            param_specs(cfg).into_iter().map(|s| s.name).collect(),
        )
    } else {
        let p = prompt.as_ref().expect("prompt tuning has a prompt");
        let gi = grads.input.as_ref().expect("input gradient");
        let gp = gi.narrow(1, 0, cfg.prompt_tokens).sum_axis(0, false);
        (vec![p], vec![gp], vec!["prompt".to_string()])
    };
    let gref: Vec<&AShare<B>> = gs.iter().collect();
    let updated = match opts.optimizer {
        Optimizer::Sgd => sgd_step(&mut ctx, &params, &gref, opts.learning_rate),
        Optimizer::Adam => {
            let shapes: Vec<Shape> = params.iter().map(|p| p.shape().clone()).collect();
            let mut st = AdamState::<B>::new(&shapes);
            let hp = AdamParams {
                lr: opts.learning_rate,
                beta1: opts.beta1,
                beta2: opts.beta2,
                eps: opts.adam_eps,
            };
            adam_step(
                &mut ctx,
                &params,
                &gref,
                &names,
                &mut st,
                &hp,
                opts.adam_scope,
            )
        }
    };
    let m3 = mark(&ctx);
    let loss = out.loss.clone();
    let (ledger, log) = ctx.into_ledgers();
    let phases = vec![
        eval,
        slice(&ledger, &log, Phase::Forward, m0, m1),
        slice(&ledger, &log, Phase::Backward, m1, m2),
        slice(&ledger, &log, Phase::Optimizer, m2, m3),
    ];
    IterationRun {
        cost: IterationCost { method, phases },
        logits: None,
        loss,
        updated: Some(updated),
    }
}
