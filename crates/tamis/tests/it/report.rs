//! The report: token totals against a direct count, histograms, languages, site lines and samples,
//! the same for any thread count and after a resume; `report.html` drawn from it.

use crate::common::*;
use std::path::Path;
use tamis::clean::CleanLinesConfig;
use tamis::filters::{FineWebQualityConfig, GopherQualityConfig, PayloadConfig};
use tamis::tokens::Encoding;
use tamis::{PipelineConfig, Report, StageConfig, StageEntry};

/// Line cleaning and two quality filters: no language model needed.
fn text_pipeline() -> PipelineConfig {
    let mut config = PipelineConfig {
        stages: vec![
            StageEntry::new(StageConfig::Payload(PayloadConfig::default())),
            StageEntry::new(StageConfig::CleanLines(CleanLinesConfig::default())),
            StageEntry::new(StageConfig::GopherQuality(GopherQualityConfig::default())),
            StageEntry::new(StageConfig::FineWebQuality(FineWebQualityConfig::default())),
            StageEntry::new(StageConfig::ExactDedup(Default::default())),
        ],
        ..PipelineConfig::default()
    };
    config.output.shard_docs = 40;
    config
}

/// News-like pages from one site (its furniture repeats, so it is removed), every tenth one an
/// exact copy of the page before, and short stubs that the quality filters remove.
fn write_site_corpus(path: &Path, docs: usize) {
    use std::io::Write;
    let story = |i: usize| {
        let body = (0..6)
            .map(|p| {
                let w: Vec<String> = words((i * 10 + p) as u64, 4).split(' ').map(String::from).collect();
                format!(
                    "The council of {} met on the {} day and voted on the budget for the {} school, which the town of {} has wanted for years and will now build by the river.",
                    w[0], w[1], w[2], w[3]
                )
            })
            .collect::<Vec<_>>()
            .join("\n\n");
        let title = words(i as u64 + 7777, 3);
        format!(
            "Home\nNews\nSport\nWeather\n\nThe {title} story\n\n{body}\n\nShare this article\nFollow us on Facebook\n© 2024 Example Gazette. All rights reserved."
        )
    };
    let mut f = std::fs::File::create(path).unwrap();
    for i in 0..docs {
        let text = if i % 7 == 3 {
            format!(
                "A short stub about {} with far fewer than fifty words.",
                words(i as u64, 2)
            )
        } else if i % 10 == 5 {
            story(i - 1)
        } else {
            story(i)
        };
        let line = serde_json::json!({"id": format!("d{i}"), "text": text, "url": format!("https://www.example-gazette.test/story/{i}")});
        writeln!(f, "{line}").unwrap();
    }
}

fn kept_docs(out: &Path) -> Vec<tamis::Document> {
    read_back(&out.join("kept"))
}

#[test]
fn a_two_pass_run_reports_no_more_seconds_than_it_took() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    write_site_corpus(&input, 400);
    let config = text_pipeline();
    let t = std::time::Instant::now();
    // clean_lines with site lines: a staged first pass, then the last pass.
    let report = run_into(&config, &input, &dir.path().join("out"), 2).unwrap();
    let took = t.elapsed().as_secs_f64();
    assert!(report.seconds > 0.0);
    assert!(
        report.seconds <= took,
        "report says {} s, the run took {took} s",
        report.seconds
    );
}

#[test]
fn token_totals_match_a_direct_count_of_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    write_site_corpus(&input, 120);
    let out = dir.path().join("out");
    let mut config = text_pipeline();
    // Both vocabularies (the default counts o200k only), across a staged site-line pass.
    config.tokens.encodings = Encoding::ALL.to_vec();
    let report = run_into(&config, &input, &out, 2).unwrap();
    let docs = kept_docs(&out);
    assert!(!docs.is_empty());
    for enc in Encoding::ALL {
        let direct: u64 = docs.iter().map(|d| enc.count(d.text().unwrap())).sum();
        let from_metadata: u64 = docs
            .iter()
            .map(|d| d.metadata["tokens"][enc.name()].as_u64().unwrap())
            .sum();
        assert_eq!(report.output.tokens[enc.name()], direct, "{}", enc.name());
        assert_eq!(from_metadata, direct, "{}", enc.name());
        // The funnel's last stage leaves exactly the output.
        assert_eq!(report.stages.last().unwrap().tokens_kept[enc.name()], direct);
        // Line cleaning shrinks the text: fewer tokens leave it than enter it.
        let clean = report.stages.iter().find(|s| s.name == "clean_lines").unwrap();
        assert!(clean.tokens_kept[enc.name()] < clean.tokens_in[enc.name()]);
    }
    // Removed documents carry their count too.
    let removed = read_back(&out.join("removed"));
    assert!(removed.iter().all(|d| d.metadata["tokens"]["o200k"].as_u64().is_some()));
}

#[test]
fn histograms_languages_site_lines_and_samples_are_filled() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    write_site_corpus(&input, 120);
    let out = dir.path().join("out");
    let report = run_into(&text_pipeline(), &input, &out, 2).unwrap();

    let gq = report.stages.iter().find(|s| s.name == "gopher_quality").unwrap();
    let words = &gq.histograms["n_words"];
    assert_eq!(
        words.total(),
        gq.docs_in,
        "every evaluated document is in the histogram"
    );
    assert_eq!(words.min, Some(50.0));
    let fw = report.stages.iter().find(|s| s.name == "fineweb_quality").unwrap();
    assert_eq!(fw.histograms["line_punct_ratio"].min, Some(0.12));
    // Signals are gathered for the report but not written to the output outside annotate mode.
    assert!(kept_docs(&out).iter().all(|d| !d.metadata.contains_key("signals")));

    let langs = &report.insights.languages;
    assert_eq!(langs["none"].docs, report.documents.docs_in - report.documents.errors);
    assert_eq!(langs["none"].kept, report.documents.kept);

    let site = &report.insights.site_lines["example-gazette.test"];
    assert!(site["Share this article"] >= 100, "{site:?}");

    let samples = &report.insights.samples;
    for reason in ["gopher_quality.gopher_short_doc", "exact_dedup.duplicate"] {
        let n = samples.get(reason).map_or(0, Vec::len);
        assert_eq!(n, 3, "{reason}: {:?}", samples.keys().collect::<Vec<_>>());
    }
    // A line-removal sample shows its document's lines in their original order.
    let (reason, list) = samples.iter().find(|(r, _)| r.starts_with("clean_lines.")).unwrap();
    let s = &list[0];
    let id: usize = s.id.trim_start_matches('d').parse().unwrap();
    let original = std::fs::read_to_string(&input).unwrap();
    let doc: serde_json::Value = serde_json::from_str(original.lines().nth(id).unwrap()).unwrap();
    let expect: Vec<&str> = doc["text"]
        .as_str()
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    let shown: Vec<&str> = s.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(shown, expect, "{reason}");
    assert!(s.lines.iter().any(|l| l.removed.as_deref() == Some(reason.as_str())));

    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for id in [
        "summary",
        "funnel",
        "reasons",
        "languages",
        "signals",
        "sites",
        "samples",
        "errors",
    ] {
        assert!(html.contains(&format!("<section id=\"{id}\">")), "section {id}");
    }
    assert!(html.contains("data-chart=\"hist-gopher_quality-n_words\""));
    assert!(
        !html.contains("<script src") && !html.contains("<link "),
        "self-contained"
    );
}

#[test]
fn report_is_the_same_for_any_thread_count_and_after_a_resume() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    write_site_corpus(&input, 1000);
    let config = text_pipeline();
    let comparable = |r: &Report| {
        let mut v = serde_json::to_value(r).unwrap();
        v.as_object_mut().unwrap().remove("seconds");
        for s in v["stages"].as_array_mut().unwrap() {
            s.as_object_mut().unwrap().remove("seconds");
            s.as_object_mut().unwrap().remove("tokens_seconds");
        }
        v
    };
    let one = run_into(&config, &input, &dir.path().join("t1"), 1).unwrap();
    let two = run_into(&config, &input, &dir.path().join("t2"), 2).unwrap();
    assert_eq!(comparable(&one), comparable(&two));

    let resumed = dir.path().join("resumed");
    assert!(crate::common::run_abandoned(&config, &input, &resumed, 2).is_err());
    let again = run_into(&config, &input, &resumed, 2).unwrap();
    assert_eq!(comparable(&again), comparable(&one));
}

#[test]
fn tokens_and_report_can_be_turned_off() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    write_site_corpus(&input, 30);
    let mut config = text_pipeline();
    config.tokens.encodings.clear();
    config.report.html = false;
    config.report.signals = false;
    let out = dir.path().join("out");
    let report = run_into(&config, &input, &out, 1).unwrap();
    assert!(report.output.tokens.is_empty());
    assert!(report
        .stages
        .iter()
        .all(|s| s.tokens_in.is_empty() && s.histograms.is_empty()));
    assert!(kept_docs(&out).iter().all(|d| !d.metadata.contains_key("tokens")));
    assert!(!out.join("report.html").exists());
}

/// Stages are built with their signals on for the report; outside annotate mode none of them may
/// reach the output, also for a stage without histograms (C4).
#[test]
fn signals_stay_out_of_the_output_outside_annotate_mode() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    write_site_corpus(&input, 30);
    let mut config = text_pipeline();
    config
        .stages
        .insert(2, StageEntry::new(StageConfig::C4Quality(Default::default())));
    let out = dir.path().join("out");
    run_into(&config, &input, &out, 1).unwrap();
    let docs: Vec<_> = kept_docs(&out)
        .into_iter()
        .chain(read_back(&out.join("removed")))
        .collect();
    assert!(!docs.is_empty());
    for d in docs {
        assert!(!d.metadata.contains_key("signals"), "{:?}", d.metadata);
    }
}
