"""tamis: refine raw web-crawl data into clean, deduplicated text corpora.

The Rust core runs the pipeline; Arrow data goes in and out through the Arrow PyCapsule interface
(pyarrow, polars, duckdb and arro3 objects are accepted as they are). ``tamis.ray`` runs it on a
Ray cluster.

>>> import tamis
>>> pipeline = tamis.Pipeline.from_dict({"stages": [{"type": "length", "min_words": 3}]})
>>> kept, removed, stats = pipeline.process(table)          # doctest: +SKIP
"""

from __future__ import annotations

import json
from os import PathLike
from typing import Any, Mapping

from . import _tamis
from ._tamis import read, render_report, stages

__version__: str = _tamis.__version__
__all__ = ["Pipeline", "read", "render_report", "stages", "__version__"]


class Pipeline:
    """A built pipeline (the stages of a ``tamis run`` config, but a trailing ``minhash_dedup``).

    Per-document stages run on whatever batches ``process`` is given; ordered stages (exact dedup)
    keep their state from call to call, so one object must see its batches in input order. The
    site-frequent-lines rule of ``clean_lines`` needs counts over the whole corpus: ``process``
    runs without it (``tamis run`` and ``tamis.ray.run`` count them first).
    """

    def __init__(self, inner: _tamis.Pipeline) -> None:
        self._inner = inner

    @classmethod
    def from_toml(cls, text: str) -> "Pipeline":
        """From a pipeline file's text; a bad key raises ``ValueError`` naming it, as the CLI does."""
        return cls(_tamis.Pipeline.from_toml(text))

    @classmethod
    def from_dict(cls, config: Mapping[str, Any]) -> "Pipeline":
        """From a dict of the pipeline file's shape: ``{"stages": [{"type": "length", ...}]}``."""
        return cls(_tamis.Pipeline.from_dict(dict(config)))

    @classmethod
    def default(cls) -> "Pipeline":
        """The built-in pipeline of ``tamis run``."""
        return cls.from_toml("")

    def to_toml(self) -> str:
        """The resolved config as TOML (every default filled in)."""
        return self._inner.to_toml()

    def to_dict(self) -> dict:
        """The resolved config as a dict (``from_dict`` takes it back)."""
        return json.loads(self._inner.to_json())

    def stage_names(self) -> list[str]:
        """``read`` and every stage's report name, in order."""
        return self._inner.stage_names()

    def process(self, data: Any, text_field: str = "text", source: str = "<python>") -> tuple[Any, Any, dict]:
        """Run the stages over Arrow data with a text column (a table, a record batch or a stream).

        Returns ``(kept, removed, stats)``: two ``pyarrow.Table`` of the document schema (``removed``
        has ``removed_by``) and the counts (``stages``, ``totals``, ``errors_sample``, ``output``,
        ``insights``) as a dict. ``source`` names the data in error locations and ``origin``.
        """
        kept, removed, stats = self._inner.process(data, text_field, source)
        return kept, removed, json.loads(stats)

    def run_file(self, path: str | PathLike[str], output: str | PathLike[str], threads: int = 1) -> dict:
        """Read, process and write one input into ``output`` as ``tamis run`` does; the report."""
        return json.loads(self._inner.run_file(str(path), str(output), threads))
