"""Token counts of `tamis run` against OpenAI's tiktoken on the same output texts.

tamis counts with the `bpe-openai` crate; this script counts every kept document's final text with
tiktoken (PyPI) and compares per document (`metadata.tokens`) and in total (`report.json`
`output.tokens`). tiktoken normally downloads its vocabularies; here they are taken from the copy
bpe-openai ships in the cargo registry and checked against the SHA-256 tiktoken itself expects, so
both sides use OpenAI's files, with no network.

    bench/.venv/bin/python bench/tokens_check.py [--docs 20000] [--input FILE.jsonl.zst]
"""
import argparse
import glob
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time

import zstandard

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
URLS = {
    "cl100k": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
    "o200k": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
}


def offline_tiktoken(cache_dir):
    """Fill tiktoken's cache (keyed by sha1 of the URL) from bpe-openai's vocabulary files."""
    os.makedirs(cache_dir, exist_ok=True)
    home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    for name, url in URLS.items():
        found = sorted(glob.glob(f"{home}/registry/src/*/bpe-openai-*/data/{name}_base.tiktoken.gz"))
        if not found:
            sys.exit(f"no {name}_base.tiktoken.gz under {home}/registry: build tamis first (cargo build)")
        with gzip.open(found[-1], "rb") as f:
            data = f.read()
        key = hashlib.sha1(url.encode()).hexdigest()
        with open(os.path.join(cache_dir, key), "wb") as f:
            f.write(data)
    os.environ["TIKTOKEN_CACHE_DIR"] = cache_dir
    import tiktoken  # after the cache is set: tiktoken verifies the files' SHA-256 on load

    return {"o200k": tiktoken.get_encoding("o200k_base"), "cl100k": tiktoken.get_encoding("cl100k_base")}


def read_jsonl(path):
    if path.endswith(".zst"):
        with open(path, "rb") as f:
            yield from (json.loads(l) for l in io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(f), encoding="utf-8"))
    else:
        with open(path, encoding="utf-8") as f:
            yield from (json.loads(l) for l in f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", default=os.path.join(ROOT, "bench/work/corpus/jsonl/part-00000.jsonl.zst"))
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--tamis", default=os.path.join(ROOT, "target/release/tamis"))
    ap.add_argument("--out", default=os.path.join(ROOT, "bench/results/tokens-check.md"))
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="tamis-tokens-")
    encoders = offline_tiktoken(os.path.join(work, "tiktoken-cache"))
    sample = os.path.join(work, "in.jsonl")
    with open(sample, "w", encoding="utf-8") as f:
        for i, d in enumerate(read_jsonl(args.input)):
            if i >= args.docs:
                break
            f.write(json.dumps({"id": d["id"], "text": d["text"]}, ensure_ascii=False) + "\n")
    out = os.path.join(work, "out")
    cmd = [args.tamis, "run", "--threads", "1", "--format", "jsonl", "-o", out, sample]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report = json.load(open(os.path.join(out, "report.json")))

    def shards(kind):
        return [d for p in sorted(glob.glob(os.path.join(out, kind, "*.jsonl"))) for d in read_jsonl(p)]

    kept, removed = shards("kept"), shards("removed")
    rows = []
    for name, enc in encoders.items():
        t0 = time.perf_counter()
        counts = [len(enc.encode_ordinary(d["text"])) for d in kept]
        secs = time.perf_counter() - t0
        same = sum(c == d["metadata"]["tokens"][name] for c, d in zip(counts, kept))
        # Removed documents carry the count of their text at removal: a second, multilingual check.
        same_removed = sum(len(enc.encode_ordinary(d["text"])) == d["metadata"]["tokens"][name] for d in removed)
        rows.append((name, len(kept), same, len(removed), same_removed, report["output"]["tokens"][name], sum(counts), secs))

    lines = [
        "# Token counts: tamis (bpe-openai) vs tiktoken",
        "",
        f"Input: first {args.docs} documents of `{os.path.relpath(args.input, ROOT)}`, default pipeline, "
        f"`{' '.join(os.path.basename(c) if c == args.tamis else c for c in cmd[:-3])} ...`; "
        f"tiktoken {__import__('tiktoken').__version__} `encode_ordinary` on every kept document's final text.",
        "",
        "| encoding | kept docs | same count | removed docs | same count | report.json total (kept) | tiktoken total (kept) | tiktoken s (kept) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, n, same, nr, same_r, total, direct, secs in rows:
        lines.append(f"| {name} | {n} | {same} | {nr} | {same_r} | {total} | {direct} | {secs:.2f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(args.out, "w") as f:
        f.write(text)
    ok = all(same == n and same_r == nr and total == direct for _, n, same, nr, same_r, total, direct, _ in rows)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
