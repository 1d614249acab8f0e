//! Fuzz the Parquet reader through `readers::open` (footer, schema, pages, column types). Checks:
//! no panic escapes, no hang, every item a document or a record error (a bad file is one
//! `corrupt_file`/`no_text_column` error).
//!
//! The reader catches panics of the Parquet/Arrow libraries on corrupt files (arrow-ipc 59.3
//! panics on some corrupt embedded Arrow schemas). libfuzzer-sys's panic hook aborts even on a
//! caught panic, so this target puts Rust's default hook back: a panic that escapes the reader is
//! still a crash, through libfuzzer-sys's own `catch_unwind` around each input.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        let _ = std::panic::take_hook();
    },
    |data: &[u8]| common::read_as(tamis::readers::InputFormat::Parquet, data, 10_000)
);
