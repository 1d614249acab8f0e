"""tamis.ray.run on the real data in ../shared/data (skipped when it is absent): the first 12 000
of the HPLT sample's multilingual documents through exact and MinHash near-dedup, and the real
WARC samples through the default pipeline, equal `tamis run`."""

from __future__ import annotations

import lzma
from pathlib import Path

import pytest

import tamis

ray = pytest.importorskip("ray", reason="ray is not installed: scripts/python-tests.sh installs ray[data] from PyPI")
import tamis.ray  # noqa: E402
from test_ray_run import counts, rows  # noqa: E402

SHARED = Path(__file__).resolve().parents[4] / "shared" / "data"
HPLT = SHARED / "hplt-v2-inspection" / "hplt-v2-inspection-subset.jsonl.xz"
WARCS = SHARED / "warc-samples"


def test_minhash_on_the_hplt_sample_equals_the_local_run(local_ray, tmp_path: Path) -> None:
    if not HPLT.exists():
        pytest.skip(f"{HPLT} not present")
    inputs = tmp_path / "in"
    inputs.mkdir()
    # 12 000 documents keep the test short on CI's unoptimised build (the whole sample takes minutes).
    lines = lzma.open(HPLT, "rt").read().splitlines(keepends=True)[:12_000]
    step = len(lines) // 4
    for n in range(4):
        (inputs / f"hplt-{n}.jsonl").write_text("".join(lines[n * step:(n + 1) * step]))
    config = {"stages": [{"type": "exact_dedup"}, {"type": "minhash_dedup"}], "tokens": {"encodings": []}}
    local = tamis.Pipeline.from_dict(config).run_file(inputs, tmp_path / "local", threads=2)
    report = tamis.ray.run(inputs, config, tmp_path / "ray", partitions=4)
    assert local["documents"]["in"] == 12_000
    assert local["minhash"]["clusters"] > 50, "the sample holds near-duplicate clusters"
    assert report["minhash"] == local["minhash"]
    assert report["documents"] == local["documents"]
    assert counts(report) == counts(local)
    assert rows(tmp_path / "ray" / "removed") == rows(tmp_path / "local" / "removed")
    assert rows(tmp_path / "ray" / "kept") == rows(tmp_path / "local" / "kept")


def test_the_default_pipeline_on_the_warc_samples_equals_the_local_run(local_ray, tmp_path: Path) -> None:
    warcs = sorted(WARCS.glob("*/*.warc.gz")) if WARCS.exists() else []
    if not warcs:
        pytest.skip(f"no WARC samples under {WARCS}")
    local = tamis.Pipeline.default().run_file(WARCS, tmp_path / "local", threads=2)
    report = tamis.ray.run(WARCS, tamis.Pipeline.default(), tmp_path / "ray", partitions=3)
    assert local["documents"]["in"] > 100
    assert report["documents"] == local["documents"]
    assert counts(report) == counts(local)
    assert report["output"]["tokens"] == local["output"]["tokens"]
    assert rows(tmp_path / "ray" / "kept") == rows(tmp_path / "local" / "kept")
    assert rows(tmp_path / "ray" / "removed") == rows(tmp_path / "local" / "removed")
