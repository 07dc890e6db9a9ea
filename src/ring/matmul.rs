//! Wrapping `u64` matrix multiply: the exec backend's kernel for Beaver matmuls and the dealer.
//!
//! `c += a @ b` over Z_2^64 with row-major `a (m x k)`, `b (k x p)`, `c (m x p)`. Cache-blocked
//! over `k` and `p` so a block of `b` stays in L2 while rows of `a` stream past; the innermost loop
//! is a contiguous `c_row[j] += a_ik * b_row[j]` that the compiler vectorises. Large products are
//! split by rows of `c` over the available cores (std scoped threads; no global pool).

const KC: usize = 256;
const PC: usize = 512;
/// Below this many multiply-accumulates a product runs on the calling thread.
const PARALLEL_MIN_MACS: usize = 1 << 22;

/// `c += a @ b` over the ring (wrapping). Panics if a slice length does not match its shape.
pub fn gemm_wrapping(m: usize, k: usize, p: usize, a: &[u64], b: &[u64], c: &mut [u64]) {
    assert_eq!(
        a.len(),
        m * k,
        "gemm: a has {} elements, expected {m}x{k}",
        a.len()
    );
    assert_eq!(
        b.len(),
        k * p,
        "gemm: b has {} elements, expected {k}x{p}",
        b.len()
    );
    assert_eq!(
        c.len(),
        m * p,
        "gemm: c has {} elements, expected {m}x{p}",
        c.len()
    );
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    if threads > 1 && m >= 2 * threads && m * k * p >= PARALLEL_MIN_MACS {
        let rows_per = m.div_ceil(threads);
        std::thread::scope(|s| {
            for (ci, cchunk) in c.chunks_mut(rows_per * p).enumerate() {
                let rows = cchunk.len() / p;
                let achunk = &a[ci * rows_per * k..(ci * rows_per + rows) * k];
                s.spawn(move || gemm_serial(rows, k, p, achunk, b, cchunk));
            }
        });
    } else {
        gemm_serial(m, k, p, a, b, c);
    }
}

fn gemm_serial(m: usize, k: usize, p: usize, a: &[u64], b: &[u64], c: &mut [u64]) {
    for k0 in (0..k).step_by(KC) {
        let k1 = (k0 + KC).min(k);
        for p0 in (0..p).step_by(PC) {
            let p1 = (p0 + PC).min(p);
            for i in 0..m {
                let crow = &mut c[i * p + p0..i * p + p1];
                let arow = &a[i * k..(i + 1) * k];
                for kk in k0..k1 {
                    let aik = arow[kk];
                    let brow = &b[kk * p + p0..kk * p + p1];
                    for (cv, &bv) in crow.iter_mut().zip(brow) {
                        *cv = cv.wrapping_add(aik.wrapping_mul(bv));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_naive_on_odd_sizes() {
        let (m, k, p) = (7, 300, 513);
        let a: Vec<u64> = (0..m * k)
            .map(|i| (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .collect();
        let b: Vec<u64> = (0..k * p)
            .map(|i| (i as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9) ^ 7)
            .collect();
        let mut c = vec![0u64; m * p];
        gemm_wrapping(m, k, p, &a, &b, &mut c);
        for i in 0..m {
            for j in 0..p {
                let mut s = 0u64;
                for kk in 0..k {
                    s = s.wrapping_add(a[i * k + kk].wrapping_mul(b[kk * p + j]));
                }
                assert_eq!(c[i * p + j], s, "at ({i},{j})");
            }
        }
    }
}
