//! Forward-only tuning end to end (issue 6): reproducibility, learning, MPC vs plaintext
//! trajectories (softmax and RFA), the ledger's privacy shape, option errors.
//!
//! All tests share the pre-training options of [`base`] (seed 0), so the encoder is pre-trained
//! once per test binary (memoised; about 10 s in the test profile). Run with
//! `cargo test --test tuning_loop`.

use secp_tuning::engine::RunSeed;
use secp_tuning::net::Recipient;
use secp_tuning::tuning::cmaes::Cmaes;
use secp_tuning::tuning::options::{AttentionChoice, ServerKind};
use secp_tuning::tuning::server::{MpcServers, PlainServer, Server};
use secp_tuning::tuning::{TuningOptions, loss, pretrain, projection, run_tuning, task};

/// Small CMA-ES sizes: d = 20, population 10; 8 shots per class.
fn base() -> TuningOptions {
    let mut o = TuningOptions::default();
    o.cmaes.dim = 20;
    o.cmaes.population = 10;
    o.cmaes.budget = 300;
    o.eval_every = 5;
    o.task.shots_per_class = 8;
    o.task.dev_per_class = 8;
    o
}

/// A quick MPC configuration: 4 shots per class (B = 8), small dev and test splits.
fn small_mpc(attention: AttentionChoice) -> TuningOptions {
    let mut o = base();
    o.server = ServerKind::Mpc;
    o.attention = attention;
    o.forward.features = 16;
    // RFA's factor exp(|x|^2 / (2 sigma^2)) must stay inside 16-bit fixed point: with the
    // default sigma = d^(1/4) (1.68 here) the pre-trained model's query / key norms overflow it
    // for some candidates (losses of 1e9 measured at sigma 2.5 and 4); sigma = 6 keeps every
    // query within 0.005 of the f64 RFA.
    o.forward.sigma = Some(6.0);
    o.cmaes.budget = 80;
    o.task.shots_per_class = 4;
    o.task.dev_per_class = 4;
    o.task.test_per_class = 8;
    o
}

#[test]
fn same_seed_gives_byte_identical_trajectory() {
    let mut o = base();
    o.server = ServerKind::Plain;
    o.cmaes.budget = 100;
    let a = run_tuning(&o, &mut |_| {}).unwrap();
    let b = run_tuning(&o, &mut |_| {}).unwrap();
    assert_eq!(a.trajectory_csv(), b.trajectory_csv());
    assert_eq!(a, b);
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&a.best_z), bits(&b.best_z));
    // A different seed gives a different run.
    o.seed = 1;
    o.pretrain.steps = 1; // only the CMA-ES and task streams matter here
    let c = run_tuning(&o, &mut |_| {}).unwrap();
    assert_ne!(a.trajectory_csv(), c.trajectory_csv());
}

#[test]
fn mpc_run_is_reproducible_byte_for_byte() {
    let mut o = small_mpc(AttentionChoice::Softmax);
    o.cmaes.budget = 20;
    let a = run_tuning(&o, &mut |_| {}).unwrap();
    let b = run_tuning(&o, &mut |_| {}).unwrap();
    assert_eq!(a.trajectory_csv(), b.trajectory_csv());
    assert_eq!(a, b);
}

#[test]
fn tuning_beats_untuned_prompt_and_chance() {
    // Seed 0, plaintext server, 300 queries (30 generations of 10), d = 20, 8 shots per class,
    // test split 2 x 100. Measured: untuned test accuracy 0.545, tuned 0.88 (docs/tuning.md has
    // the multi-seed numbers).
    let mut o = base();
    o.server = ServerKind::Plain;
    let mut seen = 0;
    let r = run_tuning(&o, &mut |p| {
        seen += 1;
        assert_eq!(p.generation, seen);
    })
    .unwrap();
    assert_eq!(seen, 30);
    assert_eq!(r.queries, 300);
    assert!(
        r.pretrain.task_accuracy.iter().all(|&a| a > 0.8),
        "{:?}",
        r.pretrain
    );
    let (u, t) = (r.untuned.test.accuracy, r.tuned.test.accuracy);
    assert!(u <= 0.6, "untuned {u}");
    assert!(t >= 0.8, "tuned {t}");
    assert!(t - u >= 0.2, "untuned {u}, tuned {t}");
    assert!(r.tuned.train.loss < 0.5 * r.untuned.train.loss);
    assert!(r.queries_to_target.is_some());
}

/// Drive CMA-ES with the MPC servers' losses while the plaintext server scores the same
/// candidates; returns (generations with the same full ranking, generations with the same
/// selected parents in the same order, largest |loss difference|, generations).
fn shadow_compare(o: &TuningOptions) -> (usize, usize, f64, usize) {
    o.validate().unwrap();
    let seed = RunSeed(o.seed);
    let t = task::Task::new(&o.task, o.arch.hidden, seed);
    let (model, _) = pretrain::pretrained(o, &t);
    let train = t.train();
    let out = o.task.prompt_tokens * o.arch.hidden;
    let proj = projection::Projection::new(
        o.projection,
        out,
        o.cmaes.dim,
        t.embedding_std(),
        o.cmaes.sigma0,
        o.alpha,
        t.vocab_prompt(),
        seed,
    );
    let att = o.method().attention();
    let mut mpc = MpcServers::new(&model, att, &o.forward, seed);
    let mut plain = PlainServer::new(model, att, &o.forward, seed);
    let c = &o.cmaes;
    let mut es = Cmaes::new(
        vec![0.0; c.dim],
        c.sigma0,
        c.population,
        None,
        seed.stream("cmaes"),
    )
    .unwrap();
    let (mut same, mut same_parents, mut worst) = (0, 0, 0.0f64);
    let gens = o.generations() as usize;
    for _ in 0..gens {
        let zs = es.ask();
        let score = |s: &mut dyn Server| -> Vec<f64> {
            zs.iter()
                .map(|z| loss::loss(o.loss, &s.forward(&proj.prompt(z), &train), &train.labels))
                .collect()
        };
        let lm = score(&mut mpc);
        let lp = score(&mut plain);
        for (a, b) in lm.iter().zip(&lp) {
            worst = worst.max((a - b).abs());
        }
        let (rm, rp) = (Cmaes::ranking(&lm), Cmaes::ranking(&lp));
        same += usize::from(rm == rp);
        let mu = es.params().mu;
        same_parents += usize::from(rm[..mu] == rp[..mu]);
        es.tell(&lm).unwrap();
    }
    (same, same_parents, worst, gens)
}

/// |final best loss of the MPC run - that of the plaintext run| of the whole loop with `o`'s seed
/// and a budget of 40 queries.
fn final_best_loss_gap(mut o: TuningOptions) -> f64 {
    o.cmaes.budget = 40;
    let m = run_tuning(&o, &mut |_| {}).unwrap();
    let mut op = o.clone();
    op.server = ServerKind::Plain;
    let p = run_tuning(&op, &mut |_| {}).unwrap();
    (m.trajectory.last().unwrap().best_loss - p.trajectory.last().unwrap().best_loss).abs()
}

#[test]
fn mpc_trajectory_matches_plaintext_softmax() {
    let o = small_mpc(AttentionChoice::Softmax);
    let (same, parents, worst, gens) = shadow_compare(&o);
    eprintln!(
        "softmax: same ranking {same}/{gens}, same parents {parents}/{gens}, max |dloss| {worst}"
    );
    assert!(
        parents * 4 >= gens * 3 && same * 4 >= gens * 3,
        "{same} {parents} of {gens}"
    );
    assert!(worst < 0.02, "max loss difference {worst}");
    // Independent runs of the whole loop, same seed: final best loss within 0.02.
    let d = final_best_loss_gap(o);
    eprintln!("final best loss differs by {d}");
    assert!(d < 0.02, "final best loss differs by {d}");
}

#[test]
fn mpc_trajectory_matches_plaintext_rfa() {
    let o = small_mpc(AttentionChoice::Rfa);
    let (same, parents, worst, gens) = shadow_compare(&o);
    eprintln!(
        "rfa: same ranking {same}/{gens}, same parents {parents}/{gens}, max |dloss| {worst}"
    );
    // Measured (seed 0, sigma 6, M = 16, 8 generations of 10): 8/8 identical rankings, max
    // |dloss| 0.0049.
    assert!(
        parents * 4 >= gens * 3 && same * 4 >= gens * 3,
        "{same} {parents} of {gens}"
    );
    assert!(worst < 0.02, "max loss difference {worst}");
    // Independent runs of the whole loop, same seed: final best loss within 0.02.
    let d = final_best_loss_gap(o);
    eprintln!("final best loss differs by {d}");
    assert!(d < 0.02, "final best loss differs by {d}");
}

#[test]
fn ledger_shows_only_masked_openings_and_one_reveal_of_logits_per_query() {
    let mut o = small_mpc(AttentionChoice::Softmax);
    o.cmaes.budget = 20;
    let r = run_tuning(&o, &mut |_| {}).unwrap();
    // 20 training queries + 2 dev checks (eval_every 5 > 2 generations: only the final one)
    // + 6 untuned / tuned evaluations.
    assert_eq!(r.queries, 20);
    assert_eq!(r.query_ledgers.len() as u64, r.queries + r.eval_queries);
    for q in &r.query_ledgers {
        // The only non-masked message of a query: the logits (B x 2) to the data owner.
        assert_eq!(q.reveals, vec![(Recipient::DataOwner, 2 * q.batch as u64)]);
        assert_eq!(q.masked_open_rounds + 1, q.rounds);
        assert!(q.masked_open_rounds > 0);
    }
    // Every query of the same batch size costs the same.
    let train: Vec<_> = r.query_ledgers.iter().filter(|q| q.batch == 8).collect();
    assert!(train.len() >= 20);
    assert!(train.iter().all(|q| q == &train[0]));
}

#[test]
fn server_context_reveals_nothing_else_to_anyone() {
    let o = small_mpc(AttentionChoice::Rfa);
    let seed = RunSeed(o.seed);
    let t = task::Task::new(&o.task, o.arch.hidden, seed);
    let (model, _) = pretrain::pretrained(&o, &t);
    let mut s = MpcServers::new(&model, o.method().attention(), &o.forward, seed);
    let b = t.train();
    let prompt = t.vocab_prompt();
    for _ in 0..2 {
        let logits = s.forward(&prompt, &b);
        assert_eq!(logits.len(), 2 * b.len());
    }
    let reveals: Vec<_> = s.ctx().ledger().reveals().collect();
    assert_eq!(reveals.len(), 2);
    for e in reveals {
        assert_eq!(e.kind.recipient(), Recipient::DataOwner);
        assert_eq!(e.elements, 2 * b.len() as u64);
        assert_eq!(&*e.scope, "reveal");
    }
    // Weight and input sharing is free: no round outside the two forward passes.
    let per_query = s.query_ledgers()[0].rounds;
    assert_eq!(s.ctx().ledger().rounds().len() as u64, 2 * per_query);
}

#[test]
fn bad_options_give_clear_errors() {
    let msg = |f: &dyn Fn(&mut TuningOptions)| {
        let mut o = TuningOptions::default();
        f(&mut o);
        run_tuning(&o, &mut |_| {}).unwrap_err().to_string()
    };
    assert_eq!(
        msg(&|o| o.cmaes.population = 1),
        "invalid tuning option cmaes.population: must be at least 2 (got 1)"
    );
    assert_eq!(
        msg(&|o| o.cmaes.dim = 0),
        "invalid tuning option cmaes.dim: the subspace dimension d must be at least 1 (got 0)"
    );
    assert_eq!(
        msg(&|o| o.cmaes.budget = 19),
        "invalid tuning option cmaes.budget: 19 queries is smaller than one generation (20 queries)"
    );
    assert_eq!(
        msg(&|o| o.task.dev_per_class = 0),
        "invalid tuning option task.dev_per_class: the split is empty (0 examples per class)"
    );
    assert!(msg(&|o| o.cmaes.sigma0 = -1.0).contains("cmaes.sigma0"));
    assert!(msg(&|o| o.arch.heads = 3).contains("heads (3) must divide hidden (16)"));
    assert!(msg(&|o| o.task.downstream = 9).contains("task.downstream"));
    let e = toml::from_str::<TuningOptions>("[cmaes]\npopulaton = 4").unwrap_err();
    assert!(e.to_string().contains("populaton"), "{e}");
}
