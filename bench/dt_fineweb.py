"""datatrove's FineWeb recipe (examples/fineweb.py, its first stage, URLFilter left out: its blocklist
is downloaded at run time), shared by bench/ray_datatrove.py and bench/fineweb_e2e.py.

Pitfalls: LanguageFilter has no model-path argument and downloads lid.176.bin at run time: a FT176LID
subclass loads models/lid.176.ftz instead (the quantised model tamis uses; FineWeb used the .bin).
LanguageFilter() keeps any language scoring > 0.65 in 0.10.1 (as tamis's default). Trafilatura's
`timeout` is wall-clock (1 s by default): on a busy machine it drops ordinary pages, so callers raise it.
"""

from pathlib import Path

from datatrove.pipeline.extractors import Trafilatura
from datatrove.pipeline.filters import (
    C4QualityFilter, FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter, LanguageFilter)
from datatrove.pipeline.formatters import PIIFormatter
from datatrove.utils.lid import FT176LID

REPO = Path(__file__).resolve().parent.parent
LID_MODEL = REPO / "models" / "lid.176.ftz"


class LocalFT176(FT176LID):
    """datatrove's ft176 language ID, loading a local model file instead of downloading lid.176.bin."""

    def __init__(self, path: str, languages=None):
        super().__init__(languages)
        self.path = path

    @property
    def model(self):
        if self._model is None:
            from fasttext.FastText import _FastText

            self._model = _FastText(self.path)
        return self._model


def fineweb_steps(timeout: float) -> list:
    """The recipe's steps from extraction to PII masking (reader and writer are the caller's)."""
    lang = LanguageFilter()  # languages=None: keep any language scoring > 0.65
    lang.model = LocalFT176(str(LID_MODEL))
    return [
        Trafilatura(favour_precision=True, timeout=timeout),
        lang,
        GopherRepetitionFilter(),
        GopherQualityFilter(),
        C4QualityFilter(filter_no_terminal_punct=False),
        FineWebQualityFilter(),
        PIIFormatter(),
    ]
