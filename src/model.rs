//! The transformer encoder under MPC (RoBERTa-style), its plaintext f64 reference, backward
//! passes, optimizers and the tuning methods' per-iteration workloads.
