"""Reading a source export as text: CSV or JSON, only the columns a spec uses.

Every cell comes back as a string or missing (empty cells are missing); no type is guessed,
so a value that the spec cannot parse is reported by the engine instead of being coerced
here. Rows keep their position in the file (0 = first data row or first JSON record).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from features.importers.spec import ReaderSpec


class SourceError(ValueError):
    """The source file cannot be read as the spec says (format, missing columns)."""


def source_format(path: Path, reader: ReaderSpec) -> str:
    if reader.format != "auto":
        return reader.format
    suffixes = [s.lower() for s in path.suffixes]
    return "json" if ".json" in suffixes[-2:] else "csv"


def read_source(
    path: Path | str,
    reader: ReaderSpec,
    columns: Sequence[str],
    optional: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """The requested columns of ``path`` as text; absent optional columns come back empty."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"no such file: {path}")
    fmt = source_format(path, reader)
    frame = _read_json(path, reader, columns) if fmt == "json" else _read_csv(path, reader, columns)
    absent = [c for c in columns if c not in frame.columns]
    required_absent = [c for c in absent if c not in optional]
    if required_absent:
        found = frame.columns if fmt == "json" else _csv_header(path, reader)
        raise SourceError(
            f"{path.name}: missing column(s) {required_absent}; found {list(map(str, found))[:40]}"
        )
    for column in absent:
        frame[column] = pd.Series(pd.NA, index=frame.index, dtype="str")
    return frame[list(columns)].reset_index(drop=True)


def _csv_header(path: Path, reader: ReaderSpec) -> pd.Index:
    return pd.read_csv(path, sep=reader.separator, encoding=reader.encoding, nrows=0).columns


def _read_csv(path: Path, reader: ReaderSpec, columns: Sequence[str]) -> pd.DataFrame:
    wanted = set(columns)
    try:
        return pd.read_csv(
            path,
            sep=reader.separator,
            encoding=reader.encoding,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            usecols=lambda name: name in wanted,
        )
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SourceError(f"{path.name}: not a readable CSV file ({exc})") from None


def _read_json(path: Path, reader: ReaderSpec, columns: Sequence[str]) -> pd.DataFrame:
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    try:
        with opener(path, "rt", encoding=reader.encoding) as handle:
            document = json.load(handle)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"{path.name}: not a readable JSON file ({exc})") from None
    if isinstance(document, dict):
        if reader.json_records is None:
            raise SourceError(
                f"{path.name}: a JSON object; set reader.json_records to its list key"
            )
        document = document.get(reader.json_records)
    if not isinstance(document, list) or not all(isinstance(r, dict) for r in document):
        raise SourceError(f"{path.name}: expected a JSON list of objects (service requests)")
    present = {k for record in document for k in record}
    # An empty list is a valid export: it has every column, and no row.
    names = [c for c in columns if c in present or not document]
    return pd.DataFrame(
        {name: [_as_text(record.get(name)) for record in document] for name in names},
        index=pd.RangeIndex(len(document)),
        dtype="str",
    )


def _as_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
