//! The `tamis` binary end to end: exit codes, a real `kill -9` and resume, the sample corpus.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn tamis() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tamis"))
}

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn files_under(out: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for dir in ["kept", "removed"] {
        let mut entries: Vec<_> = std::fs::read_dir(out.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            files.push((
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            ));
        }
    }
    files
}

/// `tamis run` on the bundled sample corpus, as the README's first command does.
fn run_sample() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let status = tamis()
        .args(["run", "-o"])
        .arg(out.path())
        .arg(examples())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    out
}

#[test]
fn sample_corpus_runs_clean_and_balances() {
    let out = run_sample();
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("report.json")).unwrap()).unwrap();
    let d = &report["documents"];
    let (i, k, r, e) = (
        d["in"].as_u64().unwrap(),
        d["kept"].as_u64().unwrap(),
        d["removed"].as_u64().unwrap(),
        d["errors"].as_u64().unwrap(),
    );
    assert_eq!(i, k + r + e);
    assert!(k > 0 && r > 0, "{d}");
}

#[test]
fn exit_codes_follow_the_convention() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let missing = tamis()
        .args(["run", "-o"])
        .arg(&out)
        .arg(dir.path().join("absent.jsonl"))
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    let message = String::from_utf8_lossy(&missing.stderr);
    assert!(message.contains("absent.jsonl"), "{message}");
    // The OS's reason once, not once per layer of the error chain.
    assert_eq!(message.matches("os error 2").count(), 1, "{message}");
    let zero = tamis()
        .args(["run", "--threads", "0", "-o"])
        .arg(&out)
        .arg(examples())
        .output()
        .unwrap();
    assert_eq!(zero.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&zero.stderr).contains("must be at least 1"));
    // A stage that cannot be built stops the run before the output directory is made.
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[[stages]]\ntype = \"language\"\nmodel = \"/nonexistent/lid.ftz\"\n",
    )
    .unwrap();
    let no_model = tamis()
        .arg("run")
        .arg("--config")
        .arg(&bad)
        .arg("-o")
        .arg(&out)
        .arg(examples())
        .output()
        .unwrap();
    assert_eq!(no_model.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_model.stderr).contains("fetch-models.sh"));
    assert!(!out.exists(), "a failed start leaves no output directory");

    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, "{\"text\": \"one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty\"}\n{oops\n").unwrap();
    let with_errors = tamis().args(["run", "-o"]).arg(&out).arg(&input).output().unwrap();
    assert_eq!(with_errors.status.code(), Some(1));
    // --strict: the same bad line stops the run, naming it.
    let strict = tamis()
        .args(["run", "--strict", "-o"])
        .arg(dir.path().join("o-strict"))
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(strict.status.code(), Some(2));
    let message = String::from_utf8_lossy(&strict.stderr);
    assert!(
        message.contains("in.jsonl record 1") && message.contains("stopped at error 1"),
        "{message}"
    );
    // A file that cannot be read at all is an error of its own; the other inputs are still run.
    let tree = dir.path().join("tree");
    std::fs::create_dir(&tree).unwrap();
    std::fs::copy(&input, tree.join("in.jsonl")).unwrap();
    std::os::unix::fs::symlink("gone.jsonl", tree.join("link.jsonl")).unwrap();
    let faulty = tamis()
        .args(["run", "-o"])
        .arg(dir.path().join("o-tree"))
        .arg(&tree)
        .output()
        .unwrap();
    assert_eq!(faulty.status.code(), Some(1));
    let message = String::from_utf8_lossy(&faulty.stderr);
    assert!(message.contains("input files that could not be read: 1"), "{message}");
    assert!(message.contains("link.jsonl: bad_symlink"), "{message}");

    let bad_config = dir.path().join("p.toml");
    std::fs::write(&bad_config, "[[stages]]\ntype = \"nope\"\n").unwrap();
    let cfg = tamis()
        .args(["run", "--config"])
        .arg(&bad_config)
        .arg("-o")
        .arg(dir.path().join("o2"))
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(cfg.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&cfg.stderr).contains("nope"));

    let stages = tamis().arg("stages").output().unwrap();
    assert_eq!(stages.status.code(), Some(0));
    for spec in tamis::STAGES {
        assert!(String::from_utf8_lossy(&stages.stdout).contains(spec.name));
    }
}

#[test]
fn kill_9_then_rerun_gives_the_uninterrupted_bytes_and_a_second_run_is_locked_out() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.jsonl");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
        for i in 0..150_000u64 {
            // Every 7th document repeats an earlier one, so dedup state must survive the kill.
            let n = if i % 7 == 6 { i - 3 } else { i };
            let text: String = (0..40).map(|w| format!("w{}x{} ", n.wrapping_mul(31 + w), w)).collect();
            writeln!(f, "{}", serde_json::json!({"id": format!("d{i}"), "text": text})).unwrap();
        }
    }
    let config = dir.path().join("p.toml");
    std::fs::write(&config, "[output]\nshard_docs = 5000\n[[stages]]\ntype = \"length\"\nmin_words = 20\n[[stages]]\ntype = \"exact_dedup\"\n").unwrap();
    let full = dir.path().join("full");
    let ok = tamis()
        .args(["run", "--threads", "2", "--config"])
        .arg(&config)
        .arg("-o")
        .arg(&full)
        .arg(&input)
        .status()
        .unwrap();
    assert!(ok.success());

    let out = dir.path().join("killed");
    let mut child = tamis()
        .args(["run", "--threads", "2", "--config"])
        .arg(&config)
        .arg("-o")
        .arg(&out)
        .arg(&input)
        .spawn()
        .unwrap();
    let ckpt = out.join(".tamis/checkpoint.json");
    let start = Instant::now();
    // Kill once a few shards are done, mid-run.
    while files_in(&out.join("kept")) < 3 && start.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(2));
    }
    // A second run on the same output while the first writes: refused, naming the holder.
    let second = tamis()
        .args(["run", "--threads", "1", "--config"])
        .arg(&config)
        .arg("-o")
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    let message = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{message}");
    assert!(
        message.contains(&format!("in use by process {}", child.id())),
        "{message}"
    );
    child.kill().unwrap(); // SIGKILL: the lock it held is released with it
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the run finished before it could be killed; make the corpus larger"
    );
    assert!(ckpt.exists());
    assert!(!out.join("report.json").exists());

    let again = tamis()
        .args(["run", "--threads", "1", "--config"])
        .arg(&config)
        .arg("-o")
        .arg(&out)
        .arg(&input)
        .status()
        .unwrap();
    assert!(again.success());
    assert_eq!(files_under(&full), files_under(&out));
}

fn files_in(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| !e.file_name().to_string_lossy().ends_with(".tmp"))
            })
            .count()
        })
        .unwrap_or(0)
}

#[test]
fn parquet_output_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let status = tamis()
        .args(["run", "--format", "parquet", "-o"])
        .arg(&out)
        .arg(examples().join("pages"))
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let kept: Vec<_> = std::fs::read_dir(out.join("kept"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(kept.iter().all(|p| p.extension().is_some_and(|e| e == "parquet")) && !kept.is_empty());
    assert_eq!(&std::fs::read(&kept[0]).unwrap()[..4], b"PAR1");
}

#[test]
fn explain_shows_each_line_and_each_stage() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let page = "Le marché couvert rouvre ses portes\nPublicité\nLe marché couvert de la ville a rouvert samedi après deux ans de travaux.\nPartagez cet article";
    std::fs::write(
        &input,
        format!(
            "{}\n{}\n",
            serde_json::json!({"id": "a", "text": "Une autre page, sans rapport."}),
            serde_json::json!({"id": "b", "text": page})
        ),
    )
    .unwrap();
    let config = dir.path().join("p.toml");
    std::fs::write(&config, "[[stages]]\ntype = \"clean_lines\"\n[[stages]]\ntype = \"gopher_quality\"\nlanguage = \"fr\"\n[[stages]]\ntype = \"exact_dedup\"\n").unwrap();
    let out = tamis()
        .args(["explain", "--json", "--id", "b", "--config"])
        .arg(&config)
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["id"], "b");
    let lines = e["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 4);
    assert!(lines[0]["removed_by"].is_null(), "the title stays: {e}");
    assert_eq!(lines[1]["removed_by"], "clean_lines.furniture_label");
    assert!(lines[2]["removed_by"].is_null());
    assert_eq!(lines[3]["removed_by"], "clean_lines.furniture_prompt");
    let stages: Vec<_> = e["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["clean_lines", "gopher_quality", "exact_dedup"]);
    // 18 words are fewer than Gopher's 50: the document would be dropped, with its signals shown.
    assert_eq!(e["verdict"], "gopher_quality.gopher_short_doc");
    assert!(
        e["stages"][1]["signals"].as_object().is_some_and(|s| !s.is_empty()),
        "{e}"
    );
    assert_eq!(e["stages"][2]["verdict"], "not_evaluated");

    // The text rendering names the reasons too; an unknown id is a clear error.
    let text = tamis()
        .args(["explain", "--id", "b", "--config"])
        .arg(&config)
        .arg(&input)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("clean_lines.furniture_label"));
    let missing = tamis()
        .args(["explain", "--id", "zzz", "--config"])
        .arg(&config)
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no document with id \"zzz\""));
}

/// Headless Chromium, if installed (`scripts/install-chromium.sh`; `TAMIS_CHROMIUM` names another).
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("TAMIS_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.is_file())
}

/// Chromium with no network at all (every host unresolvable) and a fresh profile.
fn headless(browser: &Path, profile: &Path) -> Command {
    let mut c = Command::new(browser);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

#[test]
fn report_html_renders_offline_in_headless_chromium() {
    let out = run_sample();
    let html_path = out.path().join("report.html");
    let first = std::fs::read(&html_path).unwrap();
    // `tamis report` redraws the same page from report.json.
    std::fs::remove_file(&html_path).unwrap();
    let status = tamis().arg("report").arg(out.path()).status().unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(std::fs::read(&html_path).unwrap(), first);
    let html = String::from_utf8(first).unwrap();
    for external in ["<script src", "<link ", "<img ", "url(", "@import"] {
        assert!(
            !html.contains(external),
            "the page must not load anything: found {external}"
        );
    }

    let Some(browser) = chromium() else {
        eprintln!("skipped: no Chromium (bash scripts/install-chromium.sh installs it)");
        return;
    };
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", html_path.display());
    let dom = headless(&browser, profile.path())
        .args(["--virtual-time-budget=5000", "--dump-dom"])
        .arg(&url)
        .output()
        .unwrap();
    assert!(dom.status.success(), "{}", String::from_utf8_lossy(&dom.stderr));
    let dom_text = String::from_utf8_lossy(&dom.stdout);
    let body = dom_text
        .split("<body")
        .nth(1)
        .and_then(|b| b.split('>').next())
        .unwrap_or_default()
        .to_string();
    let attr = |name: &str| -> String {
        body.split(&format!("{name}=\""))
            .nth(1)
            .and_then(|v| v.split('"').next())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(attr("data-render"), "ok", "body: {body}");
    assert_eq!(attr("data-errors"), "", "script errors");
    assert_eq!(attr("data-empty-charts"), "0");
    // Funnel, two reason charts, languages and one histogram per signal of four stages.
    let charts: u32 = attr("data-charts").parse().unwrap();
    assert!(charts >= 20, "{charts} charts rendered");
    let ready_ms: u32 = attr("data-ready-ms").parse().unwrap();
    assert!(ready_ms < 2000, "loaded in {ready_ms} ms");
    let log = String::from_utf8_lossy(&dom.stderr);
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console output: {console:?}");
    for section in [
        "Funnel",
        "Removal reasons",
        "Languages",
        "Signals",
        "Removed lines per site",
        "Samples",
    ] {
        assert!(dom_text.contains(&format!("<h2>{section}</h2>")), "{section}");
    }

    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-screenshot.png");
    let _ = std::fs::remove_file(&shot);
    let status = headless(&browser, profile.path())
        .args(["--window-size=1280,2400"])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .output()
        .unwrap();
    assert!(status.status.success());
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "screenshot {} bytes",
        png.len()
    );
    eprintln!("screenshot: {}", shot.display());
}

#[test]
fn dedup_removes_near_duplicates_and_writes_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    // Letters only: digits would all normalise to "0".
    let word = |prefix: char, n: usize| -> String {
        let letter = |k: usize| char::from(b'a' + (k % 26) as u8);
        format!("{prefix}{}{}{}", letter(n), letter(n / 26), letter(n / 676))
    };
    let base: Vec<String> = (0..300).map(|i| word('w', (i * 7919) % 1009)).collect();
    let mut near = base.clone();
    near[150] = "changed".into();
    let other: Vec<String> = (0..300).map(|i| word('v', (i * 104729) % 1013)).collect();
    {
        let mut f = std::fs::File::create(&input).unwrap();
        for (id, words) in [("a", &base), ("b", &other), ("c", &near)] {
            writeln!(f, "{}", serde_json::json!({"id": id, "text": words.join(" ")})).unwrap();
        }
        writeln!(f, "{{\"id\": \"broken\"").unwrap();
    }
    let out = dir.path().join("out");
    let config = dir.path().join("minhash.toml");
    std::fs::write(
        &config,
        "jaccard_threshold = 0.9\n[normalization]\nnorm_numbers = true\n",
    )
    .unwrap();
    let status = tamis()
        .args([
            "dedup",
            "--threads",
            "2",
            "--memory-limit",
            "64M",
            "--format",
            "jsonl",
            "--config",
        ])
        .arg(&config)
        .arg("-o")
        .arg(&out)
        .arg(&input)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1), "the broken record is a record error");
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let d = &report["documents"];
    assert_eq!(
        (
            d["docs_in"].as_u64(),
            d["kept"].as_u64(),
            d["removed"].as_u64(),
            d["errors"].as_u64()
        ),
        (Some(4), Some(2), Some(1), Some(1))
    );
    assert_eq!(report["removed"]["minhash_dedup.duplicate"], 1);
    assert_eq!(report["config"]["jaccard_threshold"], 0.9);
    let removed = std::fs::read_to_string(out.join("removed/part-00000.jsonl")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(removed.trim()).unwrap();
    assert_eq!(doc["id"], "c");
    assert_eq!(doc["metadata"]["minhash_cluster_id"], 0);
    assert_eq!(doc["metadata"]["minhash_cluster_size"], 2);

    // Unknown config fields are rejected (exit 2, fatal).
    std::fs::write(&config, "bandz = 3\n").unwrap();
    let status = tamis()
        .args(["dedup", "--config"])
        .arg(&config)
        .arg("-o")
        .arg(dir.path().join("out2"))
        .arg(&input)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
}

#[test]
fn print_config_needs_no_output_and_prints_what_it_reads_back() {
    let printed = tamis().args(["run", "--print-config"]).output().unwrap();
    assert_eq!(
        printed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&printed.stderr)
    );
    let text = String::from_utf8(printed.stdout).unwrap();
    // The f32 threshold as written in the defaults, not widened to 0.6499999761581421.
    assert!(text.contains("min_score = 0.65\n"), "{text}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.toml");
    std::fs::write(&file, &text).unwrap();
    let again = tamis()
        .args(["run", "--print-config", "--config"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(again.stdout).unwrap(), text);
    let no_output = tamis().args(["run"]).arg(examples()).output().unwrap();
    assert_eq!(no_output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_output.stderr).contains("--output"));
}
