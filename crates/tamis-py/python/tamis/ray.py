"""tamis on Ray Data.

``Stage`` runs the per-document stages of a pipeline inside ``Dataset.map_batches`` for users who
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

from typing import Any, Mapping

import pyarrow as pa

from . import Pipeline, stages

__all__ = ["Stage", "corpus_wide_steps"]


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
