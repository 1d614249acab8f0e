//! The MinHash inner loop: `min over shingles of mod_p((h·a + b) mod 2^64)` for every permutation.
//!
//! This loop is most of a signature's cost (112 multiply-adds per shingle at FineWeb's settings).
//! Written once on fixed-size blocks of [`LANES`] permutations whose minima stay in registers while
//! every shingle goes by, and compiled three times: for AVX-512 (native 64-bit multiply and unsigned
//! min), for AVX2 (the compiler emulates both with 32-bit multiplies and compares) and for the
//! x86-64 baseline. The fastest one the CPU has is chosen once, at run time, so one binary runs
//! everywhere; all three compute the same values bit for bit (the arithmetic is integer and
//! exact). Choosing needs `unsafe` (calling a `target_feature` function), hence this module's
//! allowance: the call happens only after `is_x86_feature_detected!` confirmed the features.
#![allow(unsafe_code)]

/// Permutations per block; the permutation arrays are padded to a multiple of it.
/// The Mersenne prime 2^61 − 1 that datatrove's permutations work modulo.
pub const MERSENNE_61: u64 = (1 << 61) - 1;

pub const LANES: usize = 8;

/// Which compiled copy of the loop runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    Avx512,
    Avx2,
    Baseline,
}

impl Kernel {
    /// The fastest copy this CPU can run (`TAMIS_MINHASH_KERNEL=baseline|avx2` forces a slower
    /// one, for comparisons and tests).
    pub fn detect() -> Kernel {
        let forced = std::env::var("TAMIS_MINHASH_KERNEL").ok();
        #[cfg(target_arch = "x86_64")]
        {
            let avx512 = std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512dq")
                && std::arch::is_x86_feature_detected!("avx512vl");
            let avx2 = std::arch::is_x86_feature_detected!("avx2");
            match forced.as_deref() {
                Some("baseline") => return Kernel::Baseline,
                Some("avx2") if avx2 => return Kernel::Avx2,
                _ => {}
            }
            if avx512 {
                return Kernel::Avx512;
            }
            if avx2 {
                return Kernel::Avx2;
            }
        }
        let _ = forced;
        Kernel::Baseline
    }

    /// Writes the unreduced minima (values in `[0, p + 7]`) of every permutation into `mins`
    /// (`a`, `b` and `mins` have equal lengths, a multiple of [`LANES`]) and returns the largest
    /// unreduced value: at least `p` iff some minimum may need an exact recomputation.
    pub fn unreduced_mins(self, shingles: &[u64], a: &[u64], b: &[u64], mins: &mut [u64]) -> u64 {
        assert!(a.len() == b.len() && a.len() == mins.len() && a.len().is_multiple_of(LANES));
        match self {
            // The features are checked again (a cached load) so that no value of `Kernel`, however
            // made, can run instructions the CPU lacks.
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512
                if std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512dq")
                    && std::arch::is_x86_feature_detected!("avx512vl") =>
            {
                // SAFETY: the CPU has the features `mins_avx512` is compiled for (checked above).
                unsafe { mins_avx512(shingles, a, b, mins) }
            }
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 if std::arch::is_x86_feature_detected!("avx2") => {
                // SAFETY: the CPU has AVX2 (checked above).
                unsafe { mins_avx2(shingles, a, b, mins) }
            }
            _ => mins_blocks(shingles, a, b, mins),
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl")]
unsafe fn mins_avx512(shingles: &[u64], a: &[u64], b: &[u64], mins: &mut [u64]) -> u64 {
    mins_blocks(shingles, a, b, mins)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn mins_avx2(shingles: &[u64], a: &[u64], b: &[u64], mins: &mut [u64]) -> u64 {
    mins_blocks(shingles, a, b, mins)
}

#[inline(always)]
fn mins_blocks(shingles: &[u64], a: &[u64], b: &[u64], mins: &mut [u64]) -> u64 {
    let mut max = 0;
    for ((a, b), out) in a
        .chunks_exact(LANES)
        .zip(b.chunks_exact(LANES))
        .zip(mins.chunks_exact_mut(LANES))
    {
        // Always true (exact chunks); the arrays let the compiler keep a block in registers.
        if let (Ok(a), Ok(b), Ok(out)) = (a.try_into(), b.try_into(), out.try_into()) {
            max = max.max(block(shingles, a, b, out));
        }
    }
    max
}

/// One block: `y = (x & p) + (x >> 61)` is `x mod p` except when `y ≥ p`, which happens with
/// probability ~8/2^61 per value; the minimum is taken unreduced and the maximum tells whether the
/// rare case occurred (the caller then recomputes exactly). One max per value is the cheapest such
/// witness: the loop is bound by the vector ports, about ten operations per value.
#[inline(always)]
fn block(shingles: &[u64], a: &[u64; LANES], b: &[u64; LANES], out: &mut [u64; LANES]) -> u64 {
    let mut m = [u64::MAX; LANES];
    let mut hi = [0u64; LANES];
    for &h in shingles {
        for j in 0..LANES {
            let x = h.wrapping_mul(a[j]).wrapping_add(b[j]);
            let y = (x & MERSENNE_61) + (x >> 61);
            hi[j] = hi[j].max(y);
            m[j] = m[j].min(y);
        }
    }
    *out = m;
    hi.iter().fold(0, |f, &x| f.max(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kernel_this_cpu_has_computes_the_same_minima() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let a: Vec<u64> = (0..2 * LANES).map(|_| next() % MERSENNE_61).collect();
        let b: Vec<u64> = (0..2 * LANES).map(|_| next() % MERSENNE_61).collect();
        let shingles: Vec<u64> = (0..300).map(|_| next()).collect();
        let expected: Vec<u64> = a
            .iter()
            .zip(&b)
            .map(|(&a, &b)| {
                shingles
                    .iter()
                    .map(|&h| {
                        let x = h.wrapping_mul(a).wrapping_add(b);
                        (x & MERSENNE_61) + (x >> 61)
                    })
                    .min()
                    .unwrap()
            })
            .collect();
        let mut kernels = vec![Kernel::Baseline];
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                kernels.push(Kernel::Avx2);
            }
            if Kernel::detect() == Kernel::Avx512 {
                kernels.push(Kernel::Avx512);
            }
        }
        for k in kernels {
            let mut mins = vec![0; a.len()];
            k.unreduced_mins(&shingles, &a, &b, &mut mins);
            assert_eq!(mins, expected, "{k:?}");
        }
    }
}
