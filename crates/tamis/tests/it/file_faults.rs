//! Whole-file faults (a dangling or looping symlink, a corrupt or text-less Parquet file, a file gone
//! between listing and reading) are each one counted `read` error listed in the report, and the run
//! goes on with the other files; directory walks never loop and never read a file twice;
//! `input.max_errors` (`--strict`) stops at the first error beyond it, and the stopped run can go on
//! without it.

use crate::common::{basic_pipeline, output_files, run_into, words};
use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::symlink;
use std::path::Path;
use tamis::readers::{self, InputFormat};
use tamis::Error;

fn write_docs(path: &Path, prefix: &str, n: usize) {
    let mut f = std::fs::File::create(path).unwrap();
    for i in 0..n {
        let doc =
            serde_json::json!({"id": format!("{prefix}{i}"), "text": words(i as u64 + prefix.len() as u64 * 1000, 40)});
        writeln!(f, "{doc}").unwrap();
    }
}

/// Two good files and, around them, one of each fault; returns the faults' kinds by file name.
fn faulty_tree(dir: &Path) -> BTreeMap<String, &'static str> {
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    write_docs(&dir.join("a.jsonl"), "a", 30);
    write_docs(&dir.join("sub/b.jsonl"), "b", 20);
    symlink("missing.jsonl", dir.join("dangling.jsonl")).unwrap();
    symlink("loop-b.jsonl", dir.join("loop-a.jsonl")).unwrap();
    symlink("loop-a.jsonl", dir.join("loop-b.jsonl")).unwrap();
    // A directory loop and a second way to a file already read: neither is an error.
    symlink("..", dir.join("sub/up")).unwrap();
    symlink("../a.jsonl", dir.join("sub/a-again.jsonl")).unwrap();
    std::fs::write(dir.join("corrupt.parquet"), b"PAR1 not a parquet file at all PAR1").unwrap();
    write_parquet_without_text(&dir.join("notext.parquet"));
    [
        ("corrupt.parquet", "corrupt_file"),
        ("dangling.jsonl", "bad_symlink"),
        ("loop-a.jsonl", "bad_symlink"),
        ("loop-b.jsonl", "bad_symlink"),
        ("notext.parquet", "no_text_column"),
    ]
    .into_iter()
    .map(|(f, k)| (dir.join(f).to_string_lossy().into_owned(), k))
    .collect()
}

fn write_parquet_without_text(path: &Path) {
    use arrow_array::{RecordBatch, StringArray};
    use arrow_schema::{DataType, Field, Schema};
    use std::sync::Arc;
    let schema = Arc::new(Schema::new(vec![Field::new("body", DataType::Utf8, false)]));
    let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(StringArray::from(vec!["x", "y"]))]).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(std::fs::File::create(path).unwrap(), schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

#[test]
fn every_faulty_file_is_one_listed_error_and_the_good_files_are_read() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let faults = faulty_tree(&input);
    let (files, skipped) = readers::collect_inputs(std::slice::from_ref(&input), InputFormat::Auto).unwrap();
    // Walked once: `sub/up` leads back to the root, and `sub/a-again.jsonl` is `a.jsonl`.
    assert_eq!(files.len(), 2 + faults.len(), "{files:#?}");
    assert_eq!(skipped, vec![input.join("sub/a-again.jsonl")]);

    for threads in [1, 3] {
        let out = tmp.path().join(format!("out{threads}"));
        let report = run_into(&basic_pipeline(), &input, &out, threads).unwrap();
        let failed: BTreeMap<_, _> = report
            .inputs
            .failed_files
            .iter()
            .map(|e| (e.file.clone(), e.kind.as_str()))
            .collect();
        assert_eq!(failed, faults);
        assert!(report
            .inputs
            .failed_files
            .iter()
            .all(|e| e.record == 0 && e.stage == "read"));
        let read = &report.stages[0];
        assert_eq!(read.docs_in, 50 + faults.len() as u64);
        assert_eq!(read.errors_total(), faults.len() as u64);
        assert_eq!(read.errors.get("bad_symlink"), Some(&3));
        assert_eq!(report.documents.errors, faults.len() as u64);
        assert_eq!(report.documents.kept + report.documents.removed, 50);
        let message = |name: &str| {
            let file = input.join(name).to_string_lossy().into_owned();
            report
                .inputs
                .failed_files
                .iter()
                .find(|e| e.file == file)
                .unwrap()
                .message
                .clone()
        };
        assert!(
            message("dangling.jsonl").contains("\"missing.jsonl\""),
            "{}",
            message("dangling.jsonl")
        );
        assert!(
            message("notext.parquet").contains("its columns: body"),
            "{}",
            message("notext.parquet")
        );
    }
    assert_eq!(
        output_files(&tmp.path().join("out1")),
        output_files(&tmp.path().join("out3"))
    );
}

#[test]
fn a_file_gone_after_listing_is_an_unreadable_file_error() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("x.jsonl");
    write_docs(&path, "x", 3);
    let (files, _) = readers::collect_inputs(std::slice::from_ref(&path), InputFormat::Auto).unwrap();
    std::fs::remove_file(&path).unwrap();
    let items: Vec<_> = readers::open(&files[0], &Default::default(), None).collect();
    assert_eq!(items.len(), 1);
    let Err(Error::Record { kind, location, .. }) = &items[0] else {
        panic!("{:?}", items[0])
    };
    assert_eq!((*kind, location.record), ("unreadable_file", 0));
}

#[test]
fn no_readable_input_at_all_is_said_before_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let err = run_into(
        &basic_pipeline(),
        &tmp.path().join("typo.jsonl"),
        &tmp.path().join("out"),
        1,
    )
    .unwrap_err();
    assert!(err.to_string().contains("typo.jsonl: No such file"), "{err}");
    assert!(
        !tmp.path().join("out").exists(),
        "nothing is created for a run that cannot start"
    );
}

#[test]
fn max_errors_stops_beyond_the_budget_and_the_run_goes_on_without_it() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let faults = faulty_tree(&input);
    let reference = run_into(&basic_pipeline(), &input, &tmp.path().join("ref"), 2).unwrap();

    let mut within = basic_pipeline();
    within.input.max_errors = Some(faults.len() as u64);
    let report = run_into(&within, &input, &tmp.path().join("within"), 2).unwrap();
    assert_eq!(report.documents, reference.documents);

    let mut strict = basic_pipeline();
    strict.input.max_errors = Some(0);
    let out = tmp.path().join("strict");
    let err = run_into(&strict, &input, &out, 2).unwrap_err().to_string();
    // The first error in input order: `corrupt.parquet` sorts first.
    assert!(err.contains("corrupt.parquet record 0: corrupt_file"), "{err}");
    assert!(err.contains("stopped at error 1 of the run"), "{err}");
    assert!(!out.join("report.json").exists());
    // Nothing the last saved checkpoint does not cover stays in place (no checkpoint was saved).
    let shards: Vec<_> = ["kept", "removed"]
        .iter()
        .flat_map(|d| std::fs::read_dir(out.join(d)).unwrap())
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("part-"))
        .collect();
    assert!(shards.is_empty(), "{shards:?}");
    // Rerun on the same output without the budget: it resumes and ends as a run without one.
    let resumed = run_into(&basic_pipeline(), &input, &out, 2).unwrap();
    assert_eq!(resumed.documents, reference.documents);
    assert_eq!(output_files(&out), output_files(&tmp.path().join("ref")));

    let mut two = basic_pipeline();
    two.input.max_errors = Some(2);
    let err = run_into(&two, &input, &tmp.path().join("two"), 2)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("stopped at error 3 of the run: input.max_errors is 2"),
        "{err}"
    );
}
