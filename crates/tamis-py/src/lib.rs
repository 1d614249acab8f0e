//! `tamis._tamis`, the compiled half of the Python package: the pipeline over Arrow data, the
//! readers as Arrow streams, the report. Arrow crosses the boundary through the Arrow PyCapsule
//! interface (`pyo3-arrow`), so pyarrow, polars, duckdb and arro3 objects are accepted without a
//! copy of their buffers; results come back as pyarrow objects. The GIL is released while Rust works.

use arrow_array::{RecordBatch, RecordBatchReader};
use arrow_schema::{ArrowError, SchemaRef};
use pyo3::exceptions::{PyIOError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3_arrow::input::AnyRecordBatch;
use pyo3_arrow::{PyRecordBatchReader, PyTable};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tamis::readers::{self, DocIter, InputConfig, InputFile};
use tamis::{arrow, Document, PipelineConfig};

fn py_err(e: tamis::Error) -> PyErr {
    match e {
        tamis::Error::Config(m) => PyValueError::new_err(m),
        e @ tamis::Error::Io { .. } => PyIOError::new_err(e.to_string()),
        e => PyRuntimeError::new_err(e.to_string()),
    }
}

fn arrow_err(e: ArrowError) -> PyErr {
    PyRuntimeError::new_err(e.to_string())
}

/// A built pipeline. Per-document stages run on whatever batches it is given; ordered stages
/// (exact dedup) keep their state from call to call, so one object sees its batches in order.
#[pyclass(module = "tamis._tamis", frozen)]
struct Pipeline {
    config: PipelineConfig,
    inner: Mutex<Inner>,
}

struct Inner {
    pipeline: tamis::Pipeline,
    /// Rows handed to `process` so far: the record numbers of documents that come without an id.
    records: u64,
}

impl Pipeline {
    fn new(config: PipelineConfig) -> PyResult<Self> {
        let pipeline = tamis::Pipeline::build(&config, &Default::default()).map_err(py_err)?;
        Ok(Pipeline {
            config,
            inner: Mutex::new(Inner { pipeline, records: 0 }),
        })
    }
}

#[pymethods]
impl Pipeline {
    /// A pipeline from a TOML pipeline file's text (the same format and errors as `tamis run --config`).
    #[staticmethod]
    fn from_toml(text: &str) -> PyResult<Self> {
        Self::new(PipelineConfig::from_toml(text).map_err(py_err)?)
    }

    /// A pipeline from a dict of the TOML file's shape (`{"stages": [{"type": "length", ...}]}`).
    #[staticmethod]
    fn from_dict(py: Python<'_>, config: &Bound<'_, PyAny>) -> PyResult<Self> {
        let json: String = py.import("json")?.call_method1("dumps", (config,))?.extract()?;
        let config: PipelineConfig = serde_json::from_str(&json).map_err(|e| PyValueError::new_err(e.to_string()))?;
        config.validate().map_err(py_err)?;
        Self::new(config)
    }

    /// The resolved config as TOML.
    fn to_toml(&self) -> String {
        self.config.to_toml()
    }

    /// The resolved config as JSON (every default filled in).
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.config).map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }

    /// `read` and every stage's report name, in pipeline order (the keys of the stats).
    fn stage_names(&self) -> PyResult<Vec<String>> {
        Ok(tamis::pipeline::stage_names(&self.config))
    }

    /// Process Arrow data (a table, a batch or a stream of batches with a text column, or the
    /// reader table of `read`). Returns `(kept, removed, stats_json)`: two pyarrow tables of the
    /// document schema (`removed` with `removed_by`) and the counts as JSON.
    #[pyo3(signature = (data, text_field = "text", source = "<python>"))]
    fn process<'py>(
        &self,
        py: Python<'py>,
        data: AnyRecordBatch,
        text_field: &str,
        source: &str,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>, String)> {
        // Batches are taken while holding the GIL: a stream may be a Python iterator.
        let reader = data.into_reader()?;
        let batches = reader
            .collect::<Result<Vec<RecordBatch>, ArrowError>>()
            .map_err(arrow_err)?;
        let (kept, removed, stats) = py.detach(|| self.process_batches(&batches, text_field, source))?;
        let schema = arrow::schema();
        let kept = PyTable::try_new(kept, schema.clone())?.into_pyarrow(py)?;
        let removed = PyTable::try_new(removed, schema)?.into_pyarrow(py)?;
        Ok((kept, removed, stats))
    }

    /// Read, process and write one input (file or directory) into `output` as `tamis run` does
    /// (shards, `report.json`, resume after a kill); returns `report.json`'s text. The unit of
    /// work of a cluster task.
    #[pyo3(signature = (path, output, threads = 1))]
    fn run_file(&self, py: Python<'_>, path: PathBuf, output: PathBuf, threads: usize) -> PyResult<String> {
        let options = tamis::RunOptions {
            inputs: vec![path],
            output,
            threads,
            ..Default::default()
        };
        let report = py.detach(|| tamis::run(&self.config, &options)).map_err(py_err)?;
        serde_json::to_string(&report).map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }

    /// The number of staging passes of a distributed run (one more than the site-line stages).
    fn passes(&self) -> usize {
        tamis::tasks::passes(&self.config)
    }

    /// The `site_min_docs` of the site-line stage that starts pass `k` (k ≥ 1).
    fn site_min_docs(&self, k: usize) -> PyResult<u32> {
        tamis::tasks::site_min_docs(&self.config, k)
            .ok_or_else(|| PyValueError::new_err(format!("pass {k} does not start at a site-line stage")))
    }

    /// One distributed step (`tamis::tasks::stage_step`) for input file `file_index`: pass `k`
    /// over `input` (the file for k = 0, its staging of pass k − 1 after), staged to `staged`.
    /// `frequent`: files of the site-line keys found frequent (u64 little-endian) for the pass's
    /// site-line stage. Returns `(stats_json, keys)`: a pyarrow table of `file, record` and either
    /// `text_hash_hi, text_hash_lo, key` (one row per line key) or `key_hi, key_lo`.
    /// `name`: for k = 0, the input's name when `input` is a local copy of it (object storage).
    #[pyo3(signature = (k, file_index, input, staged, frequent = Vec::new(), name = None))]
    #[allow(clippy::too_many_arguments)]
    fn stage_step<'py>(
        &self,
        py: Python<'py>,
        k: usize,
        file_index: u32,
        input: PathBuf,
        staged: PathBuf,
        frequent: Vec<PathBuf>,
        name: Option<String>,
    ) -> PyResult<(String, Bound<'py, PyAny>)> {
        let frequent = read_u64s(frequent)?;
        let (stats, batch) = py.detach(|| -> PyResult<(String, RecordBatch)> {
            let state = tamis::CorpusState {
                site_lines: (k > 0).then(|| Arc::new(tamis::clean::SiteLines::from_keys(frequent))),
                ..Default::default()
            };
            let file;
            let source = if k == 0 {
                // A file that cannot be read is its one error record, as in `tamis run`.
                file = readers::input_file(&input, self.config.input.format);
                match &name {
                    Some(name) => tamis::tasks::StepInput::Copy { file: &file, name },
                    None => tamis::tasks::StepInput::File(&file),
                }
            } else {
                tamis::tasks::StepInput::Staged(&input)
            };
            let out = tamis::tasks::stage_step(&self.config, k, source, &state, &staged).map_err(py_err)?;
            let stats = serde_json::to_string(&out.stats).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
            Ok((stats, keys_batch(file_index, &out.keys).map_err(arrow_err)?))
        })?;
        Ok((stats, pyo3_arrow::PyRecordBatch::new(batch).into_pyarrow(py)?))
    }

    /// The last step for input file `file_index`: the ordered stages with the driver's decisions
    /// (`duplicates`: files of this file's duplicate record numbers, u64 little-endian) and the
    /// stages after them over its last staging; writes its shards under `output`. With a trailing
    /// `minhash_dedup`, its kept documents and band keys go to the directory `minhash` instead.
    /// Returns `(stats_json, next_shard, bands)`: `bands` is None without `minhash_dedup`, else a
    /// pyarrow table `file, seq, band, key` (one row per band of each signed kept document; `seq`
    /// numbers the file's kept documents).
    #[pyo3(signature = (file_index, staged, output, duplicates = Vec::new(), minhash = None))]
    fn finish_step<'py>(
        &self,
        py: Python<'py>,
        file_index: u32,
        staged: PathBuf,
        output: PathBuf,
        duplicates: Vec<PathBuf>,
        minhash: Option<PathBuf>,
    ) -> PyResult<(String, u64, Option<Bound<'py, PyAny>>)> {
        let duplicates = read_u64s(duplicates)?;
        let files = minhash.map(minhash_files);
        let (stats, next, bands) = py.detach(|| -> PyResult<_> {
            let state = tamis::CorpusState {
                exact_duplicates: Some(Arc::new(duplicates.into_iter().collect())),
                ..Default::default()
            };
            let done = tamis::tasks::finish_step(
                &self.config,
                file_index as usize,
                &staged,
                &state,
                &output,
                files.as_ref(),
            )
            .map_err(py_err)?;
            let stats = serde_json::to_string(&done.stats).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
            let bands = files
                .is_some()
                .then(|| bands_batch(file_index, &done.bands))
                .transpose()
                .map_err(arrow_err)?;
            Ok((stats, done.next_shard, bands))
        })?;
        let bands = bands
            .map(|b| pyo3_arrow::PyRecordBatch::new(b).into_pyarrow(py))
            .transpose()?;
        Ok((stats, next, bands))
    }

    /// `minhash_dedup` for input file `file_index` after `finish_step`: `minhash` is the directory
    /// given to it, `first_doc` the doc id of the file's first kept document, `clusters` files of
    /// `(seq, root, size)` u64 triples of its documents in clusters, `stats` what `finish_step`
    /// returned. Writes the kept and removed shards numbered from `first_shard`; returns the
    /// file's stats with the step counted in.
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (file_index, minhash, first_doc, clusters, stats, output, first_shard))]
    fn minhash_step(
        &self,
        py: Python<'_>,
        file_index: usize,
        minhash: PathBuf,
        first_doc: u64,
        clusters: Vec<PathBuf>,
        stats: &str,
        output: PathBuf,
        first_shard: u64,
    ) -> PyResult<String> {
        let stats: tamis::RunStats = serde_json::from_str(stats).map_err(|e| PyValueError::new_err(e.to_string()))?;
        let mut clustered: Vec<tamis::tasks::Clustered> = read_u64s(clusters)?
            .chunks_exact(3)
            .map(|c| tamis::tasks::Clustered {
                seq: c[0],
                root: c[1],
                size: c[2],
            })
            .collect();
        clustered.sort_unstable();
        let files = minhash_files(minhash);
        py.detach(|| {
            let stats = tamis::tasks::minhash_step(
                &self.config,
                file_index,
                &files,
                first_doc,
                &clustered,
                stats,
                &output,
                first_shard,
            )
            .map_err(py_err)?;
            serde_json::to_string(&stats).map_err(|e| PyRuntimeError::new_err(e.to_string()))
        })
    }

    /// Merge step stats (JSON, in input order) into one.
    fn merge_stats(&self, stats: Vec<String>) -> PyResult<String> {
        let mut merger = self.stats_merger();
        for s in stats {
            merger.add(&s)?;
        }
        merger.result()
    }

    /// An accumulator of step stats, fed in input order one at a time (the driver of a run over
    /// many files holds the merged stats, not every file's).
    fn stats_merger(&self) -> StatsMerger {
        StatsMerger {
            total: tamis::RunStats::new(&tamis::pipeline::stage_names(&self.config)),
            report: self.config.report.clone(),
        }
    }

    /// `report.json`'s text for a run with these merged stats over `files` inputs of `bytes` bytes;
    /// `minhash`: the `minhash` section as a dict (`minhash_dedup` configured).
    #[pyo3(signature = (stats, files, bytes, seconds, minhash = None))]
    fn report(&self, stats: &str, files: u64, bytes: u64, seconds: f64, minhash: Option<&str>) -> PyResult<String> {
        let stats: tamis::RunStats = serde_json::from_str(stats).map_err(|e| PyValueError::new_err(e.to_string()))?;
        let minhash = minhash
            .map(serde_json::from_str::<tamis::dedup::near::MinhashStats>)
            .transpose()
            .map_err(|e| PyValueError::new_err(format!("minhash stats: {e}")))?;
        let report = tamis::Report {
            tamis_version: env!("CARGO_PKG_VERSION").to_string(),
            complete: true,
            config: serde_json::to_value(&self.config).map_err(|e| PyRuntimeError::new_err(e.to_string()))?,
            inputs: tamis::report::InputSummary {
                files,
                bytes,
                skipped_files: Vec::new(),
                failed_files: stats.failed_files,
            },
            stages: stats.stages,
            documents: stats.totals,
            output: stats.output,
            errors_sample: stats.errors_sample,
            seconds,
            insights: stats.insights.for_report(),
            minhash,
        };
        serde_json::to_string_pretty(&report).map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }
}

/// An exclusive lock on a directory (`tamis::lock::DirLock`), held while this object lives.
#[pyclass(module = "tamis._tamis")]
struct DirLock {
    _lock: tamis::lock::DirLock,
}

/// Lock `dir` for `what` as `tamis run` locks its output: a second holder gets an error naming
/// the first; the lock goes with the object (or the process).
#[pyfunction]
fn lock_dir(dir: PathBuf, what: &str) -> PyResult<DirLock> {
    Ok(DirLock {
        _lock: tamis::lock::DirLock::acquire(&dir, what).map_err(py_err)?,
    })
}

/// Step stats merged in the order they are added (`Pipeline.stats_merger`).
#[pyclass(module = "tamis._tamis")]
struct StatsMerger {
    total: tamis::RunStats,
    report: tamis::insights::ReportConfig,
}

#[pymethods]
impl StatsMerger {
    /// Merge one step's stats (JSON) into the total.
    fn add(&mut self, stats: &str) -> PyResult<()> {
        let s: tamis::RunStats = serde_json::from_str(stats).map_err(|e| PyValueError::new_err(e.to_string()))?;
        self.total.merge(s, &self.report);
        Ok(())
    }

    /// The merged stats as JSON.
    fn result(&self) -> PyResult<String> {
        serde_json::to_string(&self.total).map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }
}

/// Where `finish_step` stages a file's kept documents for `minhash_dedup`, under `dir`.
fn minhash_files(dir: PathBuf) -> tamis::tasks::MinhashFiles {
    tamis::tasks::MinhashFiles {
        docs: dir.join("docs"),
        bands: dir.join("bands.bin"),
    }
}

/// One row per band key of each signed document: `file, seq, band, key`.
fn bands_batch(file: u32, bands: &[Vec<u64>]) -> Result<RecordBatch, ArrowError> {
    use arrow_array::{ArrayRef, UInt32Array, UInt64Array};
    let (mut seq, mut band, mut key) = (Vec::new(), Vec::new(), Vec::new());
    for (s, keys) in bands.iter().enumerate() {
        for (b, k) in keys.iter().enumerate() {
            seq.push(s as u64);
            band.push(b as u32);
            key.push(*k);
        }
    }
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("file", Arc::new(UInt32Array::from(vec![file; seq.len()]))),
        ("seq", Arc::new(UInt64Array::from(seq))),
        ("band", Arc::new(UInt32Array::from(band))),
        ("key", Arc::new(UInt64Array::from(key))),
    ];
    RecordBatch::try_from_iter(columns)
}

/// The u64 lists (little-endian) a shuffle wrote for one file, concatenated.
fn read_u64s(paths: Vec<PathBuf>) -> PyResult<Vec<u64>> {
    let mut out = Vec::new();
    for path in paths {
        let data = std::fs::read(&path).map_err(|e| PyIOError::new_err(format!("{}: {e}", path.display())))?;
        out.extend(
            data.chunks_exact(8)
                .map(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8]))),
        );
    }
    Ok(out)
}

/// The keys a step returns, as a record batch (see `Pipeline.stage_step`).
fn keys_batch(file: u32, keys: &[tamis::tasks::DocKeys]) -> Result<RecordBatch, ArrowError> {
    use arrow_array::{ArrayRef, UInt32Array, UInt64Array};
    use tamis::tasks::DocKeys;
    let (mut f, mut rec, mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut lines = true;
    for k in keys {
        match k {
            DocKeys::Lines {
                record,
                text_hash,
                keys,
            } => {
                for key in keys {
                    f.push(file);
                    rec.push(*record);
                    a.push((text_hash >> 64) as u64);
                    b.push(*text_hash as u64);
                    c.push(*key);
                }
            }
            DocKeys::Exact { record, key } => {
                lines = false;
                f.push(file);
                rec.push(*record);
                a.push((key >> 64) as u64);
                b.push(*key as u64);
            }
        }
    }
    let mut columns: Vec<(&str, ArrayRef)> = vec![
        ("file", std::sync::Arc::new(UInt32Array::from(f))),
        ("record", std::sync::Arc::new(UInt64Array::from(rec))),
    ];
    if lines {
        columns.push(("text_hash_hi", std::sync::Arc::new(UInt64Array::from(a))));
        columns.push(("text_hash_lo", std::sync::Arc::new(UInt64Array::from(b))));
        columns.push(("key", std::sync::Arc::new(UInt64Array::from(c))));
    } else {
        columns.push(("key_hi", std::sync::Arc::new(UInt64Array::from(a))));
        columns.push(("key_lo", std::sync::Arc::new(UInt64Array::from(b))));
    }
    RecordBatch::try_from_iter(columns)
}

/// The inputs under `paths` as `tamis run` orders them: `(path, size)`.
#[pyfunction]
#[pyo3(signature = (paths, format = "auto"))]
fn collect_inputs(py: Python<'_>, paths: Vec<PathBuf>, format: &str) -> PyResult<Vec<(String, u64)>> {
    let format = format.parse().map_err(PyValueError::new_err)?;
    let (files, _) = py.detach(|| readers::collect_inputs(&paths, format)).map_err(py_err)?;
    Ok(files
        .into_iter()
        .map(|f| (f.path.to_string_lossy().into_owned(), f.size))
        .collect())
}

/// The input format `tamis run` gives a file from its name (`"warc"`, `"jsonl"`, …), or None:
/// what a walk of an object-store prefix takes.
#[pyfunction]
fn input_format(name: &str) -> Option<String> {
    let format = readers::format_from_name(std::path::Path::new(name))?;
    serde_json::to_value(format).ok()?.as_str().map(str::to_string)
}

type Processed = (Vec<RecordBatch>, Vec<RecordBatch>, String);

impl Pipeline {
    fn process_batches(&self, batches: &[RecordBatch], text_field: &str, source: &str) -> PyResult<Processed> {
        let mut inner = self
            .inner
            .lock()
            .map_err(|_| PyRuntimeError::new_err("a previous call panicked"))?;
        let mut stats = tamis::RunStats::new(inner.pipeline.stage_names());
        let (mut kept, mut removed) = (Vec::new(), Vec::new());
        for batch in batches {
            let items = arrow::from_record_batch(batch, source, inner.records, text_field).map_err(py_err)?;
            inner.records += batch.num_rows() as u64;
            let outcome = inner.pipeline.process_read(items);
            let k: Vec<(&Document, Option<&str>)> = outcome.kept.iter().map(|d| (d, None)).collect();
            kept.push(arrow::to_record_batch(&k).map_err(py_err)?);
            let r: Vec<(&Document, Option<&str>)> =
                outcome.removed.iter().map(|(d, by)| (d, Some(by.as_str()))).collect();
            removed.push(arrow::to_record_batch(&r).map_err(py_err)?);
            stats.merge(outcome.stats, &self.config.report);
        }
        let stats = serde_json::to_string(&stats).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        Ok((kept, removed, stats))
    }
}

/// The documents of every input under `path` (any format tamis reads), as a stream of record
/// batches of the reader table: raw payloads (WARC responses, `.html`) in `raw`, text in `text`.
/// A record that cannot be read is a row with neither, and `metadata` `{"read_error": kind,
/// "message": ...}`; `Pipeline.process` counts it as that record's error.
#[pyfunction]
#[pyo3(signature = (path, format = "auto", text_field = "text", batch_size = 1024))]
fn read<'py>(
    py: Python<'py>,
    path: PathBuf,
    format: &str,
    text_field: &str,
    batch_size: usize,
) -> PyResult<Bound<'py, PyAny>> {
    let format = format.parse().map_err(PyValueError::new_err)?;
    let (files, _) = py
        .detach(|| readers::collect_inputs(std::slice::from_ref(&path), format))
        .map_err(py_err)?;
    let config = InputConfig {
        format,
        text_field: text_field.to_string(),
        ..Default::default()
    };
    let batches = DocBatches {
        files: files.into_iter(),
        current: None,
        config,
        batch_size: batch_size.max(1),
        schema: arrow::reader_schema(),
    };
    PyRecordBatchReader::new(Box::new(batches)).into_pyarrow(py)
}

/// Documents of a list of files, `batch_size` at a time.
struct DocBatches {
    files: std::vec::IntoIter<InputFile>,
    current: Option<DocIter>,
    config: InputConfig,
    batch_size: usize,
    schema: SchemaRef,
}

impl Iterator for DocBatches {
    type Item = Result<RecordBatch, ArrowError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut docs = Vec::with_capacity(self.batch_size);
        while docs.len() < self.batch_size {
            if self.current.is_none() {
                let file = self.files.next()?;
                self.current = Some(readers::open(&file, &self.config, None));
            }
            match self.current.as_mut().and_then(Iterator::next) {
                Some(Ok(doc)) => docs.push(doc),
                Some(Err(e)) => docs.push(tamis::arrow::read_error_document(&e)),
                None => {
                    self.current = None;
                    if !docs.is_empty() {
                        break;
                    }
                }
            }
        }
        Some(arrow::to_reader_batch(&docs).map_err(|e| ArrowError::ExternalError(Box::new(e))))
    }
}

impl RecordBatchReader for DocBatches {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
}

/// `report.html` drawn from a `report.json` text.
#[pyfunction]
fn render_report(report_json: &str) -> PyResult<String> {
    let report: tamis::Report = serde_json::from_str(report_json).map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(tamis::report_html::render(&report))
}

/// Every stage as `(name, kind, summary)`.
#[pyfunction]
fn stages() -> Vec<(String, String, String)> {
    tamis::STAGES
        .iter()
        .map(|s| {
            (
                s.name.to_string(),
                format!("{:?}", s.kind).to_lowercase(),
                s.summary.to_string(),
            )
        })
        .collect()
}

#[pymodule]
fn _tamis(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Pipeline>()?;
    m.add_class::<StatsMerger>()?;
    m.add_class::<DirLock>()?;
    m.add_function(wrap_pyfunction!(lock_dir, m)?)?;
    m.add_function(wrap_pyfunction!(read, m)?)?;
    m.add_function(wrap_pyfunction!(collect_inputs, m)?)?;
    m.add_function(wrap_pyfunction!(input_format, m)?)?;
    m.add_function(wrap_pyfunction!(render_report, m)?)?;
    m.add_function(wrap_pyfunction!(stages, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
