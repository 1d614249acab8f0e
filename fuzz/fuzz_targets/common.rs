//! What the reader targets share: fuzz bytes as an input file read through `tamis::readers::open`,
//! the path every run takes (format from the config, compression from magic bytes).

use std::io::Write;
use tamis::readers::{self, InputConfig, InputFile, InputFormat};
use tamis::Error;

/// Write `data` to this process's scratch file and read it as `format`: every item must be a
/// document or a record error (never an I/O or fatal error: the file itself is fine), and at most
/// `limit` items are taken (a few bytes can claim millions of empty records).
pub fn read_as(format: InputFormat, data: &[u8], limit: usize) {
    let path = std::env::temp_dir().join(format!("tamis-fuzz-{}-{format:?}", std::process::id()));
    let mut f = std::fs::File::create(&path).expect("scratch file");
    f.write_all(data).expect("scratch file");
    drop(f);
    let input = InputFile {
        path,
        format,
        size: data.len() as u64,
        error: None,
    };
    // A small record cap keeps libFuzzer's RSS limit for real leaks, not for one big record.
    let config = InputConfig {
        max_record_bytes: 1 << 20,
        ..InputConfig::default()
    };
    for item in readers::open(&input, &config, None).take(limit) {
        match item {
            Ok(doc) => assert!(doc.byte_len() as u64 <= 64 << 20),
            Err(Error::Record { kind, .. }) => assert!(readers::ERROR_KINDS.contains(&kind) || kind == "panic", "{kind}"),
            Err(other) => panic!("not a record error: {other}"),
        }
    }
}
