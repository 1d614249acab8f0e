"""tamis.ray.Stage inside Ray Data's map_batches on a local Ray gives what Pipeline.process gives."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest

import tamis

ray = pytest.importorskip("ray", reason="ray is not installed: scripts/python-tests.sh installs ray[data] from PyPI")
import tamis.ray  # noqa: E402

CONFIG = {
    "tokens": {"encodings": ["o200k"]},
    "stages": [
        {"type": "length", "min_words": 5},
        {"type": "gopher_repetition"},
        {"type": "pii"},
    ],
}


def corpus(n: int) -> pa.Table:
    rng = random.Random(7)
    words = "le la les un une des et en du de pour sur avec dans par ce qui que il elle".split()
    texts = []
    for i in range(n):
        if i % 9 == 0:
            texts.append("trop court")
        elif i % 13 == 0:
            texts.append("repeat this line\n" * 20)
        else:
            body = " ".join(rng.choice(words) for _ in range(60))
            texts.append(f"{body}. Contact: jean.dupont{i}@example.fr")
    return pa.table({"id": [f"d{i}" for i in range(n)], "text": texts})


def test_stage_in_map_batches_equals_process(local_ray) -> None:
    table = corpus(400)
    want_kept, want_removed, _ = tamis.Pipeline.from_dict(CONFIG).process(table)
    ds = ray.data.from_arrow(table).repartition(7)
    got = ds.map_batches(
        tamis.ray.Stage,
        fn_constructor_args=(CONFIG,),
        fn_constructor_kwargs={"removed": True},
        batch_format="pyarrow",
        batch_size=50,
        # Two actors of half a core each leave room for the tasks that feed them on 2 cores.
        concurrency=2,
        num_cpus=0.5,
    )
    rows = {r["id"]: (r["text"], r["removed_by"]) for r in got.take_all()}
    assert len(rows) == table.num_rows
    for r in want_kept.to_pylist():
        assert rows[r["id"]] == (r["text"], None)
    for r in want_removed.to_pylist():
        assert rows[r["id"]][1] == r["removed_by"]
    # PII ran: no address is left in the kept text.
    assert not any("@example.fr" in t for t, by in rows.values() if by is None)


def test_corpus_wide_steps_are_refused_with_the_reason() -> None:
    assert tamis.ray.corpus_wide_steps(CONFIG) == []
    default = tamis.Pipeline.default()
    assert tamis.ray.corpus_wide_steps(default) == ["clean_lines.site_lines", "exact_dedup"]
    with pytest.raises(ValueError, match="exact_dedup"):
        tamis.ray.Stage(default)
