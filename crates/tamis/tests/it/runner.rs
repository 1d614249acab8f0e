//! The runner: determinism across thread counts, resume after a crash, accounting, fatal errors.

use crate::common::*;
use proptest::prelude::*;
use tamis::PipelineConfig;

fn small_shards() -> PipelineConfig {
    let mut config = basic_pipeline();
    config.output.shard_docs = 500;
    config
}

#[test]
fn output_is_byte_identical_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    write_jsonl_corpus(&input, 3000);
    let config = small_shards();
    let mut outputs = Vec::new();
    for threads in [1, 2, 4] {
        let out = dir.path().join(format!("t{threads}"));
        let report = run_into(&config, &input, &out, threads).unwrap();
        assert!(report.documents.balanced());
        outputs.push(output_files(&out));
    }
    assert!(
        outputs[0].len() >= 6,
        "expected several shards, got {}",
        outputs[0].len()
    );
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0], outputs[2]);
}

#[test]
fn an_abandoned_run_resumes_to_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    write_jsonl_corpus(&input, 4000);
    let config = small_shards();
    let full = dir.path().join("full");
    let full_report = run_into(&config, &input, &full, 2).unwrap();

    let out = dir.path().join("resumed");
    let crashed = crate::common::run_abandoned(&config, &input, &out, 3);
    assert!(crashed.is_err());
    // The crash left a half-written shard behind and no report.
    let leftovers: Vec<_> = std::fs::read_dir(out.join("kept"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(leftovers.iter().any(|n| n.ends_with(".tmp")), "{leftovers:?}");
    assert!(!out.join("report.json").exists());

    let resumed = run_into(&config, &input, &out, 1).unwrap();
    assert_eq!(output_files(&full), output_files(&out));
    assert_eq!(full_report.documents, resumed.documents);
    assert_eq!(
        full_report
            .stages
            .iter()
            .map(|s| (&s.name, s.docs_in, s.kept, &s.dropped, &s.errors))
            .collect::<Vec<_>>(),
        resumed
            .stages
            .iter()
            .map(|s| (&s.name, s.docs_in, s.kept, &s.dropped, &s.errors))
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_finished_output_refuses_other_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.jsonl");
    let b = dir.path().join("b.jsonl");
    write_jsonl_corpus(&a, 50);
    write_jsonl_corpus(&b, 60);
    let out = dir.path().join("out");
    run_into(&basic_pipeline(), &a, &out, 1).unwrap();
    // Same inputs again: already complete, same totals.
    let again = run_into(&basic_pipeline(), &a, &out, 1).unwrap();
    assert_eq!(again.documents.docs_in, 50);
    let err = run_into(&basic_pipeline(), &b, &out, 1).unwrap_err();
    assert!(err.to_string().contains("other inputs"), "{err}");
}

#[test]
fn unreadable_input_and_output_paths_are_fatal_with_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.jsonl");
    let err = run_into(&basic_pipeline(), &missing, &dir.path().join("o"), 1).unwrap_err();
    assert!(err.to_string().contains("nope.jsonl"), "{err}");
    let input = dir.path().join("in.jsonl");
    write_jsonl_corpus(&input, 10);
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, b"x").unwrap();
    let err = run_into(&basic_pipeline(), &input, &blocker.join("out"), 1).unwrap_err();
    assert!(err.to_string().contains("file"), "{err}");
}

#[test]
fn annotate_mode_records_verdicts_and_drops_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    write_jsonl_corpus(&input, 100);
    let config = PipelineConfig::from_toml("[[stages]]\ntype = \"length\"\nmin_words = 20\nannotate = true\n").unwrap();
    let out = dir.path().join("out");
    let report = run_into(&config, &input, &out, 2).unwrap();
    assert_eq!(report.documents.removed, 0);
    let length = &report.stages[1];
    assert_eq!(length.flagged.get("too_short"), Some(&10));
    let kept = read_back(&out.join("kept"));
    let flagged = kept
        .iter()
        .filter(|d| d.metadata.get("flagged_by").is_some_and(|f| f[0] == "length.too_short"))
        .count();
    assert_eq!(flagged, 10);
}

#[test]
fn record_errors_are_counted_with_their_location() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let (_, bad) = write_jsonl_corpus(&input, 500);
    let report = run_into(&basic_pipeline(), &input, &dir.path().join("o"), 2).unwrap();
    assert_eq!(report.documents.errors, bad);
    assert_eq!(report.stages[0].errors.get("bad_json"), Some(&bad));
    let first = &report.errors_sample[0];
    assert_eq!(first.record, 13);
    assert!(first.file.ends_with("in.jsonl"));
    assert!(first.offset.unwrap() > 0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever the lines, every document is kept, removed or an error, in every stage and overall.
    #[test]
    fn every_document_is_accounted_for(lines in proptest::collection::vec(
        prop_oneof![
            "[a-z ]{0,80}".prop_map(|t| serde_json::json!({"text": t}).to_string()),
            "\\PC{0,40}",
            Just("{\"text\": 5}".to_string()),
            Just("{\"text\": \"same same same\"}".to_string()),
        ], 0..60), threads in 1usize..4) {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.jsonl");
        std::fs::write(&input, lines.join("\n")).unwrap();
        let mut config = basic_pipeline();
        config.output.shard_docs = 7;
        let report = run_into(&config, &input, &dir.path().join("o"), threads).unwrap();
        let t = report.documents;
        prop_assert!(t.balanced());
        prop_assert_eq!(t.docs_in, report.stages[0].docs_in);
        for s in &report.stages {
            prop_assert!(s.balanced(), "{:?}", s);
        }
        // Blank lines are not records; every other line is exactly one input document.
        let records = lines.iter().filter(|l| !l.bytes().all(|b| b.is_ascii_whitespace())).count() as u64;
        prop_assert_eq!(t.docs_in, records);
    }
}
