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
from conftest import local_ray as conftest_local_ray  # noqa: E402  (pytest puts tests/ on the path)

CONFIG = {
    "stages": [
        {"type": "payload"},
        {"type": "length", "min_words": 5},
        {"type": "clean_lines"},
        {"type": "gopher_repetition"},
        {"type": "exact_dedup"},
    ],
}


@pytest.fixture(scope="module")
def local_ray():
    yield from conftest_local_ray()


def write_corpus(directory: Path) -> None:
    """Three files of pages from three sites sharing template lines, with exact copies across files."""
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
    for n, chunk in enumerate([records[:250], records[250:420], records[420:]]):
        with open(directory / f"part-{n}.jsonl", "w") as f:
            for r in chunk:
                f.write(json.dumps(r) + "\n")


def rows(directory: Path) -> list[tuple]:
    out = []
    for batch in tamis.read(directory):
        for r in batch.to_pylist():
            out.append((r["id"], r["text"], json.loads(r["metadata"]).get("removed_by")))
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
