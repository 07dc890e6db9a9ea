//! Whole-run cost: the per-query cost of a forward-only method from the cost backend, times a
//! number of queries (e.g. the measured queries-to-target).
//!
//! Reference: `secp-tuning-paper.md` ("reproduce [the whole-run table] as per-iteration cost x
//! iterations with the iteration counts as explicit parameters"). One query of `fot` or
//! `secp_tuning` is one forward pass with the logits revealed to the data owner
//! ([`crate::model::methods::iteration_cost`], phase `forward_eval`); queries are independent
//! and identical in cost, so the whole run costs exactly `queries x` one query (rounds, bytes,
//! priced time). The dealer's offline material scales the same way and is not included.

use crate::engine::RunSeed;
use crate::model::config::ModelConfig;
use crate::model::methods::{Method, MethodOptions, iteration_cost};
use crate::net::Totals;
use crate::net::price::{ComputeProfile, Network, Timeline, price};
use crate::net::units::SimDuration;

/// One query's cost and the whole run's.
#[derive(Clone, Debug, PartialEq)]
pub struct WholeRunCost {
    /// The method (forward-only).
    pub method: Method,
    /// Queries in the run.
    pub queries: u64,
    /// Totals of one query.
    pub per_query: Totals,
}

impl WholeRunCost {
    /// Sequential rounds of the whole run.
    pub fn rounds(&self) -> u64 {
        self.per_query.rounds.0 * self.queries
    }

    /// CrypTen's byte counter of server `i` (0 or 1) over the whole run.
    pub fn crypten_bytes(&self, i: usize) -> u128 {
        self.per_query.crypten_bytes[i].0 as u128 * self.queries as u128
    }

    /// Bytes server `i` (0 or 1) sent over the whole run.
    pub fn sent_bytes(&self, i: usize) -> u128 {
        self.per_query.sent[i].0 as u128 * self.queries as u128
    }

    /// Priced time of one query and of the whole run (queries x one query).
    pub fn priced(&self, network: &Network, compute: &ComputeProfile) -> (Timeline, SimDuration) {
        let t = price(&self.per_query, network, compute);
        (t, SimDuration(t.total.0.saturating_mul(self.queries)))
    }
}

/// The cost of `queries` queries of the forward-only `method` on `model` (cost backend: fast at
/// any size). Panics if `method` is a gradient method or the configuration is invalid.
pub fn whole_run_cost(
    method: Method,
    model: &ModelConfig,
    opts: &MethodOptions,
    seed: RunSeed,
    queries: u64,
) -> WholeRunCost {
    assert!(
        !method.is_gradient(),
        "a query is a forward-only method's iteration"
    );
    let it = iteration_cost(method, model, opts, seed);
    WholeRunCost {
        method,
        queries,
        per_query: it.total(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_run_is_queries_times_one_query() {
        let cfg = ModelConfig::preset("tiny").unwrap();
        let opts = MethodOptions::default();
        let one = whole_run_cost(Method::Fot, &cfg, &opts, RunSeed(0), 1);
        let many = whole_run_cost(Method::Fot, &cfg, &opts, RunSeed(0), 300);
        assert_eq!(many.rounds(), 300 * one.rounds());
        assert_eq!(many.crypten_bytes(0), 300 * one.crypten_bytes(0));
        // The forward-only total includes exactly one reveal to the data owner (B C elements).
        assert!(one.per_query.rounds.0 > 1);
    }
}
