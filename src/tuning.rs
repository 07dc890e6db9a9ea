//! Forward-only prompt tuning for real: the data owner's CMA-ES loop driving MPC forward passes.
//!
//! Reference: SecP-Tuning (Luo et al., ICLR 2026), `secp-tuning-paper.md`; Black-Box Tuning
//! (Sun et al., ICML 2022) for the defaults.

pub mod cmaes;
