//! Every stage's example config over a nasty corpus: no panic, stats balance.

use tamis::{PipelineConfig, StageConfig, StageEntry};

fn nasty_texts() -> Vec<String> {
    vec![
        String::new(),
        " \n\t \r\n".into(),
        "x".repeat(1 << 20),
        "line one\r\nline two\r\n".into(),
        "nul\0byte".into(),
        "مرحبا بالعالم هذا نص عربي".into(),
        "e\u{301}\u{301}\u{301} combining".into(),
        "👩‍👩‍👧‍👦 family emoji zwj".into(),
        "中文文本没有空格分词".into(),
        "\u{feff}bom first".into(),
    ]
}

#[test]
fn every_stage_example_survives_a_nasty_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("nasty.jsonl");
    let lines: Vec<String> = nasty_texts()
        .iter()
        .map(|t| serde_json::json!({"text": t}).to_string())
        .collect();
    std::fs::write(&input, lines.join("\n")).unwrap();
    for mut example in StageConfig::examples() {
        let name = example.type_name();
        if let StageConfig::Language(c) = &mut example {
            c.model = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/lid.176.ftz").into();
            if !std::path::Path::new(&c.model).is_file() {
                eprintln!("skipped language: models/lid.176.ftz absent (bash scripts/fetch-models.sh)");
                continue;
            }
        }
        let config = PipelineConfig {
            stages: vec![StageEntry::new(example)],
            ..Default::default()
        };
        let out = dir.path().join(name);
        let report = crate::common::run_into(&config, &input, &out, 2).unwrap();
        assert_eq!(report.documents.docs_in, lines.len() as u64, "{name}");
        assert!(report.documents.balanced(), "{name}");
        assert!(report.stages.iter().all(|s| s.balanced()), "{name}");
    }
}
