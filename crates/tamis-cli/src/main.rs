//! The `tamis` command line: a thin layer over the `tamis` library.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tamis::readers::{self, InputFormat};
use tamis::writers::OutputFormat;
use tamis::{PipelineConfig, Progress, Report, RunOptions};

#[derive(Parser)]
#[command(
    name = "tamis",
    version,
    about = "Refine raw web-crawl data into clean, deduplicated text"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the pipeline over INPUT files/directories into OUT (kept/, removed/, report.json).
    /// Rerunning on the same OUT resumes an interrupted run.
    Run {
        /// Pipeline file (TOML); the built-in default pipeline when absent.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Worker threads (default: all cores).
        #[arg(long, value_parser = at_least_one)]
        threads: Option<usize>,
        /// Output format: jsonl.zst (default), jsonl, parquet.
        #[arg(long)]
        format: Option<OutputFormat>,
        /// Input format: auto (default), txt, html, jsonl, warc, parquet.
        #[arg(long)]
        input_format: Option<InputFormat>,
        /// JSONL/Parquet field holding the text.
        #[arg(long)]
        text_field: Option<String>,
        /// Stop at the first error (a bad record, an unreadable file) instead of counting it and
        /// going on; the same as `[input] max_errors = 0`.
        #[arg(long)]
        strict: bool,
        /// Output directory.
        #[arg(short, long, required_unless_present = "print_config")]
        output: Option<PathBuf>,
        /// Print the resolved pipeline config (TOML) and exit.
        #[arg(long)]
        print_config: bool,
        /// Input files or directories.
        #[arg(required_unless_present = "print_config")]
        inputs: Vec<PathBuf>,
    },
    /// Explain one document: every line kept or removed with its reason, then each stage's signals
    /// and verdict. INPUT is a .txt/.html file, or a JSONL/WARC/Parquet input with --id.
    Explain {
        /// Pipeline file (TOML); the built-in default pipeline when absent.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Document id (JSONL `id`, WARC-Record-ID, or FILE#RECORD); the first document when absent.
        #[arg(long)]
        id: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        #[arg(long)]
        input_format: Option<InputFormat>,
        #[arg(long)]
        text_field: Option<String>,
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
    },
    /// Redraw OUT/report.html from OUT/report.json (after an upgrade, or to restyle an old run).
    Report {
        /// The output directory of a run.
        output: PathBuf,
    },
    /// MinHash LSH near-dedup of existing JSONL/Parquet shards into OUT (kept/, removed/,
    /// report.json): FineWeb's parameters by default, in bounded memory, same output for any
    /// thread count.
    Dedup {
        /// MinHash settings (TOML: n_grams, unit, bands, rows, seed, language, normalization,
        /// jaccard_threshold); FineWeb's defaults when absent.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Worker threads for the signature pass (default: all cores).
        #[arg(long, value_parser = at_least_one)]
        threads: Option<usize>,
        /// Memory for the whole job (e.g. 512M, 2G; at least 48M): 24M are set aside for what it
        /// needs whatever the corpus size, the rest bounds its buffers and per-document state.
        #[arg(long, default_value = tamis::dedup::minhash::DEFAULT_MEMORY_LIMIT)]
        memory_limit: String,
        /// Persistent index of earlier runs (a directory, created when absent): documents
        /// near-duplicate to one of an earlier run are removed (minhash_dedup.earlier_run) and
        /// this run's band keys are added to it.
        #[arg(long)]
        index: Option<PathBuf>,
        /// Output format: jsonl.zst (default), jsonl, parquet.
        #[arg(long)]
        format: Option<OutputFormat>,
        #[arg(long)]
        input_format: Option<InputFormat>,
        /// JSONL/Parquet field holding the text.
        #[arg(long)]
        text_field: Option<String>,
        /// Output directory.
        #[arg(short, long)]
        output: PathBuf,
        /// Input files or directories.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
    },
    /// Time MinHash shingling and signatures (one thread) over the inputs' texts and print JSON
    /// (used by bench/minhash_parity.py to compare with rensa on the same shingle hashes).
    #[command(hide = true)]
    MinhashSpeed {
        /// Best of this many timed repetitions.
        #[arg(long, default_value_t = 3)]
        repeat: usize,
        /// Write the shingle hashes: u64 LE doc count, doc count + 1 offsets, then the hashes.
        #[arg(long)]
        dump_shingles: Option<PathBuf>,
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
    },
    /// List every stage with a one-line summary.
    Stages,
    /// Read every document of the inputs with no pipeline and print counts and timings as JSON
    /// (reader throughput; used by the benchmarks).
    Scan {
        #[arg(long)]
        input_format: Option<InputFormat>,
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
    },
    /// Print the PII spans the `pii` stage finds: reads JSONL (`{"text": ...}`) on stdin, writes one
    /// JSON array of `{start, end, kind}` (character offsets) per line (evaluation aid).
    PiiSpans {
        /// datatrove's PIIFormatter settings (emails case-sensitive, emails and IPs only).
        #[arg(long)]
        datatrove: bool,
    },
}

fn main() {
    let code = match real_main() {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                0
            } else {
                eprintln!("error: {}", message(&e));
                2
            }
        }
    };
    std::process::exit(code);
}

/// `--threads`: a count of at least 1 (0 used to mean 1 without a word).
fn at_least_one(s: &str) -> std::result::Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("must be at least 1 (leave it out to use every core)".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

/// The error and its causes, each said once: a cause whose text the message already holds (an OS
/// error that tamis's own error quotes after the path) is not repeated.
fn message(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !out.contains(&text) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&text);
        }
    }
    out
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn real_main() -> Result<i32> {
    let cli = Cli::parse();
    match cli.command {
        Command::Stages => {
            let mut out = std::io::stdout().lock();
            // Columns as wide as the longest name and kind.
            let width = tamis::STAGES.iter().map(|s| s.name.len()).max().unwrap_or(0);
            for s in tamis::STAGES {
                let kind = format!("{:?}", s.kind).to_lowercase();
                writeln!(out, "{:<width$}  {kind:<9}  {}", s.name, s.summary)?;
            }
            Ok(0)
        }
        Command::Explain {
            config,
            id,
            json,
            input_format,
            text_field,
            inputs,
        } => {
            let pipeline = pipeline_config(config.as_deref(), None, input_format, text_field)?;
            let explanation = tamis::explain::explain(&pipeline, &inputs, id.as_deref())?;
            let mut out = std::io::stdout().lock();
            if json {
                serde_json::to_writer_pretty(&mut out, &explanation)?;
                writeln!(out)?;
            } else {
                write!(out, "{}", tamis::explain::render(&explanation))?;
            }
            Ok(0)
        }
        Command::Report { output } => {
            let path = output.join("report.json");
            let report = Report::read(&path).with_context(|| {
                format!(
                    "no readable report in {} (give the output directory of a completed `tamis run`)",
                    output.display()
                )
            })?;
            let html = output.join("report.html");
            std::fs::write(&html, tamis::report_html::render(&report))
                .with_context(|| format!("cannot write {}", html.display()))?;
            eprintln!("wrote {}", html.display());
            Ok(0)
        }
        Command::Dedup {
            config,
            threads,
            memory_limit,
            index,
            format,
            input_format,
            text_field,
            output,
            inputs,
        } => {
            let minhash = match &config {
                Some(path) => tamis::dedup::MinhashConfig::from_file(path)?,
                None => tamis::dedup::MinhashConfig::default(),
            };
            let mut input = readers::InputConfig::default();
            if let Some(f) = input_format {
                input.format = f;
            }
            if let Some(t) = text_field {
                input.text_field = t;
            }
            let mut output_config = tamis::writers::OutputConfig::default();
            if let Some(f) = format {
                output_config.format = f;
            }
            let options = tamis::dedup::NearDedupOptions {
                inputs,
                output: output.clone(),
                threads: threads.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)),
                memory_limit: tamis::dedup::near::buffer_budget(
                    tamis::dedup::near::parse_size(&memory_limit).map_err(anyhow::Error::msg)?,
                )?,
                input,
                output_config,
                index: index.or(minhash.index.clone()),
            };
            let started = Instant::now();
            let report = tamis::dedup::near_dedup(&minhash, &options)
                .with_context(|| format!("dedup into {} failed", output.display()))?;
            let d = report.documents;
            eprintln!(
                "documents: in {} = kept {} + removed {} + errors {}; {} clusters, {} candidate pairs, {} matched in the index, {} spilled runs ({:.1} s)",
                d.docs_in,
                d.kept,
                d.removed,
                d.errors,
                report.minhash.clusters,
                report.minhash.candidate_pairs,
                report.minhash.earlier_run_matches,
                report.minhash.spilled_runs,
                started.elapsed().as_secs_f64()
            );
            eprintln!("output: {0}/kept, {0}/removed, {0}/report.json", output.display());
            Ok(if d.errors > 0 { 1 } else { 0 })
        }
        Command::MinhashSpeed {
            repeat,
            dump_shingles,
            inputs,
        } => minhash_speed(&inputs, repeat, dump_shingles.as_deref()),
        Command::Scan { input_format, inputs } => scan(&inputs, input_format.unwrap_or_default()),
        Command::PiiSpans { datatrove } => pii_spans(datatrove),
        Command::Run {
            config,
            threads,
            format,
            input_format,
            text_field,
            strict,
            output,
            print_config,
            inputs,
        } => {
            let mut pipeline = pipeline_config(config.as_deref(), format, input_format, text_field)?;
            if strict {
                pipeline.input.max_errors = Some(0);
            }
            if print_config {
                print!("{}", pipeline.to_toml());
                return Ok(0);
            }
            let threads = threads.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
            let output = output.ok_or_else(|| anyhow::anyhow!("--output is required to run"))?;
            run(&pipeline, inputs, output, threads)
        }
    }
}

/// Flags to config, in one place: the TOML file (or the default pipeline), then the flags over it.
fn pipeline_config(
    file: Option<&std::path::Path>,
    format: Option<OutputFormat>,
    input_format: Option<InputFormat>,
    text_field: Option<String>,
) -> Result<PipelineConfig> {
    let mut pipeline = match file {
        Some(path) => PipelineConfig::from_file(path)?,
        None => PipelineConfig::default(),
    };
    if let Some(f) = format {
        pipeline.output.format = f;
    }
    if let Some(f) = input_format {
        pipeline.input.format = f;
    }
    if let Some(t) = text_field {
        pipeline.input.text_field = t;
    }
    Ok(pipeline)
}

fn run(pipeline: &PipelineConfig, inputs: Vec<PathBuf>, output: PathBuf, threads: usize) -> Result<i32> {
    let progress = Arc::new(Progress::default());
    let options = RunOptions {
        inputs,
        output: output.clone(),
        threads,
        progress: Some(progress.clone()),
        ..Default::default()
    };
    let started = Instant::now();
    let bar = std::io::stderr()
        .is_terminal()
        .then(|| spawn_progress_bar(progress.clone()));
    let result = tamis::run(pipeline, &options);
    progress.done.store(true, Ordering::Relaxed);
    if let Some(handle) = bar {
        let _ = handle.join();
    }
    let report = result.with_context(|| format!("run into {} failed", output.display()))?;
    print_summary(&report, &output, started.elapsed());
    Ok(if report.documents.errors > 0 { 1 } else { 0 })
}

fn spawn_progress_bar(progress: Arc<Progress>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let total = progress.total_bytes.load(Ordering::Relaxed);
        let bar = ProgressBar::new(total.max(1));
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        let mut start = Instant::now();
        let mut pass = 0;
        while !progress.done.load(Ordering::Relaxed) {
            // Each pass has its own input (the second reads what the first staged): start afresh.
            let now = progress.pass.load(Ordering::Acquire);
            if now != pass {
                pass = now;
                bar.reset();
                start = Instant::now();
            }
            let passes = progress.passes.load(Ordering::Relaxed);
            let label = if passes > 1 {
                format!("pass {pass}/{passes}: ")
            } else {
                String::new()
            };
            let total = progress.total_bytes.load(Ordering::Relaxed);
            let done = progress.input_bytes.load(Ordering::Relaxed);
            let docs = progress.documents.load(Ordering::Relaxed);
            if progress.pass.load(Ordering::Acquire) != pass {
                continue; // a new pass began while this frame was read: draw it next time
            }
            if total > 0 {
                bar.set_length(total);
            }
            bar.set_position(done);
            let rate = docs as f64 / start.elapsed().as_secs_f64().max(1e-3);
            bar.set_message(format!(
                "{label}{docs} docs ({rate:.0}/s) kept {} removed {} errors {}",
                progress.kept.load(Ordering::Relaxed),
                progress.removed.load(Ordering::Relaxed),
                progress.errors.load(Ordering::Relaxed)
            ));
            std::thread::sleep(Duration::from_millis(200));
        }
        bar.finish_and_clear();
    })
}

fn print_summary(report: &Report, output: &std::path::Path, elapsed: Duration) {
    let mut e = std::io::stderr().lock();
    let _ = writeln!(
        e,
        "{:<16} {:>10} {:>10} {:>10} {:>8}  top reasons",
        "stage", "in", "kept", "removed", "errors"
    );
    for s in &report.stages {
        let mut reasons: Vec<_> = s.dropped.iter().chain(s.flagged.iter()).collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1));
        let mut top: Vec<_> = reasons.iter().take(3).map(|(r, n)| format!("{r} {n}")).collect();
        if s.lines_removed_total() > 0 {
            top.push(format!("({} lines removed)", s.lines_removed_total()));
        }
        let _ = writeln!(
            e,
            "{:<16} {:>10} {:>10} {:>10} {:>8}  {}",
            s.name,
            s.docs_in,
            s.kept,
            s.dropped_total(),
            s.errors_total(),
            top.join(", ")
        );
    }
    let t = report.documents;
    let secs = elapsed.as_secs_f64().max(1e-6);
    let _ = writeln!(
        e,
        "documents: in {} = kept {} + removed {} + errors {}   ({:.0} docs/s, {:.1} MB/s this run)",
        t.docs_in,
        t.kept,
        t.removed,
        t.errors,
        t.docs_in as f64 / secs,
        report.inputs.bytes as f64 / 1e6 / secs
    );
    if !report.output.tokens.is_empty() {
        let tokens: Vec<String> = report.output.tokens.iter().map(|(e, n)| format!("{n} {e}")).collect();
        let _ = writeln!(e, "tokens kept: {}", tokens.join(", "));
    }
    let failed = &report.inputs.failed_files;
    if !failed.is_empty() {
        let _ = writeln!(
            e,
            "input files that could not be read: {} (listed in report.json)",
            failed.len()
        );
        for s in failed.iter().take(5) {
            let _ = writeln!(e, "  {}: {}: {}", s.file, s.kind, s.message);
        }
    }
    for s in report.errors_sample.iter().filter(|s| !failed.contains(s)).take(5) {
        let _ = writeln!(e, "  error: {} record {}: {}: {}", s.file, s.record, s.kind, s.message);
    }
    let _ = writeln!(
        e,
        "output: {}/kept, {}/removed, {}/report.json, {}/report.html",
        output.display(),
        output.display(),
        output.display(),
        output.display()
    );
}

fn scan(inputs: &[PathBuf], format: InputFormat) -> Result<i32> {
    let (files, _) = readers::collect_inputs(inputs, format)?;
    let config = readers::InputConfig::default();
    let start = Instant::now();
    let (mut docs, mut errors, mut payload, mut decompressed) = (0u64, 0u64, 0u64, 0u64);
    // WARC records that carry no document (warcinfo, request, metadata, ...), by type.
    let mut skipped_records = std::collections::BTreeMap::<String, u64>::new();
    for file in &files {
        if file.format == InputFormat::Warc {
            let mut reader = readers::open_warc(&file.path, None, &config)?;
            for item in reader.by_ref() {
                match item {
                    Ok(d) => {
                        docs += 1;
                        payload += d.byte_len() as u64;
                    }
                    Err(_) => errors += 1,
                }
            }
            decompressed += reader.stream().decompressed_bytes();
            for (kind, n) in &reader.skipped {
                *skipped_records.entry(kind.clone()).or_default() += n;
            }
        } else {
            for item in readers::open(file, &config, None) {
                match item {
                    Ok(d) => {
                        docs += 1;
                        payload += d.byte_len() as u64;
                        decompressed += d.byte_len() as u64;
                    }
                    Err(_) => errors += 1,
                }
            }
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let input_bytes: u64 = files.iter().map(|f| f.size).sum();
    println!(
        "{}",
        serde_json::json!({
            "documents": docs, "errors": errors, "input_bytes": input_bytes,
            "payload_bytes": payload, "decompressed_bytes": decompressed, "seconds": seconds,
            "skipped_records": skipped_records,
        })
    );
    Ok(if errors > 0 { 1 } else { 0 })
}

fn minhash_speed(inputs: &[PathBuf], repeat: usize, dump: Option<&std::path::Path>) -> Result<i32> {
    let (files, _) = readers::collect_inputs(inputs, InputFormat::Auto)?;
    let config = readers::InputConfig::default();
    let mut texts = Vec::new();
    for file in &files {
        for doc in readers::open(file, &config, None).flatten() {
            texts.push(doc.text_lossy().into_owned());
        }
    }
    let minhash = tamis::dedup::MinhashConfig::default();
    let signer = tamis::dedup::Signer::new(minhash.clone()).map_err(anyhow::Error::msg)?;
    let mut shingles: Vec<Vec<u64>> = Vec::new();
    let mut shingle_seconds = f64::MAX;
    for _ in 0..repeat.max(1) {
        let start = Instant::now();
        shingles = texts
            .iter()
            .map(|t| {
                let mut out = Vec::new();
                tamis::dedup::minhash::shingle_hashes(t, &minhash, &mut out);
                out
            })
            .collect();
        shingle_seconds = shingle_seconds.min(start.elapsed().as_secs_f64());
    }
    let mut signature_seconds = f64::MAX;
    let mut signed = 0;
    for _ in 0..repeat.max(1) {
        let start = Instant::now();
        signed = shingles.iter().filter_map(|s| signer.signature(s)).count();
        signature_seconds = signature_seconds.min(start.elapsed().as_secs_f64());
    }
    if let Some(path) = dump {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        out.write_all(&(shingles.len() as u64).to_le_bytes())?;
        let mut offset = 0u64;
        out.write_all(&offset.to_le_bytes())?;
        for s in &shingles {
            offset += s.len() as u64;
            out.write_all(&offset.to_le_bytes())?;
        }
        for h in shingles.iter().flatten() {
            out.write_all(&h.to_le_bytes())?;
        }
        out.flush()?;
    }
    println!(
        "{}",
        serde_json::json!({
            "docs": texts.len(), "signed": signed, "text_bytes": texts.iter().map(String::len).sum::<usize>(),
            "shingles": shingles.iter().map(Vec::len).sum::<usize>(),
            "shingle_seconds": shingle_seconds, "signature_seconds": signature_seconds,
        })
    );
    Ok(0)
}

fn pii_spans(datatrove: bool) -> Result<i32> {
    use std::io::BufRead;
    let config = if datatrove {
        tamis::filters::PiiConfig::datatrove()
    } else {
        tamis::filters::PiiConfig::default()
    };
    let pii = tamis::filters::Pii::new(config).map_err(anyhow::Error::msg)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (n, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line?;
        let value: serde_json::Value = serde_json::from_str(&line).with_context(|| format!("stdin line {}", n + 1))?;
        let text = value["text"].as_str().unwrap_or_default();
        // Byte offsets -> character offsets, the unit Python and most gold sets use.
        let char_at = |b: usize| text[..b].chars().count();
        let spans: Vec<_> = pii
            .find(text)
            .into_iter()
            .map(|s| serde_json::json!({"start": char_at(s.start), "end": char_at(s.end), "kind": s.kind.name()}))
            .collect();
        writeln!(out, "{}", serde_json::Value::Array(spans))?;
    }
    out.flush()?;
    Ok(0)
}
