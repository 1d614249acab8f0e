"""Token-level parity of tamis's word tokenizer (crates/tamis/src/words.rs) with datatrove's
`split_into_words` (spaCy `spacy.blank(lang)`, stripped non-empty tokens).

Inputs: HPLT v2 inspection documents (eng_Latn, fra_Latn, deu_Latn), the cc-text-samples files
(English), and random "punctuation soup" strings (English). tamis's tokens come from the ignored
dev test `words::tests::dump_tokens_for_comparison`.

Usage (repository root; Python env with datatrove + spaCy):

    python bench/words_parity.py [--fuzz 20000]
"""

import argparse
import difflib
import glob
import gzip
import json
import lzma
import os
import random
import subprocess
import tempfile
from collections import Counter

from datatrove.utils.word_tokenizers import load_word_tokenizer

DATA = os.environ.get("TAMIS_SHARED_DATA", "/work/shared/data")
HPLT_LANG = {"eng_Latn": "en", "fra_Latn": "fr", "deu_Latn": "de"}

FUZZ_ALPHABET = list("ÉéßçñИия中ー\u0301\u200b\u00a0\t") + list(
    "aAbBcdeEfxyzZ019 .,:;'’\"()[]-–—/@#%$+*^~…°!?«»&_=<>|\\`´‘“”„¿¡·•►✓😀€£km"
) + ["km", "kg", "'s", "n't", "...", "http://", "www.", ".com", "U.S.", "e.g.", ":)", "C++", "a.m.", "10am",
     "don't", "Mr.", "°C.", "US$", "--", "\n", "  "]


def corpus():
    docs = {"en": [], "fr": [], "de": []}
    with lzma.open(f"{DATA}/hplt-v2-inspection/hplt-v2-inspection-subset.jsonl.xz", "rt") as f:
        for line in f:
            d = json.loads(line)
            if d["lang"] in HPLT_LANG:
                docs[HPLT_LANG[d["lang"]]].append(d["text"])
    for path in sorted(glob.glob(f"{DATA}/cc-text-samples/*.jsonl.gz")):
        with gzip.open(path, "rt") as f:
            docs["en"].extend(json.loads(line)["text"] for line in f)
    return docs


def fuzz(n, seed=11):
    rnd = random.Random(seed)
    return ["".join(rnd.choice(FUZZ_ALPHABET) for _ in range(rnd.randint(1, 60))) for _ in range(n)]


def tamis_tokens(texts, lang, workdir):
    src = os.path.join(workdir, f"in-{lang}.jsonl")
    dst = os.path.join(workdir, f"out-{lang}.jsonl")
    with open(src, "w") as f:
        for t in texts:
            f.write(json.dumps({"text": t, "lang": lang}) + "\n")
    env = dict(os.environ, TAMIS_WORDS_IN=src, TAMIS_WORDS_OUT=dst)
    subprocess.run(["cargo", "test", "-q", "-p", "tamis", "--lib", "words::tests::dump_tokens_for_comparison",
                    "--", "--ignored"], check=True, env=env, stdout=subprocess.DEVNULL)
    with open(dst) as f:
        return [json.loads(line) for line in f]


def compare(name, texts, lang, workdir):
    tok = load_word_tokenizer(lang)
    refs = [tok.word_tokenize(t) for t in texts]
    tams = tamis_tokens(texts, lang, workdir)
    same = sum(r == t for r, t in zip(refs, tams))
    matched = total = 0
    diffs = Counter()
    for r, t in zip(refs, tams):
        sm = difflib.SequenceMatcher(None, r, t, autojunk=False)
        matched += sum(b.size for b in sm.get_matching_blocks())
        total += len(r)
        for op, a1, a2, b1, b2 in sm.get_opcodes():
            if op != "equal":
                diffs[(" ".join(r[a1:a2])[:50], " ".join(t[b1:b2])[:50])] += 1
    print(f"{name}: identical token lists {same}/{len(texts)}; tokens matched {matched}/{total} "
          f"({100 * matched / max(total, 1):.3f} %)")
    for (a, b), c in diffs.most_common(10):
        print(f"    {c} datatrove {a!r} tamis {b!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fuzz", type=int, default=20000)
    args = ap.parse_args()
    docs = corpus()
    with tempfile.TemporaryDirectory(prefix="words-parity-") as workdir:
        for lang in ("en", "fr", "de"):
            compare(f"{lang} documents", docs[lang], lang, workdir)
        if args.fuzz:
            compare("en fuzz strings", fuzz(args.fuzz), "en", workdir)


if __name__ == "__main__":
    main()
