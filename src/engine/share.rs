//! Secret shares and public values, with the local (non-communicating) operations on them.
//!
//! The share fields are private to the engine module: generic protocol code can combine shares
//! with these methods but can never read one party's share, and public values offer no element
//! accessor either, so protocol code cannot branch on data. Plaintext inspection for tests exists
//! only on the exec context (`Ctx<Exec>::peek`), off the ledger.
//!
//! Every value carries its dependency depth (the number of communication rounds on the longest
//! path that produced it); local operations take the maximum of their operands' depths.

use super::Backend;
use crate::ring::fixed::{div_share, trunc_share};
use crate::ring::{FixedPoint, RingTensor, Shape};

/// An arithmetic 2-out-of-2 sharing over Z_2^64: `x = s0 + s1 (mod 2^64)`.
///
/// ```compile_fail,E0616
/// // Generic code cannot read a party's share: the field is private to the engine.
/// use secp_tuning::engine::{AShare, Backend};
/// fn leak<B: Backend>(x: &AShare<B>) -> B::T {
///     x.shares[0].clone()
/// }
/// ```
#[derive(Debug)]
pub struct AShare<B: Backend> {
    pub(super) shares: [B::T; 2],
    pub(super) depth: u32,
}

/// An XOR sharing of 64-bit words: `x = s0 ^ s1`.
#[derive(Debug)]
pub struct BShare<B: Backend> {
    pub(super) shares: [B::T; 2],
    pub(super) depth: u32,
}

/// A value both servers know (an opened mask, a public constant). No element accessor, and no
/// element-wise closure either, so protocol code cannot observe or branch on an opened value:
///
/// ```compile_fail,E0624
/// use secp_tuning::engine::{Backend, Public};
/// fn peek_inside<B: Backend>(p: &Public<B>) {
///     let _ = p.map_ring(|v| v);
/// }
/// ```
#[derive(Debug)]
pub struct Public<B: Backend> {
    pub(super) value: B::T,
    pub(super) depth: u32,
}

/// A value revealed to one recipient (the data owner, or one server). Readable only through the
/// exec backend (`Revealed<Exec>::value`), i.e. by the recipient's own plaintext code.
#[derive(Debug)]
pub struct Revealed<B: Backend> {
    pub(super) value: B::T,
    pub(super) recipient: crate::net::Recipient,
}

macro_rules! clone_shared {
    ($t:ident { $($f:ident),* }) => {
        impl<B: Backend> Clone for $t<B> {
            fn clone(&self) -> Self {
                $t { $($f: self.$f.clone()),* }
            }
        }
    };
}
clone_shared!(AShare { shares, depth });
clone_shared!(BShare { shares, depth });
clone_shared!(Public { value, depth });
clone_shared!(Revealed { value, recipient });

fn both<T>(f: impl Fn(usize) -> T) -> [T; 2] {
    [f(0), f(1)]
}

/// The operands of a fused Beaver recombination, in the order the combining closures read them:
/// both parties' shares of the correlation `(c, a, b)`, then the two opened values.
fn beaver_operands<'a, T>(
    c: &'a [T; 2],
    a: &'a [T; 2],
    b: &'a [T; 2],
    e: &'a T,
    d: &'a T,
) -> [&'a T; 8] {
    [&c[0], &a[0], &b[0], &c[1], &a[1], &b[1], e, d]
}

impl<B: Backend> Public<B> {
    /// A public tensor from a function of the row-major index, encoded in fixed point. The cost
    /// backend never calls `f`.
    pub fn from_f64_fn(fx: FixedPoint, shape: Shape, mut f: impl FnMut(usize) -> f64) -> Self {
        Public {
            value: B::T::from_fn(shape, |i| fx.encode(f(i))),
            depth: 0,
        }
    }

    /// A public tensor of raw ring elements from a function of the row-major index.
    pub fn from_ring_fn(shape: Shape, f: impl FnMut(usize) -> u64) -> Self {
        Public {
            value: B::T::from_fn(shape, f),
            depth: 0,
        }
    }

    /// A public tensor filled with the fixed-point encoding of `v`.
    pub fn filled_f64(fx: FixedPoint, shape: Shape, v: f64) -> Self {
        Public {
            value: B::T::filled(shape, fx.encode(v)),
            depth: 0,
        }
    }

    /// A public tensor filled with the raw ring element `v`.
    pub fn filled_ring(shape: Shape, v: u64) -> Self {
        Public {
            value: B::T::filled(shape, v),
            depth: 0,
        }
    }

    /// The shape.
    pub fn shape(&self) -> &Shape {
        self.value.shape()
    }

    /// Dependency depth.
    pub fn depth(&self) -> u32 {
        self.depth
    }

    fn un(&self, value: B::T) -> Self {
        Public {
            value,
            depth: self.depth,
        }
    }

    fn bin(&self, o: &Self, value: B::T) -> Self {
        Public {
            value,
            depth: self.depth.max(o.depth),
        }
    }

    /// Wrapping sum (broadcasting).
    pub fn add(&self, o: &Self) -> Self {
        self.bin(o, self.value.add(&o.value))
    }
    /// Wrapping difference (broadcasting).
    pub fn sub(&self, o: &Self) -> Self {
        self.bin(o, self.value.sub(&o.value))
    }
    /// Raw ring product (broadcasting), no truncation.
    pub fn mul_ring(&self, o: &Self) -> Self {
        self.bin(o, self.value.mul(&o.value))
    }
    /// Raw ring matrix product, no truncation.
    pub fn matmul_ring(&self, o: &Self) -> Self {
        self.bin(o, self.value.matmul(&o.value))
    }
    /// Bitwise XOR (broadcasting).
    pub fn xor(&self, o: &Self) -> Self {
        self.bin(o, self.value.xor(&o.value))
    }
    /// Bitwise AND (broadcasting).
    pub fn and(&self, o: &Self) -> Self {
        self.bin(o, self.value.and(&o.value))
    }
    /// Element-wise map on raw ring elements: private to the engine, so that protocol code has
    /// no closure that could observe an opened value; the public operations below are its only
    /// uses.
    fn map_ring(&self, f: impl Fn(u64) -> u64 + Sync) -> Self {
        self.un(self.value.map(f))
    }
    /// Wrapping product with a public integer.
    pub fn mul_int(&self, k: i64) -> Self {
        let k = k as u64;
        self.map_ring(move |v| v.wrapping_mul(k))
    }
    /// Wrapping sum with a public integer (raw ring units).
    pub fn add_int(&self, k: i64) -> Self {
        let k = k as u64;
        self.map_ring(move |v| v.wrapping_add(k))
    }
    /// Cosine and sine of the angles these ring elements denote in the ring angle encoding
    /// ([`crate::ring::fixed::ring_angle`]), encoded in fixed point `fx` (each < 1 ulp off).
    pub fn cos_sin_of_ring_angle(&self, fx: FixedPoint) -> (Self, Self) {
        use crate::ring::fixed::ring_angle;
        (
            self.map_ring(move |v| fx.encode(ring_angle(v).cos())),
            self.map_ring(move |v| fx.encode(ring_angle(v).sin())),
        )
    }
    /// Reshape.
    pub fn reshape(&self, shape: Shape) -> Self {
        self.un(self.value.reshape(shape))
    }
    /// Swap two axes.
    pub fn transpose(&self, a0: usize, a1: usize) -> Self {
        self.un(self.value.transpose(a0, a1))
    }
    /// Narrow an axis.
    pub fn narrow(&self, axis: usize, start: usize, len: usize) -> Self {
        self.un(self.value.narrow(axis, start, len))
    }
    /// Concatenate along an axis.
    pub fn concat(parts: &[&Self], axis: usize) -> Self {
        let vals: Vec<&B::T> = parts.iter().map(|p| &p.value).collect();
        Public {
            value: B::T::concat(&vals, axis),
            depth: parts.iter().map(|p| p.depth).max().unwrap_or(0),
        }
    }
    /// Wrapping sum over an axis.
    pub fn sum_axis(&self, axis: usize, keepdim: bool) -> Self {
        self.un(self.value.sum_axis(axis, keepdim))
    }
}

impl<B: Backend> AShare<B> {
    pub(super) fn from_parts(shares: [B::T; 2], depth: u32) -> Self {
        assert_eq!(
            shares[0].shape(),
            shares[1].shape(),
            "share shapes differ: {} vs {}",
            shares[0].shape(),
            shares[1].shape()
        );
        AShare { shares, depth }
    }

    /// The shape.
    pub fn shape(&self) -> &Shape {
        self.shares[0].shape()
    }

    /// Number of elements.
    pub fn numel(&self) -> usize {
        self.shape().numel()
    }

    /// Dependency depth.
    pub fn depth(&self) -> u32 {
        self.depth
    }

    /// A sharing of the public value `p`: party 0 holds `p`, party 1 holds 0. Free.
    pub fn from_public(p: &Public<B>) -> Self {
        AShare {
            shares: [p.value.clone(), B::T::zeros(p.value.shape().clone())],
            depth: p.depth,
        }
    }

    /// A sharing of zeros.
    pub fn zeros(shape: Shape) -> Self {
        AShare {
            shares: both(|_| B::T::zeros(shape.clone())),
            depth: 0,
        }
    }

    fn map_each(&self, f: impl Fn(usize, &B::T) -> B::T) -> Self {
        AShare {
            shares: both(|i| f(i, &self.shares[i])),
            depth: self.depth,
        }
    }

    /// `x + y` (broadcasting). Local, free.
    pub fn add(&self, y: &Self) -> Self {
        AShare {
            shares: both(|i| self.shares[i].add(&y.shares[i])),
            depth: self.depth.max(y.depth),
        }
    }

    /// `x - y` (broadcasting). Local, free.
    pub fn sub(&self, y: &Self) -> Self {
        AShare {
            shares: both(|i| self.shares[i].sub(&y.shares[i])),
            depth: self.depth.max(y.depth),
        }
    }

    /// `-x`. Local, free.
    pub fn neg(&self) -> Self {
        self.map_each(|_, s| s.neg())
    }

    /// `x + p` for public `p` (party 0 adds it; party 1 broadcasts its share). Local, free.
    pub fn add_public(&self, p: &Public<B>) -> Self {
        let out = Shape::broadcast(self.shape(), p.shape());
        AShare {
            shares: [
                self.shares[0].add(&p.value),
                if self.shape() == &out {
                    self.shares[1].clone()
                } else {
                    self.shares[1].expand(&out)
                },
            ],
            depth: self.depth.max(p.depth),
        }
    }

    /// `x - p` for public `p`. Local, free.
    pub fn sub_public(&self, p: &Public<B>) -> Self {
        self.add_public(&Public {
            value: p.value.neg(),
            depth: p.depth,
        })
    }

    /// `x + c` for a public real `c`, encoded in fixed point. Local, free.
    pub fn add_f64(&self, c: f64, fx: FixedPoint) -> Self {
        self.add_public(&Public::filled_f64(fx, Shape::scalar(), c))
    }

    /// `c - x` for a public real `c`, encoded in fixed point. Local, free.
    pub fn rsub_f64(&self, c: f64, fx: FixedPoint) -> Self {
        self.rsub_public(&Public::filled_f64(fx, Shape::scalar(), c))
    }

    /// `p - x` for public `p`. Local, free.
    pub fn rsub_public(&self, p: &Public<B>) -> Self {
        self.neg().add_public(p)
    }

    /// Raw ring product with a public tensor (broadcasting), **no truncation**: for public
    /// integers and bits. Local, free.
    pub fn mul_public_ring(&self, p: &Public<B>) -> Self {
        AShare {
            shares: both(|i| self.shares[i].mul(&p.value)),
            depth: self.depth.max(p.depth),
        }
    }

    /// Product with a public integer. Local, free.
    pub fn mul_int(&self, k: i64) -> Self {
        let k = k as u64;
        self.map_each(|_, s| s.map(|v| v.wrapping_mul(k)))
    }

    /// Fixed-point product with a public fixed-point tensor: ring product, then local
    /// truncation by `2^f` (error as [`AShare::truncate`]). Local, free.
    pub fn mul_public_fixed(&self, p: &Public<B>, fx: FixedPoint) -> Self {
        self.mul_public_ring(p).truncate(fx)
    }

    /// Fixed-point product with a public real `c` (CrypTen: encode `c`, multiply, truncate).
    /// Local, free.
    pub fn mul_scalar(&self, c: f64, fx: FixedPoint) -> Self {
        let k = fx.encode(c);
        self.map_each(|_, s| s.map(|v| v.wrapping_mul(k)))
            .truncate(fx)
    }

    /// Division by a public positive integer: each party divides its own share, rounding toward
    /// zero (CrypTen's 2-party `div_` by an integer). Off by at most one unit, with the rare
    /// wrap error of [`trunc_share`]. Local, free.
    pub fn div_public_int(&self, d: u64) -> Self {
        self.map_each(|_, s| s.map(|v| div_share(v, d)))
    }

    /// Local truncation by `2^f` after a fixed-point product (each party truncates its share;
    /// see [`trunc_share`] for the +-1 ulp error and the rare wrap). Local, free.
    pub fn truncate(&self, fx: FixedPoint) -> Self {
        let f = fx.frac_bits;
        self.map_each(|_, s| s.map(|v| trunc_share(v, f)))
    }

    /// Ring matrix product with a public right operand `x @ p`, no truncation. Local; the caller
    /// records its multiply-accumulates (`Ctx::local_work`).
    pub fn matmul_public_ring(&self, p: &Public<B>) -> Self {
        AShare {
            shares: both(|i| self.shares[i].matmul(&p.value)),
            depth: self.depth.max(p.depth),
        }
    }

    /// Ring matrix product with a public left operand `p @ x`, no truncation. Local.
    pub fn public_matmul_ring(p: &Public<B>, x: &Self) -> Self {
        AShare {
            shares: both(|i| p.value.matmul(&x.shares[i])),
            depth: x.depth.max(p.depth),
        }
    }

    /// Reshape. Local, free.
    pub fn reshape(&self, shape: Shape) -> Self {
        self.map_each(|_, s| s.reshape(shape.clone()))
    }

    /// Swap two axes. Local, free.
    pub fn transpose(&self, a0: usize, a1: usize) -> Self {
        self.map_each(|_, s| s.transpose(a0, a1))
    }

    /// Narrow an axis. Local, free.
    pub fn narrow(&self, axis: usize, start: usize, len: usize) -> Self {
        self.map_each(|_, s| s.narrow(axis, start, len))
    }

    /// Broadcast to a larger shape. Local, free.
    pub fn expand(&self, shape: &Shape) -> Self {
        self.map_each(|_, s| s.expand(shape))
    }

    /// Wrapping sum over an axis. Local, free.
    pub fn sum_axis(&self, axis: usize, keepdim: bool) -> Self {
        self.map_each(|_, s| s.sum_axis(axis, keepdim))
    }

    /// Concatenate along an axis. Local, free.
    pub fn concat(parts: &[&Self], axis: usize) -> Self {
        AShare {
            shares: both(|i| {
                let v: Vec<&B::T> = parts.iter().map(|p| &p.shares[i]).collect();
                B::T::concat(&v, axis)
            }),
            depth: parts.iter().map(|p| p.depth).max().unwrap_or(0),
        }
    }

    /// The local step of a Beaver product after the opening (CrypTen `beaver_protocol`), fused
    /// into one pass per party: `z = c + eps b + a delta + eps delta` (party 0 adds the public
    /// `eps delta`), then, if `fx` is given, each party truncates its share by `2^f`
    /// ([`AShare::truncate`]). Element-wise with numpy broadcasting; for a square pass
    /// `(r^2, r, r, eps, eps)`: `r^2 + 2 eps r + eps^2`. Local, free; the caller records its
    /// multiply-accumulates.
    pub fn beaver_combine(
        c: &Self,
        a: &Self,
        b: &Self,
        eps: &Public<B>,
        delta: &Public<B>,
        fx: Option<FixedPoint>,
    ) -> Self {
        let f = fx.map(|fx| fx.frac_bits);
        let trunc = move |v: u64| f.map_or(v, |f| trunc_share(v, f));
        AShare {
            shares: B::T::zip_n2(
                beaver_operands(&c.shares, &a.shares, &b.shares, &eps.value, &delta.value),
                |[c0, a0, b0, c1, a1, b1, e, d]| {
                    let z1 = c1
                        .wrapping_add(e.wrapping_mul(b1))
                        .wrapping_add(a1.wrapping_mul(d));
                    let z0 = c0
                        .wrapping_add(e.wrapping_mul(b0))
                        .wrapping_add(a0.wrapping_mul(d))
                        .wrapping_add(e.wrapping_mul(d));
                    [trunc(z0), trunc(z1)]
                },
            ),
            depth: [c.depth, a.depth, b.depth, eps.depth, delta.depth]
                .into_iter()
                .max()
                .unwrap_or(0),
        }
    }

    /// The local step of a Beaver matrix product after the opening, fused into one pass per
    /// party: `z = c + eps_b + a_delta + eps_delta` (the three products computed by the caller:
    /// `eps @ b`, `a @ delta` shared, `eps @ delta` public, added by party 0), then each party
    /// truncates its share by `2^f` ([`AShare::truncate`]). Local, free.
    pub fn beaver_matmul_combine(
        c: &Self,
        eps_b: &Self,
        a_delta: &Self,
        eps_delta: &Public<B>,
        fx: FixedPoint,
    ) -> Self {
        let f = fx.frac_bits;
        AShare {
            shares: [
                B::T::zip_n(
                    [
                        &c.shares[0],
                        &eps_b.shares[0],
                        &a_delta.shares[0],
                        &eps_delta.value,
                    ],
                    |[c, p, q, r]| {
                        trunc_share(c.wrapping_add(p).wrapping_add(q).wrapping_add(r), f)
                    },
                ),
                B::T::zip_n(
                    [&c.shares[1], &eps_b.shares[1], &a_delta.shares[1]],
                    |[c, p, q]| trunc_share(c.wrapping_add(p).wrapping_add(q), f),
                ),
            ],
            depth: [c.depth, eps_b.depth, a_delta.depth, eps_delta.depth]
                .into_iter()
                .max()
                .unwrap_or(0),
        }
    }

    /// The first step of A2B: each party's arithmetic share becomes the input of a binary
    /// sharing it alone holds (`[s0, 0]` and `[0, s1]`), so that `x = b0 + b1` with `b0, b1`
    /// XOR-shared. Local, free; secure because each party's binary share of the other party's
    /// word is the constant 0.
    pub fn split_to_binary(&self) -> [BShare<B>; 2] {
        let zeros = B::T::zeros(self.shape().clone());
        [
            BShare {
                shares: [self.shares[0].clone(), zeros.clone()],
                depth: self.depth,
            },
            BShare {
                shares: [zeros, self.shares[1].clone()],
                depth: self.depth,
            },
        ]
    }
}

impl<B: Backend> BShare<B> {
    /// The local step of a Beaver AND after the opening, fused into one pass per party:
    /// `z = c ^ (e & b) ^ (a & d) ^ (e & d)` (party 0 adds the public `e & d`), with numpy
    /// broadcasting. Local, free.
    pub fn and_combine(c: &Self, a: &Self, b: &Self, e: &Public<B>, d: &Public<B>) -> Self {
        BShare {
            shares: B::T::zip_n2(
                beaver_operands(&c.shares, &a.shares, &b.shares, &e.value, &d.value),
                |[c0, a0, b0, c1, a1, b1, e, d]| {
                    [c0 ^ (e & b0) ^ (a0 & d) ^ (e & d), c1 ^ (e & b1) ^ (a1 & d)]
                },
            ),
            depth: [c.depth, a.depth, b.depth, e.depth, d.depth]
                .into_iter()
                .max()
                .unwrap_or(0),
        }
    }

    /// The shape.
    pub fn shape(&self) -> &Shape {
        self.shares[0].shape()
    }

    /// Number of elements.
    pub fn numel(&self) -> usize {
        self.shape().numel()
    }

    /// Dependency depth.
    pub fn depth(&self) -> u32 {
        self.depth
    }

    fn map_each(&self, f: impl Fn(&B::T) -> B::T) -> Self {
        BShare {
            shares: both(|i| f(&self.shares[i])),
            depth: self.depth,
        }
    }

    /// A binary sharing of a public value: party 0 holds `p`, party 1 holds 0. Free.
    pub fn from_public(p: &Public<B>) -> Self {
        BShare {
            shares: [p.value.clone(), B::T::zeros(p.value.shape().clone())],
            depth: p.depth,
        }
    }

    /// `x ^ y` (broadcasting). Local, free.
    pub fn xor(&self, y: &Self) -> Self {
        BShare {
            shares: both(|i| self.shares[i].xor(&y.shares[i])),
            depth: self.depth.max(y.depth),
        }
    }

    /// `x ^ p` for public `p` (party 0 applies it). Local, free.
    pub fn xor_public(&self, p: &Public<B>) -> Self {
        let out = Shape::broadcast(self.shape(), p.shape());
        BShare {
            shares: [
                self.shares[0].xor(&p.value),
                if self.shape() == &out {
                    self.shares[1].clone()
                } else {
                    self.shares[1].expand(&out)
                },
            ],
            depth: self.depth.max(p.depth),
        }
    }

    /// `x & p` for public `p` (both parties apply it). Local, free.
    pub fn and_public(&self, p: &Public<B>) -> Self {
        BShare {
            shares: both(|i| self.shares[i].and(&p.value)),
            depth: self.depth.max(p.depth),
        }
    }

    /// A fresh uniformly random XOR sharing of `bits`-bit words (`bits` in 1..=64) that no single
    /// party knows: party `i` draws its own share locally from its own generator `rngs[i]`
    /// (CrypTen `BinarySharedTensor.rand`: each party samples its share, no communication, no
    /// dealer). Local, free. The cost backend draws nothing.
    pub fn random_local(
        shape: Shape,
        bits: u32,
        rngs: [&mut crate::ring::tensor::ShareRng; 2],
    ) -> Self {
        assert!(
            (1..=64).contains(&bits),
            "random_local: bits must be in 1..=64, got {bits}"
        );
        let mask = if bits == 64 {
            u64::MAX
        } else {
            (1u64 << bits) - 1
        };
        let [r0, r1] = rngs;
        BShare {
            shares: [
                B::T::random(shape.clone(), r0).map(move |v| v & mask),
                B::T::random(shape, r1).map(move |v| v & mask),
            ],
            depth: 0,
        }
    }

    /// Bitwise NOT (party 0 flips its share). Local, free.
    pub fn not(&self) -> Self {
        BShare {
            shares: [self.shares[0].map(|v| !v), self.shares[1].clone()],
            depth: self.depth,
        }
    }

    /// Logical left shift of every word by `k` bits. Local, free.
    pub fn shl(&self, k: u32) -> Self {
        self.map_each(|s| s.map(move |v| v.checked_shl(k).unwrap_or(0)))
    }

    /// Logical right shift of every word by `k` bits. Local, free.
    pub fn shr(&self, k: u32) -> Self {
        self.map_each(|s| s.map(move |v| v.checked_shr(k).unwrap_or(0)))
    }

    /// Bit `i` of every word, as a word in {0, 1}. Local, free.
    pub fn bit(&self, i: u32) -> Self {
        self.map_each(|s| s.map(move |v| (v >> i) & 1))
    }

    /// Reshape. Local, free.
    pub fn reshape(&self, shape: Shape) -> Self {
        self.map_each(|s| s.reshape(shape.clone()))
    }

    /// Narrow an axis. Local, free.
    pub fn narrow(&self, axis: usize, start: usize, len: usize) -> Self {
        self.map_each(|s| s.narrow(axis, start, len))
    }

    /// Broadcast to a larger shape. Local, free.
    pub fn expand(&self, shape: &Shape) -> Self {
        self.map_each(|s| s.expand(shape))
    }

    /// Concatenate along an axis. Local, free.
    pub fn concat(parts: &[&Self], axis: usize) -> Self {
        BShare {
            shares: both(|i| {
                let v: Vec<&B::T> = parts.iter().map(|p| &p.shares[i]).collect();
                B::T::concat(&v, axis)
            }),
            depth: parts.iter().map(|p| p.depth).max().unwrap_or(0),
        }
    }
    /// Concatenate along an axis with every word shifted left by `k` bits (one pass: `concat`
    /// then [`BShare::shl`]). Local, free.
    pub fn concat_shl(parts: &[&Self], axis: usize, k: u32) -> Self {
        BShare {
            shares: both(|i| {
                let v: Vec<&B::T> = parts.iter().map(|p| &p.shares[i]).collect();
                B::T::concat_map(&v, axis, move |w| w.checked_shl(k).unwrap_or(0))
            }),
            depth: parts.iter().map(|p| p.depth).max().unwrap_or(0),
        }
    }
}

impl<B: Backend> Revealed<B> {
    /// Who received the value.
    pub fn recipient(&self) -> crate::net::Recipient {
        self.recipient
    }
    /// The shape.
    pub fn shape(&self) -> &Shape {
        self.value.shape()
    }
}

impl Revealed<super::Exec> {
    /// The revealed ring elements, for the recipient's plaintext code.
    pub fn value(&self) -> &crate::ring::ExecTensor {
        &self.value
    }
    /// The revealed values decoded from fixed point.
    pub fn decode(&self, fx: FixedPoint) -> Vec<f64> {
        self.value.data().iter().map(|&v| fx.decode(v)).collect()
    }
}

impl Public<super::Exec> {
    /// Inspect a public value (tests and reports only).
    pub fn peek(&self) -> &crate::ring::ExecTensor {
        &self.value
    }
}
