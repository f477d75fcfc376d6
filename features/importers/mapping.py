"""Applying column specs to source text: typed target columns, plus the issues found.

Nothing is coerced silently: a present value that is not in a map, a date that does not
parse, or a required value that is missing each becomes one issue row (source row,
column, kind, value). The engine quarantines or refuses those rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import pandas as pd

from features.importers.report import (
    ISSUE_COLUMNS,
    MISSING_VALUE,
    NOT_A_BOOLEAN,
    NOT_A_NUMBER,
    OFFSET_WITHOUT_TIMEZONE,
    UNKNOWN_VALUE,
    UNPARSEABLE_DATETIME,
    issues_frame,
)
from features.importers.spec import ISO8601, ColumnSpec

Kind = Literal["str", "datetime", "int", "bool"]
_OFFSET = r"(?:[zZ]|[+-]\d\d(?::?\d\d)?)$"
_BOOLEANS = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}
# During mapping, integers and booleans are nullable; the engine narrows them once the rows
# with issues are set aside.
MAPPING_DTYPES: dict[str, str] = {
    "str": "str",
    "datetime": "datetime64[ns]",
    "int": "Int64",
    "bool": "boolean",
}


def _trim(values: pd.Series) -> pd.Series:
    values = values.astype("str").str.strip()
    return values.mask(values == "")


def _clean(values: pd.Series, spec: ColumnSpec) -> pd.Series:
    """Trimmed text, with the spec's removals applied; empty and null values are missing."""
    values = _trim(values)
    if spec.remove:
        values = values.str.replace(spec.remove, "", regex=True).str.strip()
    if spec.null_values:
        nulls = {v.lower() for v in spec.null_values}
        values = values.mask(values.str.lower().isin(nulls))
    return values.mask(values == "")


def _raw(source: pd.DataFrame, spec: ColumnSpec) -> pd.Series:
    if spec.is_constant:
        return pd.Series([spec.constant] * len(source), index=source.index, dtype=object)
    if spec.column is not None:
        return _clean(source[spec.column], spec)
    parts = [_clean(source[c], spec) for c in (spec.coalesce or spec.join or ())]
    out = parts[0]
    for part in parts[1:]:
        if spec.coalesce:
            out = out.fillna(part)
        else:
            both = out.notna() & part.notna()
            out = out.where(~both, out + spec.separator + part).fillna(part)
    return out


def _parse_datetimes(values: pd.Series, spec: ColumnSpec) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parsed naive datetimes, the rows that did not parse, the rows with a stray offset."""
    present = values.notna()
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    fmt = spec.datetime_format
    if fmt == ISO8601 or (fmt and "%z" in fmt):
        aware = present & values.str.contains(_OFFSET, regex=True).fillna(False).astype(bool)
    else:
        aware = pd.Series(False, index=values.index)
    naive = present & ~aware
    if naive.any():
        out[naive] = pd.to_datetime(values[naive], format=fmt, errors="coerce")
    stray = aware if spec.timezone is None else pd.Series(False, index=values.index)
    if aware.any() and spec.timezone is not None:
        parsed = pd.to_datetime(values[aware], format=fmt, errors="coerce", utc=True)
        out[aware] = parsed.dt.tz_convert(spec.timezone).dt.tz_localize(None)
    unparsed = present & out.isna() & ~stray
    return out, unparsed, stray


def map_column(
    name: str, spec: ColumnSpec, source: pd.DataFrame, kind: Kind, required: bool
) -> tuple[pd.Series, list[pd.DataFrame]]:
    """The values of one target column, typed as ``kind``, and its issues."""
    values = _raw(source, spec)
    if spec.when is not None:
        values = values.where(_trim(source[spec.when.column]).isin(spec.when.values))
    issues: list[pd.DataFrame] = []
    missing = values.isna()
    required = spec.required if spec.required is not None else required
    if required and missing.any():
        issues.append(issues_frame(values.index[missing], name, MISSING_VALUE))
    if spec.map is not None:
        unknown = ~missing & ~values.isin(list(spec.map))
        if unknown.any():
            issues.append(issues_frame(values.index[unknown], name, UNKNOWN_VALUE, values[unknown]))
        values = values.map(spec.map)
    if kind == "datetime":
        parsed, unparsed, stray = _parse_datetimes(values.astype("str"), spec)
        for bad, label in ((unparsed, UNPARSEABLE_DATETIME), (stray, OFFSET_WITHOUT_TIMEZONE)):
            if bad.any():
                issues.append(issues_frame(values.index[bad], name, label, values[bad]))
        return parsed.astype(MAPPING_DTYPES[kind]), issues
    if kind == "int":
        numbers = pd.to_numeric(values, errors="coerce")
        bad = values.notna() & (numbers.isna() | (numbers % 1 != 0))
        if bad.any():
            issues.append(issues_frame(values.index[bad], name, NOT_A_NUMBER, values[bad]))
        return numbers.where(~bad).astype(MAPPING_DTYPES[kind]), issues
    if kind == "bool":
        flags = values.map(lambda v: v if isinstance(v, bool) else _BOOLEANS.get(str(v).lower()))
        bad = values.notna() & flags.isna()
        if bad.any():
            issues.append(issues_frame(values.index[bad], name, NOT_A_BOOLEAN, values[bad]))
        return flags.astype(MAPPING_DTYPES[kind]), issues
    return values.astype(MAPPING_DTYPES[kind]), issues


def map_columns(
    source: pd.DataFrame,
    specs: Mapping[str, ColumnSpec],
    kinds: Mapping[str, Kind],
    required: Mapping[str, bool],
    prefix: str = "",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every target column of ``specs``, and all their issues (one table)."""
    columns: dict[str, pd.Series] = {}
    issues: list[pd.DataFrame] = []
    for name, spec in specs.items():
        columns[name], found = map_column(
            prefix + name, spec, source, kinds[name], required.get(name, False)
        )
        issues += found
    frame = pd.DataFrame(columns, index=source.index)
    table = (
        pd.concat(issues, ignore_index=True)
        if issues
        else pd.DataFrame({c: [] for c in ISSUE_COLUMNS}).astype({"row": "int64"})
    )
    return frame, table
