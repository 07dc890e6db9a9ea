//! The exec backend's tensor: a shape and row-major `u64` data, wrapping arithmetic.
//!
//! Performance notes (semantics are those of [`RingTensor`]):
//! - the data is reference-counted and immutable, so `clone`, `reshape` and a contiguous `narrow`
//!   (e.g. along the leading axis) copy no elements (a tensor is a window of a shared buffer);
//! - large buffers are recycled through a small per-thread pool (capacities in size classes,
//!   oldest released first) instead of being returned to the allocator: a fresh large buffer
//!   costs page faults, and its release a TLB flush on every core;
//! - `random` fills large tensors on all cores, each thread seeking the same ChaCha stream to its
//!   own word position, so the words are exactly those of sequential draws;
//! - `map` and `zip` write each output element once into one fresh buffer; broadcasting of the
//!   common cases (a scalar, a trailing block such as a row vector `[d]` against `[.., d]`, a
//!   leading block such as a `keepdim` reduction `[.., n, 1]` against `[.., n, d]`) reads the
//!   small operand in place instead of materialising it; other broadcasts expand first;
//! - `zip_n` fuses an element-wise function of several tensors into one pass (the protocols'
//!   local steps: a Beaver recombination with its truncation, a masked opening);
//! - element-wise work, `concat` and `random` on large tensors ([`PAR_MIN_ELEMENTS`] and more)
//!   are split over the cores on rayon's global pool, which the matrix products of
//!   [`super::matmul`] share (one pool: no two sets of threads compete for the cores). The split
//!   is fixed by the sizes, so results do not depend on scheduling.

use super::matmul::{GemmOptions, gemm_batch_with};
use super::shape::Shape;
use super::shape_tensor::broadcast_all;
use super::tensor::{RingTensor, ShareRng};
use std::sync::Arc;

/// Element-wise operations on at least this many output elements run on all cores.
pub const PAR_MIN_ELEMENTS: usize = 1 << 15;

/// A dense row-major tensor over Z_2^64.
#[derive(Clone)]
pub struct ExecTensor {
    shape: Shape,
    /// Shared storage; this tensor is `buf[start .. start + shape.numel()]`.
    buf: Arc<Buf>,
    start: usize,
}

impl PartialEq for ExecTensor {
    fn eq(&self, o: &Self) -> bool {
        self.shape == o.shape && self.data() == o.data()
    }
}

impl Eq for ExecTensor {}

impl std::fmt::Debug for ExecTensor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecTensor")
            .field("shape", &self.shape)
            .field("data", &self.data())
            .finish()
    }
}

/// Storage of one or more tensors; large buffers go back to the pool when dropped.
struct Buf(Vec<u64>);

impl Drop for Buf {
    fn drop(&mut self) {
        pool::recycle(std::mem::take(&mut self.0));
    }
}

/// A per-thread pool of large element buffers (bounded in count and bytes).
mod pool {
    use std::cell::RefCell;

    /// Buffers shorter than this are left to the allocator.
    const MIN_LEN: usize = 1 << 14;
    const MAX_BUFS: usize = 48;
    const MAX_BYTES: usize = 256 << 20;

    /// The capacity allocated for `n` elements: `n` rounded up to a size class (four classes per
    /// power of two), so that buffers of nearby lengths are interchangeable in the pool.
    fn class_capacity(n: usize) -> usize {
        if n <= MIN_LEN {
            return n;
        }
        let top = usize::BITS - 1 - n.leading_zeros(); // 2^top <= n < 2^(top + 1)
        let step = 1usize << (top - 2);
        n.div_ceil(step) * step
    }

    thread_local! {
        static FREE: RefCell<Vec<Vec<u64>>> = const { RefCell::new(Vec::new()) };
    }

    /// A vector of length `n` with arbitrary (initialised) contents: the caller overwrites every
    /// element.
    pub(super) fn uninit_len(n: usize) -> Vec<u64> {
        if n >= MIN_LEN {
            let hit = FREE.with(|f| {
                let mut f = f.borrow_mut();
                let best = f
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| v.capacity() >= n && v.capacity() <= 2 * n)
                    .min_by_key(|(_, v)| v.capacity())
                    .map(|(i, _)| i);
                best.map(|i| f.remove(i))
            });
            if let Some(mut v) = hit {
                if v.len() >= n {
                    v.truncate(n);
                } else {
                    v.resize(n, 0);
                }
                return v;
            }
        }
        let mut v = Vec::with_capacity(class_capacity(n));
        v.resize(n, 0);
        v
    }

    /// Keep `v` for a later [`uninit_len`] if it is large; when the pool is over its bounds,
    /// the oldest buffers are released first, so the pool follows the sizes in current use.
    pub(super) fn recycle(v: Vec<u64>) {
        if v.capacity() < MIN_LEN || v.len() < v.capacity() / 2 || v.capacity() * 8 > MAX_BYTES {
            return;
        }
        // A thread being torn down has no pool any more: then the buffer is simply freed.
        let _ = FREE.try_with(|f| {
            let mut f = f.borrow_mut();
            f.push(v);
            let mut bytes: usize = f.iter().map(|b| b.capacity() * 8).sum();
            while f.len() > MAX_BUFS || bytes > MAX_BYTES {
                bytes -= f.remove(0).capacity() * 8;
            }
        });
    }
}

/// The number of cores, read once per process: `std::thread::available_parallelism` re-reads
/// the cgroup files on every call on Linux (five system calls, about 0.1 ms), which dominated
/// exec mode on small tensors when asked per operation.
pub fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    })
}

/// A buffer of `n` elements where `body(start, chunk)` writes elements `start .. start +
/// chunk.len()`; large buffers are filled by several threads.
fn fill(n: usize, body: impl Fn(usize, &mut [u64]) + Sync) -> Vec<u64> {
    let mut out = pool::uninit_len(n);
    let t = cores();
    if t > 1 && n >= PAR_MIN_ELEMENTS {
        let per = n.div_ceil(4 * t).max(PAR_MIN_ELEMENTS / 2);
        let body = &body;
        use rayon::prelude::*;
        out.par_chunks_mut(per)
            .enumerate()
            .for_each(|(i, chunk)| body(i * per, chunk));
    } else if n > 0 {
        body(0, &mut out);
    }
    out
}

/// Two buffers of `n` elements where `body(start, chunk0, chunk1)` writes elements `start ..
/// start + chunk0.len()` of both; large buffers are filled on all cores (as [`fill`]).
fn fill2(n: usize, body: impl Fn(usize, &mut [u64], &mut [u64]) + Sync) -> [Vec<u64>; 2] {
    let mut out = [pool::uninit_len(n), pool::uninit_len(n)];
    let t = cores();
    let [o0, o1] = &mut out;
    if t > 1 && n >= PAR_MIN_ELEMENTS {
        use rayon::prelude::*;
        let per = n.div_ceil(4 * t).max(PAR_MIN_ELEMENTS / 2);
        o0.par_chunks_mut(per)
            .zip(o1.par_chunks_mut(per))
            .enumerate()
            .for_each(|(i, (c0, c1))| body(i * per, c0, c1));
    } else if n > 0 {
        body(0, o0, o1);
    }
    out
}

/// Calls `body` with the common broadcast shape of `ins` and their data at that shape: operands
/// of the output's size are read in place, smaller ones are expanded first.
fn with_broadcast_data<const N: usize, R>(
    ins: [&ExecTensor; N],
    body: impl FnOnce(Shape, [&[u64]; N]) -> R,
) -> R {
    let out = broadcast_all(ins.iter().map(|t| &t.shape));
    let n = out.numel();
    // A large trailing block (e.g. `[1, n]` against `[2, n]`) is read in place, cyclically
    // (see `for_runs`); other smaller operands are expanded first.
    let expanded: [Option<ExecTensor>; N] = std::array::from_fn(|k| {
        let t = ins[k];
        let cyclic = t.numel() >= MIN_CYCLE
            && repeat_pattern(&t.shape, &out) == Some(Repeat::Cycle(t.numel()));
        (t.numel() != n && !cyclic).then(|| t.expand(&out))
    });
    let data: [&[u64]; N] = std::array::from_fn(|k| expanded[k].as_ref().unwrap_or(ins[k]).data());
    body(out, data)
}

/// Operands that repeat as a trailing block of at least this many elements are read in place.
const MIN_CYCLE: usize = 1 << 12;

/// Splits the output range `start .. start + len` into maximal runs over which every source is
/// contiguous, and calls `f(offset in the range, [source slices of the run's length])` for each.
/// A source of the output's size `n` is read directly; a shorter one (a trailing block repeated
/// along the leading axes) is read at `i mod its length`.
fn for_runs<const N: usize>(
    srcs: &[&[u64]; N],
    n: usize,
    start: usize,
    len: usize,
    mut f: impl FnMut(usize, [&[u64]; N]),
) {
    let end = start + len;
    let mut pos = start;
    while pos < end {
        let run_end = srcs
            .iter()
            .filter(|s| s.len() < n)
            .map(|s| (pos / s.len() + 1) * s.len())
            .fold(end, usize::min);
        let run = run_end - pos;
        f(
            pos - start,
            std::array::from_fn(|k| {
                let o = pos % srcs[k].len();
                &srcs[k][o..o + run]
            }),
        );
        pos = run_end;
    }
}

/// `concat` along `axis`, each block piece written by `copy(dst, src)` (a plain copy, or a copy
/// through an element map).
fn concat_with(
    parts: &[&ExecTensor],
    axis: usize,
    copy: impl Fn(&mut [u64], &[u64]) + Sync,
) -> ExecTensor {
    let shapes: Vec<&Shape> = parts.iter().map(|p| &p.shape).collect();
    let out = Shape::concat(&shapes, axis);
    let (_, _, inner) = out.split_at_axis(axis);
    // The output is a sequence of periods (one per outer index), each the parts' blocks in
    // order; any range of it is copied block piece by block piece (on all cores if large).
    let blocks: Vec<(usize, &[u64])> = parts
        .iter()
        .map(|p| (p.shape.dims()[axis] * inner, p.data()))
        .collect();
    let period: usize = blocks.iter().map(|b| b.0).sum();
    let data = fill(out.numel(), |start, dst| {
        let mut pos = start;
        let end = start + dst.len();
        while pos < end {
            let (o, mut w) = (pos / period, pos % period);
            for &(len, src) in &blocks {
                if w < len {
                    let n = (len - w).min(end - pos);
                    let at = pos - start;
                    copy(&mut dst[at..at + n], &src[o * len + w..o * len + w + n]);
                    pos += n;
                    break;
                }
                w -= len;
            }
        }
    });
    ExecTensor::new(out, data)
}

/// Fill `dst` with the next `dst.len()` 64-bit draws of `rng`: exactly the values of as many
/// `next_u64` calls (two consecutive 32-bit words, low first), written as a block of bytes so
/// that the per-draw overhead does not rival the generator itself.
fn fill_words(rng: &mut ShareRng, dst: &mut [u64]) {
    rand::RngExt::fill(rng, dst);
}

/// How a smaller operand repeats over a broadcast output (row-major, both of the output's rank
/// after left-padding the operand's dimensions with ones).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Repeat {
    /// Output element `i` pairs with operand element `i % n` (the operand is a trailing block).
    Cycle(usize),
    /// Output element `i` pairs with operand element `i / inner` (a leading block).
    Stretch(usize),
}

fn repeat_pattern(small: &Shape, out: &Shape) -> Option<Repeat> {
    let r = out.rank();
    let off = r - small.rank();
    let s = |i: usize| if i < off { 1 } else { small.dims()[i - off] };
    let o = out.dims();
    let mut j = r;
    while j > 0 && s(j - 1) == o[j - 1] {
        j -= 1;
    }
    if (0..j).all(|i| s(i) == 1) {
        return Some(Repeat::Cycle(small.numel()));
    }
    let mut j = 0;
    while j < r && s(j) == o[j] {
        j += 1;
    }
    if (j..r).all(|i| s(i) == 1) {
        return Some(Repeat::Stretch(o[j..].iter().product()));
    }
    None
}

/// `g(big[i], small[pattern(i)])` for every element of `big` (which has the output shape).
fn zip_repeat(
    big: &[u64],
    small: &[u64],
    rep: Repeat,
    g: impl Fn(u64, u64) -> u64 + Sync,
) -> Vec<u64> {
    match rep {
        Repeat::Cycle(1) | Repeat::Stretch(_) if small.len() == 1 => {
            let b = small[0];
            fill(big.len(), |start, dst| {
                for (d, &a) in dst.iter_mut().zip(&big[start..]) {
                    *d = g(a, b);
                }
            })
        }
        Repeat::Cycle(n) => fill(big.len(), |start, dst| {
            let mut pos = 0;
            while pos < dst.len() {
                let j = (start + pos) % n;
                let len = (n - j).min(dst.len() - pos);
                let d = &mut dst[pos..pos + len];
                let a = &big[start + pos..start + pos + len];
                for ((d, &a), &b) in d.iter_mut().zip(a).zip(&small[j..j + len]) {
                    *d = g(a, b);
                }
                pos += len;
            }
        }),
        Repeat::Stretch(inner) => fill(big.len(), |start, dst| {
            let mut pos = 0;
            while pos < dst.len() {
                let bi = (start + pos) / inner;
                let len = ((bi + 1) * inner - (start + pos)).min(dst.len() - pos);
                let b = small[bi];
                let d = &mut dst[pos..pos + len];
                for (d, &a) in d.iter_mut().zip(&big[start + pos..start + pos + len]) {
                    *d = g(a, b);
                }
                pos += len;
            }
        }),
    }
}

impl ExecTensor {
    /// A tensor from its shape and row-major data. Panics if the lengths differ.
    pub fn from_vec(shape: Shape, data: Vec<u64>) -> Self {
        assert!(
            shape.numel() == data.len(),
            "shape {shape} needs {} elements, got {}",
            shape.numel(),
            data.len()
        );
        ExecTensor::new(shape, data)
    }

    fn new(shape: Shape, data: Vec<u64>) -> Self {
        ExecTensor {
            shape,
            buf: Arc::new(Buf(data)),
            start: 0,
        }
    }

    /// The row-major elements.
    pub fn data(&self) -> &[u64] {
        &self.buf.0[self.start..self.start + self.shape.numel()]
    }

    /// Consume into the row-major elements (copies only if the storage is shared or larger).
    pub fn into_data(self) -> Vec<u64> {
        let n = self.shape.numel();
        if self.start == 0 && self.buf.0.len() == n {
            return match Arc::try_unwrap(self.buf) {
                Ok(mut b) => std::mem::take(&mut b.0),
                Err(shared) => shared.0.clone(),
            };
        }
        self.data().to_vec()
    }

    /// Row-major copy of a strided view: `offset + sum(idx[i] * strides[i])` for every index of
    /// `out` (a stride of 0 repeats an element, which is how broadcasting is materialised).
    fn gather(&self, out: Shape, strides: &[usize], offset: usize) -> Self {
        let n = out.numel();
        let src = self.data();
        // A contiguous view (e.g. a narrow of the leading axis) shares the storage.
        let contiguous = out
            .dims()
            .iter()
            .zip(strides.iter().zip(out.strides()))
            .all(|(&d, (&s, os))| d <= 1 || s == os);
        if contiguous {
            if n == 0 {
                return ExecTensor::new(out, Vec::new());
            }
            assert!(offset + n <= src.len(), "view out of range");
            return ExecTensor {
                shape: out,
                buf: Arc::clone(&self.buf),
                start: self.start + offset,
            };
        }
        let mut data = Vec::with_capacity(n);
        if n > 0 {
            let dims = out.dims();
            let r = dims.len();
            if r == 0 {
                data.push(src[offset]);
            } else {
                let last = dims[r - 1];
                let ls = strides[r - 1];
                let mut idx = vec![0usize; r - 1];
                let mut base = offset;
                loop {
                    if ls == 1 {
                        data.extend_from_slice(&src[base..base + last]);
                    } else {
                        data.extend((0..last).map(|j| src[base + j * ls]));
                    }
                    // advance the outer multi-index
                    let mut ax = r - 1;
                    loop {
                        if ax == 0 {
                            return ExecTensor::new(out, data);
                        }
                        ax -= 1;
                        idx[ax] += 1;
                        base += strides[ax];
                        if idx[ax] < dims[ax] {
                            break;
                        }
                        base -= strides[ax] * dims[ax];
                        idx[ax] = 0;
                    }
                }
            }
        }
        ExecTensor::new(out, data)
    }

    /// Strides of `self` as seen from a broadcast output shape of rank `r` (0 where broadcast).
    fn broadcast_strides(&self, out: &Shape) -> Vec<usize> {
        let r = out.rank();
        let own = self.shape.strides();
        let off = r - self.shape.rank();
        (0..r)
            .map(|i| {
                if i < off || self.shape.dims()[i - off] == 1 {
                    0
                } else {
                    own[i - off]
                }
            })
            .collect()
    }
}

impl RingTensor for ExecTensor {
    const HAS_DATA: bool = true;

    fn shape(&self) -> &Shape {
        &self.shape
    }

    fn filled(shape: Shape, value: u64) -> Self {
        let n = shape.numel();
        let data = fill(n, |_, dst| dst.fill(value));
        ExecTensor::new(shape, data)
    }

    fn from_fn(shape: Shape, f: impl FnMut(usize) -> u64) -> Self {
        let data = (0..shape.numel()).map(f).collect();
        ExecTensor::new(shape, data)
    }

    fn random(shape: Shape, rng: &mut ShareRng) -> Self {
        let n = shape.numel();
        if n < PAR_MIN_ELEMENTS || cores() < 2 {
            let mut data = pool::uninit_len(n);
            fill_words(rng, &mut data);
            return ExecTensor::new(shape, data);
        }
        // Each thread seeks a clone of the generator to the 32-bit word where its chunk starts
        // (a u64 is two consecutive words, low first), so the result equals sequential draws;
        // then the caller's generator is moved past all 2n words.
        let p0 = rng.get_word_pos();
        let base = rng.clone();
        let data = fill(n, |start, dst| {
            let mut r = base.clone();
            r.set_word_pos(p0 + 2 * start as u128);
            fill_words(&mut r, dst);
        });
        rng.set_word_pos(p0 + 2 * n as u128);
        ExecTensor::new(shape, data)
    }

    fn map(&self, f: impl Fn(u64) -> u64 + Sync) -> Self {
        let src = self.data();
        let data = fill(src.len(), |start, dst| {
            for (d, &a) in dst.iter_mut().zip(&src[start..]) {
                *d = f(a);
            }
        });
        ExecTensor::new(self.shape.clone(), data)
    }

    fn zip(&self, other: &Self, f: impl Fn(u64, u64) -> u64 + Sync) -> Self {
        let out = if self.shape == other.shape {
            self.shape.clone()
        } else {
            Shape::broadcast(&self.shape, &other.shape)
        };
        let n = out.numel();
        let (a, b) = (self.data(), other.data());
        if a.len() == n && b.len() == n {
            // Same shape, or shapes that differ only by leading ones.
            let data = fill(n, |start, dst| {
                for ((d, &x), &y) in dst.iter_mut().zip(&a[start..]).zip(&b[start..]) {
                    *d = f(x, y);
                }
            });
            return ExecTensor::new(out, data);
        }
        if n == 0 {
            return ExecTensor::new(out, Vec::new());
        }
        if a.len() == n {
            if let Some(rep) = repeat_pattern(&other.shape, &out) {
                return ExecTensor::new(out, zip_repeat(a, b, rep, &f));
            }
        } else if b.len() == n {
            if let Some(rep) = repeat_pattern(&self.shape, &out) {
                return ExecTensor::new(out, zip_repeat(b, a, rep, |y, x| f(x, y)));
            }
        }
        // General broadcast: materialise the operands that need it.
        let ea;
        let a = if self.shape == out {
            self
        } else {
            ea = self.expand(&out);
            &ea
        };
        let eb;
        let b = if other.shape == out {
            other
        } else {
            eb = other.expand(&out);
            &eb
        };
        a.zip(b, f)
    }

    fn zip_n<const N: usize>(ins: [&Self; N], f: impl Fn([u64; N]) -> u64 + Sync) -> Self {
        with_broadcast_data(ins, |out, data| {
            let n = out.numel();
            let buf = fill(n, |start, dst| {
                for_runs(&data, n, start, dst.len(), |at, srcs| {
                    let run = srcs.first().map_or(dst.len() - at, |s| s.len());
                    for (j, d) in dst[at..at + run].iter_mut().enumerate() {
                        *d = f(std::array::from_fn(|k| srcs[k][j]));
                    }
                });
            });
            ExecTensor::new(out, buf)
        })
    }

    fn zip_n2<const N: usize>(
        ins: [&Self; N],
        f: impl Fn([u64; N]) -> [u64; 2] + Sync,
    ) -> [Self; 2] {
        with_broadcast_data(ins, |out, data| {
            let n = out.numel();
            let [b0, b1] = fill2(n, |start, d0, d1| {
                for_runs(&data, n, start, d0.len(), |at, srcs| {
                    let run = srcs.first().map_or(d0.len() - at, |s| s.len());
                    let (o0, o1) = (&mut d0[at..at + run], &mut d1[at..at + run]);
                    for (j, (a, b)) in o0.iter_mut().zip(o1.iter_mut()).enumerate() {
                        [*a, *b] = f(std::array::from_fn(|k| srcs[k][j]));
                    }
                });
            });
            [ExecTensor::new(out.clone(), b0), ExecTensor::new(out, b1)]
        })
    }

    fn matmul(&self, other: &Self) -> Self {
        let out = Shape::matmul(&self.shape, &other.shape);
        let (ra, rb) = (self.shape.rank(), other.shape.rank());
        let (m, k) = (self.shape.dims()[ra - 2], self.shape.dims()[ra - 1]);
        let p = other.shape.dims()[rb - 1];
        let out_batch = out.batch();
        let nb = out_batch.numel();
        // Zeros written (not calloc'd): the product reads then writes `c`, and a first write to
        // a read-mapped zero page costs a copy-on-write fault and a TLB flush on every core.
        let mut data = fill(out.numel(), |_, dst| dst.fill(0));
        if nb == 0 || m == 0 || p == 0 {
            return ExecTensor::new(out, data);
        }
        // Batch offsets of each operand for every output batch index (broadcast strides).
        let batch_offsets = |t: &ExecTensor| -> Vec<usize> {
            let tb = t.shape.batch();
            let mat = t.shape.dims()[t.shape.rank() - 2] * t.shape.dims()[t.shape.rank() - 1];
            let probe = ExecTensor::new(
                tb.clone(),
                (0..tb.numel()).map(|i| (i * mat) as u64).collect(),
            );
            probe
                .expand(&out_batch)
                .data()
                .iter()
                .map(|&v| v as usize)
                .collect()
        };
        let oa = batch_offsets(self);
        let ob = batch_offsets(other);
        gemm_batch_with(
            GemmOptions::default(),
            m,
            k,
            p,
            self.data(),
            &oa,
            other.data(),
            &ob,
            &mut data,
        );
        ExecTensor::new(out, data)
    }

    fn reshape(&self, shape: Shape) -> Self {
        ExecTensor {
            shape: self.shape.reshape(&shape),
            buf: Arc::clone(&self.buf),
            start: self.start,
        }
    }

    fn transpose(&self, a0: usize, a1: usize) -> Self {
        let out = self.shape.transpose(a0, a1);
        let mut st = self.shape.strides();
        st.swap(a0, a1);
        self.gather(out, &st, 0)
    }

    fn narrow(&self, axis: usize, start: usize, len: usize) -> Self {
        let out = self.shape.narrow(axis, start, len);
        let st = self.shape.strides();
        let offset = if out.numel() == 0 {
            0
        } else {
            start * st[axis]
        };
        self.gather(out, &st, offset)
    }

    fn concat(parts: &[&Self], axis: usize) -> Self {
        concat_with(parts, axis, |dst, src| dst.copy_from_slice(src))
    }

    fn concat_map(parts: &[&Self], axis: usize, f: impl Fn(u64) -> u64 + Sync) -> Self {
        concat_with(parts, axis, |dst, src| {
            for (d, &s) in dst.iter_mut().zip(src) {
                *d = f(s);
            }
        })
    }

    fn sum_axis(&self, axis: usize, keepdim: bool) -> Self {
        let out = self.shape.sum_axis(axis, keepdim);
        let (outer, len, inner) = self.shape.split_at_axis(axis);
        if inner == 1 {
            // Reduction over the last axis: one contiguous sum per output element.
            let data = (0..outer)
                .map(|o| {
                    self.data()[o * len..(o + 1) * len]
                        .iter()
                        .fold(0u64, |acc, &v| acc.wrapping_add(v))
                })
                .collect();
            return ExecTensor::new(out, data);
        }
        let mut data = vec![0u64; outer * inner];
        for o in 0..outer {
            let dst = &mut data[o * inner..(o + 1) * inner];
            for l in 0..len {
                let src = &self.data()[(o * len + l) * inner..(o * len + l + 1) * inner];
                for (d, &s) in dst.iter_mut().zip(src) {
                    *d = d.wrapping_add(s);
                }
            }
        }
        ExecTensor::new(out, data)
    }

    fn expand(&self, shape: &Shape) -> Self {
        assert!(
            self.shape.broadcasts_to(shape),
            "cannot expand {} to {shape}",
            self.shape
        );
        let st = self.broadcast_strides(shape);
        self.gather(shape.clone(), &st, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(shape: &[usize], v: &[u64]) -> ExecTensor {
        ExecTensor::from_vec(Shape::from(shape), v.to_vec())
    }

    #[test]
    fn broadcasting_zip() {
        let a = t(&[2, 1], &[10, 20]);
        let b = t(&[3], &[1, 2, 3]);
        assert_eq!(a.add(&b).data(), &[11, 12, 13, 21, 22, 23]);
        let s = t(&[], &[5]);
        assert_eq!(b.mul(&s).data(), &[5, 10, 15]);
    }

    #[test]
    fn transpose_narrow_concat_sum() {
        let a = t(&[2, 3], &[1, 2, 3, 4, 5, 6]);
        assert_eq!(a.transpose(0, 1).data(), &[1, 4, 2, 5, 3, 6]);
        assert_eq!(a.narrow(1, 1, 2).data(), &[2, 3, 5, 6]);
        assert_eq!(
            ExecTensor::concat(&[&a, &a], 1).data(),
            &[1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6]
        );
        assert_eq!(a.sum_axis(1, false).data(), &[6, 15]);
        assert_eq!(a.sum_axis(0, true).data(), &[5, 7, 9]);
    }

    #[test]
    fn batched_matmul_broadcasts_weight() {
        let x = t(&[2, 1, 2], &[1, 2, 3, 4]);
        let w = t(&[2, 2], &[1, 0, 0, 1]);
        assert_eq!(x.matmul(&w).data(), &[1, 2, 3, 4]);
        let wrap = t(&[1, 1], &[u64::MAX]);
        assert_eq!(wrap.matmul(&t(&[1, 1], &[2])).data(), &[u64::MAX - 1]);
    }

    /// The reference: materialise both operands at the output shape, then zip element by element.
    fn zip_reference(a: &ExecTensor, b: &ExecTensor, f: impl Fn(u64, u64) -> u64) -> Vec<u64> {
        let out = Shape::broadcast(a.shape(), b.shape());
        let (ea, eb) = (a.expand(&out), b.expand(&out));
        ea.data()
            .iter()
            .zip(eb.data())
            .map(|(&x, &y)| f(x, y))
            .collect()
    }

    fn ramp(shape: &[usize], seed: u64) -> ExecTensor {
        let s = Shape::from(shape);
        let n = s.numel();
        ExecTensor::from_vec(
            s,
            (0..n as u64)
                .map(|i| (i ^ seed).wrapping_mul(0x9E37_79B9_7F4A_7C15))
                .collect(),
        )
    }

    #[test]
    fn zip_n_matches_nested_zips_with_broadcasting() {
        let cases: &[[&[usize]; 3]] = &[
            [&[4, 3], &[4, 3], &[4, 3]],
            [&[4, 3], &[3], &[]],
            [&[2, 1, 3], &[4, 1], &[2, 4, 3]],
            [&[0, 3], &[3], &[1]],
            [&[300, 512], &[512], &[300, 1]],
            [&[300, 512], &[300, 512], &[300, 512]],
            // Trailing blocks of at least MIN_CYCLE elements are read in place, cyclically; the
            // threaded chunks (16384 elements) do not align with the 20000-element block.
            [&[3, 20000], &[20000], &[1, 1, 20000]],
            [&[1, 5000], &[2, 5000], &[2, 1]],
        ];
        let f = |a: u64, b: u64, c: u64| a.wrapping_mul(b).wrapping_add(c ^ 7);
        for (i, s) in cases.iter().enumerate() {
            let [a, b, c] = [0, 1, 2].map(|k| ramp(s[k], 10 * i as u64 + k as u64));
            let got = ExecTensor::zip_n([&a, &b, &c], |[x, y, z]| f(x, y, z));
            let want = a
                .zip(&b, u64::wrapping_mul)
                .zip(&c, |p, z| p.wrapping_add(z ^ 7));
            assert_eq!(got, want, "{s:?}");
        }
    }

    #[test]
    fn zip_n2_and_concat_map_match_their_unfused_forms() {
        for (i, s) in [
            [&[4usize, 3][..], &[3][..]],
            [&[300, 512][..], &[300, 1][..]],
            [&[3, 20000][..], &[1, 20000][..]],
        ]
        .iter()
        .enumerate()
        {
            let (a, b) = (ramp(s[0], i as u64), ramp(s[1], 50 + i as u64));
            let [x, y] = ExecTensor::zip_n2([&a, &b], |[u, v]| [u ^ v, u.wrapping_sub(v)]);
            assert_eq!(x, a.xor(&b));
            assert_eq!(y, a.sub(&b));
            let c = ExecTensor::concat_map(&[&a, &a], 0, |v| v << 3);
            assert_eq!(c, ExecTensor::concat(&[&a, &a], 0).map(|v| v << 3));
        }
    }

    #[test]
    fn large_concat_matches_serial_copy() {
        // Three parts along axis 1 of a [64, *, 700] output: 64 x (3 + 1 + 2) x 700 elements,
        // above the threaded threshold, so chunks start inside blocks of every part.
        let parts: Vec<ExecTensor> = [3usize, 1, 2]
            .iter()
            .enumerate()
            .map(|(i, &d)| ramp(&[64, d, 700], i as u64))
            .collect();
        let refs: Vec<&ExecTensor> = parts.iter().collect();
        let got = ExecTensor::concat(&refs, 1);
        assert!(got.numel() >= PAR_MIN_ELEMENTS);
        let mut want = Vec::new();
        for o in 0..64 {
            for p in &parts {
                let block = p.shape().dims()[1] * 700;
                want.extend_from_slice(&p.data()[o * block..(o + 1) * block]);
            }
        }
        assert_eq!(got.data(), &want[..]);
        assert_eq!(got.shape(), &Shape::from([64, 6, 700]));
    }

    #[test]
    fn broadcast_fast_paths_match_expand_then_zip() {
        let cases: &[(&[usize], &[usize])] = &[
            (&[4, 3], &[]),
            (&[], &[4, 3]),
            (&[4, 3], &[3]),
            (&[3], &[4, 3]),
            (&[2, 4, 3], &[1, 4, 3]),
            (&[2, 4, 3], &[2, 4, 1]),
            (&[2, 4, 1], &[2, 4, 3]),
            (&[2, 4, 3], &[2, 1, 1]),
            (&[2, 4, 3], &[4, 1]),
            (&[4, 1], &[1, 3]),
            (&[1, 4, 3], &[4, 3]),
            (&[2, 1, 3], &[2, 4, 3]),
            (&[0, 3], &[3]),
            // Large enough for the threaded paths.
            (&[300, 512], &[512]),
            (&[300, 512], &[300, 1]),
            (&[300, 512], &[]),
            (&[300, 512], &[300, 512]),
        ];
        for (i, &(sa, sb)) in cases.iter().enumerate() {
            let a = ramp(sa, 1 + i as u64);
            let b = ramp(sb, 100 + i as u64);
            let got = a.sub(&b);
            assert_eq!(
                got.data(),
                &zip_reference(&a, &b, u64::wrapping_sub)[..],
                "{sa:?} - {sb:?}"
            );
            assert_eq!(got.shape(), &Shape::broadcast(a.shape(), b.shape()));
        }
    }

    #[test]
    fn large_map_and_sum_match_serial_math() {
        let a = ramp(&[3, PAR_MIN_ELEMENTS / 2 + 7], 3);
        let m = a.map(|v| v.rotate_left(5) ^ 1);
        assert!(
            m.data()
                .iter()
                .zip(a.data())
                .all(|(&y, &x)| y == x.rotate_left(5) ^ 1)
        );
        let s = a.sum_axis(1, true);
        for (o, &v) in s.data().iter().enumerate() {
            let row = &a.data()[o * a.shape().dims()[1]..(o + 1) * a.shape().dims()[1]];
            assert_eq!(v, row.iter().fold(0u64, |x, &y| x.wrapping_add(y)));
        }
    }

    #[test]
    fn clone_and_reshape_share_data_and_stay_equal() {
        let a = ramp(&[2, 6], 5);
        let r = a.reshape(Shape::from([3, 4]));
        assert_eq!(r.data(), a.data());
        assert_eq!(a.clone().into_data(), a.data().to_vec());
        let n = a.narrow(0, 1, 1);
        assert_eq!(n.data(), &a.data()[6..]);
    }

    #[test]
    fn parallel_random_equals_sequential_draws() {
        use rand::{Rng, SeedableRng};
        for skip in [0usize, 1, 2, 15, 16, 17, 63, 64, 65] {
            for n in [5, PAR_MIN_ELEMENTS, PAR_MIN_ELEMENTS + 3] {
                let mut r1 = ShareRng::seed_from_u64(42);
                for _ in 0..skip {
                    r1.next_u32();
                }
                let mut r2 = r1.clone();
                let t = ExecTensor::random(Shape::from([n]), &mut r1);
                let want: Vec<u64> = (0..n).map(|_| r2.next_u64()).collect();
                assert!(t.data() == &want[..], "skip {skip} n {n}");
                // The generator continues exactly where sequential draws would.
                assert_eq!(r1.next_u64(), r2.next_u64(), "skip {skip} n {n}");
                assert_eq!(r1.next_u32(), r2.next_u32(), "skip {skip} n {n}");
            }
        }
    }

    #[test]
    fn views_and_pooled_buffers_keep_values() {
        let big = ramp(&[4, 1 << 14], 9);
        let rows: Vec<ExecTensor> = (0..4).map(|i| big.narrow(0, i, 1)).collect();
        let again = ExecTensor::concat(&rows.iter().collect::<Vec<_>>(), 0);
        assert_eq!(again, big);
        // Drop buffers into the pool, then build new tensors from recycled storage.
        let want: Vec<u64> = big.data().iter().map(|v| v ^ 3).collect();
        drop(rows);
        drop(again);
        for _ in 0..3 {
            let m = big.map(|v| v ^ 3);
            assert_eq!(m.data(), &want[..]);
        }
        assert_eq!(
            big.narrow(0, 2, 2).into_data(),
            big.data()[2 << 14..].to_vec()
        );
    }
}
