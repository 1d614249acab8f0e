//! Reading `kept/` back, in each output format, gives the documents that were written.

use crate::common::*;
use tamis::writers::OutputFormat;

/// id, text, url, metadata of a document.
type Record = (String, String, Option<String>, serde_json::Value);

#[test]
fn kept_output_reads_back_identically_in_all_formats() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    write_jsonl_corpus(&input, 300);
    let mut reference: Option<Vec<Record>> = None;
    for format in [OutputFormat::JsonlZst, OutputFormat::Jsonl, OutputFormat::Parquet] {
        let out = dir.path().join(format.extension());
        let mut config = basic_pipeline();
        config.output.format = format;
        let report = run_into(&config, &input, &out, 2).unwrap();
        let docs = read_back(&out.join("kept"));
        assert_eq!(docs.len() as u64, report.documents.kept, "{format:?}");
        let mut got: Vec<_> = docs
            .into_iter()
            .map(|d| {
                let mut meta = d.metadata.clone();
                // `origin` names the input record; it differs only in the input file path.
                assert!(meta.remove("origin").is_some());
                (
                    d.id.clone(),
                    d.text().unwrap().to_string(),
                    d.url.clone(),
                    serde_json::Value::Object(meta),
                )
            })
            .collect();
        got.sort_by(|a, b| a.0.cmp(&b.0));
        // The kept documents are exactly the input's unique, long-enough documents.
        assert!(got
            .iter()
            .all(|(id, text, _, _)| id.starts_with('d') && text.split_whitespace().count() >= 20));
        match &reference {
            None => reference = Some(got),
            Some(r) => assert_eq!(r, &got, "{format:?} differs from jsonl.zst"),
        }
    }
}

#[test]
fn removed_documents_keep_their_text_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    write_jsonl_corpus(&input, 100);
    let out = dir.path().join("out");
    let report = run_into(&basic_pipeline(), &input, &out, 1).unwrap();
    let removed = read_back(&out.join("removed"));
    assert_eq!(removed.len() as u64, report.documents.removed);
    for d in &removed {
        let by = d.metadata["removed_by"].as_str().unwrap();
        assert!(by == "length.too_short" || by == "exact_dedup.duplicate", "{by}");
        assert!(!d.text().unwrap().is_empty());
    }
    assert!(removed
        .iter()
        .any(|d| d.metadata["removed_by"] == "exact_dedup.duplicate"));
}
