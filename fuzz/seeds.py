#!/usr/bin/env python3
"""Write the fuzz targets' seed corpora under fuzz/corpus/TARGET/ (git-ignored).

Every seed is made here, from text this script writes: small valid inputs of each format with the
features the readers branch on (record types, gzip members, compression, charsets, config tables),
plus a few damaged variants. Parquet seeds are written by tamis itself (`tamis run --format
parquet`), so the script needs the CLI built (`cargo build -p tamis-cli`); without it that target
gets no seeds and says so. Standard library only.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent
CORPUS = ROOT / "corpus"

PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Le marché</title>
<meta name="description" content="Un article."></head><body><nav><a href="/">Accueil</a> <a href="/c">Culture</a></nav>
<article><h1>Le marché du samedi</h1><p>Les producteurs reviennent sur la place chaque semaine, et les habitants
viennent tôt pour trouver les meilleurs fruits.</p><ul><li>pommes</li><li>poires</li></ul>
<table><tr><td>prix</td><td>2 €</td></tr></table></article><footer>Suivez-nous · Mentions légales</footer></body></html>"""


def warc_record(kind: str, uri: str, block: bytes, extra: str = "", version: str = "WARC/1.0") -> bytes:
    head = (f"{version}\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{abs(hash((kind, uri))) % 10**12:012d}>\r\n"
            f"WARC-Date: 2026-01-01T00:00:00Z\r\nWARC-Target-URI: {uri}\r\n{extra}"
            f"Content-Length: {len(block)}\r\n\r\n")
    return head.encode() + block + b"\r\n\r\n"


def http(body: bytes, content_type: str = "text/html; charset=utf-8", status: str = "200 OK") -> bytes:
    return f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body


def warc_records() -> list[bytes]:
    page = PAGE.encode()
    return [
        warc_record("warcinfo", "", b"software: seeds.py\r\nformat: WARC File Format 1.0\r\n",
                    "Content-Type: application/warc-fields\r\n"),
        warc_record("request", "https://example.org/a", b"GET /a HTTP/1.1\r\nHost: example.org\r\n\r\n",
                    "Content-Type: application/http; msgtype=request\r\n"),
        warc_record("response", "https://example.org/a", http(page),
                    "Content-Type: application/http; msgtype=response\r\n"),
        warc_record("response", "https://example.org/b", http(PAGE.encode("latin-1", "replace"), "text/html; charset=iso-8859-1"),
                    "Content-Type: application/http; msgtype=response\r\n", version="WARC/1.1"),
        warc_record("response", "https://example.org/img", http(b"\x89PNG\r\n\x1a\n....", "image/png"),
                    "Content-Type: application/http; msgtype=response\r\n"),
        warc_record("response", "https://example.org/gone", http(b"gone", status="404 Not Found"),
                    "Content-Type: application/http; msgtype=response\r\n"),
        warc_record("resource", "https://example.org/r", page, "Content-Type: text/html\r\n"),
        warc_record("revisit", "https://example.org/a", b"HTTP/1.1 200 OK\r\n\r\n",
                    "WARC-Profile: http://netpreserve.org/warc/1.0/revisit/identical-payload-digest\r\n"),
        warc_record("conversion", "https://example.org/a", "Le marché du samedi\nLes producteurs reviennent.\n".encode(),
                    "Content-Type: text/plain\r\n"),
    ]


def arc_file() -> bytes:
    body = http(PAGE.encode())
    header = b"filedesc://seed.arc 0.0.0.0 20260101000000 text/plain 76\n1 0 seeds.py\nURL IP-address Archive-date Content-type Archive-length\n\n"
    record = f"https://example.org/a 93.184.216.34 20260101000000 text/html {len(body)}\n".encode() + body + b"\n"
    return header + record


def jsonl_lines() -> list[bytes]:
    docs = [
        {"id": "a", "text": "Les producteurs reviennent sur la place chaque semaine.", "url": "https://example.org/a"},
        {"id": 7, "text": "Grüße aus Köln.\nZweite Zeile.", "metadata": {"lang": "de", "n": 1.5, "tags": ["x", None]}},
        {"text": "no id here", "metadata": "a string"},
        {"id": "b", "content": "the text under another field"},
        {"id": "c", "text": "", "removed_by": "x.y"},
        {"id": "d", "text": "日本語のテキスト。\u0000 NUL and \U0001F600 emoji"},
    ]
    lines = [json.dumps(d, ensure_ascii=i % 2 == 0).encode() for i, d in enumerate(docs)]
    return lines + [b'{"id": "broken", "text": ', b"", b"[1, 2]", b'{"text": "\\ud800 lone surrogate"}', b"\xff\xfe not utf-8"]


def charset_seeds() -> dict[str, bytes]:
    body = "<p>Les producteurs reviennent, déjà.</p>"
    return {
        "utf8": bytes([0]) + PAGE.encode(),
        "meta-latin1": bytes([1]) + f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head>{body}'.encode("latin-1"),
        "meta-sjis": bytes([2]) + '<meta charset="shift_jis"><p>日本語のページ</p>'.encode("shift_jis"),
        "bom-utf16le": bytes([3]) + b"\xff\xfe" + body.encode("utf-16-le"),
        "utf16be-nobom": bytes([4]) + body.encode("utf-16-be"),
        "bom-utf8": bytes([5]) + b"\xef\xbb\xbf" + body.encode(),
        "euc-kr": bytes([6]) + '<meta charset="euc-kr"><p>한국어 페이지</p>'.encode("euc-kr"),
        "cp1252": bytes([17]) + "“quotes” – dash".encode("cp1252"),
        "nul": bytes([33]) + b"text\x00with\x00nul",
    }


def config_seeds() -> dict[str, bytes]:
    seeds = {p.stem: p.read_bytes() for p in (REPO / "bench" / "configs").glob("*.toml")}
    seeds["tables"] = b"""[input]
format = "jsonl"
text_field = "body"
max_errors = 3

[output]
format = "parquet"
shard_docs = 10

[[stages]]
type = "length"
min_words = 5

[[stages]]
type = "language"
languages = ["fr", "de"]
min_score = 0.65

[[stages]]
type = "minhash_dedup"
bands = 14
rows = 8
"""
    return seeds


def write(target: str, name: str, data: bytes) -> None:
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def parquet_seeds(jsonl: bytes) -> None:
    tamis = REPO / "target" / "debug" / "tamis"
    if not tamis.exists():
        print("seeds: no target/debug/tamis (cargo build -p tamis-cli): the parquet target gets no seeds", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        src.write_bytes(jsonl)
        config = Path(tmp) / "p.toml"
        config.write_text('[output]\nformat = "parquet"\n\n[[stages]]\ntype = "length"\nmin_words = 3\n')
        subprocess.run([str(tamis), "run", "--config", str(config), "-o", str(Path(tmp) / "out"), str(src)],
                       check=False, capture_output=True)
        for sub in ("kept", "removed"):
            for i, shard in enumerate(sorted((Path(tmp) / "out" / sub).glob("*.parquet"))):
                data = shard.read_bytes()
                write("parquet", f"{sub}-{i}", data)
                write("parquet", f"{sub}-{i}-cut", data[: len(data) * 2 // 3] + data[-8:])


def main() -> None:
    records = warc_records()
    plain = b"".join(records)
    members = b"".join(gzip.compress(r) for r in records)
    damaged = bytearray(members)
    damaged[len(members) // 2] ^= 0xFF
    for name, data in {"plain": plain, "gzip": members, "gzip-damaged": bytes(damaged),
                       "truncated": members[: len(members) - 40], "arc": arc_file(),
                       "wet": b"".join(records[-1:] * 3)}.items():
        write("warc", name, data)
        if name.startswith("gzip") or name == "truncated":
            write("gzip_members", name, data)
    write("gzip_members", "one-member", gzip.compress(b"x" * 1000))
    named = io.BytesIO()
    with gzip.GzipFile(fileobj=named, mode="wb", filename="seed.warc", mtime=0) as g:  # FNAME set
        g.write(b"hello")
    write("gzip_members", "with-name", named.getvalue())
    lines = jsonl_lines()
    jsonl = b"\n".join(lines) + b"\n"
    write("jsonl", "plain", jsonl)
    write("jsonl", "crlf", b"\r\n".join(lines))
    write("jsonl", "gzip", gzip.compress(jsonl))
    write("jsonl", "gzip-members", gzip.compress(jsonl[:100]) + gzip.compress(jsonl[100:]))
    for name, data in charset_seeds().items():
        write("charset", name, data)
    for name, data in config_seeds().items():
        write("config", name, data)
    parquet_seeds(b"\n".join(lines[:6]) + b"\n")
    counts = {d.name: len(os.listdir(d)) for d in sorted(CORPUS.iterdir())}
    print("seeds:", ", ".join(f"{k} {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
