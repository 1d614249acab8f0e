//! Runs over the real WARC/WET samples in `../shared/data` when present; skipped cleanly otherwise.

use crate::common::*;
use std::path::PathBuf;

fn samples() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/warc-samples");
    p.is_dir().then_some(p)
}

#[test]
fn real_warc_samples_run_with_balanced_totals() {
    let Some(dir) = samples() else {
        eprintln!("skipped: ../shared/data/warc-samples not present");
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let report = run_into(&basic_pipeline(), &dir, out.path(), 2).unwrap();
    assert!(report.documents.balanced());
    // The clipped file is an error with its offset, not short text.
    assert!(report
        .errors_sample
        .iter()
        .any(|e| e.file.ends_with("clipped.warc.gz") && e.kind == "truncated_record" && e.offset.is_some()));
    // Every valid record of the well-formed Common Crawl and wget files is read.
    let read = &report.stages[0];
    assert!(read.kept >= 1 + 1 + 24 + 17, "{read:?}");
    // The Common Crawl WET record arrives as text.
    let kept = read_back(&out.path().join("kept"));
    assert!(kept
        .iter()
        .any(|d| d.metadata.get("warc_type").is_some_and(|t| t == "conversion")));
}
