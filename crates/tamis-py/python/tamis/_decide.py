"""The corpus-wide decisions of ``tamis.ray.run`` as functions over one hash partition.

Each runs once per partition of a Ray Data hash shuffle (``shuffle``): a group of equal keys never
spans two partitions, so each decides its keys alone and returns its rows for each input file
(``file`` and u64 value columns). ``write_lists`` writes a partition's rows as one list per file
(u64 little-endian, named by content so a retried task rewrites the same file); the driver only
collects the (file, path) rows of what was written. It runs either right after the decision (one
list per file and partition: few shuffles, for runs with few files) or after a second shuffle by
file (one list per file: for runs where files × partitions would make too many small lists).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._store import Store

# A document's place in the input: (file index << 40) | record, so "first in input order" is a min.
_RECORD_BITS = 40


def _ordinal(t: pa.Table) -> pa.Array:
    file = pc.cast(t.column("file"), pa.uint64())
    return pc.add(pc.shift_left(file, _RECORD_BITS), t.column("record"))


_MARKED = pa.schema([("file", pa.uint32()), ("key", pa.uint64()), ("first", pa.bool_())])


def first_copies(t: pa.Table) -> pa.Table:
    """The line keys of one text-hash partition as `(file, key, first)`: `first` marks the rows of
    the first copy of each text in input order, which alone count; the other rows (deduplicated)
    only say which files hold a key, since every copy of a frequent line loses it."""
    if t.num_rows == 0:
        return _MARKED.empty_table()
    t = t.append_column("ord", _ordinal(t))
    first = t.group_by(["text_hash_hi", "text_hash_lo"]).aggregate([("ord", "min")])
    t = t.join(first, ["text_hash_hi", "text_hash_lo"])
    is_first = pc.equal(t.column("ord"), t.column("ord_min"))
    counted = t.filter(is_first).select(["file", "key"])
    others = t.filter(pc.invert(is_first)).group_by(["file", "key"]).aggregate([])
    return pa.concat_tables([
        counted.append_column("first", pa.repeat(True, counted.num_rows)).cast(_MARKED),
        others.select(["file", "key"]).append_column("first", pa.repeat(False, others.num_rows)).cast(_MARKED),
    ])


# What a partition with nothing to write returns: no (file, path) rows.
_NO_LISTS = pa.table({"file": pa.array([], pa.uint32()), "path": pa.array([], pa.string())})
_NO_VALUES = pa.schema([("file", pa.uint32()), ("value", pa.uint64())]).empty_table()


def frequent(min_docs: int):
    def keep(t: pa.Table) -> pa.Table:
        """Each file's keys that the first copies hold in at least `min_docs` documents (one key
        partition)."""
        if t.num_rows == 0:
            return _NO_VALUES
        counted = t.filter(t.column("first"))
        counts = counted.group_by("key").aggregate([("key", "count")])
        frequent = counts.filter(pc.greater_equal(counts.column("key_count"), min_docs)).column("key")
        t = t.filter(pc.is_in(t.column("key"), value_set=frequent)).select(["file", "key"])
        t = t.group_by(["file", "key"]).aggregate([]).select(["file", "key"])
        return t.rename_columns(["file", "value"]).cast(_NO_VALUES.schema)

    return keep


def duplicates(t: pa.Table) -> pa.Table:
    """Each file's records that are not the first of their exact-dedup key (one key partition)."""
    if t.num_rows == 0:
        return _NO_VALUES
    t = t.append_column("ord", _ordinal(t))
    first = t.group_by(["key_hi", "key_lo"]).aggregate([("ord", "min")])
    t = t.join(first, ["key_hi", "key_lo"])
    later = t.filter(pc.not_equal(t.column("ord"), t.column("ord_min")))
    return later.select(["file", "record"]).rename_columns(["file", "value"]).cast(_NO_VALUES.schema)


def write_lists(store: Store, directory: str, name: str):
    def write(t: pa.Table) -> pa.Table:
        """Each file's rows (its value columns as u64, sorted) to `directory/name-FILE-DIGEST.u64`,
        interleaved: named by content, so a retried task rewrites the same file."""
        files, paths = [], []
        columns = [c for c in t.column_names if c != "file"]
        if t.num_rows:
            t = t.sort_by([("file", "ascending"), (columns[0], "ascending")])
            for file in pc.unique(t.column("file")).to_pylist():
                rows = t.filter(pc.equal(t.column("file"), file))
                values = np.column_stack([rows.column(c).to_numpy() for c in columns])
                data = np.ascontiguousarray(values, dtype="<u8").tobytes()
                path = f"{directory}/{name}-{file:05}-{hashlib.sha1(data).hexdigest()[:16]}.u64"
                store.write_bytes(path, data)
                files.append(file)
                paths.append(path)
        return pa.table({"file": pa.array(files, pa.uint32()), "path": pa.array(paths, pa.string())})

    return write


def doc_ids(starts: np.ndarray):
    def number(t: pa.Table) -> pa.Table:
        """Band rows with their doc id: the kept documents numbered in input order (as locally)."""
        file = t.column("file").to_numpy().astype(np.int64)
        doc = starts[file] + t.column("seq").to_numpy().astype(np.int64)
        return pa.table({"band": t.column("band"), "key": t.column("key"), "doc": pa.array(doc, pa.int64())})

    return number


def star_edges(t: pa.Table) -> pa.Table:
    """Per (band, key) bucket of one partition, an edge from its lowest doc to each other doc: the
    candidate pairs of the local run's LSH."""
    band, key, doc = (t.column(c).to_numpy() for c in ("band", "key", "doc"))
    order = np.lexsort((doc, key, band))
    band, key, doc = band[order], key[order], doc[order]
    start = np.ones(len(doc), dtype=bool)
    start[1:] = (band[1:] != band[:-1]) | (key[1:] != key[:-1])
    first = doc[np.maximum.accumulate(np.where(start, np.arange(len(doc)), 0))] if len(doc) else doc
    return pa.table({"src": pa.array(first[~start], pa.int64()), "dst": pa.array(doc[~start], pa.int64())})


_NO_CLUSTERED = pa.schema([("file", pa.uint32()), ("seq", pa.uint64()), ("root", pa.uint64()), ("size", pa.uint64())]).empty_table()


def cluster_lists(starts: np.ndarray):
    def lists(t: pa.Table) -> pa.Table:
        """Each file's clustered documents as (seq, root, size) (one component partition)."""
        if t.num_rows == 0:
            return _NO_CLUSTERED
        node = t.column("node").to_numpy()
        root = t.column("component").to_numpy()
        _, inverse, sizes = np.unique(root, return_inverse=True, return_counts=True)
        file = np.searchsorted(starts, node, side="right") - 1
        return pa.table({
            "file": pa.array(file, pa.uint32()),
            "seq": pa.array(node - starts[file], pa.uint64()),
            "root": pa.array(root, pa.uint64()),
            "size": pa.array(sizes[inverse], pa.uint64()),
        })

    return lists


def is_root(t: pa.Table) -> pa.Table:
    return t.filter(pc.equal(t.column("node"), t.column("component")))


def shuffle(ds, keys: list[str], fn, parts: int):
    # A hash shuffle on `keys`, then `fn` once per whole partition (a group never spans two).
    return ds.repartition(parts, keys=keys).map_batches(fn, batch_size=None, batch_format="pyarrow")


def paths_by_file(written) -> dict[int, list[str]]:
    """The lists the partitions wrote, by file: one small row per (partition, file)."""
    out: dict[int, list[str]] = {}
    for row in written.take_all():
        out.setdefault(row["file"], []).append(row["path"])
    return {f: sorted(p) for f, p in out.items()}
