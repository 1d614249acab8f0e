//! The library core: `Pipeline::process` over batches of any size gives what `tamis run` writes, and
//! a run whose `clean_lines` needs the site-line index (two passes) is deterministic and resumable.

use crate::common::*;
use std::io::{BufRead, Write};
use std::path::Path;
use tamis::clean::CleanLinesConfig;
use tamis::dedup::ExactDedupConfig;
use tamis::filters::{GopherRepetitionConfig, LengthConfig, PayloadConfig};
use tamis::{Document, Pipeline, PipelineConfig, StageConfig, StageEntry};

/// Pages of a few sites that share template lines (menus, a disclaimer, share prompts), with exact
/// duplicates, short pages and pages of their own.
pub fn write_site_corpus(path: &Path, docs: u64) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let sites = ["gazette.example", "rundschau.example", "diario.example"];
    let page = |i: u64| {
        format!(
            "Accueil Politique Culture\n{}.\n{}.\nSuivez-nous sur les réseaux\nLes opinions exprimées n'engagent que leurs auteurs, {}.\n{}",
            words(i, 50),
            words(i + 7, 40),
            sites[(i % 3) as usize],
            if i.is_multiple_of(5) { "Lire aussi" } else { "" }
        )
    };
    for i in 0..docs {
        let (site, text) = match i % 11 {
            4 => (sites[0], "Accueil\nPartagez".to_string()),
            // An exact copy of the page before, on the same site.
            7 => (sites[((i - 1) % 3) as usize], page(i - 1)),
            _ => (sites[(i % 3) as usize], page(i)),
        };
        let line = serde_json::json!({"id": format!("d{i}"), "text": text, "url": format!("https://www.{site}/a/{i}"), "metadata": {"n": i}});
        writeln!(f, "{line}").unwrap();
    }
}

pub fn site_pipeline() -> PipelineConfig {
    let mut config = PipelineConfig {
        stages: vec![
            StageEntry::new(StageConfig::Payload(PayloadConfig::default())),
            StageEntry::new(StageConfig::Length(LengthConfig {
                min_words: Some(5),
                ..LengthConfig::default()
            })),
            StageEntry::new(StageConfig::CleanLines(CleanLinesConfig::default())),
            StageEntry::new(StageConfig::GopherRepetition(GopherRepetitionConfig::default())),
            StageEntry::new(StageConfig::ExactDedup(ExactDedupConfig::default())),
        ],
        ..PipelineConfig::default()
    };
    config.output.format = tamis::writers::OutputFormat::Jsonl;
    config.output.shard_docs = 150;
    config
}

/// Every line of the shards of `dir`, in shard order.
pub fn shard_lines(dir: &Path) -> Vec<String> {
    let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    let mut lines = Vec::new();
    for p in paths {
        let f = std::io::BufReader::new(std::fs::File::open(p).unwrap());
        lines.extend(f.lines().map(Result::unwrap));
    }
    lines
}

fn line(doc: &Document, removed_by: Option<&str>) -> String {
    let l = tamis::writers::jsonl_line(doc, removed_by);
    String::from_utf8(l).unwrap().trim_end().to_string()
}

/// The stats without wall times.
pub fn timeless(mut stats: Vec<tamis::StageStats>) -> Vec<tamis::StageStats> {
    for s in &mut stats {
        s.seconds = 0.0;
        s.tokens_seconds = 0.0;
    }
    stats
}

#[test]
fn process_in_batches_of_any_size_equals_tamis_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    write_site_corpus(&input, 700);
    let config = site_pipeline();
    let out = dir.path().join("out");
    let report = run_into(&config, &input, &out, 2).unwrap();
    let (kept, removed) = (shard_lines(&out.join("kept")), shard_lines(&out.join("removed")));
    assert!(report.stages[3]
        .lines_removed
        .get("site_frequent")
        .is_some_and(|n| *n > 500));
    assert!(
        report.documents.kept > 300 && report.documents.removed > 100,
        "{:?}",
        report.documents
    );

    let docs = read_back(&input);
    let state = tamis::pipeline::site_index_serial(&config, docs.clone()).unwrap();
    for size in [1, 7, 256] {
        let mut pipeline = Pipeline::build(&config, &state).unwrap();
        let mut stats = tamis::RunStats::new(pipeline.stage_names());
        let (mut got_kept, mut got_removed) = (Vec::new(), Vec::new());
        for chunk in docs.chunks(size) {
            let outcome = pipeline.process(chunk.to_vec());
            assert!(outcome.errors.is_empty());
            got_kept.extend(outcome.kept.iter().map(|d| line(d, None)));
            got_removed.extend(outcome.removed.iter().map(|(d, by)| line(d, Some(by))));
            stats.merge(outcome.stats, &config.report);
        }
        assert_eq!(got_kept, kept, "kept, batches of {size}");
        assert_eq!(got_removed, removed, "removed, batches of {size}");
        assert_eq!(stats.totals, report.documents, "batches of {size}");
        assert_eq!(
            timeless(stats.stages),
            timeless(report.stages.clone()),
            "batches of {size}"
        );
        assert_eq!(stats.insights.languages, report.insights.languages);
        assert_eq!(stats.insights.samples, report.insights.samples);
    }
}

#[test]
fn a_two_pass_run_is_the_same_for_any_thread_count_and_cleans_up() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    write_site_corpus(&input, 1200);
    let config = site_pipeline();
    let mut outputs = Vec::new();
    for threads in [1, 2, 3] {
        let out = dir.path().join(format!("t{threads}"));
        let report = run_into(&config, &input, &out, threads).unwrap();
        assert!(report.documents.balanced());
        assert!(!out.join(".tamis/pass-0").exists(), "staged pass left behind");
        let mut report_json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
        report_json["seconds"] = 0.into();
        for s in report_json["stages"].as_array_mut().unwrap() {
            s["seconds"] = 0.into();
            s.as_object_mut().unwrap().remove("tokens_seconds");
        }
        outputs.push((output_files(&out), report_json));
    }
    assert!(outputs[0].0.len() >= 8, "expected several shards");
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0], outputs[2]);
}

#[test]
fn a_two_pass_run_killed_in_either_pass_resumes_to_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    write_site_corpus(&input, 1000);
    let config = site_pipeline();
    let full = dir.path().join("full");
    let full_report = run_into(&config, &input, &full, 2).unwrap();
    // 1000 documents in batches of 256, a checkpoint after every batch: 4 in each pass.
    for checkpoints in [0, 2, 3, 4, 5, 7] {
        let out = dir.path().join(format!("killed-{checkpoints}"));
        assert!(run_abandoned(&config, &input, &out, checkpoints).is_err());
        assert!(!out.join("report.json").exists());
        let resumed = run_into(&config, &input, &out, 1).unwrap();
        assert_eq!(
            output_files(&full),
            output_files(&out),
            "killed after {checkpoints} checkpoints"
        );
        assert_eq!(full_report.documents, resumed.documents);
        assert_eq!(timeless(full_report.stages.clone()), timeless(resumed.stages));
        assert_eq!(full_report.insights, resumed.insights);
    }
}
