#!/usr/bin/env python3
"""Generate the table of `crates/tamis/src/filters/fineweb2.rs` from FineWeb-2's per-language configs.

Input: a folder of `configs/<iso639-3>_<Script>.yml` files from huggingface/fineweb-2 (saved by hand;
this script does no network access) and a `commits.json` naming the commit each file was read at.
Output (stdout): the Rust `TABLE` items, to paste between the GENERATED markers of fineweb2.rs.

How the YAML keys map (fineweb-2-pipeline.py):
  GopherRepetitionFilter(dup_para_frac=0, dup_line_char_frac=0, dup_para_char_frac=0,   -> None (0 = off)
                         dup_line_frac=<dup_line_frac>, top_n_grams=<top_n_grams>, dup_n_grams=<dup_n_grams>)
  FineWebQualityFilter(short_line_thr=999 -> None (disabled), char_duplicates_ratio=0.1,
                       line_punct_thr=<line_punct_thr>, new_line_ratio=<new_line_ratio>)
  GopherQualityFilter(max_avg_word_length, min_avg_word_length, stop_words=<stopwords>,
                      max_non_alpha_words_ratio, min_stop_words=2)
  LambdaFilter(language_score >= <language_score>)

usage: python3 bench/gen_fineweb2_params.py /tmp/fw2 > /tmp/table.rs
"""
import json
import sys
from pathlib import Path

import yaml

# fastText lid.176 label (ISO 639-1) -> FineWeb-2 config name
ISO1 = {
    "ar": "arb_Arab", "bg": "bul_Cyrl", "ca": "cat_Latn", "cs": "ces_Latn", "da": "dan_Latn",
    "de": "deu_Latn", "el": "ell_Grek", "es": "spa_Latn", "fa": "fas_Arab", "fi": "fin_Latn",
    "fr": "fra_Latn", "he": "heb_Hebr", "hu": "hun_Latn", "id": "ind_Latn", "it": "ita_Latn",
    "ja": "jpn_Jpan", "ko": "kor_Hang", "nl": "nld_Latn", "pl": "pol_Latn", "pt": "por_Latn",
    "hi": "hin_Deva", "no": "nob_Latn", "sk": "slk_Latn", "th": "tha_Thai",
    "ro": "ron_Latn", "ru": "rus_Cyrl", "sv": "swe_Latn", "uk": "ukr_Cyrl", "vi": "vie_Latn",
    "zh": "cmn_Hani",
}


def f(x):
    s = repr(float(x))
    return s


def rust_str(s):
    return json.dumps(s, ensure_ascii=False)


def main():
    d = Path(sys.argv[1])
    commits = json.loads((d / "commits.json").read_text())
    out = []
    for iso1, name in sorted(ISO1.items()):
        c = yaml.safe_load((d / f"{name}.yml").read_text(encoding="utf-8"))
        assert {k for k in c} == {"dup_line_frac", "dup_n_grams", "language_score", "line_punct_thr",
                                  "max_avg_word_length", "max_non_alpha_words_ratio", "min_avg_word_length",
                                  "new_line_ratio", "stopwords", "top_n_grams"}, (name, c.keys())
        assert [n for n, _ in c["top_n_grams"]] == [2, 3, 4] and [n for n, _ in c["dup_n_grams"]] == list(range(5, 11))
        stop = ", ".join(rust_str(w) for w in c["stopwords"])
        top = ", ".join(f"({n}, {f(v)})" for n, v in c["top_n_grams"])
        dup = ", ".join(f"({n}, {f(v)})" for n, v in c["dup_n_grams"])
        out.append(f"""    // configs/{name}.yml @ {commits[name][:7]}
    LanguageParams {{
        language: "{iso1}",
        language_score: {f(c['language_score'])},
        stop_words: &[{stop}],
        min_stop_words: Some(2),
        min_avg_word_length: Some({f(c['min_avg_word_length'])}),
        max_avg_word_length: Some({f(c['max_avg_word_length'])}),
        max_non_alpha_words_ratio: Some({f(c['max_non_alpha_words_ratio'])}),
        dup_line_frac: Some({f(c['dup_line_frac'])}),
        dup_para_frac: None,
        dup_para_char_frac: None,
        dup_line_char_frac: None,
        top_n_grams: &[{top}],
        dup_n_grams: &[{dup}],
        line_punct_thr: Some({f(c['line_punct_thr'])}),
        short_line_thr: None,
        char_duplicates_ratio: Some(0.1),
        new_line_ratio: Some({f(c['new_line_ratio'])}),
    }},""")
    print("\n".join(out))


if __name__ == "__main__":
    main()
