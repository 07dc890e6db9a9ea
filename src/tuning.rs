//! Forward-only prompt tuning for real: the data owner's CMA-ES loop driving MPC forward passes
//! in the exec backend (SecP-Tuning's system, BBT's optimiser), on a synthetic task the
//! pre-trained small encoder can really learn.
//!
//! Reference: SecP-Tuning (Luo et al., ICLR 2026) and Black-Box Tuning (Sun et al., ICML 2022),
//! summarised in `secp-tuning-paper.md`.
//!
//! Pieces: [`options`] (typed options, BBT defaults, validation), [`task`] (the documented
//! synthetic task and its splits), [`pretrain`] (plaintext pre-training with the f64 backward),
//! [`projection`] (A and p0), [`cmaes`] (the optimiser), [`loss`] (plaintext loss),
//! [`server`] (the [`server::Server`] trait, the exec-mode MPC servers, the f64 server),
//! [`client`] (the loop), [`cost`] (whole-run cost = per-query cost x queries).
//!
//! Entry point: [`run_tuning`]: validate, build the task, pre-train (memoised), draw A, run the
//! untuned prompt, the loop, and the final dev / test evaluation; returns a [`TuningReport`]
//! (its [`TuningReport::trajectory_csv`] is byte-identical for identical options).

pub mod client;
pub mod cmaes;
pub mod cost;
pub mod loss;
pub mod options;
pub mod pretrain;
pub mod projection;
pub mod server;
pub mod task;

pub use client::{GenerationRecord, Progress, SplitEval};
pub use options::{OptionError, TuningOptions};
pub use server::{MpcServers, PlainServer, QueryLedger, Server};

use crate::engine::RunSeed;
use options::{PromptInit, ServerKind};
use std::fmt;
use std::fmt::Write as _;

/// Why a tuning run failed.
#[derive(Clone, Debug, PartialEq)]
pub enum TuningError {
    /// An invalid option.
    Options(OptionError),
    /// CMA-ES rejected its input (e.g. a NaN loss from a diverged forward pass).
    Cmaes(cmaes::CmaesError),
}

impl fmt::Display for TuningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TuningError::Options(e) => e.fmt(f),
            TuningError::Cmaes(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for TuningError {}

impl From<OptionError> for TuningError {
    fn from(e: OptionError) -> Self {
        TuningError::Options(e)
    }
}

impl From<cmaes::CmaesError> for TuningError {
    fn from(e: cmaes::CmaesError) -> Self {
        TuningError::Cmaes(e)
    }
}

/// Loss and accuracy of one prompt on the three splits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PromptEval {
    /// Training split.
    pub train: SplitEval,
    /// Development split.
    pub dev: SplitEval,
    /// Test split.
    pub test: SplitEval,
}

/// Everything a tuning run measured.
#[derive(Clone, Debug, PartialEq)]
pub struct TuningReport {
    /// The options of the run.
    pub options: TuningOptions,
    /// Pre-training summary.
    pub pretrain: pretrain::PretrainReport,
    /// The pre-trained encoder the servers share (the model developer's weights).
    pub encoder: crate::plain::PlainModel,
    /// The untuned prompt p0 (z = 0).
    pub untuned: PromptEval,
    /// The tuned prompt (best z by training loss).
    pub tuned: PromptEval,
    /// Per-generation trajectory.
    pub trajectory: Vec<GenerationRecord>,
    /// The best z.
    pub best_z: Vec<f64>,
    /// Training queries used (the budget's unit).
    pub queries: u64,
    /// Evaluation queries (untuned 3, dev checks, final dev and test).
    pub eval_queries: u64,
    /// Training queries after which the dev accuracy first reached the target (resolution:
    /// `eval_every` generations), if it did.
    pub queries_to_target: Option<u64>,
    /// Per-query MPC accounting (empty for the plaintext server), in query order.
    pub query_ledgers: Vec<QueryLedger>,
}

impl TuningReport {
    /// CSV header of [`TuningReport::trajectory_csv`].
    pub const CSV_HEADER: &str = "seed,server,attention,generation,queries,generation_best_loss,generation_mean_loss,best_loss,sigma,dev_accuracy,dev_loss,ranking";

    /// The trajectory as CSV (one row per generation; floats in Rust's shortest round-trip
    /// form, so identical runs give identical bytes; empty dev fields when not evaluated;
    /// ranking as `i0 i1 ..`).
    pub fn trajectory_csv(&self) -> String {
        let o = &self.options;
        let server = match o.server {
            ServerKind::Mpc => "mpc",
            ServerKind::Plain => "plain",
        };
        let att = match o.attention {
            options::AttentionChoice::Softmax => "softmax",
            options::AttentionChoice::Rfa => "rfa",
        };
        let mut s = String::from(Self::CSV_HEADER);
        s.push('\n');
        let opt = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
        for r in &self.trajectory {
            let ranking: Vec<String> = r.ranking.iter().map(|i| i.to_string()).collect();
            let _ = writeln!(
                s,
                "{},{},{},{},{},{},{},{},{},{},{},{}",
                o.seed,
                server,
                att,
                r.generation,
                r.queries,
                r.generation_best(),
                r.generation_mean(),
                r.best_loss,
                r.sigma,
                opt(r.dev_accuracy),
                opt(r.dev_loss),
                ranking.join(" ")
            );
        }
        s
    }
}

/// Run forward-only tuning end to end (see the module header). `progress` is called after every
/// generation.
pub fn run_tuning(
    opts: &TuningOptions,
    progress: &mut dyn FnMut(&Progress),
) -> Result<TuningReport, TuningError> {
    opts.validate()?;
    let seed = RunSeed(opts.seed);
    let t = task::Task::new(&opts.task, opts.arch.hidden, seed);
    let (model, pre) = pretrain::pretrained(opts, &t);
    let (train, dev, test) = (t.train(), t.dev(), t.test());
    let out_dim = opts.task.prompt_tokens * opts.arch.hidden;
    let p0 = match opts.p0 {
        PromptInit::Vocab => t.vocab_prompt(),
        PromptInit::Zero => vec![0.0; out_dim],
    };
    let proj = projection::Projection::new(
        opts.projection,
        out_dim,
        opts.cmaes.dim,
        t.embedding_std(),
        opts.cmaes.sigma0,
        opts.alpha,
        p0,
        seed,
    );
    let attention = opts.method().attention();
    let mut srv: Box<dyn Server> = match opts.server {
        ServerKind::Mpc => Box::new(MpcServers::new(&model, attention, &opts.forward, seed)),
        ServerKind::Plain => Box::new(PlainServer::new(
            model.clone(),
            attention,
            &opts.forward,
            seed,
        )),
    };
    let eval3 = |srv: &mut dyn Server, prompt: &[f64]| PromptEval {
        train: client::evaluate(srv, opts.loss, prompt, &train),
        dev: client::evaluate(srv, opts.loss, prompt, &dev),
        test: client::evaluate(srv, opts.loss, prompt, &test),
    };
    let untuned = eval3(srv.as_mut(), &proj.p0);
    let run = client::tune_loop(opts, srv.as_mut(), &proj, &train, &dev, progress)?;
    let tuned = eval3(srv.as_mut(), &proj.prompt(&run.best_z));
    let queries_to_target = opts.target_dev_accuracy.and_then(|target| {
        run.trajectory
            .iter()
            .find(|r| r.dev_accuracy.is_some_and(|a| a >= target))
            .map(|r| r.queries)
    });
    Ok(TuningReport {
        options: opts.clone(),
        pretrain: pre,
        encoder: model.clone(),
        untuned,
        tuned,
        trajectory: run.trajectory,
        best_z: run.best_z,
        queries: run.queries,
        eval_queries: run.eval_queries + 6,
        queries_to_target,
        query_ledgers: srv.query_ledgers().to_vec(),
    })
}
