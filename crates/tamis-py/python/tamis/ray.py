"""tamis on Ray Data.

``run`` runs a whole pipeline on a Ray cluster: one task per input file and step, the corpus-wide
decisions as Ray Data hash shuffles (see ``run``). ``Stage`` runs the per-document stages of a pipeline inside ``Dataset.map_batches`` for users who
bring their own Ray Dataset::

    import ray, tamis.ray
    ds = ray.data.read_parquet("s3://bucket/crawl/")
    kept = ds.map_batches(tamis.ray.Stage, fn_constructor_args=(config,),
                          batch_format="pyarrow", concurrency=4)

Each actor builds the pipeline once (the language model is loaded once per actor). Only
per-document stages can run this way: exact dedup, MinHash near-dedup and the site-frequent-lines
rule of ``clean_lines`` decide over the whole corpus, so a config that has them is refused with a
message saying so. Documents without an ``id`` get one from the actor's row count, which depends
on how Ray splits the data: give your rows ids.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import Pipeline, _tamis, render_report, stages
from ._cc import connected_components

__all__ = ["Stage", "corpus_wide_steps", "run"]


def _pipeline(config: str | Mapping[str, Any] | Pipeline) -> Pipeline:
    if isinstance(config, Pipeline):
        return Pipeline.from_dict(config.to_dict())
    if isinstance(config, str):
        return Pipeline.from_toml(config)
    return Pipeline.from_dict(config)


def corpus_wide_steps(config: str | Mapping[str, Any] | Pipeline) -> list[str]:
    """The steps of ``config`` that need the whole corpus (empty: every stage is per document)."""
    kinds = {name: kind for name, kind, _ in stages()}
    steps = []
    for stage in _pipeline(config).to_dict()["stages"]:
        kind = kinds.get(stage["type"])
        if kind in ("ordered", "global"):
            steps.append(stage["type"])
        elif stage["type"] == "clean_lines" and stage.get("site_lines"):
            steps.append("clean_lines.site_lines")
    return steps


class Stage:
    """A ``map_batches`` callable: the pipeline's per-document stages on each ``pyarrow`` batch.

    ``config``: TOML text, a dict of the pipeline file's shape, or a ``tamis.Pipeline`` (sent to the
    actors as its resolved config). Returns the kept documents in tamis's document schema; with
    ``removed=True``, the removed ones too, with ``removed_by`` set.
    """

    def __init__(self, config: str | Mapping[str, Any] | Pipeline, removed: bool = False, text_field: str = "text"):
        wide = corpus_wide_steps(config)
        if wide:
            raise ValueError(
                f"tamis.ray.Stage runs per-document stages only; this config has corpus-wide steps {wide}: "
                "remove them (for clean_lines, set site_lines = false) or run the whole pipeline with tamis.ray.run"
            )
        self._pipeline = _pipeline(config)
        self._removed = removed
        self._text_field = text_field

    def __call__(self, batch: pa.Table | pa.RecordBatch) -> pa.Table:
        kept, removed, _stats = self._pipeline.process(batch, self._text_field, "ray")
        if self._removed:
            return pa.concat_tables([kept, removed])
        return kept


# A document's place in the input: (file index << 40) | record, so "first in input order" is a min.
_RECORD_BITS = 40


def _ordinal(t: pa.Table) -> pa.Array:
    file = pc.cast(t.column("file"), pa.uint64())
    return pc.add(pc.shift_left(file, _RECORD_BITS), t.column("record"))


def _first_copies(t: pa.Table) -> pa.Table:
    """Rows of the documents that are the first copy of their text (one hash partition)."""
    if t.num_rows == 0:
        return t
    t = t.append_column("ord", _ordinal(t))
    first = t.group_by(["text_hash_hi", "text_hash_lo"]).aggregate([("ord", "min")])
    t = t.join(first, ["text_hash_hi", "text_hash_lo"])
    return t.filter(pc.equal(t.column("ord"), t.column("ord_min"))).select(["file", "key"])


# What a partition with nothing to write returns: no (file, path) rows.
_NO_LISTS = pa.table({"file": pa.array([], pa.uint32()), "path": pa.array([], pa.string())})


def _frequent(min_docs: int, directory: str, name: str):
    def keep(t: pa.Table) -> pa.Table:
        """Each file's keys counted in at least `min_docs` documents (one key partition), written."""
        if t.num_rows == 0:
            return _NO_LISTS
        counts = t.group_by("key").aggregate([("key", "count")])
        frequent = counts.filter(pc.greater_equal(counts.column("key_count"), min_docs)).column("key")
        t = t.filter(pc.is_in(t.column("key"), value_set=frequent))
        t = t.group_by(["file", "key"]).aggregate([]).rename_columns(["file", "value"])
        return _write_lists(directory, name)(t)

    return keep


def _duplicates(directory: str, name: str):
    def pick(t: pa.Table) -> pa.Table:
        """Each file's records that are not the first of their exact-dedup key (one key partition), written."""
        if t.num_rows == 0:
            return _NO_LISTS
        t = t.append_column("ord", _ordinal(t))
        first = t.group_by(["key_hi", "key_lo"]).aggregate([("ord", "min")])
        t = t.join(first, ["key_hi", "key_lo"])
        later = t.filter(pc.not_equal(t.column("ord"), t.column("ord_min")))
        return _write_lists(directory, name)(later.select(["file", "record"]).rename_columns(["file", "value"]))

    return pick


def _write_lists(directory: str, name: str, columns: tuple[str, ...] = ("value",)):
    def write(t: pa.Table) -> pa.Table:
        """Each file's rows of `columns` (u64, sorted by the first) to `directory/name-FILE-DIGEST.u64`,
        interleaved: named by content, so a retried task rewrites the same file."""
        files, paths = [], []
        if t.num_rows:
            t = t.sort_by([("file", "ascending"), (columns[0], "ascending")])
            for file in pc.unique(t.column("file")).to_pylist():
                rows = t.filter(pc.equal(t.column("file"), file))
                values = np.column_stack([rows.column(c).to_numpy() for c in columns])
                data = np.ascontiguousarray(values, dtype="<u8").tobytes()
                path = os.path.join(directory, f"{name}-{file:05}-{hashlib.sha1(data).hexdigest()[:16]}.u64")
                tmp = f"{path}.{os.getpid()}.tmp"
                with open(tmp, "wb") as f:
                    f.write(data)
                os.replace(tmp, path)
                files.append(file)
                paths.append(path)
        return pa.table({"file": pa.array(files, pa.uint32()), "path": pa.array(paths, pa.string())})

    return write


def _doc_ids(starts: np.ndarray):
    def number(t: pa.Table) -> pa.Table:
        """Band rows with their doc id: the kept documents numbered in input order (as locally)."""
        file = t.column("file").to_numpy().astype(np.int64)
        doc = starts[file] + t.column("seq").to_numpy().astype(np.int64)
        return pa.table({"band": t.column("band"), "key": t.column("key"), "doc": pa.array(doc, pa.int64())})

    return number


def _star_edges(t: pa.Table) -> pa.Table:
    """Per (band, key) bucket of one partition, an edge from its lowest doc to each other doc: the
    candidate pairs of the local run's LSH."""
    band, key, doc = (t.column(c).to_numpy() for c in ("band", "key", "doc"))
    order = np.lexsort((doc, key, band))
    band, key, doc = band[order], key[order], doc[order]
    start = np.ones(len(doc), dtype=bool)
    start[1:] = (band[1:] != band[:-1]) | (key[1:] != key[:-1])
    first = doc[np.maximum.accumulate(np.where(start, np.arange(len(doc)), 0))] if len(doc) else doc
    return pa.table({"src": pa.array(first[~start], pa.int64()), "dst": pa.array(doc[~start], pa.int64())})


def _cluster_lists(starts: np.ndarray, directory: str, name: str):
    write = _write_lists(directory, name, ("seq", "root", "size"))

    def lists(t: pa.Table) -> pa.Table:
        """Each file's clustered documents as (seq, root, size), written (one component partition)."""
        if t.num_rows == 0:
            return _NO_LISTS
        node = t.column("node").to_numpy()
        root = t.column("component").to_numpy()
        _, inverse, sizes = np.unique(root, return_inverse=True, return_counts=True)
        file = np.searchsorted(starts, node, side="right") - 1
        return write(pa.table({
            "file": pa.array(file, pa.uint32()),
            "seq": pa.array(node - starts[file], pa.uint64()),
            "root": pa.array(root, pa.uint64()),
            "size": pa.array(sizes[inverse], pa.uint64()),
        }))

    return lists


def _is_root(t: pa.Table) -> pa.Table:
    return t.filter(pc.equal(t.column("node"), t.column("component")))


def _shuffle(ds, keys: list[str], fn, parts: int):
    # A hash shuffle on `keys`, then `fn` once per whole partition (a group never spans two).
    return ds.repartition(parts, keys=keys).map_batches(fn, batch_size=None, batch_format="pyarrow")


def _paths_by_file(written) -> dict[int, list[str]]:
    """The lists each key partition wrote, by file: one small row per (partition, file)."""
    out: dict[int, list[str]] = {}
    for row in written.take_all():
        out.setdefault(row["file"], []).append(row["path"])
    return {f: sorted(p) for f, p in out.items()}


def run(
    inputs: list[str | os.PathLike[str]] | str | os.PathLike[str],
    config: str | Mapping[str, Any] | Pipeline,
    output: str | os.PathLike[str],
    *,
    partitions: int | None = None,
) -> dict:
    """Run the whole pipeline over ``inputs`` (files or directories) on the connected Ray cluster
    into ``output``: ``kept/`` and ``removed/`` shards (``part-FFFFF-NNNNN``, one series per input
    file), ``report.json`` and ``report.html``. Returns the report.

    One Ray task per input file and step: each pass's per-document stages (the file's outcomes are
    staged under ``output/.tamis/ray``), then the ordered stages with the driver's decisions, which
    write the file's shards. The corpus-wide decisions are Ray Data hash shuffles over the keys the
    tasks return, never collected on one node: site-frequent lines (keys of the first copy of each
    text in input order, counted per key) and exact dedup (the lowest (file, record) of a key is
    kept). Documents, removal reasons and report counts equal ``tamis run``'s on the same inputs
    (the local run bounds the site-line counter's memory and may prune rare lines on huge inputs;
    here the count is exact). ``partitions`` sets the shuffle width (default: 2 per CPU).

    A trailing ``minhash_dedup``: the last step stages each file's kept documents and returns their
    band keys; the kept documents are numbered in input order (the local run's doc ids), a shuffle
    on (band, key) gives each bucket's star of candidate pairs, ``tamis._cc`` their connected
    components (large-star/small-star), and a shuffle on the component writes each file's
    clustered documents, which a last task per file applies. Clusters, their ids and sizes are the
    local run's. Its ``jaccard_threshold`` and ``index`` are not distributed: such configs are refused.
    """
    import ray

    pipeline = _pipeline(config)
    spec = pipeline.to_dict()
    minhash = next((s for s in spec["stages"] if s["type"] == "minhash_dedup"), None)
    if minhash and (minhash.get("jaccard_threshold") is not None or minhash.get("index")):
        raise ValueError(
            "tamis.ray.run runs minhash_dedup without jaccard_threshold and index only: "
            "remove them, or run the pipeline with `tamis run`"
        )
    paths = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    files = _tamis.collect_inputs([str(p) for p in paths], spec["input"]["format"])
    out = Path(output)
    work = out / ".tamis" / "ray"
    work.mkdir(parents=True, exist_ok=True)
    parts = partitions or max(1, 2 * int(ray.cluster_resources().get("CPU", 1)))
    text = json.dumps(spec)
    started = time.monotonic()

    @ray.remote(num_returns=2)
    def stage(k: int, i: int, source: str, staged: str, frequent: list[str]):
        stats, keys = Pipeline.from_dict(json.loads(text))._inner.stage_step(k, i, source, staged, frequent)
        return stats, pa.Table.from_batches([keys])

    @ray.remote(num_returns=3)
    def finish(i: int, staged: str, duplicates: list[str], docs: str | None):
        stats, next_shard, bands = Pipeline.from_dict(json.loads(text))._inner.finish_step(i, staged, str(out), duplicates, docs)
        return stats, next_shard, None if bands is None else pa.Table.from_batches([bands])

    @ray.remote
    def dedup(i: int, docs: str, first_doc: int, clusters: list[str], stats: str, first_shard: int) -> str:
        return Pipeline.from_dict(json.loads(text))._inner.minhash_step(i, docs, first_doc, clusters, stats, str(out), first_shard)

    passes = pipeline._inner.passes()
    stats: list[list[Any]] = [[] for _ in files]
    frequent: dict[int, list[str]] = {}
    keys_refs: list[Any] = []
    for k in range(passes):
        refs = []
        for i, (path, _) in enumerate(files):
            source = path if k == 0 else str(work / f"pass{k - 1}-{i:05}.bin.zst")
            staged = str(work / f"pass{k}-{i:05}.bin.zst")
            stats_ref, keys_ref = stage.remote(k, i, source, staged, frequent.get(i, []))
            stats[i].append(stats_ref)
            refs.append(keys_ref)
        keys_refs = refs
        if k + 1 < passes:
            lines = ray.data.from_arrow_refs(keys_refs)
            firsts = _shuffle(lines, ["text_hash_hi", "text_hash_lo"], _first_copies, parts)
            count = _frequent(pipeline._inner.site_min_docs(k + 1), str(work), f"site{k + 1}")
            frequent = _paths_by_file(_shuffle(firsts, ["key"], count, parts))
    exact = ray.data.from_arrow_refs(keys_refs)
    duplicates: dict[int, list[str]] = {}
    if "key_hi" in exact.schema().names:
        duplicates = _paths_by_file(_shuffle(exact, ["key_hi", "key_lo"], _duplicates(str(work), "dups"), parts))
    finished = []
    for i, _ in enumerate(files):
        staged = str(work / f"pass{passes - 1}-{i:05}.bin.zst")
        docs = str(work / f"minhash-{i:05}") if minhash else None
        finished.append(finish.remote(i, staged, duplicates.get(i, []), docs))
    minhash_stats = None
    if minhash:
        finish_stats = ray.get([f[0] for f in finished])
        kept = [json.loads(s)["totals"]["kept"] for s in finish_stats]
        lists, minhash_stats = _near_duplicates([f[2] for f in finished], kept, minhash["bands"], str(work), parts)
        starts = np.concatenate([[0], np.cumsum(kept, dtype=np.int64)])
        for i, (stats_ref, next_ref, _) in enumerate(finished):
            docs = str(work / f"minhash-{i:05}")
            stats[i].append(dedup.remote(i, docs, int(starts[i]), lists.get(i, []), stats_ref, next_ref))
    else:
        for i, f in enumerate(finished):
            stats[i].append(f[0])
    merged = pipeline._inner.merge_stats([s for per_file in stats for s in ray.get(per_file)])
    report_text = pipeline._inner.report(
        merged, len(files), sum(size for _, size in files), time.monotonic() - started,
        None if minhash_stats is None else json.dumps(minhash_stats),
    )
    (out / "report.json").write_text(report_text)
    if spec["report"]["html"]:
        (out / "report.html").write_text(render_report(report_text))
    shutil.rmtree(work)
    return json.loads(report_text)


def _near_duplicates(band_refs: list, kept: list[int], bands: int, work: str, parts: int) -> tuple[dict[int, list[str]], dict]:
    """MinHash clusters of the kept documents from their band keys; returns each file's cluster
    lists and the report's ``minhash`` counts (those of the local final pass)."""
    import ray

    starts = np.concatenate([[0], np.cumsum(kept, dtype=np.int64)])[:-1]
    keys = ray.data.from_arrow_refs(band_refs)
    band_records = keys.count()
    docs = keys.map_batches(_doc_ids(starts), batch_size=None, batch_format="pyarrow")
    edges = _shuffle(docs, ["band", "key"], _star_edges, parts).materialize()
    labels, _rounds = connected_components(edges, num_partitions=parts)
    lists = _paths_by_file(_shuffle(labels, ["component"], _cluster_lists(starts, work, "clusters"), parts))
    signed = band_records // bands
    return lists, {
        "signed": signed,
        "too_short": sum(kept) - signed,
        "band_records": band_records,
        "spilled_runs": 0,
        "candidate_pairs": edges.count(),
        "jaccard_checked": 0,
        "jaccard_rejected": 0,
        "clusters": labels.map_batches(_is_root, batch_size=None, batch_format="pyarrow").count(),
        "docs_in_clusters": labels.count(),
        "earlier_run_matches": 0,
        "index_keys_added": 0,
    }
