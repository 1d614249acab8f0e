//! The per-file steps of a distributed run, driven here by a plain in-process driver, give the
//! local run's documents and counts: the contract the Ray driver's shuffles must keep.

use crate::batch::{shard_lines, site_pipeline, timeless, write_site_corpus};
use crate::common::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use tamis::clean::SiteLines;
use tamis::tasks::{finish_step, passes, stage_step, DocKeys, StepInput};
use tamis::{CorpusState, RunStats};

#[test]
fn per_file_steps_with_corpus_decisions_equal_the_local_run() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    // Three files: copies and site templates cross file boundaries.
    for (i, n) in [400, 250, 330].iter().enumerate() {
        write_site_corpus(&inputs.join(format!("part-{i}.jsonl")), *n);
    }
    let config = site_pipeline();
    let local = dir.path().join("local");
    let report = run_into(&config, &inputs, &local, 2).unwrap();
    assert!(report.stages.iter().any(|s| s.dropped.contains_key("duplicate")));

    let (files, _) = tamis::readers::collect_inputs(std::slice::from_ref(&inputs), config.input.format).unwrap();
    assert_eq!(passes(&config), 2);
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let staged = |k: usize, i: usize| work.join(format!("{k}-{i}.bin.zst"));
    let mut stats: Vec<Vec<RunStats>> = vec![Vec::new(); files.len()];

    // Pass 0, then the site-line decision: the first copy of a text counts, in (file, record) order.
    let mut line_keys = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let out = stage_step(&config, 0, StepInput::File(f), &CorpusState::default(), &staged(0, i)).unwrap();
        stats[i].push(out.stats);
        line_keys.extend(out.keys.into_iter().map(|k| (i, k)));
    }
    let mut first_copy: HashMap<u128, (usize, u64)> = HashMap::new();
    for (i, k) in &line_keys {
        let DocKeys::Lines { record, text_hash, .. } = k else {
            panic!("line keys expected")
        };
        let e = first_copy.entry(*text_hash).or_insert((*i, *record));
        *e = (*e).min((*i, *record));
    }
    let mut counts: HashMap<u64, u32> = HashMap::new();
    for (i, k) in &line_keys {
        let DocKeys::Lines {
            record,
            text_hash,
            keys,
        } = k
        else {
            unreachable!()
        };
        if first_copy[text_hash] == (*i, *record) {
            for key in keys {
                *counts.entry(*key).or_default() += 1;
            }
        }
    }
    let frequent = counts.into_iter().filter(|(_, n)| *n >= 3).map(|(k, _)| k);
    let site_state = CorpusState {
        site_lines: Some(Arc::new(SiteLines::from_keys(frequent))),
        ..Default::default()
    };

    // Pass 1's front, then exact dedup: the lowest (file, record) of a key is kept.
    let mut exact: BTreeMap<u128, Vec<(usize, u64)>> = BTreeMap::new();
    for (i, _) in files.iter().enumerate() {
        let out = stage_step(&config, 1, StepInput::Staged(&staged(0, i)), &site_state, &staged(1, i)).unwrap();
        stats[i].push(out.stats);
        for k in out.keys {
            let DocKeys::Exact { record, key } = k else {
                panic!("exact keys expected")
            };
            exact.entry(key).or_default().push((i, record));
        }
    }
    let mut duplicates: Vec<HashSet<u64>> = vec![HashSet::new(); files.len()];
    for mut ordinals in exact.into_values() {
        ordinals.sort_unstable();
        for (i, record) in ordinals.into_iter().skip(1) {
            duplicates[i].insert(record);
        }
    }

    let distributed = dir.path().join("distributed");
    for (i, dups) in duplicates.into_iter().enumerate() {
        let state = CorpusState {
            exact_duplicates: Some(Arc::new(dups)),
            ..Default::default()
        };
        stats[i].push(
            finish_step(&config, i, &staged(1, i), &state, &distributed, None)
                .unwrap()
                .stats,
        );
    }
    let mut total = RunStats::new(&tamis::pipeline::stage_names(&config));
    for s in stats.into_iter().flatten() {
        total.merge(s, &config.report);
    }

    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    assert_eq!(
        sorted(shard_lines(&distributed.join("kept"))),
        sorted(shard_lines(&local.join("kept")))
    );
    assert_eq!(
        sorted(shard_lines(&distributed.join("removed"))),
        sorted(shard_lines(&local.join("removed")))
    );
    assert_eq!(total.totals, report.documents);
    assert_eq!(timeless(total.stages), timeless(report.stages.clone()));
    assert_eq!(total.output.kept_bytes, report.output.kept_bytes);
    assert_eq!(total.output.tokens, report.output.tokens);
    assert_eq!(total.insights.for_report().samples, report.insights.samples);
}
