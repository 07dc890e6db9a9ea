//! # secp-tuning
//!
//! A deterministic protocol simulator and benchmarking harness for privacy-preserving prompt
//! tuning of large language models under 2-party MPC (SecP-Tuning, ICLR 2026), with
//! CrypTen-compatible costs.
//!
//! Every protocol is written once, generic over a [`engine::Backend`]: [`engine::Exec`] computes
//! real secret-shared values, [`engine::Cost`] only shapes. Communication happens only in the
//! context's `open`/`reveal` calls, which write the [`net::Ledger`]; both backends therefore
//! write identical ledgers.
//!
//! Layers, bottom up: [`ring`] (tensors over Z_2^64, shapes, fixed point), [`net`] (units,
//! ledger, pricing), [`engine`] (backends, shares, context, dealer, seeds), [`proto`]
//! (communicating primitives).

#![deny(missing_docs)]

pub mod bench;
pub mod cli;
pub mod engine;
pub mod func;
pub mod model;
pub mod net;
pub mod ops;
pub mod plain;
pub mod plot;
pub mod proto;
pub mod report;
pub mod ring;
pub mod scenario;
pub mod tuning;
