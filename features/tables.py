"""Reading and writing the contract tables of a data folder.

A data folder holds one Parquet file per table (``households.parquet``, ``requests.parquet``,
...). CSV files are read too: each column is parsed as its contract says, and a value that
does not parse is reported (with its row number), never turned silently into a null.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from features.contracts import SCHEMAS, TABLES, ContractError, Violation, validate

PARQUET_OPTIONS = {"compression": "zstd", "index": False}


def table_path(folder: Path, table: str) -> Path:
    for suffix in (".parquet", ".csv"):
        candidate = Path(folder) / f"{table}{suffix}"
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"No file for table '{table}' in {folder} (expected {table}.parquet)")


def _parse_csv(path: Path, table: str, schema: pa.DataFrameSchema) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    parsed: dict[str, pd.Series] = {}
    violations: list[Violation] = []
    for name in raw.columns:
        column = schema.columns.get(name)
        values = raw[name]
        if column is None:
            parsed[name] = values
            continue
        dtype = str(column.dtype)
        if dtype.startswith("datetime64"):
            out = pd.to_datetime(values, errors="coerce", format="ISO8601")
            rule = "ISO 8601 date-time"
        elif dtype.startswith("int"):
            out = pd.to_numeric(values, errors="coerce")
            rule = "integer"
            if out.notna().all() and (out % 1 == 0).all():
                out = out.astype("int64")
        elif dtype.startswith("float"):
            out = pd.to_numeric(values, errors="coerce").astype("float64")
            rule = "number"
        elif dtype == "bool":
            lowered = values.str.lower()
            out = lowered.map({"true": True, "false": False, "1": True, "0": False})
            rule = "boolean (true/false)"
            if out.notna().all():
                out = out.astype(bool)
        else:
            parsed[name] = values
            continue
        bad = values.notna() & out.isna()
        if bad.any():
            rows = list(bad[bad].index[:5])
            violations.append(
                Violation(
                    name,
                    f"parse as {rule}",
                    int(bad.sum()),
                    tuple((int(r), values.iat[r]) for r in rows),
                )
            )
        parsed[name] = out
    if violations:
        raise ContractError(table, violations)
    return pd.DataFrame(parsed)


def read_table(
    source: Path | str, table: str, schema: pa.DataFrameSchema | None = None
) -> pd.DataFrame:
    """Read one table from a data folder (or a file) and validate it against its contract."""
    if table not in SCHEMAS:
        raise KeyError(f"unknown table '{table}'; expected one of {list(TABLES)}")
    schema = schema or SCHEMAS[table]()
    path = Path(source)
    if path.is_dir():
        path = table_path(path, table)
    frame = _parse_csv(path, table, schema) if path.suffix == ".csv" else pd.read_parquet(path)
    return validate(frame, table, schema)


def read_tables(folder: Path | str, tables: tuple[str, ...] = TABLES) -> dict[str, pd.DataFrame]:
    return {table: read_table(folder, table) for table in tables}


def write_table(
    frame: pd.DataFrame,
    folder: Path | str,
    table: str,
    check: bool = True,
    schema: pa.DataFrameSchema | None = None,
) -> Path:
    """Write one table as Parquet after checking it against its contract.

    ``schema`` overrides the default contract, e.g. the relaxed requests schema of imports."""
    if check:
        validate(frame, table, schema)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{table}.parquet"
    frame.to_parquet(path, **PARQUET_OPTIONS)
    return path
