"""Type stubs of the compiled module (see ``tamis/__init__.py`` for the documented API)."""

from os import PathLike
from typing import Any

__version__: str

class Pipeline:
    @staticmethod
    def from_toml(text: str) -> Pipeline: ...
    @staticmethod
    def from_dict(config: dict[str, Any]) -> Pipeline: ...
    def to_toml(self) -> str: ...
    def to_json(self) -> str: ...
    def stage_names(self) -> list[str]: ...
    def process(self, data: Any, text_field: str = "text", source: str = "<python>") -> tuple[Any, Any, str]: ...
    def run_file(self, path: str | PathLike[str], output: str | PathLike[str], threads: int = 1) -> str: ...

def read(path: str | PathLike[str], format: str = "auto", text_field: str = "text", batch_size: int = 1024) -> Any:
    """The documents of every input under ``path`` as a ``pyarrow.RecordBatchReader``."""

def render_report(report_json: str) -> str:
    """``report.html`` drawn from a ``report.json`` text."""

def stages() -> list[tuple[str, str, str]]:
    """Every stage as ``(name, kind, summary)``."""
