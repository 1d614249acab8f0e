"""Write crates/tamis/tests/fixtures/minhash/datatrove_signatures.json: datatrove's MinHash
signatures (default MinhashConfig: 5-gram words, 14x8, seed 1, xxhash64) of a few texts written
by us, so `tests/it/minhash.rs` can check tamis value for value. Run once:

    bench/.venv/bin/python bench/gen_minhash_fixture.py
"""

import json
import pathlib

from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupSignature
from datatrove.utils.text import simplify_text

TEXTS = [
    "The quick brown fox jumps over the lazy dog. The quick brown fox jumps again!",
    "On 12 March 2024, the council approved 3,500 new homes (about 1.5% of the stock) - "
    "a decision residents called \"long overdue\"; others weren't so sure.",
    "Café déjà vu: naïve façades, the rôle of Zoë's piñata, and São Paulo's coöperative.",
    "Die Straße nach München ist heute gesperrt, weil der Lkw-Fahrer um 7:30 Uhr verunglückt ist.",
    "L'été dernier, nous sommes allés à Saint-Denis; c'est là qu'on a vu l'exposition « Art & Vie ».",
    "E-mail me at someone@example.org or visit https://example.org/path?q=1 before 5pm, don't wait.",
    "ΣΟΦΙΑ ΚΑΙ ΓΝΩΣΗ ΣΤΗΝ ΑΡΧΑΙΑ ΕΛΛΑΔΑ ΗΤΑΝ ΣΗΜΑΝΤΙΚΕΣ ΑΞΙΕΣ ΓΙΑ ΟΛΟΥΣ",
    "Привет, мир! Это тестовый документ номер ١٢٣ с разными цифрами 4٫5 и словами.",
    "too short to sign",
    "one two three four five",
    "   Multiple   spaces\tand\nnew lines\r\n between  the   words here and there  ",
    "$100 for U.S. customers, €90 in the E.U. -- prices incl. VAT (approx.) & shipping.",
]

sig = MinhashDedupSignature(output_folder="/tmp/unused-minhash-fixture", config=MinhashConfig())
out = []
for text in TEXTS:
    shingles = sig.get_shingles(text)
    entry = {"text": text, "simplified": simplify_text(text), "shingles": int(shingles.shape[0])}
    if shingles.size:
        entry["signature"] = [v for band in sig.get_signature(shingles) for v in band]
    out.append(entry)

path = pathlib.Path(__file__).resolve().parent.parent / "crates/tamis/tests/fixtures/minhash/datatrove_signatures.json"
path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
print(f"wrote {path} ({len(out)} texts)")
