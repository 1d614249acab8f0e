//! Whole-member raw-deflate decompression with libdeflate, the fast path of `gzip.rs`.
//!
//! Common Crawl WARC members are one record each (typically tens to hundreds of KB), small enough to
//! hold whole; for such buffers libdeflate inflates markedly faster than streaming zlib. Its safe Rust
//! wrapper (`libdeflater`) does not expose the `_ex` call that reports how many input bytes the member
//! used, which we need to find the gzip trailer, so this module calls libdeflate-sys directly. One of
//! two modules with `unsafe` (the other is `dedup/kernel.rs`): two FFI calls on valid slices, and the allocation it frees.
#![allow(unsafe_code)]

use libdeflate_sys as sys;

pub struct Inflater {
    raw: *mut sys::libdeflate_decompressor,
}

// The decompressor is plain heap state owned by this value; libdeflate keeps no thread affinity.
unsafe impl Send for Inflater {}

/// Outcome of one whole-member attempt.
pub enum Inflated {
    /// (compressed bytes used, decompressed bytes written)
    Done(usize, usize),
    /// The output buffer is too small.
    NeedSpace,
    /// Corrupt, or the member continues past the input given: let the streaming path decide.
    Failed,
}

impl Inflater {
    pub fn new() -> Option<Self> {
        // SAFETY: plain allocation; null is handled.
        let raw = unsafe { sys::libdeflate_alloc_decompressor() };
        (!raw.is_null()).then_some(Inflater { raw })
    }

    pub fn inflate(&mut self, input: &[u8], output: &mut [u8]) -> Inflated {
        let mut used = 0usize;
        let mut written = 0usize;
        // SAFETY: `raw` is a live decompressor; the pointers and lengths come from valid slices, and
        // libdeflate reads at most `input.len()` bytes and writes at most `output.len()` bytes.
        let r = unsafe {
            sys::libdeflate_deflate_decompress_ex(
                self.raw,
                input.as_ptr().cast(),
                input.len(),
                output.as_mut_ptr().cast(),
                output.len(),
                &mut used,
                &mut written,
            )
        };
        match r {
            sys::libdeflate_result_LIBDEFLATE_SUCCESS => Inflated::Done(used, written),
            sys::libdeflate_result_LIBDEFLATE_INSUFFICIENT_SPACE => Inflated::NeedSpace,
            _ => Inflated::Failed,
        }
    }
}

impl Drop for Inflater {
    fn drop(&mut self) {
        // SAFETY: allocated by libdeflate_alloc_decompressor and freed exactly once.
        unsafe { sys::libdeflate_free_decompressor(self.raw) }
    }
}
