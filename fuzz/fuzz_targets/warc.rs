//! Fuzz the WARC/ARC/WET reader through `readers::open`: plain, gzip members (with resync after a
//! damaged member) or LZ4 frames, chosen by the bytes' own magic. Checks: no panic, no hang, every
//! item a document or a record error.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| common::read_as(tamis::readers::InputFormat::Warc, data, 10_000));
