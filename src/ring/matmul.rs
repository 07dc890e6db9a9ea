//! Wrapping `u64` matrix multiply: the exec backend's kernel for Beaver matmuls and the dealer.
//!
//! `c += a @ b` over Z_2^64 with row-major `a (m x k)`, `b (k x p)`, `c (m x p)`.
//!
//! Structure (the classic BLIS/GotoBLAS loop nest):
//! - cache blocking: `b` is packed `KC x NC` at a time into column strips `NR` wide (stays in
//!   L2/L3), `a` is packed `MC x KC` at a time into row strips `MR` tall (stays in L2);
//! - register tiling: a micro-kernel multiplies one `MR x KC` strip of packed `a` by one
//!   `KC x NR` strip of packed `b` into an `MR x NR` tile of accumulators held in registers;
//! - SIMD chosen at run time ([`Simd::Auto`]): AVX-512DQ (`vpmullq`, a 64-bit lane multiply,
//!   explicit intrinsics), else AVX2 (the portable kernel compiled with AVX2 enabled: LLVM emulates
//!   the 64-bit multiply with three 32-bit `vpmuludq`), else the portable kernel. The binary stays
//!   portable: only code behind a positive `is_x86_feature_detected!` uses the wider instructions;
//! - threads over the cores on rayon's global pool (the same workers as the exec tensor's
//!   element-wise passes, so two pools never compete for the cores): a product is split along
//!   its larger output dimension (rows of `c` in multiples of `MR`, or columns in multiples of
//!   `NR`), a batch of small products is split by batch entries. Products below
//!   [`PARALLEL_MIN_MACS`] run on the calling thread.
//!
//! Exactness: every path computes the same wrapping sums (the ring is commutative and
//! associative, so the order of accumulation does not matter); tests compare each path with a
//! naive triple loop on sizes below and above every blocking threshold.

/// Rows of the register tile.
const MR: usize = 8;
/// Columns of the register tile (two 512-bit vectors of `u64`).
const NR: usize = 16;
/// Depth of a packed block (the shared dimension `k`).
const KC: usize = 256;
/// Rows of `a` packed at a time.
const MC: usize = 128;
/// Columns of `b` packed at a time.
const NC: usize = 2048;

/// Below this many multiply-accumulates a product runs on the calling thread.
pub const PARALLEL_MIN_MACS: usize = 1 << 21;

/// Which instruction set the micro-kernel may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Simd {
    /// The widest kernel the CPU supports, detected at run time.
    Auto,
    /// The portable kernel only (plain Rust, baseline target features): the fallback, and the
    /// reference path in tests.
    Portable,
}

/// Options of one product: instruction set and number of threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GemmOptions {
    /// Instruction set of the micro-kernel.
    pub simd: Simd,
    /// Threads to use; 0 means all available cores (`std::thread::available_parallelism`).
    pub threads: usize,
}

impl Default for GemmOptions {
    fn default() -> Self {
        GemmOptions {
            simd: Simd::Auto,
            threads: 0,
        }
    }
}

impl GemmOptions {
    fn thread_count(&self) -> usize {
        if self.threads > 0 {
            self.threads
        } else {
            super::exec_tensor::cores()
        }
    }
}

/// The micro-kernel `Simd::Auto` selects on this CPU: `"avx512dq"`, `"avx2"` or `"portable"`.
pub fn kernel_name(simd: Simd) -> &'static str {
    match select(simd) {
        Kernel::Portable => "portable",
        #[cfg(target_arch = "x86_64")]
        Kernel::Avx2 => "avx2",
        #[cfg(target_arch = "x86_64")]
        Kernel::Avx512 => "avx512dq",
    }
}

/// `c += a @ b` over the ring (wrapping), with the default options (run-time SIMD, all cores).
/// Panics if a slice length does not match its shape.
pub fn gemm_wrapping(m: usize, k: usize, p: usize, a: &[u64], b: &[u64], c: &mut [u64]) {
    gemm_wrapping_with(GemmOptions::default(), m, k, p, a, b, c)
}

/// `c += a @ b` over the ring (wrapping) with explicit options. Panics if a slice length does not
/// match its shape.
pub fn gemm_wrapping_with(
    opts: GemmOptions,
    m: usize,
    k: usize,
    p: usize,
    a: &[u64],
    b: &[u64],
    c: &mut [u64],
) {
    check_lengths(m, k, p, a.len(), b.len(), c.len());
    if m == 0 || p == 0 || k == 0 {
        return;
    }
    let kernel = select(opts.simd);
    let threads = opts.thread_count();
    let cv = MatMut::new(c, p);
    if threads > 1 && m * k * p >= PARALLEL_MIN_MACS {
        parallel_gemm(kernel, threads, m, k, p, a, b, cv);
    } else {
        // SAFETY: `cv` is the whole of `c`, exclusively borrowed.
        unsafe { gemm_serial(kernel, m, k, p, a, k, b, p, cv) };
    }
}

/// A batch of products sharing one shape: for every `i`, `c[i*m*p ..][.. m*p] +=
/// a[a_offsets[i] ..][.. m*k] @ b[b_offsets[i] ..][.. k*p]` (operands may repeat, which is how a
/// broadcast weight is multiplied into every batch entry). Small products are spread over the
/// cores by batch entry; large ones are each split as in [`gemm_wrapping_with`].
/// Panics if an offset or `c` does not fit.
#[allow(clippy::too_many_arguments)] // the shape, two operands with their offsets, and c
pub fn gemm_batch_with(
    opts: GemmOptions,
    m: usize,
    k: usize,
    p: usize,
    a: &[u64],
    a_offsets: &[usize],
    b: &[u64],
    b_offsets: &[usize],
    c: &mut [u64],
) {
    let nb = a_offsets.len();
    assert_eq!(
        b_offsets.len(),
        nb,
        "gemm_batch: {nb} offsets of a, {} of b",
        b_offsets.len()
    );
    assert_eq!(
        c.len(),
        nb * m * p,
        "gemm_batch: c has {} elements, expected {nb}x{m}x{p}",
        c.len()
    );
    for (&ao, &bo) in a_offsets.iter().zip(b_offsets) {
        assert!(
            ao + m * k <= a.len() && bo + k * p <= b.len(),
            "gemm_batch: operand offsets ({ao}, {bo}) out of range for {m}x{k}x{p}"
        );
    }
    if nb == 0 || m == 0 || p == 0 || k == 0 {
        return;
    }
    let threads = opts.thread_count();
    let per = m * k * p;
    let big_each = per >= PARALLEL_MIN_MACS;
    if threads <= 1 || nb == 1 || big_each || nb * per < PARALLEL_MIN_MACS {
        for (i, cc) in c.chunks_mut(m * p).enumerate() {
            let (ao, bo) = (a_offsets[i], b_offsets[i]);
            gemm_wrapping_with(opts, m, k, p, &a[ao..ao + m * k], &b[bo..bo + k * p], cc);
        }
        return;
    }
    let kernel = select(opts.simd);
    let t = threads.min(nb);
    let per_thread = nb.div_ceil(t);
    rayon::in_place_scope(|s| {
        for (ti, cchunk) in c.chunks_mut(per_thread * m * p).enumerate() {
            s.spawn(move |_| {
                for (j, cc) in cchunk.chunks_mut(m * p).enumerate() {
                    let i = ti * per_thread + j;
                    let (ao, bo) = (a_offsets[i], b_offsets[i]);
                    let cv = MatMut::new(cc, p);
                    // SAFETY: `cv` is the whole of `cc`, exclusively borrowed by this thread.
                    unsafe {
                        gemm_serial(
                            kernel,
                            m,
                            k,
                            p,
                            &a[ao..ao + m * k],
                            k,
                            &b[bo..bo + k * p],
                            p,
                            cv,
                        )
                    };
                }
            });
        }
    });
}

/// The naive triple loop (wrapping), the reference of the tests and of the benchmarks' checks.
pub fn gemm_naive(m: usize, k: usize, p: usize, a: &[u64], b: &[u64], c: &mut [u64]) {
    check_lengths(m, k, p, a.len(), b.len(), c.len());
    for i in 0..m {
        for j in 0..p {
            let mut s = c[i * p + j];
            for kk in 0..k {
                s = s.wrapping_add(a[i * k + kk].wrapping_mul(b[kk * p + j]));
            }
            c[i * p + j] = s;
        }
    }
}

fn check_lengths(m: usize, k: usize, p: usize, a: usize, b: usize, c: usize) {
    assert_eq!(a, m * k, "gemm: a has {a} elements, expected {m}x{k}");
    assert_eq!(b, k * p, "gemm: b has {b} elements, expected {k}x{p}");
    assert_eq!(c, m * p, "gemm: c has {c} elements, expected {m}x{p}");
}

/// A raw view of a row-major block of `c` (row stride `ld`), so that threads can own disjoint
/// column ranges of the same rows.
#[derive(Clone, Copy)]
struct MatMut {
    ptr: *mut u64,
    ld: usize,
}

// SAFETY: a `MatMut` is only handed to threads that write disjoint elements, inside a scope that
// outlives none of the borrow it came from.
unsafe impl Send for MatMut {}

impl MatMut {
    fn new(c: &mut [u64], ld: usize) -> Self {
        MatMut {
            ptr: c.as_mut_ptr(),
            ld,
        }
    }
    /// The sub-view starting at `(row, col)`.
    ///
    /// SAFETY: `(row, col)` must lie inside the block.
    unsafe fn offset(self, row: usize, col: usize) -> Self {
        MatMut {
            // SAFETY: in bounds by the caller's contract.
            ptr: unsafe { self.ptr.add(row * self.ld + col) },
            ld: self.ld,
        }
    }
}

#[allow(clippy::too_many_arguments)] // the kernel, the thread count, the shape and three operands
fn parallel_gemm(
    kernel: Kernel,
    threads: usize,
    m: usize,
    k: usize,
    p: usize,
    a: &[u64],
    b: &[u64],
    c: MatMut,
) {
    // Split the larger output dimension, in whole register tiles.
    let rows = m >= p;
    let (len, unit) = if rows { (m, MR) } else { (p, NR) };
    let tiles = len.div_ceil(unit);
    let t = threads.min(tiles).max(1);
    let per = tiles.div_ceil(t) * unit;
    rayon::in_place_scope(|s| {
        let mut start = 0;
        while start < len {
            let n = per.min(len - start);
            let st = start;
            s.spawn(move |_| {
                if rows {
                    // SAFETY: rows st..st+n of c are this thread's alone.
                    unsafe { gemm_serial(kernel, n, k, p, &a[st * k..], k, b, p, c.offset(st, 0)) }
                } else {
                    // SAFETY: columns st..st+n of c are this thread's alone.
                    unsafe { gemm_serial(kernel, m, k, n, a, k, &b[st..], p, c.offset(0, st)) }
                }
            });
            start += n;
        }
    });
}

/// `c += a @ b` for an `m x k` block of `a` (row stride `lda`) and a `k x p` block of `b` (row
/// stride `ldb`), on the calling thread.
///
/// SAFETY: `c` must be valid for writes of an `m x p` block with its stride, and no other thread
/// may touch that block meanwhile.
#[allow(clippy::too_many_arguments)]
unsafe fn gemm_serial(
    kernel: Kernel,
    m: usize,
    k: usize,
    p: usize,
    a: &[u64],
    lda: usize,
    b: &[u64],
    ldb: usize,
    c: MatMut,
) {
    let kc_max = KC.min(k);
    let nc_max = NC.min(p).div_ceil(NR) * NR;
    let mc_max = MC.min(m).div_ceil(MR) * MR;
    // Packing buffers are kept per thread: a fresh 4 MiB buffer per call would be mapped,
    // faulted in and unmapped (a TLB flush on every core) on every product.
    let (mut bp, mut ap) = PACK.with(|p| std::mem::take(&mut *p.borrow_mut()));
    if bp.len() < kc_max * nc_max {
        bp.resize(kc_max * nc_max, 0);
    }
    if ap.len() < kc_max * mc_max {
        ap.resize(kc_max * mc_max, 0);
    }
    let mut tile = [0u64; MR * NR];
    for jc in (0..p).step_by(NC) {
        let nc = NC.min(p - jc);
        for pc in (0..k).step_by(KC) {
            let kc = KC.min(k - pc);
            pack_b(kc, nc, &b[pc * ldb + jc..], ldb, &mut bp);
            for ic in (0..m).step_by(MC) {
                let mc = MC.min(m - ic);
                pack_a(mc, kc, &a[ic * lda + pc..], lda, &mut ap);
                for jr in (0..nc).step_by(NR) {
                    let nr = NR.min(nc - jr);
                    let bstrip = &bp[jr * kc..(jr + NR) * kc];
                    for ir in (0..mc).step_by(MR) {
                        let mr = MR.min(mc - ir);
                        let astrip = &ap[ir * kc..(ir + MR) * kc];
                        kernel.run(kc, astrip, bstrip, &mut tile);
                        for i in 0..mr {
                            // SAFETY: row ic+ir+i < m and columns jc+jr .. +nr <= p lie in the
                            // block the caller handed over exclusively.
                            let crow = unsafe {
                                std::slice::from_raw_parts_mut(
                                    c.ptr.add((ic + ir + i) * c.ld + jc + jr),
                                    nr,
                                )
                            };
                            for (cv, &tv) in crow.iter_mut().zip(&tile[i * NR..i * NR + nr]) {
                                *cv = cv.wrapping_add(tv);
                            }
                        }
                    }
                }
            }
        }
    }
    PACK.with(|p| *p.borrow_mut() = (bp, ap));
}

/// Pack a `kc x nc` block of `b` (row stride `ldb`) into strips of `NR` columns, each strip
/// `kc x NR` row-major, zero-padded on the right.
fn pack_b(kc: usize, nc: usize, b: &[u64], ldb: usize, out: &mut [u64]) {
    for (s, j0) in (0..nc).step_by(NR).enumerate() {
        let w = NR.min(nc - j0);
        let strip = &mut out[s * kc * NR..(s + 1) * kc * NR];
        for kk in 0..kc {
            let dst = &mut strip[kk * NR..(kk + 1) * NR];
            dst[..w].copy_from_slice(&b[kk * ldb + j0..kk * ldb + j0 + w]);
            dst[w..].fill(0);
        }
    }
}

/// Pack an `mc x kc` block of `a` (row stride `lda`) into strips of `MR` rows, each strip stored
/// column by column (`kc x MR`), zero-padded at the bottom.
fn pack_a(mc: usize, kc: usize, a: &[u64], lda: usize, out: &mut [u64]) {
    for (s, i0) in (0..mc).step_by(MR).enumerate() {
        let h = MR.min(mc - i0);
        let strip = &mut out[s * kc * MR..(s + 1) * kc * MR];
        if h < MR {
            strip.fill(0);
        }
        for i in 0..h {
            let row = &a[(i0 + i) * lda..(i0 + i) * lda + kc];
            for (kk, &v) in row.iter().enumerate() {
                strip[kk * MR + i] = v;
            }
        }
    }
}

thread_local! {
    /// Each thread's packing buffers (`b` panel, `a` block), reused across products; packing
    /// overwrites every element it later reads (zero padding included).
    static PACK: std::cell::RefCell<(Vec<u64>, Vec<u64>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

/// A micro-kernel chosen once per product.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kernel {
    Portable,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

fn select(simd: Simd) -> Kernel {
    match simd {
        Simd::Portable => Kernel::Portable,
        Simd::Auto => {
            #[cfg(target_arch = "x86_64")]
            {
                if std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512dq")
                {
                    return Kernel::Avx512;
                }
                if std::arch::is_x86_feature_detected!("avx2") {
                    return Kernel::Avx2;
                }
            }
            Kernel::Portable
        }
    }
}

impl Kernel {
    /// `tile = a_strip @ b_strip` (overwritten), `a_strip` packed `kc x MR`, `b_strip` `kc x NR`.
    #[inline]
    fn run(self, kc: usize, a: &[u64], b: &[u64], tile: &mut [u64; MR * NR]) {
        assert!(a.len() >= kc * MR && b.len() >= kc * NR);
        match self {
            Kernel::Portable => micro_portable(kc, a, b, tile),
            // SAFETY: selected only when the CPU reports AVX2; lengths checked above.
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => unsafe { micro_avx2(kc, a, b, tile) },
            // SAFETY: selected only when the CPU reports AVX-512F and DQ; lengths checked above.
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => unsafe { micro_avx512(kc, a, b, tile) },
        }
    }
}

#[inline(always)]
fn micro_portable(kc: usize, a: &[u64], b: &[u64], tile: &mut [u64; MR * NR]) {
    let mut acc = [[0u64; NR]; MR];
    for (ak, bk) in a.chunks_exact(MR).zip(b.chunks_exact(NR)).take(kc) {
        for (row, &ai) in acc.iter_mut().zip(ak) {
            for (cv, &bj) in row.iter_mut().zip(bk) {
                *cv = cv.wrapping_add(ai.wrapping_mul(bj));
            }
        }
    }
    for (dst, row) in tile.chunks_exact_mut(NR).zip(&acc) {
        dst.copy_from_slice(row);
    }
}

/// The portable kernel compiled with AVX2 enabled (LLVM vectorises the wrapping multiply as
/// three 32-bit `vpmuludq` and shifts).
///
/// SAFETY: the CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn micro_avx2(kc: usize, a: &[u64], b: &[u64], tile: &mut [u64; MR * NR]) {
    micro_portable(kc, a, b, tile)
}

/// The AVX-512DQ kernel: 8 x 16 accumulators in 16 `zmm` registers, one `vpmullq` and one
/// `vpaddq` per 8 multiply-accumulates.
///
/// SAFETY: the CPU must support AVX-512F and AVX-512DQ; `a` holds `kc x MR` and `b` `kc x NR`
/// elements.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
// The AVX-512 target features and intrinsics are stable since Rust 1.89; the crate's declared
// rust-version (1.86) predates them (the toolchain in use is 1.95; see docs/performance.md).
#[allow(clippy::incompatible_msrv)]
unsafe fn micro_avx512(kc: usize, a: &[u64], b: &[u64], tile: &mut [u64; MR * NR]) {
    use std::arch::x86_64::*;
    let mut c0 = [_mm512_setzero_si512(); MR];
    let mut c1 = [_mm512_setzero_si512(); MR];
    let ap = a.as_ptr();
    let bp = b.as_ptr();
    for kk in 0..kc {
        // SAFETY: kk < kc, so the NR elements at kk*NR and the MR at kk*MR are in bounds.
        let (b0, b1) = unsafe {
            (
                _mm512_loadu_si512(bp.add(kk * NR).cast()),
                _mm512_loadu_si512(bp.add(kk * NR + 8).cast()),
            )
        };
        for i in 0..MR {
            // SAFETY: as above.
            let ai = _mm512_set1_epi64(unsafe { *ap.add(kk * MR + i) } as i64);
            c0[i] = _mm512_add_epi64(c0[i], _mm512_mullo_epi64(ai, b0));
            c1[i] = _mm512_add_epi64(c1[i], _mm512_mullo_epi64(ai, b1));
        }
    }
    let tp = tile.as_mut_ptr();
    for i in 0..MR {
        // SAFETY: the tile holds MR x NR elements.
        unsafe {
            _mm512_storeu_si512(tp.add(i * NR).cast(), c0[i]);
            _mm512_storeu_si512(tp.add(i * NR + 8).cast(), c1[i]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operands(m: usize, k: usize, p: usize, seed: u64) -> (Vec<u64>, Vec<u64>, Vec<u64>) {
        let mix = |i: usize, s: u64| {
            let mut z = (i as u64 ^ s).wrapping_add(0x9E37_79B9_7F4A_7C15);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        (
            (0..m * k).map(|i| mix(i, seed)).collect(),
            (0..k * p).map(|i| mix(i, seed ^ 0xABCD)).collect(),
            (0..m * p).map(|i| mix(i, seed ^ 0x1234)).collect(),
        )
    }

    fn check(opts: GemmOptions, m: usize, k: usize, p: usize) {
        let (a, b, c0) = operands(m, k, p, (m * 1_000_003 + k * 1009 + p) as u64);
        let mut want = c0.clone();
        gemm_naive(m, k, p, &a, &b, &mut want);
        let mut got = c0;
        gemm_wrapping_with(opts, m, k, p, &a, &b, &mut got);
        assert_eq!(got, want, "{opts:?} {m}x{k}x{p}");
    }

    /// Sizes below and above MR, NR, KC, MC (and a column count above NC via a thin product).
    const SIZES: &[(usize, usize, usize)] = &[
        (1, 1, 1),
        (1, 7, 1),
        (3, 5, 2),
        (7, 300, 513),
        (8, 16, 16),
        (9, 17, 33),
        (17, 257, 15),
        (129, 3, 31),
        (130, 258, 47),
        (2, 3, 2 * NC + 5),
        (0, 4, 3),
        (3, 0, 4),
        (5, 4, 0),
    ];

    #[test]
    fn portable_path_matches_naive() {
        for &(m, k, p) in SIZES {
            check(
                GemmOptions {
                    simd: Simd::Portable,
                    threads: 1,
                },
                m,
                k,
                p,
            );
        }
    }

    #[test]
    fn simd_path_matches_naive() {
        for &(m, k, p) in SIZES {
            check(
                GemmOptions {
                    simd: Simd::Auto,
                    threads: 1,
                },
                m,
                k,
                p,
            );
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx2_path_matches_naive_when_available() {
        if !std::arch::is_x86_feature_detected!("avx2") {
            return;
        }
        for &(m, k, p) in SIZES {
            let (a, b, c0) = operands(m, k, p, 5);
            let mut want = c0.clone();
            gemm_naive(m, k, p, &a, &b, &mut want);
            let mut got = c0;
            let cv = MatMut::new(&mut got, p);
            if m * k * p > 0 {
                // SAFETY: `cv` is all of `got`.
                unsafe { gemm_serial(Kernel::Avx2, m, k, p, &a, k, &b, p, cv) };
            }
            assert_eq!(got, want, "avx2 {m}x{k}x{p}");
        }
    }

    #[test]
    fn threaded_paths_match_naive() {
        // Above PARALLEL_MIN_MACS; split by rows (m >= p) and by columns (p > m).
        for &(m, k, p) in &[(131, 129, 130), (37, 300, 259), (300, 90, 85)] {
            for simd in [Simd::Auto, Simd::Portable] {
                check(GemmOptions { simd, threads: 3 }, m, k, p);
            }
        }
    }

    #[test]
    fn batch_matches_per_entry_products() {
        let (m, k, p) = (5, 33, 19);
        let (a, b, _) = operands(3 * m, k, 2 * p, 9);
        // a has three m x k entries, b two k x p entries, used with broadcasting.
        let ao = [0, m * k, 2 * m * k, m * k];
        let bo = [0, 0, k * p, k * p];
        for threads in [1, 2, 4] {
            let mut got = vec![1u64; 4 * m * p];
            // Small: runs entry by entry whatever the thread count.
            let opts = GemmOptions {
                simd: Simd::Auto,
                threads,
            };
            gemm_batch_with(opts, m, k, p, &a, &ao, &b, &bo, &mut got);
            let mut want = vec![1u64; 4 * m * p];
            for i in 0..4 {
                gemm_naive(
                    m,
                    k,
                    p,
                    &a[ao[i]..ao[i] + m * k],
                    &b[bo[i]..bo[i] + k * p],
                    &mut want[i * m * p..(i + 1) * m * p],
                );
            }
            assert_eq!(got, want, "threads {threads}");
        }
        // A batch large enough to be spread over threads.
        let (m, k, p) = (16, 64, 64);
        let nb = 40;
        let (a, b, _) = operands(nb * m, k, p, 11);
        let ao: Vec<usize> = (0..nb).map(|i| i * m * k).collect();
        let bo = vec![0; nb];
        let mut got = vec![0u64; nb * m * p];
        gemm_batch_with(
            GemmOptions {
                simd: Simd::Auto,
                threads: 2,
            },
            m,
            k,
            p,
            &a,
            &ao,
            &b,
            &bo,
            &mut got,
        );
        let mut want = vec![0u64; nb * m * p];
        for i in 0..nb {
            gemm_naive(
                m,
                k,
                p,
                &a[ao[i]..ao[i] + m * k],
                &b,
                &mut want[i * m * p..(i + 1) * m * p],
            );
        }
        assert_eq!(got, want);
    }

    #[test]
    fn kernel_name_is_known() {
        assert!(["avx512dq", "avx2", "portable"].contains(&kernel_name(Simd::Auto)));
        assert_eq!(kernel_name(Simd::Portable), "portable");
    }
}
