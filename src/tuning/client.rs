//! The data owner's loop (SecP-Tuning's forward-only tuning, BBT's derivative-free prompt
//! tuning): per generation, `ask` CMA-ES for `lambda` candidates z, form each prompt
//! `p = A z + p0` ([`super::projection`]), query the servers with `[p ; training batch]` (one
//! query = one forward pass over the whole few-shot training batch), compute the loss of the
//! revealed logits in plaintext ([`super::loss`]), `tell` CMA-ES the losses. Every
//! `eval_every` generations the current best z (lowest training loss so far) is evaluated on
//! the dev split; dev and test evaluations are queries too but are counted apart from the
//! budget (as BBT).
//!
//! Everything here is the data owner's plaintext computation; the only thing that crosses to
//! the servers is the secret-shared input of each query, and the only thing that comes back is
//! the logits ([`super::server::Server`]).

use super::cmaes::{Cmaes, CmaesError};
use super::loss::{accuracy, loss};
use super::options::{LossKind, TuningOptions};
use super::projection::Projection;
use super::server::Server;
use super::task::Batch;
use crate::engine::RunSeed;

/// One generation of the trajectory.
#[derive(Clone, Debug, PartialEq)]
pub struct GenerationRecord {
    /// Generation index (0-based).
    pub generation: u64,
    /// Training queries used after this generation.
    pub queries: u64,
    /// Losses of the generation's candidates, in sampling order.
    pub losses: Vec<f64>,
    /// Candidate indices from best to worst.
    pub ranking: Vec<usize>,
    /// Lowest training loss seen so far.
    pub best_loss: f64,
    /// CMA-ES step size after the update.
    pub sigma: f64,
    /// Dev accuracy of the best z so far, when evaluated at this generation.
    pub dev_accuracy: Option<f64>,
    /// Dev loss of the best z so far, when evaluated.
    pub dev_loss: Option<f64>,
}

impl GenerationRecord {
    /// Best loss of this generation.
    pub fn generation_best(&self) -> f64 {
        self.losses[self.ranking[0]]
    }

    /// Mean loss of this generation.
    pub fn generation_mean(&self) -> f64 {
        self.losses.iter().sum::<f64>() / self.losses.len() as f64
    }
}

/// What the progress callback sees after each generation.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    /// Generations done.
    pub generation: u64,
    /// Generations planned.
    pub generations: u64,
    /// Training queries used.
    pub queries: u64,
    /// Lowest training loss so far.
    pub best_loss: f64,
    /// This generation's best loss.
    pub generation_best: f64,
    /// Dev accuracy, when evaluated at this generation.
    pub dev_accuracy: Option<f64>,
}

/// Loss and accuracy of one prompt on one split.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SplitEval {
    /// Mean loss.
    pub loss: f64,
    /// Accuracy.
    pub accuracy: f64,
}

/// Evaluate `prompt` on `batch` through `server` (one query).
pub fn evaluate(
    server: &mut dyn Server,
    kind: LossKind,
    prompt: &[f64],
    batch: &Batch,
) -> SplitEval {
    let logits = server.forward(prompt, batch);
    SplitEval {
        loss: loss(kind, &logits, &batch.labels),
        accuracy: accuracy(&logits, &batch.labels),
    }
}

/// The result of the loop.
#[derive(Clone, Debug, PartialEq)]
pub struct LoopResult {
    /// Per-generation records.
    pub trajectory: Vec<GenerationRecord>,
    /// The best z (lowest training loss).
    pub best_z: Vec<f64>,
    /// Its training loss.
    pub best_loss: f64,
    /// Training queries used.
    pub queries: u64,
    /// Dev evaluation queries used.
    pub eval_queries: u64,
}

/// Run the CMA-ES loop against `server` (options validated by the caller). CMA-ES draws from
/// stream `cmaes` of the run seed; z starts at 0.
pub fn tune_loop(
    opts: &TuningOptions,
    server: &mut dyn Server,
    proj: &Projection,
    train: &Batch,
    dev: &Batch,
    progress: &mut dyn FnMut(&Progress),
) -> Result<LoopResult, CmaesError> {
    let c = &opts.cmaes;
    let seed = RunSeed(opts.seed);
    let mut es = Cmaes::new(
        vec![0.0; c.dim],
        c.sigma0,
        c.population,
        c.bounds,
        seed.stream("cmaes"),
    )?;
    let generations = opts.generations();
    let mut best_z = vec![0.0; c.dim];
    let mut best_loss = f64::INFINITY;
    let (mut queries, mut eval_queries) = (0u64, 0u64);
    let mut trajectory = Vec::with_capacity(generations as usize);
    for g in 0..generations {
        let zs = es.ask();
        let losses: Vec<f64> = zs
            .iter()
            .map(|z| {
                queries += 1;
                let logits = server.forward(&proj.prompt(z), train);
                loss(opts.loss, &logits, &train.labels)
            })
            .collect();
        es.tell(&losses)?;
        let ranking = Cmaes::ranking(&losses);
        let top = ranking[0];
        if losses[top] < best_loss {
            best_loss = losses[top];
            best_z = zs[top].clone();
        }
        let last = g + 1 == generations;
        let (dev_accuracy, dev_loss) =
            if (opts.eval_every > 0 && (g + 1) % opts.eval_every == 0) || last {
                eval_queries += 1;
                let e = evaluate(server, opts.loss, &proj.prompt(&best_z), dev);
                (Some(e.accuracy), Some(e.loss))
            } else {
                (None, None)
            };
        let rec = GenerationRecord {
            generation: g,
            queries,
            losses,
            ranking,
            best_loss,
            sigma: es.sigma(),
            dev_accuracy,
            dev_loss,
        };
        progress(&Progress {
            generation: g + 1,
            generations,
            queries,
            best_loss,
            generation_best: rec.generation_best(),
            dev_accuracy,
        });
        trajectory.push(rec);
    }
    Ok(LoopResult {
        trajectory,
        best_z,
        best_loss,
        queries,
        eval_queries,
    })
}
