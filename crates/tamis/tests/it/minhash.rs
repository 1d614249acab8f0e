//! MinHash near-dedup: signature parity with datatrove, planted near-duplicates, short documents,
//! thread-count and spill invariance, the Jaccard check.

use crate::common::words;
use std::io::Write;
use std::path::Path;
use tamis::dedup::minhash::{shingle_hashes, simplify_text};
use tamis::dedup::{near_dedup, MinhashConfig, NearDedupOptions, NearDedupReport, Signer};
use tamis::writers::{OutputConfig, OutputFormat};

#[test]
fn signatures_equal_datatrove() {
    // Produced by datatrove 0.10.1 (MinhashConfig() defaults): bench/gen_minhash_fixture.py.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minhash/datatrove_signatures.json");
    let fixture: Vec<serde_json::Value> = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let config = MinhashConfig::default();
    let signer = Signer::new(config.clone()).unwrap();
    let mut shingles = Vec::new();
    let mut signed = 0;
    for entry in &fixture {
        let text = entry["text"].as_str().unwrap();
        assert_eq!(
            simplify_text(text, &config.normalization),
            entry["simplified"].as_str().unwrap(),
            "{text}"
        );
        shingle_hashes(text, &config, &mut shingles);
        assert_eq!(shingles.len() as u64, entry["shingles"].as_u64().unwrap(), "{text}");
        let expected: Option<Vec<u64>> = entry
            .get("signature")
            .map(|s| s.as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect());
        assert_eq!(signer.signature(&shingles), expected, "{text}");
        signed += usize::from(expected.is_some());
    }
    assert!(signed >= 10, "the fixture signs most of its texts");
}

/// Replace every `step`-th word (from `offset`) of `text` with a new word.
fn perturb(text: &str, step: usize, offset: usize) -> String {
    text.split(' ')
        .enumerate()
        .map(|(i, w)| {
            if i % step == offset {
                format!("x{i}q")
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// 60 unique 200-word documents; documents 60.. are planted copies: 10 near-duplicates (one word in
/// 100 changed: 5-gram Jaccard ≈ 0.9, LSH recall ≈ 0.9996 each), 5 exact copies with other case and punctuation, and 6 copies
/// of a 4-word text (too short to sign). Returns the ids that must be removed.
fn write_planted(path: &Path) -> Vec<String> {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let originals: Vec<String> = (0..60).map(|i| words(1000 + i, 200)).collect();
    let mut line = |id: String, text: &str| {
        writeln!(f, "{}", serde_json::json!({"id": id, "text": text})).unwrap();
    };
    for (i, t) in originals.iter().enumerate() {
        line(format!("orig{i}"), t);
    }
    let mut removed = Vec::new();
    for i in 0..10 {
        line(format!("near{i}"), &perturb(&originals[i * 3], 100, i * 7));
        removed.push(format!("near{i}"));
    }
    for i in 0..5 {
        line(format!("exact{i}"), &format!("{}!!", originals[40 + i].to_uppercase()));
        removed.push(format!("exact{i}"));
    }
    for i in 0..6 {
        line(format!("short{i}"), "too short a text");
    }
    // A near-duplicate of a near-duplicate joins the same cluster (transitivity).
    line("chain".into(), &perturb(&perturb(&originals[0], 100, 0), 100, 50));
    removed.push("chain".into());
    removed.sort();
    removed
}

fn options(input: &Path, out: &Path, threads: usize, memory_limit: u64) -> NearDedupOptions {
    NearDedupOptions {
        inputs: vec![input.to_path_buf()],
        output: out.to_path_buf(),
        threads,
        memory_limit,
        input: Default::default(),
        output_config: OutputConfig {
            format: OutputFormat::Jsonl,
            ..Default::default()
        },
        index: None,
    }
}

fn read_jsonl(dir: &Path) -> Vec<serde_json::Value> {
    let mut entries: Vec<_> = match std::fs::read_dir(dir) {
        Ok(r) => r.map(|e| e.unwrap().path()).collect(),
        Err(_) => return Vec::new(),
    };
    entries.sort();
    entries
        .iter()
        .flat_map(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn ids(docs: &[serde_json::Value]) -> Vec<String> {
    let mut ids: Vec<String> = docs.iter().map(|d| d["id"].as_str().unwrap().to_string()).collect();
    ids.sort();
    ids
}

fn run(config: &MinhashConfig, input: &Path, out: &Path, threads: usize, memory_limit: u64) -> NearDedupReport {
    near_dedup(config, &options(input, out, threads, memory_limit)).unwrap()
}

#[test]
fn planted_near_duplicates_are_clustered_and_short_docs_kept() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let expected_removed = write_planted(&input);
    let out = dir.path().join("out");
    let report = run(&MinhashConfig::default(), &input, &out, 2, 256 << 20);
    let kept = read_jsonl(&out.join("kept"));
    let removed = read_jsonl(&out.join("removed"));
    assert_eq!(ids(&removed), expected_removed);
    assert_eq!(kept.len(), 60 + 6, "every original and every short doc is kept");
    assert_eq!(report.documents.docs_in, 82);
    assert_eq!(report.documents.removed, 16);
    assert_eq!(report.minhash.too_short, 6);
    assert_eq!(report.minhash.clusters, 15);
    assert_eq!(report.removed["minhash_dedup.duplicate"], 16);
    for d in &removed {
        assert_eq!(d["metadata"]["removed_by"], "minhash_dedup.duplicate");
    }
    // Cluster metadata: orig0 + near0 + chain form one cluster whose id is orig0's doc id (0).
    let by_id = |id: &str| kept.iter().chain(&removed).find(|d| d["id"] == id).unwrap().clone();
    for id in ["orig0", "near0", "chain"] {
        let m = &by_id(id)["metadata"];
        assert_eq!(
            (m["minhash_cluster_id"].as_i64(), m["minhash_cluster_size"].as_u64()),
            (Some(0), Some(3)),
            "{id}"
        );
    }
    let m = &by_id("orig41")["metadata"];
    assert_eq!(
        (m["minhash_cluster_id"].as_i64(), m["minhash_cluster_size"].as_u64()),
        (Some(41), Some(2))
    );
    for id in ["orig1", "short3"] {
        let m = &by_id(id)["metadata"];
        assert_eq!(
            (m["minhash_cluster_id"].as_i64(), m["minhash_cluster_size"].as_u64()),
            (Some(-1), Some(1)),
            "{id}"
        );
    }
}

#[test]
fn output_is_identical_for_any_thread_count_and_memory_limit() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    {
        // Enough documents for several batches and, with a small limit, many spilled runs.
        let mut f = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
        for i in 0..3000u64 {
            let text = if i % 7 == 3 {
                perturb(&words(i - 3, 120), 60, (i % 60) as usize)
            } else {
                words(i, 120)
            };
            writeln!(f, "{}", serde_json::json!({"id": format!("d{i}"), "text": text})).unwrap();
        }
    }
    let config = MinhashConfig::default();
    let reference_out = dir.path().join("t1");
    let reference = run(&config, &input, &reference_out, 1, 1 << 30);
    assert_eq!(reference.minhash.spilled_runs, 0);
    assert!(reference.documents.removed >= 300, "{:?}", reference.documents);
    let expected = crate::common::output_files(&reference_out);
    for (threads, limit) in [(2, 1 << 30), (3, 1 << 30), (1, 128 << 10), (3, 128 << 10)] {
        let out = dir.path().join(format!("t{threads}-{limit}"));
        let report = run(&config, &input, &out, threads, limit);
        if limit < 1 << 20 {
            assert!(
                report.minhash.spilled_runs > 14,
                "the small limit spills: {:?}",
                report.minhash
            );
        }
        assert_eq!(report.minhash.candidate_pairs, reference.minhash.candidate_pairs);
        assert!(
            crate::common::output_files(&out) == expected,
            "threads {threads}, limit {limit}: output differs"
        );
        assert!(!out.join(".tamis-minhash-tmp").exists(), "temporary runs are removed");
    }
}

#[test]
fn jaccard_check_rejects_pairs_below_the_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    write_planted(&input);
    // At threshold 1.0 only sets equal after normalisation survive: the 5 exact copies.
    let config = MinhashConfig {
        jaccard_threshold: Some(1.0),
        ..MinhashConfig::default()
    };
    let out = dir.path().join("out");
    let report = run(&config, &input, &out, 2, 64 << 20);
    let removed = ids(&read_jsonl(&out.join("removed")));
    assert_eq!(removed, (0..5).map(|i| format!("exact{i}")).collect::<Vec<_>>());
    assert!(report.minhash.jaccard_rejected >= 11, "{:?}", report.minhash);
    // The same check inside `tamis run`'s stage, with the same decisions.
    let in_run = dir.path().join("in-run");
    let run_report = crate::common::run_into(&pipeline(config.clone()), &input, &in_run, 2).unwrap();
    assert_eq!(ids(&read_jsonl(&in_run.join("removed"))), removed);
    let stats = run_report.minhash.unwrap();
    assert_eq!(
        (stats.jaccard_checked, stats.jaccard_rejected),
        (report.minhash.jaccard_checked, report.minhash.jaccard_rejected)
    );
    // At 0.7 the planted near-duplicates (Jaccard ≈ 0.8–0.9) pass.
    let config = MinhashConfig {
        jaccard_threshold: Some(0.7),
        ..MinhashConfig::default()
    };
    let out = dir.path().join("out2");
    let report = run(&config, &input, &out, 2, 64 << 20);
    assert_eq!(report.documents.removed, 16);
    assert_eq!(report.minhash.jaccard_rejected, 0);
}

#[test]
fn character_shingles_dedup_too() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let expected = write_planted(&input);
    let config = MinhashConfig {
        unit: tamis::dedup::ShingleUnit::Chars,
        n_grams: 24,
        bands: 20,
        rows: 13,
        ..MinhashConfig::default()
    };
    let out = dir.path().join("out");
    run(&config, &input, &out, 2, 64 << 20);
    // 20 × 13 has a threshold near 0.79: the planted pairs (character-gram Jaccard ≈ 0.85) are found,
    // short documents (16 characters < 24) are not signed.
    assert_eq!(ids(&read_jsonl(&out.join("removed"))), expected);
}

#[test]
fn refuses_to_overwrite_a_finished_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    write_planted(&input);
    let out = dir.path().join("out");
    run(&MinhashConfig::default(), &input, &out, 1, 64 << 20);
    assert!(near_dedup(&MinhashConfig::default(), &options(&input, &out, 1, 64 << 20)).is_err());
}

/// A pipeline of one `minhash_dedup` stage, JSONL output in small shards, no token counts.
fn pipeline(minhash: MinhashConfig) -> tamis::PipelineConfig {
    let mut config = tamis::PipelineConfig {
        stages: vec![tamis::StageEntry::new(tamis::StageConfig::MinhashDedup(minhash))],
        ..Default::default()
    };
    config.output.format = OutputFormat::Jsonl;
    config.output.shard_docs = 20;
    config.tokens.encodings = Vec::new();
    config
}

#[test]
fn tamis_run_with_minhash_dedup_removes_what_tamis_dedup_removes() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let expected = write_planted(&input);
    let standalone = dir.path().join("standalone");
    run(&MinhashConfig::default(), &input, &standalone, 2, 64 << 20);

    let config = pipeline(MinhashConfig::default());
    let out1 = dir.path().join("run1");
    let report = crate::common::run_into(&config, &input, &out1, 1).unwrap();
    let out2 = dir.path().join("run2");
    crate::common::run_into(&config, &input, &out2, 2).unwrap();
    assert_eq!(crate::common::output_files(&out1), crate::common::output_files(&out2));

    let removed = read_jsonl(&out1.join("removed"));
    assert_eq!(ids(&removed), expected);
    assert!(removed
        .iter()
        .all(|d| d["metadata"]["removed_by"] == "minhash_dedup.duplicate"));
    // Same decisions and cluster metadata as `tamis dedup` over the same input.
    let strip = |mut docs: Vec<serde_json::Value>| {
        docs.sort_by_key(|d| d["id"].as_str().unwrap().to_string());
        docs.iter()
            .map(|d| {
                (
                    d["id"].clone(),
                    d["metadata"]["minhash_cluster_id"].clone(),
                    d["metadata"]["minhash_cluster_size"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        strip(read_jsonl(&out1.join("kept"))),
        strip(read_jsonl(&standalone.join("kept")))
    );
    assert_eq!(strip(removed), strip(read_jsonl(&standalone.join("removed"))));

    let stage = report.stages.iter().find(|s| s.name == "minhash_dedup").unwrap();
    assert_eq!(stage.dropped["duplicate"], expected.len() as u64);
    assert_eq!(stage.docs_in, report.documents.docs_in);
    assert_eq!(report.documents.removed, expected.len() as u64);
    assert_eq!(report.documents.kept, stage.kept);
    assert!(report.documents.balanced() && stage.balanced());
    // Nothing of the final pass's working files is left behind.
    assert!(!out1.join(".tamis/staged").exists());
    // A rerun over a finished output changes nothing.
    let again = crate::common::run_into(&config, &input, &out1, 2).unwrap();
    assert_eq!(again.documents, report.documents);
    assert_eq!(crate::common::output_files(&out1), crate::common::output_files(&out2));
}

#[test]
fn an_abandoned_minhash_run_resumes_to_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    // Several batches of 256 documents, so that the run stops between checkpoints.
    write_batch(&input, 0..900, &[3, 400, 899]);
    let config = pipeline(MinhashConfig::default());
    let full = dir.path().join("full");
    crate::common::run_into(&config, &input, &full, 2).unwrap();
    let out = dir.path().join("resumed");
    let crashed = crate::common::run_abandoned(&config, &input, &out, 2);
    assert!(crashed.is_err());
    crate::common::run_into(&config, &input, &out, 1).unwrap();
    assert_eq!(crate::common::output_files(&full), crate::common::output_files(&out));
    assert_eq!(read_jsonl(&out.join("removed")).len(), 3);
}

/// Documents `range` of the planted originals, plus near copies (one word in 100 changed) of `copies`.
fn write_batch(path: &Path, range: std::ops::Range<u64>, copies: &[u64]) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in range {
        writeln!(
            f,
            "{}",
            serde_json::json!({"id": format!("orig{i}"), "text": words(1000 + i, 200)})
        )
        .unwrap();
    }
    for &i in copies {
        let text = perturb(&words(1000 + i, 200), 100, 3);
        writeln!(f, "{}", serde_json::json!({"id": format!("copy{i}"), "text": text})).unwrap();
    }
}

#[test]
fn a_second_run_with_the_index_removes_cross_run_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let (first, second) = (dir.path().join("first.jsonl"), dir.path().join("second.jsonl"));
    write_batch(&first, 0..30, &[]);
    // Copies of 5 documents of the first batch and of 3 of its own.
    write_batch(&second, 30..60, &[1, 4, 9, 16, 25, 31, 40, 52]);
    let with_index = MinhashConfig {
        index: Some(index.clone()),
        ..MinhashConfig::default()
    };
    // `tamis dedup` for the first batch, `tamis run` for the second: one index format.
    let mut options1 = options(&first, &dir.path().join("out1"), 2, 64 << 20);
    options1.index = Some(index.clone());
    let r1 = near_dedup(&MinhashConfig::default(), &options1).unwrap();
    assert_eq!(r1.documents.removed, 0);
    assert!(r1.minhash.index_keys_added >= 30 * 14 - 5, "{:?}", r1.minhash);

    let out2 = dir.path().join("out2");
    let report = crate::common::run_into(&pipeline(with_index.clone()), &second, &out2, 2).unwrap();
    let removed = read_jsonl(&out2.join("removed"));
    let by = |reason: &str| {
        let mut v: Vec<String> = removed
            .iter()
            .filter(|d| d["metadata"]["removed_by"] == reason)
            .map(|d| d["id"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        by("minhash_dedup.earlier_run"),
        ["copy1", "copy16", "copy25", "copy4", "copy9"],
        "{:?}",
        report.minhash
    );
    assert_eq!(by("minhash_dedup.duplicate"), ["copy31", "copy40", "copy52"]);
    let stage = report.stages.iter().find(|s| s.name == "minhash_dedup").unwrap();
    assert_eq!(stage.dropped["earlier_run"], 5);
    assert_eq!(report.minhash.unwrap().earlier_run_matches, 5);
    assert_eq!(read_jsonl(&out2.join("kept")).len(), 30);

    // A third run of the second batch finds all of it in the index now.
    let out3 = dir.path().join("out3");
    let report = crate::common::run_into(&pipeline(with_index), &second, &out3, 2).unwrap();
    assert_eq!(report.documents.kept, 0);

    // Other hashing settings cannot share the index.
    let other = MinhashConfig {
        n_grams: 3,
        index: Some(index),
        ..MinhashConfig::default()
    };
    let e = crate::common::run_into(&pipeline(other), &second, &dir.path().join("out4"), 2).unwrap_err();
    assert!(e.to_string().contains("other MinHash settings"), "{e}");
}

#[test]
fn minhash_dedup_after_stages_that_remove_everything_and_resumes_with_another_memory_limit() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    write_planted(&input);
    // Nothing reaches minhash_dedup: the final pass has no staged shard to read.
    let mut config = pipeline(MinhashConfig::default());
    config.stages.insert(
        0,
        tamis::StageEntry::new(tamis::StageConfig::Length(tamis::filters::LengthConfig {
            min_words: Some(100_000),
            ..Default::default()
        })),
    );
    let report = crate::common::run_into(&config, &input, &dir.path().join("none"), 2).unwrap();
    assert_eq!(report.documents.kept, 0);
    assert!(report.stages.iter().all(|s| s.balanced()));

    // The memory limit and the index are not part of the run's identity: a finished (or stopped)
    // run can be rerun with other values on the same output.
    let out = dir.path().join("out");
    let first = crate::common::run_into(&pipeline(MinhashConfig::default()), &input, &out, 2).unwrap();
    let bigger = MinhashConfig {
        memory_limit: Some("512M".into()),
        ..MinhashConfig::default()
    };
    let again = crate::common::run_into(&pipeline(bigger), &input, &out, 2).unwrap();
    assert_eq!(first.documents, again.documents);
}

#[test]
fn exact_dedup_before_minhash_dedup_gives_the_same_decisions_as_in_two_steps() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    write_batch(&input, 0..3000, &[3, 400]);
    {
        // 300 exact copies after the originals (twelve batches of 256 later, more than are ever in
        // flight): exact dedup drops them, and the workers see them after their original was kept.
        let mut f = std::fs::OpenOptions::new().append(true).open(&input).unwrap();
        for i in 0..300u64 {
            writeln!(
                f,
                "{}",
                serde_json::json!({"id": format!("same{i}"), "text": words(1000 + i, 200)})
            )
            .unwrap();
        }
    }
    let exact = tamis::StageEntry::new(tamis::StageConfig::ExactDedup(Default::default()));
    let mut both = pipeline(MinhashConfig::default());
    both.stages.insert(0, exact.clone());
    let (out1, out2) = (dir.path().join("t1"), dir.path().join("t2"));
    let report = crate::common::run_into(&both, &input, &out1, 1).unwrap();
    crate::common::run_into(&both, &input, &out2, 2).unwrap();
    assert_eq!(crate::common::output_files(&out1), crate::common::output_files(&out2));
    let stage = |name: &str| report.stages.iter().find(|s| s.name == name).unwrap().clone();
    assert_eq!(stage("exact_dedup").dropped["duplicate"], 300);
    assert_eq!(stage("minhash_dedup").dropped["duplicate"], 2);

    // Two steps: exact dedup alone, then `tamis dedup` over its kept output.
    let mut only_exact = pipeline(MinhashConfig::default());
    only_exact.stages = vec![exact.clone()];
    let step1 = dir.path().join("step1");
    crate::common::run_into(&only_exact, &input, &step1, 2).unwrap();
    let step2 = dir.path().join("step2");
    near_dedup(
        &MinhashConfig::default(),
        &options(&step1.join("kept"), &step2, 2, 64 << 20),
    )
    .unwrap();
    assert_eq!(
        ids(&read_jsonl(&out1.join("kept"))),
        ids(&read_jsonl(&step2.join("kept")))
    );

    // exact_dedup in annotate mode keeps its duplicates (flagged): minhash_dedup then removes them,
    // with band keys the sequencer computes for the documents the workers skipped.
    let mut annotated = both.clone();
    annotated.stages[0].annotate = true;
    let report = crate::common::run_into(&annotated, &input, &dir.path().join("annotated"), 2).unwrap();
    let stage = report.stages.iter().find(|s| s.name == "minhash_dedup").unwrap();
    assert_eq!(stage.dropped["duplicate"], 302);
}
