"""The Python package against the Rust driver: the same config gives the same documents, Arrow in
and out, Parquet shards that pyarrow, polars and duckdb query by typed columns."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tamis

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"

# The default pipeline without the corpus-wide steps `process` cannot see (site lines; the whole
# corpus arrives in one call here, so exact dedup is the same either way).
NO_SITE_LINES = tamis.Pipeline.default().to_toml().replace("site_lines = true", "site_lines = false")


def shard_rows(directory: Path) -> list[dict]:
    """Every row of the shards in `directory`, read back through tamis's own reader."""
    rows = []
    for batch in tamis.read(directory):
        rows.extend(batch.to_pylist())
    return rows


def needs_model() -> None:
    import os

    model = os.environ.get("TAMIS_LID_MODEL", str(REPO / "models" / "lid.176.ftz"))
    if not Path(model).exists():
        pytest.skip(f"no language model at {model}: run scripts/fetch-models.sh")


def test_process_equals_tamis_run_on_the_sample_corpus(tmp_path: Path) -> None:
    needs_model()
    pipeline = tamis.Pipeline.from_toml(NO_SITE_LINES)
    report = tamis.Pipeline.from_toml(NO_SITE_LINES).run_file(EXAMPLES, tmp_path / "out")
    # The same inputs in the same order, through the Python reader and `process`.
    kept, removed, stats = pipeline.process(tamis.read(EXAMPLES))
    assert stats["totals"] == report["documents"]
    want_kept = {(r["id"], r["text"]) for r in shard_rows(tmp_path / "out" / "kept")}
    assert set(zip(kept.column("id").to_pylist(), kept.column("text").to_pylist())) == want_kept
    want_removed = {(r["id"], json.loads(r["metadata"])["removed_by"]) for r in shard_rows(tmp_path / "out" / "removed")}
    got_removed = set(zip(removed.column("id").to_pylist(), removed.column("removed_by").to_pylist()))
    assert got_removed == want_removed
    assert [s["in"] for s in stats["stages"]] == [s["in"] for s in report["stages"]]
    assert kept.schema.field("language").type == pa.string()


def test_configs_from_toml_and_dict_agree_and_name_bad_keys() -> None:
    text = '[[stages]]\ntype = "length"\nmin_words = 3\n[[stages]]\ntype = "exact_dedup"\n'
    from_dict = tamis.Pipeline.from_dict({"stages": [{"type": "length", "min_words": 3}, {"type": "exact_dedup"}]})
    assert tamis.Pipeline.from_toml(text).to_toml() == from_dict.to_toml()
    assert from_dict.stage_names() == ["read", "length", "exact_dedup"]
    with pytest.raises(ValueError, match="min_wrds"):
        tamis.Pipeline.from_dict({"stages": [{"type": "length", "min_wrds": 3}]})
    with pytest.raises(ValueError, match="lenght"):
        tamis.Pipeline.from_toml('[[stages]]\ntype = "lenght"\n')
    with pytest.raises(ValueError, match="ouput"):
        tamis.Pipeline.from_dict({"ouput": {}})


def test_polars_frames_and_record_batches_go_in_as_they_are() -> None:
    pl = pytest.importorskip("polars")
    pipeline = tamis.Pipeline.from_dict(
        {"tokens": {"encodings": []}, "stages": [{"type": "length", "min_words": 3}, {"type": "exact_dedup"}]}
    )
    frame = pl.DataFrame(
        {"id": ["a", "b", "c", "d"], "text": ["one two three", "too short", "one  two three", "four five six"]}
    )
    kept, removed, stats = pipeline.process(frame)
    assert kept.column("id").to_pylist() == ["a", "d"]
    assert removed.column("removed_by").to_pylist() == ["length.too_short", "exact_dedup.duplicate"]
    # Ordered stages keep their state across calls: "a" was seen in the first batch.
    batch = pa.record_batch({"text": ["one two three", "seven eight nine"]})
    kept, removed, stats = pipeline.process(batch, source="second")
    assert kept.column("text").to_pylist() == ["seven eight nine"]
    assert kept.column("id").to_pylist() == ["second#5"]
    assert stats["totals"] == {"in": 2, "kept": 1, "removed": 1, "errors": 0}


def test_a_row_without_text_is_an_error_with_its_location() -> None:
    pipeline = tamis.Pipeline.from_dict({"tokens": {"encodings": []}, "stages": [{"type": "length", "min_words": 1}]})
    kept, removed, stats = pipeline.process(pa.table({"text": ["fine text here", None]}), source="mine.parquet")
    assert stats["totals"] == {"in": 2, "kept": 1, "removed": 0, "errors": 1}
    (error,) = stats["errors_sample"]
    assert (error["stage"], error["kind"], error["file"], error["record"]) == ("read", "missing_text", "mine.parquet", 1)


def test_parquet_shards_have_typed_columns_for_pyarrow_polars_and_duckdb(tmp_path: Path) -> None:
    needs_model()
    config = NO_SITE_LINES.replace('format = "jsonl.zst"', 'format = "parquet"')
    assert 'format = "parquet"' in config
    report = tamis.Pipeline.from_toml(config).run_file(EXAMPLES, tmp_path / "out")
    kept = tmp_path / "out" / "kept"
    table = pq.read_table(kept)
    assert table.num_rows == report["documents"]["kept"]
    schema = table.schema
    assert schema.field("language").type == pa.string()
    assert schema.field("language_score").type == pa.float64()
    assert pa.types.is_struct(schema.field("tokens").type)
    assert pa.types.is_list(schema.field("removed_lines").type)
    assert pq.ParquetFile(next(kept.glob("*.parquet"))).metadata.created_by.startswith("tamis ")
    french = sum(1 for lang in table.column("language").to_pylist() if lang == "fr")
    assert french > 0

    pl = pytest.importorskip("polars")
    frame = pl.read_parquet(kept / "*.parquet")
    assert frame.filter(pl.col("language") == "fr").height == french
    assert frame.schema["tokens"] == pl.Struct({"o200k": pl.Int64, "cl100k": pl.Int64})

    duckdb = pytest.importorskip("duckdb")
    (count,) = duckdb.sql(f"SELECT count(*) FROM '{kept}/*.parquet' WHERE language = 'fr'").fetchall()[0]
    assert count == french
    (lines,) = duckdb.sql(  # removed lines are a list of structs: unnest, no JSON
        f"SELECT count(*) FROM (SELECT unnest(removed_lines) AS l FROM '{kept}/*.parquet') WHERE l.reason LIKE 'clean_lines.%'"
    ).fetchall()[0]
    assert lines > 0

    datasets = pytest.importorskip("datasets")
    ds = datasets.load_dataset("parquet", data_files=str(kept / "*.parquet"), split="train", cache_dir=str(tmp_path / "hf"))
    assert ds.features["language"].dtype == "string"
    assert ds.features["language_score"].dtype == "float64"
    assert ds.filter(lambda row: row["language"] == "fr").num_rows == french


def test_read_gives_raw_payloads_of_warc_and_the_report_renders(tmp_path: Path) -> None:
    reader = tamis.read(EXAMPLES / "crawl.warc.gz", batch_size=4)
    assert reader.schema.names == ["id", "text", "raw", "content_type", "charset", "url", "origin", "offset", "metadata"]
    table = reader.read_all()
    html = [ct for ct in table.column("content_type").to_pylist() if ct == "text/html"]
    assert html and table.column("raw").null_count < table.num_rows
    report = tamis.Pipeline.from_dict({"stages": [{"type": "payload"}]}).run_file(EXAMPLES / "crawl.jsonl", tmp_path / "o")
    page = tamis.render_report(json.dumps(report))
    assert page.startswith("<!DOCTYPE html>") or "<html" in page[:200]
    assert [s[0] for s in tamis.stages()][:2] == ["payload", "extract"]
