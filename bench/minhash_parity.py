#!/usr/bin/env python3
"""MinHash near-dedup: tamis vs datatrove 0.10.1 (and rensa for signature speed).

Parts (run all, or pick with --only):
  parity   datatrove's 4-stage MinHash (Signature -> Buckets -> Cluster -> Filter, MinhashConfig()
           defaults: word 5-grams, 14x8, seed 1, xxhash64) vs `tamis dedup` with the same
           parameters, both on one core (datatrove: 1 task/1 worker per stage; tamis --threads 1).
           Reports wall and CPU seconds per stage, the ratio, agreement of removed documents, of
           duplicate pairs (x, y in the same cluster) and of clusters.
  speed    signature speed: tamis (shingles from the text, then signatures) vs rensa's RMinHash
           (112 permutations) over the SAME shingle hashes, one thread each.
  recall   precision / recall against exact Jaccard on real HPLT documents with planted
           near-duplicates (word edits at known rates) plus the natural duplicates listed in
           shared/data/hplt-v2-inspection/neardup-candidates.auto.json.
  memory   peak RSS of `tamis dedup --memory-limit` against corpus size (1, 2, 4, 8 shards).

Usage:
  bench/.venv/bin/python bench/minhash_parity.py [--only parity,speed,recall,memory]
      [--tamis target/release/tamis] [--work bench/work/minhash] [--docs N]
Everything it writes goes under --work (not committed). Needs: bash bench/setup.sh (datatrove,
xxhash<3.6 because datatrove 0.10.1 hashes str, rensa, tokenizers).
"""
from __future__ import annotations

import argparse
import collections
import io
import json
import lzma
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import zstandard

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TAMIS_SHARED_DATA", ROOT.parent / "shared" / "data"))
if not SHARED.exists():
    SHARED = Path("/work/shared/data")
HPLT = SHARED / "hplt-v2-inspection" / "hplt-v2-inspection-subset.jsonl.xz"
NEARDUPS = SHARED / "hplt-v2-inspection" / "neardup-candidates.auto.json"
CORPUS_DIRS = [ROOT / "bench/work/corpus/jsonl", Path("/work/main/bench/work/corpus/jsonl")]


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def write_jsonl_zst(path: Path, docs):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f, zstandard.ZstdCompressor(level=3).stream_writer(f) as w:
        for d in docs:
            w.write((json.dumps(d, ensure_ascii=False) + "\n").encode())


def read_jsonl_dir(d: Path):
    docs = []
    for p in sorted(d.glob("*.jsonl*")):
        raw = open(p, "rb").read()
        if p.name.endswith(".zst"):
            raw = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(raw)).read()
        docs += [json.loads(l) for l in raw.decode().splitlines() if l.strip()]
    return docs


def hplt_docs():
    with lzma.open(HPLT, "rt") as f:
        return [json.loads(l) for l in f]


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def cpu_self():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run_tamis(tamis: str, inputs, out: Path, threads=1, memory="2G", config: Path | None = None, fmt="jsonl",
              index: Path | None = None):
    if out.exists():
        shutil.rmtree(out)
    cmd = ["/usr/bin/time", "-f", "%M %e %U %S", tamis, "dedup", "--threads", str(threads), "--memory-limit", memory,
           "--format", fmt, "-o", str(out)] + [str(i) for i in inputs]
    if config:
        cmd += ["--config", str(config)]
    if index:
        cmd += ["--index", str(index)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        raise SystemExit(f"tamis failed: {p.stderr}")
    rss_kb, wall, user, sys_ = p.stderr.strip().splitlines()[-1].split()
    report = json.loads((out / "report.json").read_text())
    return report, {"rss_mb": int(rss_kb) / 1024, "wall": float(wall), "cpu": float(user) + float(sys_)}


def tamis_clusters(out: Path):
    """doc index (input order) -> cluster id, for docs in clusters of >= 2; and the removed indices."""
    docs = read_jsonl_dir(out / "kept") + read_jsonl_dir(out / "removed")
    cluster, removed = {}, set()
    for d in docs:
        m = d["metadata"]
        cluster_id = m["minhash_cluster_id"]
        key = d["id"]
        if cluster_id >= 0:
            cluster[key] = cluster_id
        if m.get("removed_by"):
            removed.add(key)
    return cluster, removed


# ------------------------------------------------------------------------------------------------
# parity


def datatrove_minhash(input_dir: Path, work: Path):
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (MinhashConfig, MinhashDedupBuckets, MinhashDedupCluster,
                                                  MinhashDedupFilter, MinhashDedupSignature)
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    if work.exists():
        shutil.rmtree(work)
    config = MinhashConfig()
    times = {}

    def stage(name, pipeline, tasks):
        t0, c0 = time.time(), cpu_self()
        LocalPipelineExecutor(pipeline=pipeline, tasks=tasks, workers=1, logging_dir=str(work / f"logs-{name}"),
                              skip_completed=False).run()
        times[name] = {"wall": time.time() - t0, "cpu": cpu_self() - c0}
        log(f"datatrove {name}: {times[name]['wall']:.1f} s")

    stage("signatures", [JsonlReader(str(input_dir), glob_pattern="*.jsonl.zst", compression="zstd"),
                         MinhashDedupSignature(output_folder=str(work / "sigs"), config=config)], 1)
    stage("buckets", [MinhashDedupBuckets(input_folder=str(work / "sigs"), output_folder=str(work / "buckets"),
                                          config=config)], config.num_buckets)
    stage("cluster", [MinhashDedupCluster(input_folder=str(work / "buckets"), output_folder=str(work / "remove"),
                                          config=config, save_cluster_id=True, save_cluster_size=True)], 1)
    stage("filter", [JsonlReader(str(input_dir), glob_pattern="*.jsonl.zst", compression="zstd"),
                     MinhashDedupFilter(input_folder=str(work / "remove"), load_cluster_ids=True,
                                        load_cluster_sizes=True,
                                        exclusion_writer=JsonlWriter(str(work / "removed"))),
                     JsonlWriter(str(work / "kept"))], 1)
    removed = set(np.fromfile(work / "remove" / "000000.remove", dtype="<u4").tolist()) \
        if (work / "remove" / "000000.remove").exists() else set()
    cl = np.fromfile(work / "remove" / "000000.clusters", dtype="<u4").reshape(-1, 2) \
        if (work / "remove" / "000000.clusters").exists() else np.zeros((0, 2), dtype="<u4")
    clusters = {int(d): int(c) for d, c in cl}
    return times, removed, clusters


def pair_agreement(a: dict, b: dict):
    """a, b: doc -> cluster id (docs in clusters of >= 2). Pairs = unordered co-cluster pairs."""
    def npairs(sizes):
        return sum(s * (s - 1) // 2 for s in sizes)
    pa = npairs(collections.Counter(a.values()).values())
    pb = npairs(collections.Counter(b.values()).values())
    both = collections.Counter((a[d], b[d]) for d in a.keys() & b.keys())
    common = npairs(both.values())
    union = pa + pb - common
    return {"pairs_a": pa, "pairs_b": pb, "common": common, "agreement": common / union if union else 1.0,
            "b_precision_vs_a": common / pb if pb else 1.0, "b_recall_vs_a": common / pa if pa else 1.0}


def cluster_agreement(a: dict, b: dict):
    def sets(m):
        g = collections.defaultdict(set)
        for d, c in m.items():
            g[c].add(d)
        return {frozenset(s) for s in g.values() if len(s) > 1}
    sa, sb = sets(a), sets(b)
    return {"clusters_a": len(sa), "clusters_b": len(sb), "identical": len(sa & sb),
            "agreement": len(sa & sb) / len(sa | sb) if sa | sb else 1.0}


def part_parity(args, results):
    work = args.work / "parity"
    docs = [{"id": d.get("id") or f"doc{i}", "text": d["text"]} for i, d in enumerate(hplt_docs()) if d.get("text")]
    # Both tools count only documents with text; ids made unique so outputs map back to positions.
    for i, d in enumerate(docs):
        d["id"] = f"{i:07d}"
    input_dir = work / "input"
    write_jsonl_zst(input_dir / "part-00000.jsonl.zst", docs)
    text_mb = sum(len(d["text"].encode()) for d in docs) / 1e6
    log(f"parity corpus: {len(docs)} HPLT docs, {text_mb:.1f} MB text")
    # Shingle-level parity on a sample: tamis's shingle hashes vs datatrove's get_shingles.
    sample = docs[: args.shingle_sample]
    write_jsonl_zst(work / "sample" / "part-00000.jsonl.zst", sample)
    subprocess.run([args.tamis, "minhash-speed", "--repeat", "1", "--dump-shingles", str(work / "sample.bin"),
                    str(work / "sample")], check=True, capture_output=True)
    raw = np.fromfile(work / "sample.bin", dtype="<u8")
    n = int(raw[0])
    offsets, flat = raw[1:n + 2], raw[n + 2:]
    from datatrove.pipeline.dedup.minhash import MinhashDedupSignature
    sig = MinhashDedupSignature(output_folder=str(work / "unused"))
    same = [np.array_equal(flat[offsets[i]:offsets[i + 1]], sig.get_shingles(d["text"]).ravel())
            for i, d in enumerate(sample)]
    shingle_parity = {"docs": n, "identical_shingle_lists": int(sum(same)), "fraction": sum(same) / n,
                      "first_mismatches": [sample[i]["id"] for i, ok in enumerate(same) if not ok][:10]}
    log(f"shingle parity: {shingle_parity}")
    report, t = run_tamis(args.tamis, [input_dir], work / "tamis", threads=1)
    log(f"tamis: {t}")
    tc, tr = tamis_clusters(work / "tamis")
    tamis_cl = {int(k): v for k, v in tc.items()}
    tamis_removed = {int(k) for k in tr}
    dt_times, dt_removed, dt_cl = datatrove_minhash(input_dir, work / "datatrove")
    dt_wall = sum(v["wall"] for v in dt_times.values())
    dt_cpu = sum(v["cpu"] for v in dt_times.values())
    inter = len(dt_removed & tamis_removed)
    res = {
        "shingle_parity": shingle_parity,
        "corpus": {"docs": len(docs), "text_mb": round(text_mb, 1), "source": str(HPLT)},
        "datatrove": {"stages": dt_times, "wall": dt_wall, "cpu": dt_cpu, "removed": len(dt_removed),
                      "clusters": len(set(dt_cl.values()))},
        "tamis": {"wall": t["wall"], "cpu": t["cpu"], "rss_mb": t["rss_mb"], "seconds": report["seconds"],
                  "removed": len(tamis_removed), "clusters": report["minhash"]["clusters"]},
        "speed_ratio_wall": dt_wall / t["wall"],
        "speed_ratio_cpu": dt_cpu / t["cpu"],
        "removed_agreement": inter / len(dt_removed | tamis_removed) if dt_removed | tamis_removed else 1.0,
        "pairs": pair_agreement(dt_cl, tamis_cl),
        "clusters": cluster_agreement(dt_cl, tamis_cl),
    }
    log(json.dumps(res, indent=1))
    results["parity"] = res


# ------------------------------------------------------------------------------------------------
# speed


def part_speed(args, results):
    import rensa

    work = args.work / "speed"
    work.mkdir(parents=True, exist_ok=True)
    docs = [d for d in hplt_docs() if d.get("text")][: args.docs]
    input_path = work / "input.jsonl.zst"
    write_jsonl_zst(input_path, [{"id": str(i), "text": d["text"]} for i, d in enumerate(docs)])
    shingle_file = work / "shingles.bin"
    p = subprocess.run([args.tamis, "minhash-speed", "--repeat", "5", "--dump-shingles", str(shingle_file),
                        str(input_path)], capture_output=True, text=True, check=True)
    tamis_speed = json.loads(p.stdout)
    raw = np.fromfile(shingle_file, dtype="<u8")
    n_docs = int(raw[0])
    offsets = raw[1:n_docs + 2].astype(np.uint64)
    hashes = np.ascontiguousarray(raw[n_docs + 2:])
    keep = np.diff(offsets) > 0
    log(f"speed: {n_docs} docs, {len(hashes)} shingles, {keep.sum()} signed")
    best = {}
    sets = [hashes[offsets[i]:offsets[i + 1]].tolist() for i in range(n_docs) if offsets[i + 1] > offsets[i]]
    texts = [d["text"] for d in docs]

    def rensa_from_text():
        # rensa's documented use: shingle strings in Python (lower-cased whitespace words, 5-grams,
        # a simpler normalisation than datatrove's), hashed and permuted by RMinHash.update.
        for t in texts:
            w = t.lower().split()
            m = rensa.RMinHash(num_perm=112, seed=1)
            m.update([" ".join(w[i:i + 5]) for i in range(max(len(w) - 4, 1))])
            m.digest()

    for name, fn in {
        "rensa_from_text": rensa_from_text,
        "rensa_flat_hashes": lambda: rensa.RMinHash.digest_matrix_from_flat_token_hashes(hashes, offsets, 112, 1),
        "rensa_hash_sets": lambda: rensa.RMinHash.digest_matrix_from_token_hash_sets(sets, 112, 1),
    }.items():
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        best[name] = min(times)
        log(f"{name}: {min(times):.3f} s")
    res = {
        "docs": n_docs, "signed_docs": int(keep.sum()), "shingles": int(len(hashes)),
        "tamis": tamis_speed,
        "rensa_seconds": best,
        "docs_per_s": {
            "tamis_signatures_only": keep.sum() / tamis_speed["signature_seconds"],
            "tamis_shingles_plus_signatures": n_docs / (tamis_speed["shingle_seconds"] + tamis_speed["signature_seconds"]),
            **{k: (n_docs if k == "rensa_from_text" else keep.sum()) / v for k, v in best.items()},
        },
    }
    log(json.dumps(res, indent=1))
    results["speed"] = res


# ------------------------------------------------------------------------------------------------
# recall / precision


def word_shingles(texts):
    """Sorted unique xxhash64 of datatrove's 5-gram shingles (datatrove's own code)."""
    from datatrove.pipeline.dedup.minhash import MinhashDedupSignature
    sig = MinhashDedupSignature(output_folder="/tmp/unused-minhash-bench")
    return [np.unique(sig.get_shingles(t).ravel()) for t in texts]


def jaccard(a, b):
    if len(a) == 0 and len(b) == 0:
        return 1.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def perturb(text, rate, rng):
    words = text.split()
    out = []
    for w in words:
        r = rng.random()
        if r < rate / 3:
            continue  # delete
        if r < 2 * rate / 3:
            out.append(rng.choice(words))  # substitute
        elif r < rate:
            out += [w, rng.choice(words)]  # insert after
        else:
            out.append(w)
    return " ".join(out)


def part_recall(args, results):
    work = args.work / "recall"
    rng = random.Random(7)
    all_docs = [d for d in hplt_docs() if d.get("text")]
    latin = [d for d in all_docs if d.get("lang", "").endswith("Latn") and len(d["text"].split()) >= 100]
    rng.shuffle(latin)
    base = latin[: args.recall_docs]
    rates = [0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3]
    docs = [{"id": f"b{i}", "text": d["text"]} for i, d in enumerate(base)]
    planted = []
    for i, d in enumerate(base[: args.planted]):
        rate = rates[i % len(rates)]
        docs.append({"id": f"p{i}", "text": perturb(d["text"], rate, rng)})
        planted.append((f"b{i}", f"p{i}", rate))
    # Natural duplicates from the shared list (both documents added).
    by_id = {d["id"]: d for d in all_docs}
    natural = []
    for pair in json.load(open(NEARDUPS)):
        a, b = by_id.get(pair["a"]["id"]), by_id.get(pair["b"]["id"])
        if a and b and a is not b:
            docs.append({"id": "na" + a["id"], "text": a["text"]})
            docs.append({"id": "nb" + b["id"], "text": b["text"]})
            natural.append(("na" + a["id"], "nb" + b["id"]))
    seen = set()
    docs = [d for d in docs if not (d["id"] in seen or seen.add(d["id"]))]
    input_dir = work / "input"
    write_jsonl_zst(input_dir / "part-00000.jsonl.zst", docs)
    log(f"recall corpus: {len(docs)} docs, {len(planted)} planted, {len(natural)} natural pairs")
    index = {d["id"]: i for i, d in enumerate(docs)}
    shingles = word_shingles([d["text"] for d in docs])

    runs = {}
    for label, threshold in [("lsh", None), ("lsh+jaccard0.8", 0.8)]:
        cfg = None
        if threshold is not None:
            cfg = work / "jaccard.toml"
            cfg.write_text(f"jaccard_threshold = {threshold}\n")
        report, t = run_tamis(args.tamis, [input_dir], work / f"tamis-{label}", threads=2, config=cfg)
        cl, _ = tamis_clusters(work / f"tamis-{label}")
        runs[label] = (cl, report)

    def same(cl, a, b):
        return a in cl and b in cl and cl[a] == cl[b]

    truth_pairs = [(a, b) for a, b, _ in planted] + natural
    truth = [(a, b, jaccard(shingles[index[a]], shingles[index[b]])) for a, b in truth_pairs]
    res = {"docs": len(docs), "planted": len(planted), "natural": len(natural), "runs": {}}
    for label, (cl, report) in runs.items():
        bins = collections.defaultdict(lambda: [0, 0, 0.0])
        for a, b, j in truth:
            k = min(int(j * 10), 9) / 10
            bins[k][0] += 1
            bins[k][1] += same(cl, a, b)
            bins[k][2] += 1 - (1 - j ** 8) ** 14
        hi = [(a, b) for a, b, j in truth if j >= 0.8]
        recall_hi = sum(same(cl, a, b) for a, b in hi) / len(hi) if hi else None
        theory_hi = sum(1 - (1 - j ** 8) ** 14 for _, _, j in truth if j >= 0.8) / len(hi) if hi else None
        # Precision: every co-cluster pair (all pairs within each cluster) checked by exact Jaccard.
        groups = collections.defaultdict(list)
        for d, c in cl.items():
            groups[c].append(d)
        pairs = [(g[i], g[k]) for g in groups.values() for i in range(len(g)) for k in range(i + 1, len(g))]
        pj = [jaccard(shingles[index[a]], shingles[index[b]]) for a, b in pairs]
        res["runs"][label] = {
            "clusters": report["minhash"]["clusters"], "removed": report["documents"]["removed"],
            "candidate_pairs": report["minhash"]["candidate_pairs"],
            "jaccard_rejected": report["minhash"]["jaccard_rejected"],
            "recall_j_ge_0.8": recall_hi, "lsh_theory_j_ge_0.8": theory_hi, "pairs_j_ge_0.8": len(hi),
            "by_jaccard_bin": {f"{k:.1f}": {"pairs": v[0], "found": v[1], "recall": v[1] / v[0],
                                             "theory": v[2] / v[0]} for k, v in sorted(bins.items())},
            "cluster_pairs": len(pairs),
            "precision_j_ge_0.8": sum(j >= 0.8 for j in pj) / len(pj) if pj else None,
            "precision_j_ge_0.7": sum(j >= 0.7 for j in pj) / len(pj) if pj else None,
        }
    log(json.dumps(res, indent=1))
    results["recall"] = res


# ------------------------------------------------------------------------------------------------
# memory


def parse_size(s: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(float(s[:-1]) * units[s[-1].upper()]) if s[-1].upper() in units else int(s)


def part_memory(args, results):
    found = next((d for d in CORPUS_DIRS if (d / "part-00000.jsonl.zst").exists()), None)
    if not found:
        log("memory: no corpus shards (bench/build_corpus.py); skipped")
        return
    shards = sorted(found.glob("part-*.jsonl.zst"))
    manifest = found.parent / "manifest.json"
    sizes = {}
    if manifest.exists():
        m = json.loads(manifest.read_text())
        for s in m.get("jsonl", {}).get("shards", m.get("shards", [])) if isinstance(m, dict) else []:
            if isinstance(s, dict) and "name" in s:
                sizes[s["name"]] = s
    res = []
    for n in [int(x) for x in args.shards.split(",")]:
        if n > len(shards):
            break
        inputs = shards[:n]
        text_bytes = 0
        for p in inputs:
            with open(p, "rb") as f:
                r = zstandard.ZstdDecompressor().stream_reader(f)
                while chunk := r.read(1 << 24):
                    text_bytes += len(chunk)
        report, t = run_tamis(args.tamis, inputs, args.work / "memory" / f"n{n}", threads=2,
                              memory=args.memory_limit, fmt="jsonl.zst")
        limit = parse_size(args.memory_limit)
        row = {"shards": n, "jsonl_bytes": text_bytes, "docs": report["documents"]["docs_in"],
               "memory_limit": limit, "buffer_budget": report["memory_limit"], "peak_rss_mb": t["rss_mb"], "wall": t["wall"],
               "spilled_runs": report["minhash"]["spilled_runs"], "removed": report["documents"]["removed"],
               "corpus_over_limit": text_bytes / limit}
        log(json.dumps(row))
        res.append(row)
        shutil.rmtree(args.work / "memory" / f"n{n}")
    results["memory"] = res


def part_incremental(args, results):
    """Two batches through one index: batch 2 holds new documents plus planted copies of batch 1."""
    work = args.work / "incremental"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    rng = random.Random(11)
    docs = [d for d in hplt_docs() if d.get("text") and len(d["text"].split()) >= 50]
    half = len(docs) // 2
    a, b = docs[:half], docs[half:]
    picked = rng.sample(range(len(a)), 1000)
    planted = []
    for n, i in enumerate(picked):
        text = a[i]["text"] if n < 500 else perturb(a[i]["text"], 0.03, rng)
        planted.append({"id": f"copy-{i}", "text": text})
    write_jsonl_zst(work / "a.jsonl.zst", [{"id": f"a-{i}", "text": d["text"]} for i, d in enumerate(a)])
    write_jsonl_zst(work / "b.jsonl.zst", [{"id": f"b-{i}", "text": d["text"]} for i, d in enumerate(b)] + planted)
    index = work / "index"
    r1, t1 = run_tamis(args.tamis, [work / "a.jsonl.zst"], work / "out1", index=index)
    r2, t2 = run_tamis(args.tamis, [work / "b.jsonl.zst"], work / "out2", index=index)
    # The same documents in one run without an index: what the second run would cost without it.
    rall, tall = run_tamis(args.tamis, [work / "a.jsonl.zst", work / "b.jsonl.zst"], work / "all")
    removed2 = read_jsonl_dir(work / "out2" / "removed")
    earlier = {d["id"] for d in removed2 if d["metadata"]["removed_by"] == "minhash_dedup.earlier_run"}
    planted_ids = {d["id"] for d in planted}
    exact_ids = {d["id"] for d in planted[:500]}
    removed_all = {d["id"] for d in read_jsonl_dir(work / "all" / "removed")}
    res = {
        "batch1_docs": len(a), "batch2_docs": len(b) + len(planted), "planted_copies": len(planted),
        "run1": {"cpu": t1["cpu"], "wall": t1["wall"], "rss_mb": t1["rss_mb"], "minhash": r1["minhash"]},
        "run2": {"cpu": t2["cpu"], "wall": t2["wall"], "rss_mb": t2["rss_mb"], "minhash": r2["minhash"],
                 "removed": r2["removed"]},
        "one_run_without_index": {"cpu": tall["cpu"], "wall": tall["wall"], "removed": rall["removed"]},
        "planted_found_exact": len(earlier & exact_ids) / 500,
        "planted_found_perturbed_3pct": len(earlier & (planted_ids - exact_ids)) / 500,
        "earlier_run_not_planted": len(earlier - planted_ids),
        "index_bytes": sum(f.stat().st_size for f in index.rglob("*") if f.is_file()),
        "removed_by_batch2_run_plus_index": len({d["id"] for d in removed2}),
        "removed_of_batch2_by_one_run": len({i for i in removed_all if not i.startswith("a-")}),
        # Same batch-2 documents removed by (run 1 + index, run 2) as by one run over both batches.
        "batch2_removed_sets_equal": {d["id"] for d in removed2} == {i for i in removed_all if not i.startswith("a-")},
    }
    log(json.dumps(res, indent=1))
    results["incremental"] = res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="parity,speed,recall,memory,incremental")
    ap.add_argument("--tamis", default=str(ROOT / "target/release/tamis"))
    ap.add_argument("--work", type=Path, default=ROOT / "bench/work/minhash")
    ap.add_argument("--docs", type=int, default=20000, help="documents for the speed part")
    ap.add_argument("--shingle-sample", type=int, default=5000)
    ap.add_argument("--recall-docs", type=int, default=4000)
    ap.add_argument("--planted", type=int, default=1800)
    ap.add_argument("--memory-limit", default="64M")
    ap.add_argument("--shards", default="1,2,4,8", help="memory part: corpus sizes, in shards")
    ap.add_argument("--out", type=Path, default=None, help="write the results JSON here")
    args = ap.parse_args()
    os.environ.setdefault("RAYON_NUM_THREADS", "1")
    results = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": os.uname().nodename,
               "cpus": os.cpu_count()}
    for part in args.only.split(","):
        {"parity": part_parity, "speed": part_speed, "recall": part_recall, "memory": part_memory,
         "incremental": part_incremental}[part](args, results)
    text = json.dumps(results, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
