//! The online ledger (one event per communication round) and the dealer's offline log.
//!
//! The engine is the only writer: `Ctx::open`, `open_many`, `open_binary_many`, `reveal` and
//! `reveal_to`
//! append one [`RoundEvent`] each, before any data is touched, with sizes computed from shapes.
//! Everything else (per-operation tables, CrypTen's counter, pricing) is an aggregate of these
//! physical facts.

use super::units::{Bytes, Rounds};
use serde::Serialize;
use std::sync::Arc;

/// A computing server: party 0 or party 1 of the 2-party protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Server {
    /// Party 0.
    P0,
    /// Party 1.
    P1,
}

impl Server {
    /// Both servers, in order.
    pub const BOTH: [Server; 2] = [Server::P0, Server::P1];
    /// Index 0 or 1.
    pub fn index(self) -> usize {
        match self {
            Server::P0 => 0,
            Server::P1 => 1,
        }
    }
    /// The other server.
    pub fn other(self) -> Server {
        match self {
            Server::P0 => Server::P1,
            Server::P1 => Server::P0,
        }
    }
}

/// Who receives the messages of a round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Recipient {
    /// Both servers exchange their shares (an opening to both; CrypTen's `reveal`).
    BothServers,
    /// Only this server learns the value: the other server sends it its share.
    Server(Server),
    /// The data owner (client) learns the value: both servers send it their shares.
    DataOwner,
}

impl Recipient {
    /// Name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Recipient::BothServers => "both_servers",
            Recipient::Server(Server::P0) => "p0",
            Recipient::Server(Server::P1) => "p1",
            Recipient::DataOwner => "data_owner",
        }
    }
}

/// What a round carried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum RoundKind {
    /// A masked opening inside a protocol (Beaver masks, A2B adder levels, ...): both servers
    /// learn a uniformly masked value.
    MaskedOpen,
    /// A reveal of a protocol *value* (not masked) to the given recipient.
    Reveal(Recipient),
}

impl RoundKind {
    /// Who receives this round's messages.
    pub fn recipient(self) -> Recipient {
        match self {
            RoundKind::MaskedOpen => Recipient::BothServers,
            RoundKind::Reveal(r) => r,
        }
    }
}

/// One communication round: the physical facts of one communication call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RoundEvent {
    /// Position in the ledger (0-based).
    pub index: u64,
    /// Scope path at the time of the call, e.g. `layer07/attn/softmax/max/ltz/a2b`.
    pub scope: Arc<str>,
    /// What the round carried.
    pub kind: RoundKind,
    /// Ring elements in each sender's message (the same for both senders that send).
    pub elements: u64,
    /// Bytes sent by party 0 and by party 1 in this round.
    pub sent: [Bytes; 2],
    /// Dependency depth: 1 + the largest depth among the inputs of this call; a perfectly batched
    /// implementation needs as many rounds as the largest depth in the ledger.
    pub depth: u32,
}

impl RoundEvent {
    /// Bytes received by `server` in this round.
    pub fn received(&self, server: Server) -> Bytes {
        match self.kind.recipient() {
            Recipient::BothServers => self.sent[server.other().index()],
            Recipient::Server(s) if s == server => self.sent[server.other().index()],
            Recipient::Server(_) | Recipient::DataOwner => Bytes(0),
        }
    }

    /// CrypTen's per-party counter: bytes sent plus bytes received.
    pub fn crypten_bytes(&self, server: Server) -> Bytes {
        self.sent[server.index()] + self.received(server)
    }
}

/// Local ring multiply-accumulates of a protocol step (the local products of a Beaver matmul, a
/// public-times-shared matmul), recorded for the compute model. Not communication.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LocalWork {
    /// Scope path.
    pub scope: Arc<str>,
    /// Ring multiply-accumulates per party.
    pub macs: u64,
}

/// The online ledger of one protocol run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Ledger {
    rounds: Vec<RoundEvent>,
    local: Vec<LocalWork>,
}

/// The distinct dependency levels occupied by a set of rounds (a bitset over depth values).
///
/// Its [`count`](DepthLevels::count) is the number of rounds the set would need if every
/// opening at the same dependency level were merged into one round: for a whole ledger, whose
/// inputs are at level 0, that is the longest chain of dependent rounds (every level from 1 to
/// the largest is occupied); for a phase or an operation, the rounds it would need if perfectly
/// batched, given the rest of the run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DepthLevels(Vec<u64>);

impl DepthLevels {
    /// Marks level `d` as occupied.
    pub fn insert(&mut self, d: u32) {
        let (w, b) = ((d / 64) as usize, d % 64);
        if self.0.len() <= w {
            self.0.resize(w + 1, 0);
        }
        self.0[w] |= 1 << b;
    }

    /// Adds every level of `o`.
    pub fn union(&mut self, o: &DepthLevels) {
        if self.0.len() < o.0.len() {
            self.0.resize(o.0.len(), 0);
        }
        for (a, b) in self.0.iter_mut().zip(&o.0) {
            *a |= b;
        }
    }

    /// Number of distinct levels.
    pub fn count(&self) -> u32 {
        self.0.iter().map(|w| w.count_ones()).sum()
    }

    /// The largest level (0 when empty).
    pub fn max(&self) -> u32 {
        self.0
            .iter()
            .enumerate()
            .rev()
            .find(|(_, w)| **w != 0)
            .map_or(0, |(i, w)| i as u32 * 64 + 63 - w.leading_zeros())
    }
}

/// Aggregated totals of a set of round events.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Sequential rounds (one per communication call; CrypTen's convention).
    pub rounds: Rounds,
    /// The dependency levels the rounds occupy; [`Totals::depth`] counts them.
    pub levels: DepthLevels,
    /// Ring elements opened (sum over rounds of the per-sender element count).
    pub opened_elements: u64,
    /// Bytes sent by each party.
    pub sent: [Bytes; 2],
    /// CrypTen's counter per party (sent + received).
    pub crypten_bytes: [Bytes; 2],
    /// Sum over rounds of the larger of the two parties' sent bytes (what a full-duplex link
    /// carries on its busier direction).
    pub max_sent_sum: Bytes,
    /// Local multiply-accumulates per party (from the local-work records).
    pub macs: u64,
}

impl Totals {
    /// Dependency depth: the number of distinct dependency levels of the rounds, i.e. the rounds
    /// a perfectly batched implementation would need for them (see [`DepthLevels`]). For a whole
    /// ledger it is the longest chain of dependent rounds.
    pub fn depth(&self) -> u32 {
        self.levels.count()
    }

    /// Add one round.
    pub fn add_round(&mut self, e: &RoundEvent) {
        self.rounds += Rounds(1);
        self.levels.insert(e.depth);
        self.opened_elements += e.elements;
        for s in Server::BOTH {
            self.sent[s.index()] += e.sent[s.index()];
            self.crypten_bytes[s.index()] += e.crypten_bytes(s);
        }
        self.max_sent_sum += e.sent[0].max(e.sent[1]);
    }

    /// Combine with totals of other rounds of the same run (depths are absolute within one run,
    /// so levels shared by both count once).
    pub fn merge(&mut self, o: &Totals) {
        self.rounds += o.rounds;
        self.levels.union(&o.levels);
        self.opened_elements += o.opened_elements;
        for i in 0..2 {
            self.sent[i] += o.sent[i];
            self.crypten_bytes[i] += o.crypten_bytes[i];
        }
        self.max_sent_sum += o.max_sent_sum;
        self.macs += o.macs;
    }
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }

    /// Append a round. Only the engine calls this.
    pub(crate) fn push_round(
        &mut self,
        scope: Arc<str>,
        kind: RoundKind,
        elements: u64,
        sent: [Bytes; 2],
        depth: u32,
    ) {
        let index = self.rounds.len() as u64;
        self.rounds.push(RoundEvent {
            index,
            scope,
            kind,
            elements,
            sent,
            depth,
        });
    }

    /// Record purely local work. Only the engine calls this.
    pub(crate) fn push_local(&mut self, scope: Arc<str>, macs: u64) {
        self.local.push(LocalWork { scope, macs });
    }

    /// The round events in order.
    pub fn rounds(&self) -> &[RoundEvent] {
        &self.rounds
    }

    /// The local work records in order.
    pub fn local_work(&self) -> &[LocalWork] {
        &self.local
    }

    /// Totals over the whole ledger.
    pub fn totals(&self) -> Totals {
        self.totals_where(|_| true)
    }

    /// Totals over the events whose scope satisfies `keep` (local work included by the same test).
    pub fn totals_where(&self, keep: impl Fn(&str) -> bool) -> Totals {
        let mut t = Totals::default();
        for e in self.rounds.iter().filter(|e| keep(&e.scope)) {
            t.add_round(e);
        }
        t.macs += self
            .local
            .iter()
            .filter(|w| keep(&w.scope))
            .map(|w| w.macs)
            .sum::<u64>();
        t
    }

    /// Totals over the events under `prefix` (the scope equals it or starts with `prefix/`).
    pub fn totals_under(&self, prefix: &str) -> Totals {
        self.totals_where(|s| scope_is_under(s, prefix))
    }

    /// Reveals of protocol values (not masked openings), in order.
    pub fn reveals(&self) -> impl Iterator<Item = &RoundEvent> {
        self.rounds
            .iter()
            .filter(|e| matches!(e.kind, RoundKind::Reveal(_)))
    }
}

/// Whether `scope` is `prefix` or lies below it.
pub fn scope_is_under(scope: &str, prefix: &str) -> bool {
    prefix.is_empty()
        || scope == prefix
        || (scope.starts_with(prefix) && scope.as_bytes().get(prefix.len()) == Some(&b'/'))
}

/// The kinds of correlated randomness the dealer issues.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Correlation {
    /// Beaver triple for element-wise products: `(a, b, c = a * b)`, arithmetic.
    MulTriple,
    /// Beaver triple for (batched) matrix products: `(a, b, c = a @ b)`, arithmetic.
    MatmulTriple,
    /// Square pair `(r, r^2)`, arithmetic.
    SquarePair,
    /// Binary AND triple on 64-bit words `(a, b, c = a & b)`, XOR-shared.
    BinaryTriple,
    /// Bit pair for B2A: one random bit shared both in XOR and in arithmetic form.
    B2aBit,
    /// Trigonometric mask for the one-round cosine: `(t, sin t, cos t)`, arithmetic.
    TrigMask,
}

impl Correlation {
    /// Name as in the `correlations_used` column of the measured CrypTen figures.
    pub fn name(self) -> &'static str {
        match self {
            Correlation::MulTriple => "mul_triple",
            Correlation::MatmulTriple => "matmul_triple",
            Correlation::SquarePair => "square_pair",
            Correlation::BinaryTriple => "binary_triple",
            Correlation::B2aBit => "b2a_bit",
            Correlation::TrigMask => "trig_mask",
        }
    }

    /// Components that a seeded-correction dealer (CrypTen's TTP) must send to party 0 because
    /// they depend on the others: the product `c`, the square `r^2`, the arithmetic bit, the
    /// sine and cosine of the mask. The remaining components are derived from seeds.
    pub fn correction_components(self) -> &'static [usize] {
        match self {
            Correlation::MulTriple | Correlation::MatmulTriple | Correlation::BinaryTriple => &[2],
            Correlation::SquarePair | Correlation::B2aBit => &[1],
            Correlation::TrigMask => &[1, 2],
        }
    }
}

/// One request to the dealer: a correlation of `elements[i]` ring elements per component.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DealerRequest {
    /// Position in the log (0-based).
    pub index: u64,
    /// Scope path at the time of the request.
    pub scope: Arc<str>,
    /// The correlation kind.
    pub kind: Correlation,
    /// Elements of each component, in the order of the kind's definition.
    pub elements: Vec<u64>,
}

/// How the dealer's offline traffic is priced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DealerPolicy {
    /// CrypTen's default trusted-first-party provider (TFP): no traffic.
    #[default]
    Free,
    /// CrypTen's TTP provider: party 1 derives its shares from a seed; party 0 receives the
    /// correction components (see [`Correlation::correction_components`]). CrypTen's counter also
    /// logs 3 extra calls per request on party 0 (reported as `dealer_calls_p0`).
    SeededCorrection,
    /// The dealer sends every component's share to both parties.
    FullShares,
}

/// CrypTen's TTP provider logs this many communication calls on party 0 per request.
pub const TTP_CALLS_PER_REQUEST: u64 = 3;

/// The dealer's offline log.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DealerLog {
    requests: Vec<DealerRequest>,
}

/// Offline traffic of a dealer log under a policy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OfflineTotals {
    /// Number of requests.
    pub requests: u64,
    /// Bytes each server receives from the dealer.
    pub received: [Bytes; 2],
    /// Communication calls each server's CrypTen counter logs for the dealer.
    pub calls: [u64; 2],
}

impl OfflineTotals {
    /// Adds the totals of other requests.
    pub fn merge(&mut self, o: &OfflineTotals) {
        self.requests += o.requests;
        for i in 0..2 {
            self.received[i] += o.received[i];
            self.calls[i] += o.calls[i];
        }
    }
}

impl DealerLog {
    /// Append a request. Only the engine calls this.
    pub(crate) fn push(&mut self, scope: Arc<str>, kind: Correlation, elements: Vec<u64>) {
        let index = self.requests.len() as u64;
        self.requests.push(DealerRequest {
            index,
            scope,
            kind,
            elements,
        });
    }

    /// The requests in order.
    pub fn requests(&self) -> &[DealerRequest] {
        &self.requests
    }

    /// Offline traffic under `policy`, over the requests whose scope satisfies `keep`.
    pub fn totals_where(&self, policy: DealerPolicy, keep: impl Fn(&str) -> bool) -> OfflineTotals {
        let mut t = OfflineTotals::default();
        for r in self.requests.iter().filter(|r| keep(&r.scope)) {
            t.requests += 1;
            match policy {
                DealerPolicy::Free => {}
                DealerPolicy::SeededCorrection => {
                    let c: u64 = r
                        .kind
                        .correction_components()
                        .iter()
                        .map(|&i| r.elements[i])
                        .sum();
                    t.received[0] += Bytes::of_ring_elements(c);
                    t.calls[0] += TTP_CALLS_PER_REQUEST;
                }
                DealerPolicy::FullShares => {
                    let all: u64 = r.elements.iter().sum();
                    for s in 0..2 {
                        t.received[s] += Bytes::of_ring_elements(all);
                        t.calls[s] += 1;
                    }
                }
            }
        }
        t
    }

    /// Offline traffic of the whole log under `policy`.
    pub fn totals(&self, policy: DealerPolicy) -> OfflineTotals {
        self.totals_where(policy, |_| true)
    }

    /// Correlations consumed, in the measured CSV's format: kinds in order of first use, each as
    /// `kind xCOUNT elems=A/B/C` with the element counts summed per component, joined by `; `.
    pub fn correlations_used(&self) -> String {
        let mut kinds: Vec<Correlation> = Vec::new();
        for r in &self.requests {
            if !kinds.contains(&r.kind) {
                kinds.push(r.kind);
            }
        }
        kinds
            .iter()
            .map(|&k| {
                let reqs: Vec<&DealerRequest> =
                    self.requests.iter().filter(|r| r.kind == k).collect();
                let ncomp = reqs[0].elements.len();
                let sums: Vec<String> = (0..ncomp)
                    .map(|i| reqs.iter().map(|r| r.elements[i]).sum::<u64>().to_string())
                    .collect();
                format!("{} x{} elems={}", k.name(), reqs.len(), sums.join("/"))
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_levels_count_distinct_levels() {
        let mut a = DepthLevels::default();
        assert_eq!((a.count(), a.max()), (0, 0));
        for d in [1, 3, 3, 64, 130] {
            a.insert(d);
        }
        assert_eq!((a.count(), a.max()), (4, 130));
        let mut b = DepthLevels::default();
        b.insert(3);
        b.insert(7);
        b.union(&a);
        assert_eq!((b.count(), b.max()), (5, 130));
    }

    #[test]
    fn crypten_counter_is_sent_plus_received() {
        let mut l = Ledger::new();
        let s: Arc<str> = Arc::from("x");
        l.push_round(s.clone(), RoundKind::MaskedOpen, 64, [Bytes(512); 2], 1);
        l.push_round(
            s.clone(),
            RoundKind::Reveal(Recipient::DataOwner),
            10,
            [Bytes(80); 2],
            2,
        );
        l.push_round(
            s,
            RoundKind::Reveal(Recipient::Server(Server::P0)),
            10,
            [Bytes(0), Bytes(80)],
            3,
        );
        let t = l.totals();
        assert_eq!(t.rounds, Rounds(3));
        assert_eq!(
            t.crypten_bytes,
            [Bytes(1024 + 80 + 80), Bytes(1024 + 80 + 80)]
        );
        assert_eq!(t.sent, [Bytes(512 + 80), Bytes(512 + 80 + 80)]);
        assert_eq!(t.depth(), 3);
    }

    #[test]
    fn dealer_policies_price_the_log() {
        let mut log = DealerLog::default();
        let s: Arc<str> = Arc::from("");
        log.push(s.clone(), Correlation::MulTriple, vec![64, 8, 64]);
        log.push(s, Correlation::TrigMask, vec![10, 10, 10]);
        assert_eq!(log.totals(DealerPolicy::Free).received, [Bytes(0); 2]);
        let ttp = log.totals(DealerPolicy::SeededCorrection);
        // Party 0 gets c (64) and sin t, cos t (20): 84 elements; 3 counted calls each.
        assert_eq!(ttp.received, [Bytes(8 * 84), Bytes(0)]);
        assert_eq!(ttp.calls, [6, 0]);
        let full = log.totals(DealerPolicy::FullShares);
        assert_eq!(full.received, [Bytes(8 * 166); 2]);
        assert_eq!(full.requests, 2);
        assert_eq!(
            log.correlations_used(),
            "mul_triple x1 elems=64/8/64; trig_mask x1 elems=10/10/10"
        );
    }

    #[test]
    fn scope_prefixes() {
        assert!(scope_is_under("layer01/attn", "layer01"));
        assert!(!scope_is_under("layer010/attn", "layer01"));
        assert!(scope_is_under("anything", ""));
    }
}
