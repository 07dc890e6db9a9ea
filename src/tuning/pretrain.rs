//! Plaintext pre-training of the small encoder on the task family of [`super::task`], with the
//! f64 reference backward ([`crate::plain::PlainModel::gradients`]).
//!
//! The model developer trains, in plaintext and before any tuning, on sequences of every task k
//! prefixed by the task prompt `T_k` (prompt positions `0..P`, `[CLS]` at position P, head on
//! `[CLS]`), so that the model learns to read the task from the prompt. Initial weights are the
//! seeded initialiser of the run seed ([`PlainModel::seeded`]); each step draws `batch`
//! sequences with uniformly random tasks from stream `pretrain/data` and takes one Adam step
//! (beta1 0.9, beta2 0.999, eps 1e-8) on the mean cross-entropy, with the learning rate decayed
//! linearly from `learning_rate` to a tenth of it. Deterministic: sequential f64 arithmetic.
//!
//! The result is regenerated from the seed (a few seconds) and memoised per process.

use super::options::TuningOptions;
use super::task::Task;
use crate::engine::RunSeed;
use crate::plain::PlainModel;
use crate::plain::model::PlainAttention;
use rand::Rng;
use std::sync::{Mutex, OnceLock};

/// What pre-training achieved.
#[derive(Clone, Debug, PartialEq)]
pub struct PretrainReport {
    /// Adam steps taken.
    pub steps: usize,
    /// Mean training loss of the first 10% of steps.
    pub first_loss: f64,
    /// Mean training loss of the last 10% of steps.
    pub final_loss: f64,
    /// Accuracy on 400 fresh sequences per task (stream `pretrain/eval`), each with its own task
    /// prompt, in exact f64 softmax attention.
    pub task_accuracy: Vec<f64>,
}

/// Pre-train (or fetch the memoised result for identical options): the model and its report.
pub fn pretrained(opts: &TuningOptions, task: &Task) -> (PlainModel, PretrainReport) {
    static CACHE: OnceLock<Mutex<Vec<(String, PlainModel, PretrainReport)>>> = OnceLock::new();
    // Only what pre-training depends on: the splits and tuning options do not change it.
    let t = &opts.task;
    let key = format!(
        "{}|{:?}|{},{},{},{}|{:?}",
        opts.seed, opts.arch, t.vocab, t.seq, t.tasks, t.prompt_tokens, opts.pretrain
    );
    // The lock is held while training, so concurrent callers with the same options wait for
    // one result instead of training twice.
    let mut cache = CACHE
        .get_or_init(|| Mutex::new(Vec::new()))
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some((_, m, r)) = cache.iter().find(|(k, _, _)| *k == key) {
        return (m.clone(), r.clone());
    }
    let (m, r) = pretrain(opts, task);
    cache.push((key, m.clone(), r.clone()));
    (m, r)
}

fn prompted_input(task: &Task, ks: &[usize], tokens: &[Vec<usize>]) -> Vec<f64> {
    let h = task.hidden;
    let per = task.opts.seq * h;
    let emb = task.embed(tokens);
    let mut x = Vec::new();
    for (r, &k) in ks.iter().enumerate() {
        x.extend_from_slice(&task.task_prompts[k]);
        x.extend_from_slice(&emb[r * per..(r + 1) * per]);
    }
    x
}

/// Pre-train from scratch (no memoisation).
pub fn pretrain(opts: &TuningOptions, task: &Task) -> (PlainModel, PretrainReport) {
    let seed = RunSeed(opts.seed);
    let cfg = opts.model_config(1);
    let mut model = PlainModel::seeded(&cfg, seed);
    let (p, s) = (cfg.prompt_tokens, cfg.seq);
    let po = &opts.pretrain;
    let mut rng = seed.stream("pretrain/data");
    let mut m1: Vec<Vec<f64>> = model.params.iter().map(|v| vec![0.0; v.len()]).collect();
    let mut m2 = m1.clone();
    let (b1, b2, eps) = (0.9f64, 0.999f64, 1e-8);
    let mut losses = Vec::with_capacity(po.steps);
    for step in 0..po.steps {
        let ks: Vec<usize> = (0..po.batch)
            .map(|_| (rng.next_u64() % task.opts.tasks as u64) as usize)
            .collect();
        let tokens: Vec<Vec<usize>> = (0..po.batch)
            .map(|_| task.sample_tokens(&mut rng))
            .collect();
        let labels: Vec<usize> = ks
            .iter()
            .zip(&tokens)
            .map(|(&k, t)| task.label(k, t))
            .collect();
        let x = prompted_input(task, &ks, &tokens);
        let g = model.gradients(&x, p + s, p, &labels);
        losses.push(g.loss);
        let t = (step + 1) as i32;
        let frac = step as f64 / po.steps.max(1) as f64;
        let lr = po.learning_rate * (1.0 - 0.9 * frac);
        let (c1, c2) = (1.0 - b1.powi(t), 1.0 - b2.powi(t));
        for (i, gp) in g.params.iter().enumerate() {
            for (j, gv) in gp.iter().enumerate() {
                m1[i][j] = b1 * m1[i][j] + (1.0 - b1) * gv;
                m2[i][j] = b2 * m2[i][j] + (1.0 - b2) * gv * gv;
                model.params[i][j] -= lr * (m1[i][j] / c1) / ((m2[i][j] / c2).sqrt() + eps);
            }
        }
    }
    let tenth = (po.steps / 10).max(1).min(po.steps.max(1));
    let mean = |v: &[f64]| {
        if v.is_empty() {
            f64::NAN
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let first_loss = mean(&losses[..tenth.min(losses.len())]);
    let final_loss = mean(&losses[losses.len() - tenth.min(losses.len())..]);
    let mut erng = seed.stream("pretrain/eval");
    let task_accuracy = (0..task.opts.tasks)
        .map(|k| {
            let tokens: Vec<Vec<usize>> = (0..400).map(|_| task.sample_tokens(&mut erng)).collect();
            let labels: Vec<usize> = tokens.iter().map(|t| task.label(k, t)).collect();
            let x = prompted_input(task, &vec![k; tokens.len()], &tokens);
            let logits = model.logits(&x, p + s, p, PlainAttention::Softmax);
            super::loss::accuracy(&logits, &labels)
        })
        .collect();
    (
        model,
        PretrainReport {
            steps: po.steps,
            first_loss,
            final_loss,
            task_accuracy,
        },
    )
}
