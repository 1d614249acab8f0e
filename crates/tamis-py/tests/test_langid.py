"""tamis's language ID (a Rust reading of fastText's model file) against fastText itself: the
fasttext-predict wheel, fastText 0.9.2's C++ inference, on the same model and the same texts. Labels
and scores must be identical, not close: datatrove's LanguageFilter runs that code, and a corpus
filtered at `min_score = 0.65` must keep the same documents whichever tool scored them."""

from __future__ import annotations

import lzma
import json
import os
from pathlib import Path

import pyarrow as pa
import pytest

import tamis

REPO = Path(__file__).resolve().parents[3]
DATA = Path(os.environ.get("TAMIS_DATA", REPO.parent / "shared" / "data"))
HPLT = DATA / "hplt-v2-inspection" / "hplt-v2-inspection-subset.jsonl.xz"
MODEL = Path(os.environ.get("TAMIS_LID_MODEL", REPO / "models" / "lid.176.ftz"))

# Texts that exercise fastText's tokeniser at its edges: separators it knows (\r \t \v \f NUL), a
# literal end-of-line token mid-text (fastText stops reading there), label-like tokens (skipped),
# empty and whitespace-only text, single characters, long tokens, mixed scripts.
EDGES = [
    "",
    " ",
    "a",
    "é",
    "The cat sat </s> sur le tapis rouge",
    "__label__en __label__fr bonjour tout le monde",
    "tab\tseparated\rcarriage\x0bvertical\x0cfeed",
    "nul\x00inside the text",
    "x" * 5000,
    "日本語のテキストと English words mixed together",
    "Привет мир " * 200,
    "line one\nline two\n\nline three",
    "🙂🙂🙂 emoji only",
]


def hplt_texts(limit: int) -> list[str]:
    texts = []
    with lzma.open(HPLT, "rt", encoding="utf-8") as f:
        for line in f:
            texts.append(json.loads(line)["text"])
            if len(texts) >= limit:
                break
    return texts


def both_predict(fasttext, model_path: Path, texts: list[str]) -> tuple[list, dict]:
    """fastText's (label, score) per text, and tamis's `language` stage's by text index."""
    model = fasttext.load_model(str(model_path))
    want = []
    for t in texts:
        # As datatrove's LanguageFilter: newlines become spaces; fastText's C API also ends a text at
        # NUL, which tamis reads as the separator it is inside a line.
        labels, scores = model.predict(t.replace("\n", " ").replace("\x00", " "), k=1)
        want.append((labels[0].removeprefix("__label__"), float(scores[0])))
    pipeline = tamis.Pipeline.from_dict({"stages": [{"type": "language", "model": str(model_path), "min_score": 0.0}]})
    kept, removed, _ = pipeline.process(pa.table({"id": [str(i) for i in range(len(texts))], "text": texts}))
    assert removed.num_rows == 0
    ids, langs, scores = (kept.column(c).to_pylist() for c in ("id", "language", "language_score"))
    return want, {int(i): (lang, score) for i, lang, score in zip(ids, langs, scores)}


def test_labels_and_scores_are_fasttexts_own() -> None:
    fasttext = pytest.importorskip("fasttext", reason="fasttext-predict not installed")
    if not MODEL.exists():
        pytest.skip(f"no language model at {MODEL}: run scripts/fetch-models.sh")
    if not HPLT.exists():
        pytest.skip(f"{HPLT} absent (needs ../shared/data)")
    texts = hplt_texts(3000) + EDGES
    want, got = both_predict(fasttext, MODEL, texts)
    diffs = [(i, want[i], got.get(i)) for i in range(len(texts)) if got.get(i) != want[i]]
    assert not diffs, f"{len(diffs)} of {len(texts)} differ, first: {diffs[:5]}"
    assert len({w[0] for w in want}) > 40, "the sample should span many languages"


def write_model(path: Path, rng, dim: int, bucket: int, word_ngrams: int) -> None:
    """A small fastText model in fastText's own file format (version 12), with random weights: dense
    input and output, unpruned n-gram buckets, word n-grams and hierarchical softmax over labels of
    uneven counts. It exercises what lid.176 (quantised, pruned, wordNgrams 1) does not."""
    import struct

    words = ["</s>", "the", "de", "und", "chat", "été", "日本"]
    labels = [f"__label__l{i}" for i in range(9)]
    label_counts = sorted((rng.randrange(1, 10_000) for _ in labels), reverse=True)
    out = bytearray(struct.pack("<ii", 793712314, 12))
    # dim ws epoch minCount neg wordNgrams loss(hs) model(sup) bucket minn maxn lrUpdateRate, t
    out += struct.pack("<12id", dim, 5, 5, 1, 5, word_ngrams, 1, 3, bucket, 2, 4, 100, 1e-4)
    out += struct.pack("<iiiqq", len(words) + len(labels), len(words), len(labels), 12345, -1)
    for w, count, kind in [(w, 100 - i, 0) for i, w in enumerate(words)] + [(l, c, 1) for l, c in zip(labels, label_counts)]:
        out += w.encode() + b"\0" + struct.pack("<qb", count, kind)

    def dense(rows: int) -> bytes:
        return struct.pack("<qq", rows, dim) + struct.pack(f"<{rows * dim}f", *(rng.uniform(-1, 1) for _ in range(rows * dim)))

    out += b"\0" + dense(len(words) + bucket) + b"\0" + dense(len(labels))
    path.write_bytes(bytes(out))


@pytest.mark.parametrize("word_ngrams", [1, 3])
def test_dense_models_with_word_ngrams_agree_too(tmp_path: Path, word_ngrams: int) -> None:
    import random

    fasttext = pytest.importorskip("fasttext", reason="fasttext-predict not installed")
    rng = random.Random(word_ngrams)
    path = tmp_path / "tiny.bin"
    write_model(path, rng, dim=8, bucket=997, word_ngrams=word_ngrams)
    vocab = ["the", "de", "und", "chat", "été", "日本", "xyz", "Über", "a", "__label__l1", "</s>"]
    texts = EDGES + [" ".join(rng.choice(vocab) for _ in range(rng.randrange(1, 40))) for _ in range(300)]
    want, got = both_predict(fasttext, path, texts)
    diffs = [(texts[i][:40], want[i], got.get(i)) for i in range(len(texts)) if got.get(i) != want[i]]
    assert not diffs, f"{len(diffs)} of {len(texts)} differ, first: {diffs[:5]}"
    assert len({w[0] for w in want}) > 1
