"""Sentence-split parity of tamis's c4_quality sentencizer (spaCy tokens from crates/tamis/src/words.rs plus
spaCy's whitespace tokens) with datatrove's `split_into_sentences(text, language)`.

Compares the sentence pieces of whole documents (HPLT v2 eng/fra/deu, as bench/words_parity.py; whitespace and
newlines kept, which is where spaCy's whitespace tokens matter) and of random fuzz strings (bench/words_parity.py's
alphabet, which includes "\\n", "  ", tab and no-break space). tamis's pieces come from the ignored dev test
`filters::c4_quality::tests::dump_sentences_for_comparison`.

Usage (repository root; Python env with datatrove + spaCy):

    python bench/sentences_parity.py [--fuzz 20000]
"""

import argparse
import json
import os
import subprocess
import tempfile

from datatrove.utils.text import split_into_sentences

from words_parity import corpus, fuzz


def tamis_pieces(texts, lang, workdir):
    src, dst = os.path.join(workdir, "in.jsonl"), os.path.join(workdir, "out.jsonl")
    with open(src, "w") as f:
        for t in texts:
            f.write(json.dumps({"text": t, "lang": lang}) + "\n")
    env = dict(os.environ, TAMIS_SENT_IN=src, TAMIS_SENT_OUT=dst)
    subprocess.run(["cargo", "test", "-q", "-p", "tamis", "--lib",
                    "filters::c4_quality::tests::dump_sentences_for_comparison", "--", "--ignored"],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    with open(dst) as f:
        return [json.loads(line) for line in f]


def compare(name, texts, lang, workdir, show=5):
    refs = [split_into_sentences(t, lang) for t in texts]
    tams = tamis_pieces(texts, lang, workdir)
    same = sum(r == t for r, t in zip(refs, tams))
    counts = sum(len(r) == len(t) for r, t in zip(refs, tams))
    print(f"{name}: identical sentence pieces {same}/{len(texts)}; same count {counts}/{len(texts)}")
    for t, r, m in [(t, r, m) for t, r, m in zip(texts, refs, tams) if r != m][:show]:
        print(f"    {t[:80]!r}\n      datatrove {r[:6]}\n      tamis     {m[:6]}")
    return same == len(texts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fuzz", type=int, default=20000)
    args = ap.parse_args()
    docs = corpus()
    ok = True
    with tempfile.TemporaryDirectory(prefix="sentences-parity-") as workdir:
        for lang in ("en", "fr", "de"):
            ok &= compare(f"{lang} documents", docs[lang], lang, workdir)
        if args.fuzz:
            ok &= compare("en fuzz strings", fuzz(args.fuzz), "en", workdir)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
