//! The servers' side of a query: the frozen model's forward pass on `[prompt ; embedded inputs]`,
//! behind one trait so that the MPC servers and the f64 plaintext reference plug into the same
//! data-owner loop ([`super::client`]).
//!
//! [`MpcServers`] is the system (SecP-Tuning steps 2 to 4): the model owner secret-shares the
//! weights once; per query the data owner secret-shares the `(B, P + S, H)` input (prompt rows
//! then its embedded tokens, for every sequence: input sharing is free, as CrypTen), the two
//! servers run the exec-backend forward ([`crate::model::encoder::forward`], inference mode,
//! softmax or random feature attention), and the logits are revealed **to the data owner only**
//! (`ctx.reveal_to(Recipient::DataOwner, ..)` under scope `reveal`, one round, `B C`
//! elements). Every other round of the query is a masked opening between the servers.
//! [`QueryLedger`] keeps each query's accounting for the tests and reports.
//!
//! [`PlainServer`] runs [`crate::plain::PlainModel`] on the same input in f64 (exact softmax, or
//! the same random-feature estimator with the same public projections).
//!
//! Cost per query: the `fot` / `secp_tuning` forward of [`crate::model::methods`] at the
//! query's batch size (see [`super::cost`]).

use super::task::Batch;
use crate::engine::{Ctx, CtxConfig, Exec, RunSeed};
use crate::model::config::ModelConfig;
use crate::model::encoder::{ForwardSpec, Mode, forward};
use crate::model::methods::{AttentionKind, MethodOptions};
use crate::model::weights::Weights;
use crate::net::{Recipient, RoundKind};
use crate::plain::PlainModel;
use crate::plain::model::PlainAttention;
use crate::ring::Shape;
use rand::Rng;

/// Whoever answers the data owner's queries.
pub trait Server {
    /// The logits (row-major (B, C)) of the frozen model on `[prompt ; batch]`, `prompt`
    /// row-major (P, H). One call is one query.
    fn forward(&mut self, prompt: &[f64], batch: &Batch) -> Vec<f64>;

    /// The accounting of every query so far (empty for servers without a ledger).
    fn query_ledgers(&self) -> &[QueryLedger] {
        &[]
    }
}

/// The `[prompt ; embedded]` encoder input of every sequence, row-major (B, P + S, H).
pub fn encoder_input(prompt: &[f64], batch: &Batch, hidden: usize) -> Vec<f64> {
    let b = batch.len();
    let per = batch.embedded.len() / b;
    let mut x = Vec::with_capacity(b * (prompt.len() + per));
    for r in 0..b {
        x.extend_from_slice(prompt);
        x.extend_from_slice(&batch.embedded[r * per..(r + 1) * per]);
    }
    debug_assert_eq!(x.len() % hidden, 0);
    x
}

/// The f64 plaintext reference server.
#[derive(Clone, Debug)]
pub struct PlainServer {
    model: PlainModel,
    attention: PlainAttention,
}

impl PlainServer {
    /// Serve `model` with softmax attention or with RFA as configured by `opts` (projections of
    /// `seed`, the same as the MPC servers').
    pub fn new(
        model: PlainModel,
        attention: AttentionKind,
        opts: &MethodOptions,
        seed: RunSeed,
    ) -> Self {
        let attention = match attention {
            AttentionKind::Softmax => PlainAttention::Softmax,
            AttentionKind::Rfa(_) => PlainAttention::Rfa {
                features: opts.features,
                sigma: opts.sigma,
                seed,
            },
        };
        PlainServer { model, attention }
    }
}

impl Server for PlainServer {
    fn forward(&mut self, prompt: &[f64], batch: &Batch) -> Vec<f64> {
        let cfg = &self.model.cfg;
        let x = encoder_input(prompt, batch, cfg.hidden);
        let p = cfg.prompt_tokens;
        self.model.logits(&x, p + cfg.seq, p, self.attention)
    }
}

/// The accounting of one query, from the MPC ledger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryLedger {
    /// Sequences in the query's batch.
    pub batch: usize,
    /// Rounds of the query.
    pub rounds: u64,
    /// Masked openings between the servers (rounds of kind `MaskedOpen`).
    pub masked_open_rounds: u64,
    /// Elements opened in those masked openings.
    pub masked_open_elements: u64,
    /// Every reveal of the query: recipient and elements.
    pub reveals: Vec<(Recipient, u64)>,
    /// CrypTen's byte counter per server (sent + received) over the query.
    pub crypten_bytes: [u64; 2],
    /// Dealer requests of the query.
    pub dealer_requests: u64,
}

/// Two MPC servers in the exec backend holding the model owner's shared weights.
pub struct MpcServers {
    ctx: Ctx<Exec>,
    weights: Weights<Exec>,
    cfg: ModelConfig,
    opts: MethodOptions,
    attention: AttentionKind,
    seed: RunSeed,
    ledgers: Vec<QueryLedger>,
}

impl MpcServers {
    /// Share `model`'s weights (model owner, free) in a context whose dealer seed is drawn from
    /// stream `tuning/mpc` of `seed`; `seed` itself names the RFA projections (as the plaintext
    /// server's).
    pub fn new(
        model: &PlainModel,
        attention: AttentionKind,
        opts: &MethodOptions,
        seed: RunSeed,
    ) -> Self {
        let ctx_seed = RunSeed(seed.stream("tuning/mpc").next_u64());
        let mut ctx = Ctx::<Exec>::new(CtxConfig {
            seed: ctx_seed,
            ..CtxConfig::default()
        });
        let weights = Weights::from_values(&mut ctx, &model.cfg, &model.params);
        MpcServers {
            ctx,
            weights,
            cfg: model.cfg.clone(),
            opts: opts.clone(),
            attention,
            seed,
            ledgers: Vec::new(),
        }
    }

    /// The context (its ledger holds every query).
    pub fn ctx(&self) -> &Ctx<Exec> {
        &self.ctx
    }
}

impl Server for MpcServers {
    fn forward(&mut self, prompt: &[f64], batch: &Batch) -> Vec<f64> {
        let b = batch.len();
        let (p, s, h) = (self.cfg.prompt_tokens, self.cfg.seq, self.cfg.hidden);
        let mut cfg = self.cfg.clone();
        cfg.batch = b;
        let r0 = self.ctx.ledger().rounds().len();
        let d0 = self.ctx.dealer_log().requests().len();
        // Data owner: share [prompt ; embedded inputs] (free input sharing).
        let xin = encoder_input(prompt, batch, h);
        let x = self.ctx.share_f64(Shape::new([b, p + s, h]), |i| xin[i]);
        let spec = ForwardSpec {
            opts: &self.opts,
            mode: Mode::Eval,
            attention: self.attention,
            seed: self.seed,
            input_requires_grad: false,
            head_token: p,
        };
        let out = forward(&mut self.ctx, &cfg, &self.weights, &x, None, &spec);
        let revealed = self.ctx.scoped("reveal", |ctx| {
            ctx.reveal_to(Recipient::DataOwner, &out.logits)
        });
        // Data owner: reconstruct the logits.
        let logits = revealed.decode(self.ctx.fixed());
        let rounds = &self.ctx.ledger().rounds()[r0..];
        let mut q = QueryLedger {
            batch: b,
            rounds: rounds.len() as u64,
            masked_open_rounds: 0,
            masked_open_elements: 0,
            reveals: Vec::new(),
            crypten_bytes: [0, 0],
            dealer_requests: (self.ctx.dealer_log().requests().len() - d0) as u64,
        };
        for e in rounds {
            match e.kind {
                RoundKind::MaskedOpen => {
                    q.masked_open_rounds += 1;
                    q.masked_open_elements += e.elements;
                }
                RoundKind::Reveal(r) => q.reveals.push((r, e.elements)),
            }
            for (i, srv) in crate::net::Server::BOTH.iter().enumerate() {
                q.crypten_bytes[i] += e.crypten_bytes(*srv).0;
            }
        }
        self.ledgers.push(q);
        logits
    }

    fn query_ledgers(&self) -> &[QueryLedger] {
        &self.ledgers
    }
}
