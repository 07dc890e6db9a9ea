//! The context: the only door between the parties, and the only writer of the ledger.

use super::dealer::Dealer;
use super::seed::{RunSeed, streams};
use super::share::{AShare, BShare, Public, Revealed};
use super::{Backend, Exec};
use crate::net::{Bytes, DealerLog, Ledger, Recipient, RoundKind, Server};
use crate::ring::tensor::ShareRng;
use crate::ring::{ExecTensor, FixedPoint, RingTensor, Shape};
use std::sync::Arc;

/// One value to open masked: both parties' shares of `x`, both parties' shares of the mask, and
/// the pair's dependency depth.
type MaskedPair<'a, B> = (&'a [<B as Backend>::T; 2], &'a [<B as Backend>::T; 2], u32);

/// How a context is built: the run seed and the fixed-point encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CtxConfig {
    /// Seed of every random stream of the run.
    pub seed: RunSeed,
    /// Fixed-point encoding (CrypTen: 16 fractional bits).
    pub fixed: FixedPoint,
}

impl Default for CtxConfig {
    fn default() -> Self {
        CtxConfig {
            seed: RunSeed(0),
            fixed: FixedPoint::default(),
        }
    }
}

/// The 2-party execution context of one protocol run over backend `B`.
///
/// Communication happens only in [`Ctx::open_many`], [`Ctx::open_binary_many`], [`Ctx::reveal`]
/// and [`Ctx::reveal_to`]: each appends one round to the ledger **before** touching data, with the
/// message size computed from shapes (8 bytes per ring element). Hence the exec and cost backends
/// write identical ledgers.
pub struct Ctx<B: Backend> {
    config: CtxConfig,
    ledger: Ledger,
    dealer: Dealer<B>,
    przs: ShareRng,
    scope_stack: Vec<String>,
    scope: Arc<str>,
}

impl<B: Backend> Ctx<B> {
    /// A fresh context: empty ledgers, dealer and input-sharing streams from the seed.
    pub fn new(config: CtxConfig) -> Self {
        Ctx {
            config,
            ledger: Ledger::new(),
            dealer: Dealer::new(config.seed.share_stream(streams::DEALER)),
            przs: config.seed.share_stream(streams::PRZS),
            scope_stack: Vec::new(),
            scope: Arc::from(""),
        }
    }

    /// The fixed-point encoding.
    pub fn fixed(&self) -> FixedPoint {
        self.config.fixed
    }

    /// The configuration the context was built with.
    pub fn config(&self) -> CtxConfig {
        self.config
    }

    /// The online ledger.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The dealer's offline log.
    pub fn dealer_log(&self) -> &DealerLog {
        self.dealer.log()
    }

    /// Consume the context into its ledgers.
    pub fn into_ledgers(self) -> (Ledger, DealerLog) {
        let log = self.dealer.log().clone();
        (self.ledger, log)
    }

    /// The current scope path (`layer07/attn/softmax`).
    pub fn scope(&self) -> &str {
        &self.scope
    }

    /// Run `f` with `name` appended to the scope path; every ledger event and dealer request made
    /// inside is attributed to the extended path.
    pub fn scoped<R>(&mut self, name: &str, f: impl FnOnce(&mut Self) -> R) -> R {
        assert!(
            !name.is_empty() && !name.contains('/'),
            "scope names are non-empty and contain no '/': {name:?}"
        );
        self.scope_stack.push(name.to_string());
        self.scope = Arc::from(self.scope_stack.join("/"));
        let r = f(self);
        self.scope_stack.pop();
        self.scope = Arc::from(self.scope_stack.join("/"));
        r
    }

    /// The dealer, for the crate's protocols that consume correlations; requests are logged in
    /// the current scope. Crate-private: code outside the library cannot ask the dealer for
    /// correlations (whose masks it could then use to unmask openings).
    ///
    /// ```compile_fail,E0624
    /// use secp_tuning::engine::{Cost, Ctx, CtxConfig};
    /// let mut ctx = Ctx::<Cost>::new(CtxConfig::default());
    /// let _ = ctx.dealer();
    /// ```
    pub(crate) fn dealer(&mut self) -> (&mut Dealer<B>, &Arc<str>) {
        (&mut self.dealer, &self.scope)
    }

    /// Record local ring multiply-accumulates (per party) of the current protocol step, for the
    /// compute model. Not communication.
    pub fn local_work(&mut self, macs: u64) {
        self.ledger.push_local(self.scope.clone(), macs);
    }

    /// Secret-share a plaintext tensor held by one input owner (the data owner or the model
    /// owner) with pseudo-random zero sharing, as CrypTen: free (no round, no bytes).
    pub fn share_input(&mut self, plain: B::T) -> AShare<B> {
        let r = B::T::random(plain.shape().clone(), &mut self.przs);
        AShare::from_parts([plain.sub(&r), r], 0)
    }

    /// Secret-share a real-valued tensor given by a function of the row-major index, encoded in
    /// fixed point. Free. The cost backend never calls `f`.
    pub fn share_f64(&mut self, shape: Shape, mut f: impl FnMut(usize) -> f64) -> AShare<B> {
        let fx = self.fixed();
        self.share_input(B::T::from_fn(shape, |i| fx.encode(f(i))))
    }

    fn push_round(&mut self, kind: RoundKind, elements: usize, depth: u32) {
        let e = Bytes::of_ring_elements(elements as u64);
        let sent = match kind.recipient() {
            Recipient::BothServers | Recipient::DataOwner => [e, e],
            Recipient::Server(to) => {
                let mut s = [Bytes(0); 2];
                s[to.other().index()] = e;
                s
            }
        };
        self.ledger
            .push_round(self.scope.clone(), kind, elements as u64, sent, depth);
    }

    /// Open several masked arithmetic values to both servers in **one** round (CrypTen: one
    /// communication call). Each party sends 8 bytes per element of every tensor.
    pub fn open_many(&mut self, xs: &[&AShare<B>]) -> Vec<Public<B>> {
        let elements = xs.iter().map(|x| x.numel()).sum();
        let depth = 1 + xs.iter().map(|x| x.depth).max().unwrap_or(0);
        self.push_round(RoundKind::MaskedOpen, elements, depth);
        xs.iter()
            .map(|x| Public {
                value: x.shares[0].add(&x.shares[1]),
                depth,
            })
            .collect()
    }

    /// One round opening `mask(x, m)` for several pairs of both parties' shares `(x, m, depth)`:
    /// the round's elements are those of the broadcast shapes (as [`Ctx::open_many`] of the
    /// masked values), recorded before any data is touched; each value is then formed and
    /// opened (`join` of the two parties' masked shares) in one pass.
    fn open_masked_pairs(
        &mut self,
        pairs: &[MaskedPair<'_, B>],
        mask: impl Fn(u64, u64) -> u64 + Sync + Copy,
        join: impl Fn(u64, u64) -> u64 + Sync + Copy,
    ) -> Vec<Public<B>> {
        let elements = pairs
            .iter()
            .map(|(x, m, _)| Shape::broadcast(x[0].shape(), m[0].shape()).numel())
            .sum();
        let depth = 1 + pairs.iter().map(|p| p.2).max().unwrap_or(0);
        self.push_round(RoundKind::MaskedOpen, elements, depth);
        pairs
            .iter()
            .map(|(x, m, _)| Public {
                value: B::T::zip_n([&x[0], &m[0], &x[1], &m[1]], |[x0, m0, x1, m1]| {
                    join(mask(x0, m0), mask(x1, m1))
                }),
                depth,
            })
            .collect()
    }

    /// Open `x - mask` for several pairs `(x, mask)` to both servers in **one** round: the same
    /// round as [`Ctx::open_many`] of the differences (elements of the broadcast shapes), with
    /// each difference formed and opened in one pass.
    pub fn open_masked_many(&mut self, xs: &[(&AShare<B>, &AShare<B>)]) -> Vec<Public<B>> {
        let pairs: Vec<_> = xs
            .iter()
            .map(|(x, m)| (&x.shares, &m.shares, x.depth.max(m.depth)))
            .collect();
        self.open_masked_pairs(&pairs, |x, m| x.wrapping_sub(m), u64::wrapping_add)
    }

    /// Open `x ^ mask` for several pairs of XOR sharings to both servers in **one** round: the
    /// same round as [`Ctx::open_binary_many`] of the masked values, formed and opened in one
    /// pass each.
    pub fn open_binary_masked_many(&mut self, xs: &[(&BShare<B>, &BShare<B>)]) -> Vec<Public<B>> {
        let pairs: Vec<_> = xs
            .iter()
            .map(|(x, m)| (&x.shares, &m.shares, x.depth.max(m.depth)))
            .collect();
        self.open_masked_pairs(&pairs, |x, m| x ^ m, |u, v| u ^ v)
    }

    /// Open one masked arithmetic value to both servers: one round, 8 bytes per element each.
    pub fn open(&mut self, x: &AShare<B>) -> Public<B> {
        self.open_many(&[x]).pop().expect("one opened value")
    }

    /// Open several masked XOR-shared values to both servers in one round.
    pub fn open_binary_many(&mut self, xs: &[&BShare<B>]) -> Vec<Public<B>> {
        let elements = xs.iter().map(|x| x.numel()).sum();
        let depth = 1 + xs.iter().map(|x| x.depth).max().unwrap_or(0);
        self.push_round(RoundKind::MaskedOpen, elements, depth);
        xs.iter()
            .map(|x| Public {
                value: x.shares[0].xor(&x.shares[1]),
                depth,
            })
            .collect()
    }

    /// Reveal a protocol value (not a mask) to both servers: one round (CrypTen's `reveal`).
    pub fn reveal(&mut self, x: &AShare<B>) -> Public<B> {
        let depth = 1 + x.depth;
        self.push_round(RoundKind::Reveal(Recipient::BothServers), x.numel(), depth);
        Public {
            value: x.shares[0].add(&x.shares[1]),
            depth,
        }
    }

    /// Reveal a protocol value to one recipient only (the data owner, or one server): one round in
    /// which the other parties send their shares to the recipient. Only the recipient's plaintext
    /// code can read the result.
    pub fn reveal_to(&mut self, to: Recipient, x: &AShare<B>) -> Revealed<B> {
        assert!(
            to != Recipient::BothServers,
            "reveal_to names one recipient; use reveal for both servers"
        );
        let depth = 1 + x.depth;
        self.push_round(RoundKind::Reveal(to), x.numel(), depth);
        Revealed {
            value: x.shares[0].add(&x.shares[1]),
            recipient: to,
        }
    }
}

impl Ctx<Exec> {
    /// Plaintext of an arithmetic sharing, for tests and reports only: never on the ledger.
    pub fn peek(&self, x: &AShare<Exec>) -> ExecTensor {
        x.shares[0].add(&x.shares[1])
    }

    /// Plaintext of an arithmetic sharing decoded from fixed point (tests and reports only).
    pub fn peek_f64(&self, x: &AShare<Exec>) -> Vec<f64> {
        let fx = self.fixed();
        self.peek(x).data().iter().map(|&v| fx.decode(v)).collect()
    }

    /// Plaintext of a binary sharing (tests and reports only).
    pub fn peek_binary(&self, x: &BShare<Exec>) -> ExecTensor {
        x.shares[0].xor(&x.shares[1])
    }

    /// One party's share, for tests of masking and of the sharing itself (never for protocols).
    pub fn peek_share(&self, x: &AShare<Exec>, party: Server) -> ExecTensor {
        x.shares[party.index()].clone()
    }
}
