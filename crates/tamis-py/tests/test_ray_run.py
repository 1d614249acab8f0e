"""tamis.ray.run on a local Ray equals tamis run: the same kept and removed documents (row for row,
by id, with the same removal reasons) and the same report counts, for any shuffle width."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import tamis

ray = pytest.importorskip("ray", reason="ray is not installed: scripts/python-tests.sh installs ray[data] from PyPI")
import tamis.ray  # noqa: E402

CONFIG = {
    "stages": [
        {"type": "payload"},
        {"type": "length", "min_words": 5},
        {"type": "clean_lines"},
        {"type": "gopher_repetition"},
        {"type": "exact_dedup"},
    ],
}


def write_corpus(directory: Path) -> None:
    """Four files of pages from three sites sharing template lines, with exact copies across files
    (the last file holds copies only)."""
    rng = random.Random(11)
    vocab = "le la les un une des et en du de pour sur avec dans par ce qui que il elle nous vous".split()
    sites = ["gazette.example", "rundschau.example", "diario.example"]
    pages = []
    for i in range(600):
        site = sites[i % 3]
        body = "\n".join(" ".join(rng.choice(vocab) for _ in range(25)) + "." for _ in range(3))
        pages.append((site, f"Accueil Politique Culture\n{body}\nSuivez-nous sur les réseaux\nMentions légales de {site}"))
    records = []
    for i, (site, text) in enumerate(pages):
        if i % 7 == 3:
            site, text = pages[rng.randrange(i)]  # an exact copy of an earlier page
        if i % 11 == 5:
            text = "Accueil\nPartagez"
        records.append({"id": f"d{i}", "text": text, "url": f"https://www.{site}/a/{i}"})
    # A last file of copies only: none of its texts is a first copy, yet its template lines are
    # frequent and must go as they do locally.
    copies = [{**records[rng.randrange(250)], "id": f"c{i}"} for i in range(40)]
    for n, chunk in enumerate([records[:250], records[250:420], records[420:], copies]):
        with open(directory / f"part-{n}.jsonl", "w") as f:
            for r in chunk:
                f.write(json.dumps(r) + "\n")


def rows(directory: Path) -> list[tuple]:
    out = []
    for batch in tamis.read(directory):
        for r in batch.to_pylist():
            meta = json.loads(r["metadata"])
            cluster = (meta.get("minhash_cluster_id"), meta.get("minhash_cluster_size"))
            out.append((r["id"], r["text"], meta.get("removed_by"), cluster))
    return sorted(out)


def counts(report: dict) -> list[tuple]:
    return [(s["name"], s["in"], s["kept"], s["dropped"], s["errors"], s.get("lines_removed")) for s in report["stages"]]


@pytest.mark.parametrize("partitions", [1, 3, 7])
def test_distributed_run_equals_the_local_run(local_ray, tmp_path: Path, partitions: int) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    write_corpus(inputs)
    local = tamis.Pipeline.from_dict(CONFIG).run_file(inputs, tmp_path / "local", threads=2)
    report = tamis.ray.run(inputs, CONFIG, tmp_path / "ray", partitions=partitions)
    assert report["documents"] == local["documents"]
    assert counts(report) == counts(local)
    assert report["output"]["kept_bytes"] == local["output"]["kept_bytes"]
    removed = dict(local["stages"][-1]["dropped"])
    assert removed.get("duplicate", 0) > 20, "the corpus should hold exact copies across files"
    assert local["stages"][3]["lines_removed"].get("site_frequent", 0) > 500
    assert rows(tmp_path / "ray" / "kept") == rows(tmp_path / "local" / "kept")
    assert rows(tmp_path / "ray" / "removed") == rows(tmp_path / "local" / "removed")
    assert (tmp_path / "ray" / "report.html").exists()


MINHASH = {
    "stages": [
        {"type": "payload"},
        {"type": "exact_dedup"},
        {"type": "minhash_dedup"},
    ],
}


def write_near_duplicates(directory: Path) -> None:
    """Four files of distinct pages and planted near-copies: pairs across files, chains (each copy
    edits the one before, so the first and last may share no band) and stars around one page."""
    rng = random.Random(5)
    # Letters only: the default normalisation maps digits to 0, so "w1" and "w2" are one word.
    vocab = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(6)) for _ in range(3000)]

    def page() -> list[str]:
        return [rng.choice(vocab) for _ in range(200)]

    def edit(words: list[str], n: int) -> list[str]:
        words = list(words)
        for _ in range(n):
            words[rng.randrange(len(words))] = rng.choice(vocab)
        return words

    texts = [page() for _ in range(500)]
    for _ in range(40):  # pairs
        texts.append(edit(rng.choice(texts[:500]), 3))
    for _ in range(8):  # chains of 6
        w = rng.choice(texts[:500])
        for _ in range(6):
            w = edit(w, 6)
            texts.append(w)
    for _ in range(4):  # stars of 10
        w = rng.choice(texts[:500])
        texts.extend(edit(w, 4) for _ in range(10))
    texts.extend([["too", "short"]] * 5)
    order = list(range(len(texts)))
    rng.shuffle(order)
    cuts = [0, 200, 210, 460, len(order)]
    for n in range(4):
        with open(directory / f"part-{n}.jsonl", "w") as f:
            for i in order[cuts[n]:cuts[n + 1]]:
                f.write(json.dumps({"id": f"d{i:04}", "text": " ".join(texts[i])}) + "\n")


@pytest.mark.parametrize("partitions", [1, 3, 7])
def test_distributed_minhash_equals_the_local_run(local_ray, tmp_path: Path, partitions: int) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    write_near_duplicates(inputs)
    local = tamis.Pipeline.from_dict(MINHASH).run_file(inputs, tmp_path / "local", threads=2)
    report = tamis.ray.run(inputs, MINHASH, tmp_path / "ray", partitions=partitions)
    assert report["documents"] == local["documents"]
    assert counts(report) == counts(local)
    assert report["minhash"] == local["minhash"]
    assert report["output"]["kept_bytes"] == local["output"]["kept_bytes"]
    assert report["output"]["tokens"] == local["output"]["tokens"]
    assert local["minhash"]["clusters"] >= 40 and local["minhash"]["docs_in_clusters"] >= 100
    assert local["minhash"]["too_short"] == 1
    sizes = {r[3][1] for r in rows(tmp_path / "local" / "kept")}
    assert max(sizes) >= 7, "chains and stars should make clusters larger than pairs"
    assert rows(tmp_path / "ray" / "kept") == rows(tmp_path / "local" / "kept")
    assert rows(tmp_path / "ray" / "removed") == rows(tmp_path / "local" / "removed")
    assert not (tmp_path / "ray" / ".tamis").exists(), "the run's working files are removed"


def test_minhash_options_that_are_not_distributed_are_refused(local_ray, tmp_path: Path) -> None:
    config = {"stages": [{"type": "minhash_dedup", "jaccard_threshold": 0.8}]}
    with pytest.raises(ValueError, match="jaccard_threshold"):
        tamis.ray.run(tmp_path, config, tmp_path / "out")


def test_a_task_killed_while_writing_is_retried_with_the_same_output(local_ray, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    write_corpus(inputs)
    local = tamis.Pipeline.from_dict(CONFIG).run_file(inputs, tmp_path / "local", threads=2)
    marker = tmp_path / "killed"
    report = tamis.ray.run(inputs, CONFIG, tmp_path / "ray", partitions=3, _kill_once=str(marker))
    assert marker.exists(), "one task should have been killed"
    assert report["documents"] == local["documents"]
    assert counts(report) == counts(local)
    assert rows(tmp_path / "ray" / "kept") == rows(tmp_path / "local" / "kept")
    assert rows(tmp_path / "ray" / "removed") == rows(tmp_path / "local" / "removed")
    assert not [p for p in (tmp_path / "ray").rglob("*.tmp")], "no half-written file may remain"


@pytest.mark.parametrize("name", ["site_lines_exact", "minhash"])
def test_lists_regrouped_by_file_give_the_same_output(local_ray, tmp_path: Path, name: str) -> None:
    """Runs with many files regroup each decision's rows by file (one list per file): same output."""
    config, write = (CONFIG, write_corpus) if name == "site_lines_exact" else (MINHASH, write_near_duplicates)
    inputs = tmp_path / "in"
    inputs.mkdir()
    write(inputs)
    local = tamis.Pipeline.from_dict(config).run_file(inputs, tmp_path / "local", threads=2)
    report = tamis.ray.run(inputs, config, tmp_path / "ray", partitions=3, _regroup=True)
    assert report["documents"] == local["documents"]
    assert counts(report) == counts(local)
    assert report.get("minhash") == local.get("minhash")
    assert rows(tmp_path / "ray" / "kept") == rows(tmp_path / "local" / "kept")
    assert rows(tmp_path / "ray" / "removed") == rows(tmp_path / "local" / "removed")


def test_a_locked_output_is_refused(local_ray, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    write_corpus(inputs)
    held = tamis._tamis.lock_dir(str(tmp_path / "out"), "output directory")
    with pytest.raises(Exception, match="in use by process"):
        tamis.ray.run(inputs, CONFIG, tmp_path / "out")
    assert not (tmp_path / "out" / "kept").exists(), "nothing is written under a held lock"
    del held
    report = tamis.ray.run(inputs, CONFIG, tmp_path / "out")
    assert report["documents"]["in"] == 640


def test_files_that_cannot_be_read_are_errors_as_in_the_local_run(local_ray, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    write_corpus(inputs)
    (inputs / "dangling.jsonl").symlink_to("gone.jsonl")
    (inputs / "broken.parquet").write_bytes(b"PAR1 not parquet PAR1")
    local = tamis.Pipeline.from_dict(CONFIG).run_file(inputs, tmp_path / "local", threads=2)
    report = tamis.ray.run(inputs, CONFIG, tmp_path / "ray", partitions=3)
    failed = {(Path(e["file"]).name, e["kind"]) for e in local["inputs"]["failed_files"]}
    assert failed == {("dangling.jsonl", "bad_symlink"), ("broken.parquet", "corrupt_file")}
    assert report["inputs"]["failed_files"] == local["inputs"]["failed_files"]
    assert report["documents"] == local["documents"]
    assert counts(report) == counts(local)
    assert rows(tmp_path / "ray" / "kept") == rows(tmp_path / "local" / "kept")
    with pytest.raises(RuntimeError, match="broken.parquet record 0: corrupt_file(.|\n)*input.max_errors is 1"):
        tamis.ray.run(inputs, {**CONFIG, "input": {"max_errors": 1}}, tmp_path / "strict", partitions=3)
