//! Fuzz the JSONL reader through `readers::open`: plain, gzip, zstd or LZ4 by the bytes' magic.
//! Checks: no panic, no hang, every item a document or a record error.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| common::read_as(tamis::readers::InputFormat::Jsonl, data, 10_000));
