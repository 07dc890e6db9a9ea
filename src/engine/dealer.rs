//! The dealer: correlated randomness for the online phase, from its own seeded stream, with its
//! own offline log.
//!
//! Reference: CrypTen `crypten/mpc/provider/` (TFP: `TrustedFirstParty`, TTP:
//! `TrustedThirdParty`). The dealer never touches the online ledger; its traffic is priced from
//! the log by [`crate::net::DealerPolicy`]. In the cost backend it draws nothing and only logs
//! shapes, so both backends produce the same log.

use super::Backend;
use super::share::{AShare, BShare};
use crate::net::{Correlation, DealerLog};
use crate::ring::fixed::ring_angle;
use crate::ring::{FixedPoint, RingTensor, Shape};
use rand_chacha::ChaCha20Rng;
use std::sync::Arc;

/// The trusted dealer of the offline phase.
pub struct Dealer<B: Backend> {
    rng: ChaCha20Rng,
    log: DealerLog,
    _b: std::marker::PhantomData<B>,
}

impl<B: Backend> Dealer<B> {
    /// A dealer drawing from `rng` (the run seed's `dealer` stream).
    pub fn new(rng: ChaCha20Rng) -> Self {
        Dealer {
            rng,
            log: DealerLog::default(),
            _b: std::marker::PhantomData,
        }
    }

    /// The offline log so far.
    pub fn log(&self) -> &DealerLog {
        &self.log
    }

    fn arith(&mut self, v: B::T) -> AShare<B> {
        let r = B::T::random(v.shape().clone(), &mut self.rng);
        AShare::from_parts([v.sub(&r), r], 0)
    }

    fn binary(&mut self, v: B::T) -> BShare<B> {
        let r = B::T::random(v.shape().clone(), &mut self.rng);
        BShare {
            shares: [v.xor(&r), r],
            depth: 0,
        }
    }

    fn record(&mut self, scope: &Arc<str>, kind: Correlation, elements: Vec<usize>) {
        self.log.push(
            scope.clone(),
            kind,
            elements.into_iter().map(|e| e as u64).collect(),
        );
    }

    /// Beaver triple for `x * y` with broadcasting: `a` of shape `sx`, `b` of shape `sy`,
    /// `c = a * b` of the broadcast shape.
    pub fn mul_triple(
        &mut self,
        scope: &Arc<str>,
        sx: &Shape,
        sy: &Shape,
    ) -> (AShare<B>, AShare<B>, AShare<B>) {
        let a = B::T::random(sx.clone(), &mut self.rng);
        let b = B::T::random(sy.clone(), &mut self.rng);
        let c = a.mul(&b);
        self.record(
            scope,
            Correlation::MulTriple,
            vec![a.numel(), b.numel(), c.numel()],
        );
        (self.arith(a), self.arith(b), self.arith(c))
    }

    /// Beaver triple for a batched matmul: `a` of shape `sx`, `b` of shape `sy`, `c = a @ b`.
    pub fn matmul_triple(
        &mut self,
        scope: &Arc<str>,
        sx: &Shape,
        sy: &Shape,
    ) -> (AShare<B>, AShare<B>, AShare<B>) {
        let a = B::T::random(sx.clone(), &mut self.rng);
        let b = B::T::random(sy.clone(), &mut self.rng);
        let c = a.matmul(&b);
        self.record(
            scope,
            Correlation::MatmulTriple,
            vec![a.numel(), b.numel(), c.numel()],
        );
        (self.arith(a), self.arith(b), self.arith(c))
    }

    /// Square pair `(r, r^2)`.
    pub fn square_pair(&mut self, scope: &Arc<str>, s: &Shape) -> (AShare<B>, AShare<B>) {
        let r = B::T::random(s.clone(), &mut self.rng);
        let r2 = r.mul(&r);
        self.record(scope, Correlation::SquarePair, vec![r.numel(), r2.numel()]);
        (self.arith(r), self.arith(r2))
    }

    /// Binary AND triple on 64-bit words with broadcasting: `c = a & b`.
    pub fn binary_triple(
        &mut self,
        scope: &Arc<str>,
        sx: &Shape,
        sy: &Shape,
    ) -> (BShare<B>, BShare<B>, BShare<B>) {
        let a = B::T::random(sx.clone(), &mut self.rng);
        let b = B::T::random(sy.clone(), &mut self.rng);
        let c = a.and(&b);
        self.record(
            scope,
            Correlation::BinaryTriple,
            vec![a.numel(), b.numel(), c.numel()],
        );
        (self.binary(a), self.binary(b), self.binary(c))
    }

    /// Random bits for B2A: a bit `r` in {0, 1} per element, XOR-shared and arithmetically shared.
    pub fn b2a_bits(&mut self, scope: &Arc<str>, s: &Shape) -> (BShare<B>, AShare<B>) {
        let r = B::T::random(s.clone(), &mut self.rng).map(|v| v & 1);
        self.record(scope, Correlation::B2aBit, vec![r.numel(), r.numel()]);
        (self.binary(r.clone()), self.arith(r))
    }

    /// Trigonometric mask for the one-round cosine: `t` uniform on the ring, and shares of
    /// `sin` and `cos` of the angle `t` denotes in the ring angle encoding
    /// ([`crate::ring::fixed::ring_angle`]: `2 pi t / 2^64`), in fixed point `fx`. The dealer
    /// computes them itself: no caller code ever sees `t`.
    pub fn trig_mask(
        &mut self,
        scope: &Arc<str>,
        s: &Shape,
        fx: FixedPoint,
    ) -> (AShare<B>, AShare<B>, AShare<B>) {
        let t = B::T::random(s.clone(), &mut self.rng);
        let st = t.map(|v| fx.encode(ring_angle(v).sin()));
        let ct = t.map(|v| fx.encode(ring_angle(v).cos()));
        self.record(scope, Correlation::TrigMask, vec![t.numel(); 3]);
        (self.arith(t), self.arith(st), self.arith(ct))
    }
}
