//! Fuzz the member-aware gzip reader on its own: read to the end, resyncing after every error as
//! the WARC reader does. Checks: no panic, no hang, progress (each resync moves forward), and the
//! member offset never passes the input's length.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::Read;
use tamis::readers::gzip::GzMembers;

fuzz_target!(|data: &[u8]| {
    let mut gz = GzMembers::new(data);
    let mut buf = vec![0u8; 64 << 10];
    let mut out = 0u64;
    // Bounded: a few bytes can inflate to gigabytes.
    while out < 64 << 20 {
        match gz.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out += n as u64,
            Err(_) => {
                let before = gz.member_offset();
                match gz.resync() {
                    Ok(true) => assert!(gz.member_offset() > before, "resync must move forward"),
                    Ok(false) | Err(_) => break,
                }
            }
        }
        assert!(gz.member_offset() <= data.len() as u64);
    }
});
