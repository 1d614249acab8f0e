#!/usr/bin/env python3
"""Build a deterministic benchmark corpus for tamis from /work/shared/data.

Output (default bench/work/corpus/):
  jsonl/part-NNNNN.jsonl.zst  text documents (HPLT v2 inspection subset + cc-text-samples),
                              repeated and shuffled; every copy has a unique "id".
  warc/part-NNNNN.warc.gz     WARC/1.0 files, one gzip member per record (like Common Crawl):
                              a warcinfo record, then `response` records whose HTTP payloads are
                              real HTML pages (scrapinghub-aeb, trafilatura-eval, wcxb dev),
                              repeated with distinct WARC-Record-IDs and WARC-Target-URIs, plus
                              the unmodified records of the well-formed real WARC samples
                              (commoncrawl-whirlwind-2024-22, dolma-wget-2024) spliced in
                              verbatim at a seeded position.
  manifest.json               parameters, per-shard sizes (compressed / uncompressed), record
                              counts and sha256 -- used by the other bench scripts.

Sizes: --gb is in GiB (2**30 bytes) and applies to each half separately:
  JSONL: total UTF-8 bytes of the "text" fields >= gb GiB (the .jsonl itself is a bit larger)
  WARC:  total decompressed WARC bytes >= gb GiB
Everything is deterministic for a given (--seed, --gb, shard counts): re-running produces
byte-identical files (zlib/zstd are run single-threaded per shard; gzip headers carry mtime 0).

Usage:  bench/.venv/bin/python bench/build_corpus.py [--out DIR] [--gb 1.0] [--only jsonl|warc]
"""
from __future__ import annotations

import argparse
import base64
import datetime as dt
import glob
import gzip
import hashlib
import io
import json
import lzma
import multiprocessing as mp
import os
import random
import re
import sys
import tarfile
import time
import unicodedata
import uuid
import zlib
from urllib.parse import quote, urlsplit, urlunsplit

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = "/work/shared/data"
DEFAULT_OUT = os.path.join(BENCH_DIR, "work", "corpus")
GIB = 1 << 30
MANIFEST_VERSION = 1

# Filled in the parent before forking workers (read-only afterwards, shared copy-on-write).
TEXT_DOCS: list[tuple[str, str, str]] = []   # (id prefix, text json-encoded, tail json)
TEXT_SIZES: list[int] = []
PAGES: list[dict] = []                       # {"source", "name", "url", "html"}
REAL_WARCS: list[tuple[str, bytes, int, dict]] = []  # (name, gz bytes, decompressed size, counts)


def log(msg: str) -> None:
    print(f"[build_corpus {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def die(msg: str, code: int = 2) -> None:
    print(f"build_corpus: error: {msg}", file=sys.stderr)
    sys.exit(code)


# --------------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------------

def _json(s) -> str:
    return json.dumps(s, ensure_ascii=False)


def load_text_sources(data: str) -> dict:
    """Fill TEXT_DOCS: base documents for the JSONL corpus. Returns per-source counts."""
    counts = {}
    hplt = os.path.join(data, "hplt-v2-inspection", "hplt-v2-inspection-subset.jsonl.xz")
    n = 0
    with lzma.open(hplt, "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            text = d.get("text") or ""
            if not text:
                continue
            meta = {"source": "hplt-v2-inspection", "orig_id": d.get("id"), "lang": d.get("lang"),
                    "batch": d.get("batch"), "annotated": d.get("annotated"), "porn": d.get("porn"),
                    "unnatural": d.get("unnatural"), "lang_correct": d.get("lang_correct")}
            TEXT_DOCS.append((f"hplt-{n:06d}", _json(text), f',"metadata":{_json(meta)}}}'))
            TEXT_SIZES.append(len(text.encode("utf-8")))
            n += 1
    counts["hplt-v2-inspection"] = n

    cc_files = sorted(glob.glob(os.path.join(data, "cc-text-samples", "*.jsonl.gz")))
    if not cc_files:
        die(f"no *.jsonl.gz under {data}/cc-text-samples")
    for path in cc_files:
        base = os.path.basename(path)[: -len(".jsonl.gz")]
        tag = "ccnet" if base.startswith("ccnet") else "dolma-cc"
        n = 0
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                text = d.get("text") or ""
                if not text:
                    continue
                orig_meta = d.get("metadata") or {}
                url = orig_meta.get("url") if tag == "ccnet" else orig_meta.get("warc_url")
                if not url and isinstance(d.get("id"), str) and d["id"].startswith("http"):
                    url = d["id"]
                meta = {"source": f"cc-text-samples/{base}", "orig_id": d.get("id")}
                for k in ("created", "added", "source"):
                    if k in d:
                        meta["orig_" + k if k == "source" else k] = d[k]
                for k, v in orig_meta.items():
                    if k not in ("url", "warc_url", "line_ids"):
                        meta[k] = v
                if "language" in orig_meta:
                    meta["lang"] = orig_meta["language"]
                tail = (f',"url":{_json(url)}' if url else "") + f',"metadata":{_json(meta)}}}'
                TEXT_DOCS.append((f"{tag}-{base[-5:]}-{n:05d}", _json(text), tail))
                TEXT_SIZES.append(len(text.encode("utf-8")))
                n += 1
        counts[f"cc-text-samples/{base}"] = n
    return counts


_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"


def clean_url(url, fallback: str) -> str:
    """A usable absolute http(s) URL (percent-encoded ASCII), else `fallback`."""
    if isinstance(url, str):
        m = re.search(r"https?://[^\s/]+\S*", url.strip())
        if m:
            return quote(m.group(0), safe=_URL_SAFE)
    return quote(fallback, safe=_URL_SAFE)


def url_from_filename(name: str, site: str) -> str:
    """trafilatura-eval files are named '<domain>-<slug>.html'."""
    dom, _, rest = name.partition("-")
    if "." in dom and rest:
        return f"https://{dom}/{rest}"
    return f"https://{site}.invalid/{name}"


def _nfc_base(name: str) -> str:
    return unicodedata.normalize("NFC", os.path.basename(name))


def load_html_sources(data: str) -> dict:
    """Fill PAGES with real HTML pages (bytes as stored) and their original URL where known."""
    counts = {}
    # scrapinghub-aeb: html/<id>.html.gz + ground-truth.json {id: {url, articleBody}}
    aeb = os.path.join(data, "scrapinghub-aeb")
    gt = {}
    gt_path = os.path.join(aeb, "ground-truth.json")
    if os.path.exists(gt_path):
        with open(gt_path, encoding="utf-8") as fh:
            gt = json.load(fh)
    n = 0
    for path in sorted(glob.glob(os.path.join(aeb, "html", "*.html*"))):
        name = os.path.basename(path)
        pid = name.split(".")[0]
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rb") as fh:
            html = fh.read()
        url = clean_url((gt.get(pid) or {}).get("url"), f"https://scrapinghub-aeb.invalid/{pid}")
        PAGES.append({"source": "scrapinghub-aeb", "name": pid, "url": url, "html": html})
        n += 1
    counts["scrapinghub-aeb"] = n

    # trafilatura-eval: tar.xz with evaldata.json {url: {file}} and html/<file>
    tpath = os.path.join(data, "trafilatura-eval", "trafilatura-eval.tar.xz")
    pages, file2url = [], {}
    with tarfile.open(tpath, "r:xz") as tf:
        for m in tf:
            if not m.isfile():
                continue
            if m.name.endswith("evaldata.json"):
                ev = json.load(tf.extractfile(m))
                file2url = {unicodedata.normalize("NFC", v["file"]): u for u, v in ev.items()
                            if isinstance(v, dict) and v.get("file")}
            elif m.name.endswith((".html", ".htm")):
                pages.append((_nfc_base(m.name), tf.extractfile(m).read()))
    pages.sort()
    for name, html in pages:
        url = clean_url(file2url.get(name), url_from_filename(name, "trafilatura-eval"))
        PAGES.append({"source": "trafilatura-eval", "name": name, "url": url, "html": html})
    counts["trafilatura-eval"] = len(pages)

    # wcxb: tar.xz with dev/html/<id>.html, dev/ground-truth/<id>.json {url}, metadata.json
    wpath = os.path.join(data, "wcxb", "wcxb-dev.tar.xz")
    pages, urls, domains = [], {}, {}
    with tarfile.open(wpath, "r:xz") as tf:
        for m in tf:
            if not m.isfile():
                continue
            base = os.path.basename(m.name)
            if m.name.endswith(".html"):
                pages.append((base[: -len(".html")], tf.extractfile(m).read()))
            elif "/ground-truth/" in m.name and base.endswith(".json"):
                try:
                    urls[base[: -len(".json")]] = json.load(tf.extractfile(m)).get("url")
                except ValueError:
                    pass
            elif base == "metadata.json":
                md = json.load(tf.extractfile(m))
                domains = {k: v.get("domain") for k, v in (md.get("files") or {}).items()}
    pages.sort()
    for pid, html in pages:
        url = clean_url(urls.get(pid), f"https://{domains[pid]}/wcxb-{pid}" if domains.get(pid)
                        else f"https://wcxb.invalid/{pid}")
        PAGES.append({"source": "wcxb-dev", "name": pid, "url": url, "html": html})
    counts["wcxb-dev"] = len(pages)
    # distinct pages must have distinct URLs (some sets share pages / lack URLs)
    seen: set[str] = set()
    fixed = 0
    for p in PAGES:
        if p["url"] in seen:
            p["url"] = copy_url(p["url"], 0, extra=f"tamis_page={p['source']}-{quote(p['name'])}")
            fixed += 1
        seen.add(p["url"])
    counts["url_collisions_fixed"] = fixed
    return counts


def split_gzip_members(raw: bytes) -> list[bytes]:
    members, pos = [], 0
    while pos < len(raw):
        d = zlib.decompressobj(31)
        d.decompress(raw[pos:])
        if not d.eof:
            raise ValueError("truncated gzip member")
        end = len(raw) - len(d.unused_data)
        members.append(raw[pos:end])
        pos = end
    return members


def load_real_warcs(data: str) -> dict:
    """Well-formed real WARC files, copied verbatim (they are multi-member gzip)."""
    names = sorted(glob.glob(os.path.join(data, "warc-samples", "commoncrawl-whirlwind-*", "*.warc.gz"))
                   + glob.glob(os.path.join(data, "warc-samples", "dolma-wget-*", "*.warc.gz")))
    names = [p for p in names if not p.endswith((".wet.gz", ".wat.gz"))]
    counts = {}
    for p in names:
        with open(p, "rb") as fh:
            raw = fh.read()
        members = split_gzip_members(raw)
        plain = b"".join(zlib.decompress(m, 31) for m in members)
        rc: dict[str, int] = {}
        # count records by WARC-Type (header lines at the start of each member)
        for m in members:
            head = zlib.decompress(m, 31)[:4096]
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"warc-type:"):
                    t = line.split(b":", 1)[1].strip().decode()
                    rc[t] = rc.get(t, 0) + 1
                    break
        rel = os.path.relpath(p, os.path.join(data, "warc-samples"))
        REAL_WARCS.append((rel, raw, len(plain), rc))
        counts[rel] = {"records": sum(rc.values()), "by_type": rc, "gzip_members": len(members)}
    return counts


# --------------------------------------------------------------------------------------------
# JSONL shards
# --------------------------------------------------------------------------------------------

def plan(sizes: list[int], target: int, rng: random.Random) -> list[tuple[int, int]]:
    """Shuffled (base index, copy number) list whose sizes add up to >= target."""
    per_copy = sum(sizes)
    if per_copy == 0:
        die("sources are empty")
    copies = max(1, -(-target // per_copy))
    items = [(i, c) for c in range(copies) for i in range(len(sizes))]
    rng.shuffle(items)
    out, total = [], 0
    for it in items:
        out.append(it)
        total += sizes[it[0]]
        if total >= target:
            break
    return out


def split_even(items: list[tuple[int, int]], sizes: list[int], nshards: int) -> list[list]:
    total = sum(sizes[i] for i, _ in items)
    shards, cur, acc = [], [], 0
    for it in items:
        cur.append(it)
        acc += sizes[it[0]]
        if acc >= total * (len(shards) + 1) / nshards and len(shards) < nshards - 1:
            shards.append(cur)
            cur = []
    shards.append(cur)
    return [s for s in shards if s]


def write_jsonl_shard(args) -> dict:
    import zstandard
    path, items, level = args
    h = hashlib.sha256()
    raw = 0
    tmp = path + ".tmp"
    cctx = zstandard.ZstdCompressor(level=level, threads=0)
    with open(tmp, "wb") as fh, cctx.stream_writer(fh, closefd=False) as zw:
        buf = []
        for i, c in items:
            prefix, text_json, tail = TEXT_DOCS[i]
            buf.append(f'{{"id":"{prefix}-c{c:03d}","text":{text_json}{tail}\n')
            if len(buf) >= 2048:
                b = "".join(buf).encode("utf-8")
                raw += len(b)
                zw.write(b)
                buf = []
        if buf:
            b = "".join(buf).encode("utf-8")
            raw += len(b)
            zw.write(b)
    os.replace(tmp, path)
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return {"path": os.path.basename(path), "documents": len(items),
            "text_bytes": sum(TEXT_SIZES[i] for i, _ in items),
            "uncompressed_bytes": raw, "compressed_bytes": os.path.getsize(path),
            "sha256": h.hexdigest()}


# --------------------------------------------------------------------------------------------
# WARC shards
# --------------------------------------------------------------------------------------------

BASE_DATE = dt.datetime(2024, 5, 18, 0, 0, 0, tzinfo=dt.timezone.utc)


def sha1_b32(b: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(b).digest()).decode()


def warc_date(seq: int) -> str:
    return (BASE_DATE + dt.timedelta(seconds=seq)).strftime("%Y-%m-%dT%H:%M:%SZ")


def http_date(seq: int) -> str:
    return (BASE_DATE + dt.timedelta(seconds=seq)).strftime("%a, %d %b %Y %H:%M:%S GMT")


def copy_url(url: str, copy: int, extra: str = "") -> str:
    add = extra or (f"tamis_copy={copy}" if copy else "")
    if not add:
        return url
    parts = urlsplit(url)
    q = parts.query + ("&" if parts.query else "") + add
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", q, ""))


def content_type_for(html: bytes) -> str:
    try:
        html.decode("utf-8")
        return "text/html; charset=UTF-8"
    except UnicodeDecodeError:
        return "text/html"  # leave charset detection to <meta> / sniffing, as real servers often do


def warc_record(headers: list[tuple[str, str]], block: bytes) -> bytes:
    head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    return head.encode("utf-8") + block + b"\r\n\r\n"


def response_size_estimate(i: int) -> int:
    # Planning only; a lower bound of the record size (WARC + HTTP headers are ~650-800 bytes),
    # so the decompressed total never falls short of the target. Exact sizes are measured
    # while writing and recorded in manifest.json.
    return len(PAGES[i]["html"]) + 550


def write_warc_shard(args) -> dict:
    path, shard_no, items, seq0, seed, level, real_idx = args
    rng = random.Random(f"{seed}-warc-{shard_no}")
    h = hashlib.sha256()
    raw = 0
    counts: dict[str, int] = {}
    tmp = path + ".tmp"

    def new_uuid() -> str:
        return f"<urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}>"

    def emit(fh, rec: bytes, rtype: str) -> None:
        nonlocal raw
        c = zlib.compressobj(level, zlib.DEFLATED, 31)
        out = c.compress(rec) + c.flush()
        fh.write(out)
        raw += len(rec)
        counts[rtype] = counts.get(rtype, 0) + 1

    # where to splice the real WARC files (verbatim) inside this shard
    splice_at = {}
    for r in real_idx:
        splice_at.setdefault(rng.randrange(len(items) + 1), []).append(r)

    with open(tmp, "wb") as fh:
        info_id = new_uuid()
        fname = os.path.basename(path)
        info = (f"software: tamis bench/build_corpus.py (seed {seed})\r\n"
                f"format: WARC File Format 1.0\r\n"
                f"conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.0/\r\n"
                f"description: synthetic benchmark corpus; payloads are real pages from "
                f"scrapinghub-aeb, trafilatura-eval and wcxb (dev)\r\n").encode()
        emit(fh, warc_record([("WARC-Type", "warcinfo"), ("WARC-Date", warc_date(seq0)),
                              ("WARC-Filename", fname), ("WARC-Record-ID", info_id),
                              ("Content-Type", "application/warc-fields"),
                              ("Content-Length", str(len(info)))], info), "warcinfo")
        for pos in range(len(items) + 1):
            for r in splice_at.get(pos, []):
                _name, gz, plain_len, rc = REAL_WARCS[r]
                fh.write(gz)
                raw += plain_len
                for t, n in rc.items():
                    counts[t] = counts.get(t, 0) + n
            if pos == len(items):
                break
            i, c = items[pos]
            page = PAGES[i]
            seq = seq0 + pos + 1
            html = page["html"]
            http_head = (f"HTTP/1.1 200 OK\r\nDate: {http_date(seq)}\r\n"
                         f"Content-Type: {content_type_for(html)}\r\n"
                         f"Content-Length: {len(html)}\r\nConnection: close\r\n\r\n").encode()
            block = http_head + html
            headers = [("WARC-Type", "response"), ("WARC-Date", warc_date(seq)),
                       ("WARC-Record-ID", new_uuid()), ("Content-Length", str(len(block))),
                       ("Content-Type", "application/http; msgtype=response"),
                       ("WARC-Warcinfo-ID", info_id),
                       ("WARC-IP-Address", f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"),
                       ("WARC-Target-URI", copy_url(page["url"], c)),
                       ("WARC-Payload-Digest", sha1_b32(html)),
                       ("WARC-Block-Digest", sha1_b32(block)),
                       ("WARC-Identified-Payload-Type", "text/html")]
            emit(fh, warc_record(headers, block), "response")
    os.replace(tmp, path)
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return {"path": os.path.basename(path), "records": sum(counts.values()), "by_type": counts,
            "synthetic_responses": len(items), "real_warcs": [REAL_WARCS[r][0] for r in real_idx],
            "uncompressed_bytes": raw, "compressed_bytes": os.path.getsize(path),
            "sha256": h.hexdigest()}


# --------------------------------------------------------------------------------------------

def run_pool(fn, jobs: list, nproc: int) -> list:
    if nproc <= 1 or len(jobs) <= 1:
        return [fn(j) for j in jobs]
    ctx = mp.get_context("fork")
    with ctx.Pool(min(nproc, len(jobs))) as pool:
        return pool.map(fn, jobs, chunksize=1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT, help=f"output dir (default {DEFAULT_OUT})")
    ap.add_argument("--data", default=os.environ.get("TAMIS_DATA", DEFAULT_DATA),
                    help="shared data dir (default /work/shared/data or $TAMIS_DATA)")
    ap.add_argument("--gb", type=float, default=1.0,
                    help="target size per corpus half in GiB (JSONL text bytes, WARC decompressed bytes)")
    ap.add_argument("--jsonl-gb", type=float, help="override --gb for the JSONL half")
    ap.add_argument("--warc-gb", type=float, help="override --gb for the WARC half")
    ap.add_argument("--jsonl-shards", type=int, default=8)
    ap.add_argument("--warc-shards", type=int, default=8)
    ap.add_argument("--seed", type=int, default=20240518)
    ap.add_argument("--only", choices=["jsonl", "warc"], help="build only one half")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    ap.add_argument("--zstd-level", type=int, default=3)
    ap.add_argument("--gzip-level", type=int, default=6)
    ap.add_argument("--force", action="store_true", help="rebuild even if manifest matches")
    a = ap.parse_args()

    if not os.path.isdir(a.data):
        die(f"shared data dir {a.data!r} not found. This script needs the evaluation data "
            f"(/work/shared/data, see its README.md); pass --data DIR or set TAMIS_DATA.")
    need = ["hplt-v2-inspection/hplt-v2-inspection-subset.jsonl.xz", "cc-text-samples",
            "scrapinghub-aeb/html", "trafilatura-eval/trafilatura-eval.tar.xz",
            "wcxb/wcxb-dev.tar.xz", "warc-samples"]
    missing = [p for p in need if not os.path.exists(os.path.join(a.data, p))]
    if missing:
        die(f"{a.data} lacks: {', '.join(missing)}")
    try:
        import zstandard  # noqa: F401
    except ImportError:
        die("python package 'zstandard' missing: run bench/setup.sh and use bench/.venv/bin/python")

    jsonl_target = int((a.jsonl_gb if a.jsonl_gb is not None else a.gb) * GIB)
    warc_target = int((a.warc_gb if a.warc_gb is not None else a.gb) * GIB)
    halves = [a.only] if a.only else ["jsonl", "warc"]
    os.makedirs(a.out, exist_ok=True)
    man_path = os.path.join(a.out, "manifest.json")
    manifest = {}
    if os.path.exists(man_path):
        with open(man_path) as fh:
            manifest = json.load(fh)
    params = {
        "jsonl": {"version": MANIFEST_VERSION, "seed": a.seed, "target_text_bytes": jsonl_target,
                  "shards": a.jsonl_shards, "zstd_level": a.zstd_level},
        "warc": {"version": MANIFEST_VERSION, "seed": a.seed, "target_uncompressed_bytes": warc_target,
                 "shards": a.warc_shards, "gzip_level": a.gzip_level, "planner": 2},
    }
    t_all = time.time()
    for half in halves:
        prev = manifest.get(half)
        if (not a.force and prev and prev.get("params") == params[half]
                and all(os.path.exists(os.path.join(a.out, half, s["path"])) and
                        os.path.getsize(os.path.join(a.out, half, s["path"])) == s["compressed_bytes"]
                        for s in prev["shards"])):
            log(f"{half}: up to date ({prev['totals']}), skipping (use --force to rebuild)")
            continue
        d = os.path.join(a.out, half)
        os.makedirs(d, exist_ok=True)
        for old in glob.glob(os.path.join(d, "*")):
            os.remove(old)
        t0 = time.time()
        if half == "jsonl":
            src_counts = load_text_sources(a.data)
            log(f"jsonl: {len(TEXT_DOCS)} base docs, {sum(TEXT_SIZES) / 1e6:.1f} MB text per copy {src_counts}")
            items = plan(TEXT_SIZES, jsonl_target, random.Random(f"{a.seed}-jsonl"))
            shards = split_even(items, TEXT_SIZES, a.jsonl_shards)
            jobs = [(os.path.join(d, f"part-{k:05d}.jsonl.zst"), s, a.zstd_level) for k, s in enumerate(shards)]
            res = run_pool(write_jsonl_shard, jobs, a.jobs)
            totals = {"documents": sum(r["documents"] for r in res),
                      "text_bytes": sum(r["text_bytes"] for r in res),
                      "uncompressed_bytes": sum(r["uncompressed_bytes"] for r in res),
                      "compressed_bytes": sum(r["compressed_bytes"] for r in res),
                      "max_copies": 1 + max(c for _, c in items)}
            TEXT_DOCS.clear(); TEXT_SIZES.clear()
        else:
            src_counts = load_html_sources(a.data)
            real_counts = load_real_warcs(a.data)
            sizes = [response_size_estimate(i) for i in range(len(PAGES))]
            log(f"warc: {len(PAGES)} HTML pages, {sum(len(p['html']) for p in PAGES) / 1e6:.1f} MB per copy "
                f"{src_counts}; real WARCs {[r[0] for r in REAL_WARCS]}")
            real_total = sum(r[2] for r in REAL_WARCS)
            items = plan(sizes, max(1, warc_target - real_total), random.Random(f"{a.seed}-warc"))
            shards = split_even(items, sizes, a.warc_shards)
            jobs, seq = [], 0
            for k, s in enumerate(shards):
                real_idx = [r for r in range(len(REAL_WARCS)) if r % len(shards) == k]
                jobs.append((os.path.join(d, f"part-{k:05d}.warc.gz"), k, s, seq, a.seed,
                             a.gzip_level, real_idx))
                seq += len(s) + 1
            res = run_pool(write_warc_shard, jobs, a.jobs)
            by_type: dict[str, int] = {}
            for r in res:
                for t, n in r["by_type"].items():
                    by_type[t] = by_type.get(t, 0) + n
            totals = {"records": sum(r["records"] for r in res), "by_type": by_type,
                      "synthetic_responses": sum(r["synthetic_responses"] for r in res),
                      "uncompressed_bytes": sum(r["uncompressed_bytes"] for r in res),
                      "compressed_bytes": sum(r["compressed_bytes"] for r in res),
                      "html_payload_bytes": sum(len(PAGES[i]["html"]) for i, _ in items),
                      "max_copies": 1 + max(c for _, c in items)}
            src_counts = {"html": src_counts, "real_warcs": real_counts}
            PAGES.clear(); REAL_WARCS.clear()
        target = jsonl_target if half == "jsonl" else warc_target
        got = totals["text_bytes"] if half == "jsonl" else totals["uncompressed_bytes"]
        if got < target:
            log(f"WARNING: {half} is {got} bytes, below the target {target}")
        manifest[half] = {"params": params[half], "sources": src_counts, "totals": totals,
                          "shards": res, "build_seconds": round(time.time() - t0, 1)}
        with open(man_path + ".tmp", "w") as fh:
            json.dump(manifest, fh, indent=1)
        os.replace(man_path + ".tmp", man_path)
        log(f"{half}: wrote {len(res)} shards in {time.time() - t0:.1f}s: {totals}")
    log(f"done in {time.time() - t_all:.1f}s -> {a.out} (manifest.json)")


if __name__ == "__main__":
    main()
