//! The dealer: correlated randomness for the online phase, from its own seeded stream, with its
//! own offline log.
//!
//! Reference: CrypTen `crypten/mpc/provider/` (TFP: `TrustedFirstParty`, TTP:
//! `TrustedThirdParty`). The dealer never touches the online ledger; its traffic is priced from
//! the log by [`crate::net::DealerPolicy`]. In the cost backend it draws nothing and only logs
//! shapes, so both backends produce the same log.
//!
//! How a correlation is drawn (exec): each random component is given by two independent uniform
//! shares (`a = a0 + a1`, or `a0 ^ a1`), and each derived component (`c = a b`, `r^2`, ...) by
//! a uniform share `c1` and `c0 = c - c1`, computed in one fused pass ([`RingTensor::zip_n`];
//! the matmul triple computes `c = (a0 + a1) @ (b0 + b1)` first). Every share is uniform and independent of the others except through
//! the correlation, as with CrypTen's providers.

use super::Backend;
use super::share::{AShare, BShare};
use crate::net::{Correlation, DealerLog};
use crate::ring::fixed::ring_angle;
use crate::ring::tensor::ShareRng;
use crate::ring::{FixedPoint, RingTensor, Shape};
use std::sync::Arc;

/// The trusted dealer of the offline phase.
pub struct Dealer<B: Backend> {
    rng: ShareRng,
    log: DealerLog,
    _b: std::marker::PhantomData<B>,
}

impl<B: Backend> Dealer<B> {
    /// A dealer drawing from `rng` (the run seed's `dealer` stream). Crate-private: only a
    /// context builds its dealer, so code outside the library cannot replay a run's masks.
    ///
    /// ```compile_fail,E0624
    /// use secp_tuning::engine::{Dealer, Exec};
    /// use rand::SeedableRng;
    /// let _ = Dealer::<Exec>::new(rand_chacha::ChaCha8Rng::seed_from_u64(0));
    /// ```
    pub(crate) fn new(rng: ShareRng) -> Self {
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

    /// Two uniform shares of a uniform value.
    fn uniform_pair(&mut self, s: &Shape) -> [B::T; 2] {
        [
            B::T::random(s.clone(), &mut self.rng),
            B::T::random(s.clone(), &mut self.rng),
        ]
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
        let [a0, a1] = self.uniform_pair(sx);
        let [b0, b1] = self.uniform_pair(sy);
        let c1 = B::T::random(Shape::broadcast(sx, sy), &mut self.rng);
        let c0 = B::T::zip_n([&a0, &a1, &b0, &b1, &c1], |[a0, a1, b0, b1, c1]| {
            a0.wrapping_add(a1)
                .wrapping_mul(b0.wrapping_add(b1))
                .wrapping_sub(c1)
        });
        self.record(
            scope,
            Correlation::MulTriple,
            vec![a0.numel(), b0.numel(), c0.numel()],
        );
        (
            AShare::from_parts([a0, a1], 0),
            AShare::from_parts([b0, b1], 0),
            AShare::from_parts([c0, c1], 0),
        )
    }

    /// Beaver triple for a batched matmul: `a` of shape `sx`, `b` of shape `sy`, `c = a @ b`.
    pub fn matmul_triple(
        &mut self,
        scope: &Arc<str>,
        sx: &Shape,
        sy: &Shape,
    ) -> (AShare<B>, AShare<B>, AShare<B>) {
        let [a0, a1] = self.uniform_pair(sx);
        let [b0, b1] = self.uniform_pair(sy);
        let c = a0.add(&a1).matmul(&b0.add(&b1));
        let c1 = B::T::random(c.shape().clone(), &mut self.rng);
        let c0 = c.sub(&c1);
        self.record(
            scope,
            Correlation::MatmulTriple,
            vec![a0.numel(), b0.numel(), c0.numel()],
        );
        (
            AShare::from_parts([a0, a1], 0),
            AShare::from_parts([b0, b1], 0),
            AShare::from_parts([c0, c1], 0),
        )
    }

    /// Square pair `(r, r^2)`.
    pub fn square_pair(&mut self, scope: &Arc<str>, s: &Shape) -> (AShare<B>, AShare<B>) {
        let [r0, r1] = self.uniform_pair(s);
        let q1 = B::T::random(s.clone(), &mut self.rng);
        let q0 = B::T::zip_n([&r0, &r1, &q1], |[r0, r1, q1]| {
            let r = r0.wrapping_add(r1);
            r.wrapping_mul(r).wrapping_sub(q1)
        });
        self.record(scope, Correlation::SquarePair, vec![r0.numel(), q0.numel()]);
        (
            AShare::from_parts([r0, r1], 0),
            AShare::from_parts([q0, q1], 0),
        )
    }

    /// Binary AND triple on 64-bit words with broadcasting: `c = a & b`.
    pub fn binary_triple(
        &mut self,
        scope: &Arc<str>,
        sx: &Shape,
        sy: &Shape,
    ) -> (BShare<B>, BShare<B>, BShare<B>) {
        let [a0, a1] = self.uniform_pair(sx);
        let [b0, b1] = self.uniform_pair(sy);
        let c1 = B::T::random(Shape::broadcast(sx, sy), &mut self.rng);
        let c0 = B::T::zip_n([&a0, &a1, &b0, &b1, &c1], |[a0, a1, b0, b1, c1]| {
            ((a0 ^ a1) & (b0 ^ b1)) ^ c1
        });
        self.record(
            scope,
            Correlation::BinaryTriple,
            vec![a0.numel(), b0.numel(), c0.numel()],
        );
        let b = |shares| BShare { shares, depth: 0 };
        (b([a0, a1]), b([b0, b1]), b([c0, c1]))
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
