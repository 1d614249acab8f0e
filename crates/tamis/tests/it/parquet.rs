//! Parquet shards: the typed schema seen by any Arrow reader, a typed column queried without JSON,
//! and tamis's own reader giving back the documents written (also from plain and corrupt files).

use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::{ArrowWriter, ProjectionMask};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Arc;
use tamis::writers::{self, OutputConfig, OutputFormat};
use tamis::{Document, Error, Source};

fn doc(n: u64, metadata: Value) -> Document {
    let mut d = Document::new_text(
        format!("d{n}"),
        format!("Document number {n}."),
        Source {
            file: "in.jsonl".into(),
            record: n,
            offset: None,
        },
    );
    d.url = n.is_multiple_of(2).then(|| format!("https://example.org/{n}"));
    if let Value::Object(m) = metadata {
        d.metadata = m;
    }
    d
}

/// Four languages in turn, with the keys a run adds; every tenth language is not a string.
fn corpus(n: u64) -> Vec<Document> {
    (0..n)
        .map(|i| {
            let language = match i % 10 {
                9 => json!(9),
                k => json!(["fr", "en", "de", "fr"][k as usize % 4]),
            };
            doc(
                i,
                json!({"title": format!("T{i}"), "language": language, "language_score": 0.5,
                       "tokens": {"o200k": i, "cl100k": i + 1}}),
            )
        })
        .collect()
}

fn write_shard(path: &Path, docs: &[Document]) {
    let config = OutputConfig {
        format: OutputFormat::Parquet,
        ..OutputConfig::default()
    };
    let mut w = writers::create(path, &config).unwrap();
    for (i, d) in docs.iter().enumerate() {
        w.write(d, i.is_multiple_of(7).then_some("length.too_short")).unwrap();
    }
    w.finish().unwrap();
}

/// tamis's reader over one Parquet file.
fn read_shard(path: &Path, text_field: &str) -> tamis::readers::DocIter {
    let input = tamis::readers::InputFile {
        path: path.to_path_buf(),
        format: tamis::readers::InputFormat::Parquet,
        size: 0,
        error: None,
    };
    let config = tamis::readers::InputConfig {
        text_field: text_field.into(),
        ..Default::default()
    };
    tamis::readers::open(&input, &config, None)
}

#[test]
fn shards_have_the_typed_schema_and_language_is_a_plain_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("part-00000.parquet");
    let docs = corpus(100);
    write_shard(&path, &docs);

    let builder = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&path).unwrap()).unwrap();
    let created_by = builder.metadata().file_metadata().created_by().unwrap();
    assert_eq!(created_by, format!("tamis {}", env!("CARGO_PKG_VERSION")));
    let columns: Vec<_> = builder
        .schema()
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().to_string()))
        .collect();
    let names: Vec<_> = columns.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "id",
            "text",
            "url",
            "removed_lines",
            "language",
            "language_score",
            "tokens",
            "minhash_cluster_id",
            "minhash_cluster_size",
            "origin",
            "removed_by",
            "metadata"
        ]
    );
    let types: Vec<_> = columns.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(types[4..6], ["Utf8", "Float64"]);
    assert_eq!(types[6], r#"Struct("o200k": Int64, "cl100k": Int64)"#);
    assert_eq!(builder.schema().fields(), tamis::arrow::schema().fields());

    // WHERE language = 'fr': read the one column, no text and no JSON.
    let mask = ProjectionMask::columns(builder.parquet_schema(), ["language"]);
    let mut fr = 0;
    for batch in builder.with_projection(mask).build().unwrap() {
        let batch = batch.unwrap();
        assert_eq!(batch.num_columns(), 1);
        let language = batch
            .column(0)
            .as_any()
            .downcast_ref::<arrow_array::StringArray>()
            .unwrap();
        fr += language.iter().filter(|l| *l == Some("fr")).count();
    }
    let want = docs.iter().filter(|d| d.metadata["language"] == "fr").count();
    assert_eq!((fr, want), (50, 50));
}

#[test]
fn tamis_reads_its_shards_back_to_the_documents_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("part-00000.parquet");
    // Enough rows for several reader batches.
    let docs = corpus(30_000);
    write_shard(&path, &docs);
    let read: Vec<_> = read_shard(&path, "text").map(Result::unwrap).collect();
    assert_eq!(read.len(), docs.len());
    for (i, (got, d)) in read.iter().zip(&docs).enumerate() {
        let Value::Object(want) =
            writers::to_record(d, i.is_multiple_of(7).then_some("length.too_short"))["metadata"].clone()
        else {
            panic!()
        };
        assert_eq!((&got.id, got.text(), &got.url), (&d.id, d.text(), &d.url));
        assert_eq!(got.metadata, want);
        assert!(got.metadata.keys().eq(want.keys()), "{:?}", got.metadata.keys());
        assert_eq!(got.source.record, i as u64);
    }
}

#[test]
fn plain_id_text_metadata_files_read_as_before() {
    use arrow_array::{ArrayRef, RecordBatch, StringArray};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.parquet");
    let batch = RecordBatch::try_from_iter(vec![
        ("id", Arc::new(StringArray::from(vec![Some("a"), None])) as ArrayRef),
        ("text", Arc::new(StringArray::from(vec![Some("one"), None]))),
        (
            "metadata",
            Arc::new(StringArray::from(vec![r#"{"origin": "x:1", "k": 2}"#, "{}"])),
        ),
        ("source", Arc::new(StringArray::from(vec!["cc", "cc"]))),
    ])
    .unwrap();
    let mut w = ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let read: Vec<_> = read_shard(&path, "text").collect();
    let a = read[0].as_ref().unwrap();
    assert_eq!((a.id.as_str(), a.text()), ("a", Some("one")));
    assert_eq!(
        Value::Object(a.metadata.clone()),
        json!({"origin": "x:1", "k": 2, "source": "cc"})
    );
    assert!(matches!(&read[1], Err(Error::Record { kind: "missing_text", location, .. }) if location.record == 1));

    // A file without the text column is that file's one error; the run goes on to the next file.
    let read: Vec<_> = read_shard(&path, "body").collect();
    assert_eq!(read.len(), 1);
    let Err(Error::Record {
        kind,
        location,
        message,
    }) = &read[0]
    else {
        panic!("{:?}", read[0])
    };
    assert_eq!((*kind, location.record), ("no_text_column", 0));
    assert!(message.contains("no column \"body\""), "{message}");
}

#[test]
fn a_corrupt_shard_ends_in_one_corrupt_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("part-00000.parquet");
    write_shard(&path, &corpus(2000));
    let mut bytes = std::fs::read(&path).unwrap();
    // Garble the first half (data pages); the footer (schema, offsets) stays intact.
    let half = bytes.len() / 2;
    for b in &mut bytes[8..half] {
        *b = !*b;
    }
    std::fs::write(&path, bytes).unwrap();
    let read: Vec<_> = read_shard(&path, "text").collect();
    let errors: Vec<_> = read.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        matches!(
            errors[0],
            Error::Record {
                kind: "corrupt_input",
                ..
            }
        ),
        "{:?}",
        errors[0]
    );
    assert!(read.last().unwrap().is_err());
}

/// Found by `scripts/fuzz.sh parquet`: a file whose embedded Arrow schema makes arrow-ipc panic.
/// It is that file's one `corrupt_file` error; the reader (and the run) go on.
#[test]
fn a_file_the_parquet_library_panics_on_is_one_corrupt_file_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.parquet");
    std::fs::write(
        &path,
        include_bytes!("../fixtures/fuzz/parquet-corrupt-arrow-schema.parquet"),
    )
    .unwrap();
    let read: Vec<_> = read_shard(&path, "text").collect();
    assert_eq!(read.len(), 1, "{read:?}");
    let Err(Error::Record { kind, message, .. }) = &read[0] else {
        panic!("{:?}", read[0])
    };
    assert_eq!(*kind, "corrupt_file");
    assert!(message.contains("the Parquet library failed on it"), "{message}");
}
