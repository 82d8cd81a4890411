"""Reading the data files that ship inside ``standards/data`` (the only I/O of ``standards``).

Reads: ``standards/data/<name>``. Writes: nothing. Raises: ``DataFileError``.
"""

from __future__ import annotations

import csv
import io
import json
from importlib import resources
from pathlib import Path

from standards.errors import DataFileError

__all__ = ["data_path", "read_json", "read_text", "read_tsv"]

_PACKAGE = "standards"


def data_path(name: str) -> Path:
    """Return the filesystem path of ``data/<name>`` (the package is installed unzipped)."""
    if "/" in name or "\\" in name or name.startswith("."):
        raise DataFileError(f"not a data file name: {name!r}")
    path = Path(str(resources.files(_PACKAGE).joinpath("data", name)))
    if not path.is_file():
        raise DataFileError(f"missing data file: {name}")
    return path


def read_text(name: str) -> str:
    """Return the UTF-8 text of ``data/<name>``."""
    try:
        return data_path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"cannot read data file {name}: {exc}") from exc


def read_tsv(name: str) -> tuple[dict[str, str], ...]:
    """Return the rows of a tab-separated data file with a header line; '#' lines are comments."""
    lines = [ln for ln in read_text(name).splitlines() if ln and not ln.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)), delimiter="\t", quoting=csv.QUOTE_NONE)
    rows: list[dict[str, str]] = []
    for number, row in enumerate(reader, start=2):
        if None in row or any(value is None for value in row.values()):
            raise DataFileError(f"{name}: row {number} has the wrong number of columns")
        rows.append({key: value.strip() for key, value in row.items()})
    return tuple(rows)


def read_json(name: str) -> object:
    """Return the parsed JSON of ``data/<name>``."""
    try:
        return json.loads(read_text(name))
    except json.JSONDecodeError as exc:
        raise DataFileError(f"{name}: invalid JSON: {exc}") from exc
