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

import functools
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pyarrow as pa

from . import Pipeline, _tamis, render_report, stages
from ._cc import connected_components
from . import _decide as decide
from ._store import Scratch, Store

__all__ = ["Stage", "corpus_wide_steps", "run"]


# A shuffle partition per this many bytes of keys (at least 2 per CPU), and the most per-file
# lists the decisions write before they regroup by file (one list per file, one more shuffle).
_PARTITION_BYTES = 256 << 20
_MAX_LISTS = 100_000


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


def run(
    inputs: list[str | os.PathLike[str]] | str | os.PathLike[str],
    config: str | Mapping[str, Any] | Pipeline,
    output: str | os.PathLike[str],
    *,
    partitions: int | None = None,
    filesystem: Any = None,
    progress: bool | None = None,
    _kill_once: str | None = None,
    _regroup: bool | None = None,
) -> dict:
    """Run the whole pipeline over ``inputs`` (files or directories) on the connected Ray cluster
    into ``output``: ``kept/`` and ``removed/`` shards (``part-FFFFF-NNNNN``, one series per input
    file), ``report.json`` and ``report.html``. Returns the report.

    Inputs and output are local paths every worker sees (a shared file system) or object storage:
    URIs pyarrow resolves (``s3://bucket/crawl/``, ``gs://…``; credentials from the environment), or
    paths inside ``filesystem`` (a ``pyarrow.fs.FileSystem``, e.g. an ``S3FileSystem`` with its own
    endpoint). On object storage each task downloads its input to a scratch directory and uploads
    what it wrote; documents name their input by its URI.

    One Ray task per input file and step: each pass's per-document stages (the file's outcomes are
    staged under ``output/.tamis/ray``), then the ordered stages with the driver's decisions, which
    write the file's shards. The corpus-wide decisions are Ray Data hash shuffles over the keys the
    tasks return, never collected on one node: site-frequent lines (keys of the first copy of each
    text in input order, counted per key) and exact dedup (the lowest (file, record) of a key is
    kept). Documents, removal reasons and report counts equal ``tamis run``'s on the same inputs
    (the local run bounds the site-line counter's memory and may prune rare lines on huge inputs;
    here the count is exact). ``partitions`` sets the shuffle width (default: 2 per CPU, or one
    per 256 MiB of keys when that is more). Each decision ends as one list per input file and
    partition, or, when files × partitions exceeds 100 000, one list per file after a second
    shuffle by file (``_regroup`` forces either, for tests).

    A trailing ``minhash_dedup``: the last step stages each file's kept documents and returns their
    band keys; the kept documents are numbered in input order (the local run's doc ids), a shuffle
    on (band, key) gives each bucket's star of candidate pairs, ``tamis._cc`` their connected
    components (large-star/small-star), and a shuffle on the component writes each file's
    clustered documents, which a last task per file applies. Clusters, their ids and sizes are the
    local run's. Its ``jaccard_threshold`` and ``index`` are not distributed: such configs are refused.

    A file that cannot be read is one error, listed in ``report["inputs"]["failed_files"]``, as
    in ``tamis run``. ``input.max_errors`` is checked once every file's documents are settled
    (tasks run side by side, so the run cannot stop at the first error as ``tamis run`` does).

    Every task writes only files named after its input file (or its content), under a temporary
    name renamed when complete, so a task Ray retries after a crash rewrites the same files.
    ``progress`` (default: when stderr is a terminal) prints each step's files and documents done.
    ``_kill_once`` is a testing aid (local output only): the first last-step task to create that
    file kills its worker process while writing, as a crash would.
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
    files = _inputs([inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs), spec["input"]["format"], filesystem)
    store = Store.of(output, filesystem)
    # A local output is locked as `tamis run` locks it (held by this driver until the run ends).
    lock = _tamis.lock_dir(store.root, "output directory") if store.local else None
    work = store.join(".tamis", "ray")
    store.makedirs(work)
    cpus = int(ray.cluster_resources().get("CPU", 1))
    text = json.dumps(spec)
    started = time.monotonic()

    @ray.remote(num_returns=2)
    def stage(k: int, i: int, source: tuple, staged: str, frequent: list[str]):
        with Scratch(store) as s:
            fs, path = source
            name = None if fs is None else _uri(fs, path)
            local = s.fetch_from(fs, path) if k == 0 else s.fetch(path)
            out = s.out(staged)
            stats, keys = _cached(text).stage_step(k, i, local, out, [s.fetch(p) for p in frequent], name)
            s.send(out, staged)
        return stats, pa.Table.from_batches([keys])

    @ray.remote(num_returns=3)
    def finish(i: int, staged: str, duplicates: list[str], docs: str | None):
        with Scratch(store) as s:
            out = s.out(store.root)
            crash = bool(_kill_once) and store.local and _claim(_kill_once)
            if crash:
                _die_while_writing(Path(out))
            dups = [s.fetch(p) for p in duplicates]
            local_docs = None if docs is None else s.out(docs)
            stats, next_shard, bands = _cached(text).finish_step(i, s.fetch(staged), out, dups, local_docs)
            if crash:  # the shards were too quick to catch half written: die before reporting instead
                os._exit(1)
            for d in ("kept", "removed"):
                s.send(os.path.join(out, d), store.join(d))
            if docs is not None:
                s.send(local_docs, docs)
        return stats, next_shard, None if bands is None else pa.Table.from_batches([bands])

    @ray.remote
    def dedup(i: int, docs: str, first_doc: int, clusters: list[str], stats: str, first_shard: int) -> str:
        with Scratch(store) as s:
            out = s.out(store.root)
            local_docs = s.fetch_tree(docs)
            stats = _cached(text).minhash_step(i, local_docs, first_doc, [s.fetch(p) for p in clusters], stats, out, first_shard)
            for d in ("kept", "removed"):
                s.send(os.path.join(out, d), store.join(d))
        return stats

    def width(ds: Any) -> int:
        """Shuffle partitions for `ds` (materialised: its size is block metadata)."""
        return partitions or max(2 * cpus, math.ceil(ds.size_bytes() / _PARTITION_BYTES))

    def lists(ds: Any, keys: list[str], fn: Any, name: str, parts: int) -> dict[int, list[str]]:
        """`fn` over the hash partitions of `ds` by `keys`, its rows written as per-file lists."""
        write = decide.write_lists(store, work, name)
        if _regroup if _regroup is not None else len(files) * parts > _MAX_LISTS:
            written = decide.shuffle(decide.shuffle(ds, keys, fn, parts), ["file"], write, parts)
        else:
            written = decide.shuffle(ds, keys, lambda t: write(fn(t)), parts)
        return decide.paths_by_file(written)

    show = _Progress(sys.stderr.isatty() if progress is None else progress, started)
    shuffled: dict[str, Any] = {}  # what each corpus-wide step shuffled (report.json's "ray" section)
    passes = pipeline._inner.passes()
    stats: list[list[Any]] = [[] for _ in files]
    frequent: dict[int, list[str]] = {}
    keys_refs: list[Any] = []
    for k in range(passes):
        refs = []
        for i, (fs, path, _) in enumerate(files):
            source = (fs, path) if k == 0 else (store.fs, f"{work}/pass{k - 1}-{i:05}.bin.zst")
            stats_ref, keys_ref = stage.remote(k, i, source, f"{work}/pass{k}-{i:05}.bin.zst", frequent.get(i, []))
            stats[i].append(stats_ref)
            refs.append(keys_ref)
        show.wait(f"pass {k + 1}/{passes}", [s[-1] for s in stats], documents=k == 0)
        keys_refs = refs
        if k + 1 < passes:
            show.note(f"pass {k + 1}/{passes}: counting site lines")
            lines = ray.data.from_arrow_refs(keys_refs)
            shuffled[f"site_lines_{k + 1}"] = _volume(lines)
            parts = width(lines)
            firsts = decide.shuffle(lines, ["text_hash_hi", "text_hash_lo"], decide.first_copies, parts)
            count = decide.frequent(pipeline._inner.site_min_docs(k + 1))
            frequent = lists(firsts, ["key"], count, f"site{k + 1}", parts)
    exact = ray.data.from_arrow_refs(keys_refs)
    duplicates: dict[int, list[str]] = {}
    if "key_hi" in exact.schema().names:
        shuffled["exact_dedup"] = _volume(exact)
        show.note("exact dedup: picking the first copies")
        duplicates = lists(exact, ["key_hi", "key_lo"], decide.duplicates, "dups", width(exact))
    finished = []
    for i in range(len(files)):
        docs = f"{work}/minhash-{i:05}" if minhash else None
        finished.append(finish.remote(i, f"{work}/pass{passes - 1}-{i:05}.bin.zst", duplicates.get(i, []), docs))
    show.wait("writing" if not minhash else "signing", [f[0] for f in finished])
    # Each file's stats so far, fetched once for the error budget and the MinHash numbering.
    budget = spec["input"].get("max_errors")
    settled = [json.loads(s) for s in ray.get([f[0] for f in finished])] if minhash or budget is not None else []
    if budget is not None:
        _within_budget(settled, budget)
    minhash_stats = None
    if minhash:
        kept = [s["totals"]["kept"] for s in settled]
        show.note("minhash_dedup: clustering")
        clusters, minhash_stats = _near_duplicates([f[2] for f in finished], kept, minhash["bands"], width, lists, shuffled)
        starts = np.concatenate([[0], np.cumsum(kept, dtype=np.int64)])
        for i, (stats_ref, next_ref, _) in enumerate(finished):
            docs = f"{work}/minhash-{i:05}"
            stats[i].append(dedup.remote(i, docs, int(starts[i]), clusters.get(i, []), stats_ref, next_ref))
        show.wait("writing", [s[-1] for s in stats])
    else:
        for i, f in enumerate(finished):
            stats[i].append(f[0])
    # File by file in input order (as locally), each file's stats let go once merged.
    merger = pipeline._inner.stats_merger()
    for i in range(len(stats)):
        for s in ray.get(stats[i]):
            merger.add(s)
        stats[i] = []
    merged = merger.result()
    report_text = pipeline._inner.report(
        merged, len(files), sum(size for _, _, size in files), time.monotonic() - started,
        None if minhash_stats is None else json.dumps(minhash_stats),
    )
    if spec["report"]["html"]:
        store.write_bytes(store.join("report.html"), render_report(report_text).encode())
    store.remove_tree(work)
    store.remove_empty_dir(store.join(".tamis"))
    report = json.loads(report_text)
    # Not in `tamis run`'s report: what the shuffles moved, for sizing a cluster.
    report["ray"] = {"shuffled": shuffled}
    store.write_bytes(store.join("report.json"), json.dumps(report, indent=2).encode())
    show.done(report["documents"])
    del lock
    return report


def _within_budget(stats: list[dict], max_errors: int) -> None:
    """``input.max_errors`` once every document is settled (a task cannot stop its siblings as
    ``tamis run`` stops at its first error beyond it): raises naming the first error in input order."""
    errors = sum(s["totals"]["errors"] for s in stats)
    if errors > max_errors:
        first = next(e for s in stats for e in s["errors_sample"])
        raise RuntimeError(
            f"{first['file']} record {first['record']}: {first['kind']}: {first['message']}\n"
            f"stopped: {errors} errors, and input.max_errors is {max_errors}; "
            "run without it (or with a higher max_errors) to count errors and go on"
        )


def _inputs(locations: list, format: str, filesystem: Any) -> list[tuple[Any, str, int]]:
    """`(fs, path, size)` of every input in `tamis run`'s order: local paths as the CLI collects
    them (fs None), object-store files by name (a file of unknown extension under a prefix is left
    out: it would take a download to sniff it)."""
    files: list[tuple[Any, str, int]] = []
    for location in locations:
        store = Store.of(location, filesystem)
        if store.local:
            files += [(None, p, size) for p, size in _tamis.collect_inputs([store.root], format)]
            continue
        for path, size in store.files(store.root):
            if format != "auto" or _tamis.input_format(path) is not None:
                files.append((store.fs, path, size))
    if not files:
        raise ValueError(f"no input files under {locations}")
    return files


def _volume(ds: Any) -> dict[str, int]:
    """Rows and bytes of a materialised dataset (block metadata: nothing is computed)."""
    return {"rows": ds.count(), "bytes": ds.size_bytes()}


def _uri(fs: Any, path: str) -> str:
    """How documents name an object-store input: `s3://bucket/key`."""
    scheme = {"s3": "s3", "gcs": "gs", "abfs": "abfs", "hdfs": "hdfs"}.get(fs.type_name, fs.type_name)
    return f"{scheme}://{path}"


@functools.lru_cache(maxsize=4)
def _cached(text: str) -> _tamis.Pipeline:
    """One pipeline per worker process and config: Ray reuses a worker process for many tasks, so
    the language model and token vocabularies are loaded once per process, not once per task."""
    return Pipeline.from_dict(json.loads(text))._inner


def _claim(marker: str) -> bool:
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        return True
    except FileExistsError:
        return False


def _die_while_writing(out: Path) -> None:
    """Testing aid: end this worker process as soon as a shard is half written, as a crash would;
    Ray then retries the task."""
    import threading

    def watch() -> None:
        while True:
            for d in (out / "kept", out / "removed"):
                if d.is_dir() and any(p.name.endswith(".tmp") for p in d.iterdir()):
                    os._exit(1)
            time.sleep(0.001)

    threading.Thread(target=watch, daemon=True).start()


class _Progress:
    """One status line on stderr per step: files done, documents read, seconds since the start."""

    def __init__(self, enabled: bool, started: float) -> None:
        self.enabled = enabled
        self.started = started

    def _line(self, text: str, end: str = "") -> None:
        if self.enabled:
            print(f"\r\033[K{text} [{time.monotonic() - self.started:.0f} s]", end=end, file=sys.stderr, flush=True)

    def note(self, text: str) -> None:
        self._line(text)

    def wait(self, step: str, refs: list, documents: bool = False) -> None:
        """Wait for `refs` (each a step's stats), showing how many files are done (and, for the
        step that reads the inputs, how many documents were read)."""
        import ray

        pending, docs, done = list(refs), 0, 0
        while pending:
            ready, pending = ray.wait(pending, num_returns=len(pending), timeout=0.5)
            if documents and self.enabled:
                docs += sum(json.loads(s)["stages"][0]["in"] for s in ray.get(ready))
            done += len(ready)
            read = f", {docs:,} documents read" if documents else ""
            self._line(f"{step}: {done}/{len(refs)} files{read}")

    def done(self, documents: dict) -> None:
        self._line(f"done: {documents['in']:,} documents, {documents['kept']:,} kept, "
                   f"{documents['removed']:,} removed, {documents['errors']:,} errors", end="\n")


def _near_duplicates(
    band_refs: list, kept: list[int], bands: int, width: Any, lists: Any, shuffled: dict
) -> tuple[dict[int, list[str]], dict]:
    """MinHash clusters of the kept documents from their band keys; returns each file's cluster
    lists (written by `lists`, shuffles `width` wide) and the report's ``minhash`` counts (those
    of the local final pass)."""
    import ray

    starts = np.concatenate([[0], np.cumsum(kept, dtype=np.int64)])[:-1]
    keys = ray.data.from_arrow_refs(band_refs)
    band_records = keys.count()
    docs = keys.map_batches(decide.doc_ids(starts), batch_size=None, batch_format="pyarrow")
    edges = decide.shuffle(docs, ["band", "key"], decide.star_edges, width(keys)).materialize()
    labels, rounds = connected_components(edges, num_partitions=width(edges))
    shuffled["minhash_bands"] = _volume(keys)
    shuffled["minhash_edges"] = {**_volume(edges), "components_rounds": rounds}
    clusters = lists(labels, ["component"], decide.cluster_lists(starts), "clusters", width(labels))
    signed = band_records // bands
    return clusters, {
        "signed": signed,
        "too_short": sum(kept) - signed,
        "band_records": band_records,
        "spilled_runs": 0,
        "candidate_pairs": edges.count(),
        "jaccard_checked": 0,
        "jaccard_rejected": 0,
        "clusters": labels.map_batches(decide.is_root, batch_size=None, batch_format="pyarrow").count(),
        "docs_in_clusters": labels.count(),
        "earlier_run_matches": 0,
        "index_keys_added": 0,
    }
