"""The one import engine: read a source, apply its spec, check the contract, split the rows.

Every source row ends in exactly one place: ``requests`` (it maps cleanly and meets the
contract) or ``quarantine`` (with its reasons). ``rows_in == rows_imported +
rows_quarantined`` is checked on every run. With ``on_error="fail"`` any issue stops the
import and nothing is written.

Outputs, in the output folder:
- ``requests.parquet``: the contract table (relaxed: any service vocabulary, no household);
- ``request_extras.parquet``: the spec's extras, keyed by ``service_request_id``;
- ``quarantine.parquet``: rejected source rows (only the columns the spec reads), with
  ``source_row`` and ``reasons``. Always written, empty when nothing was rejected.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import pandas as pd
import pandera.pandas as pa

from features.contracts import ContractError, requests_schema, validate
from features.importers.mapping import Kind, map_columns
from features.importers.readers import read_source
from features.importers.report import (
    CONTRACT,
    ImportFailedError,
    ImportReport,
    issues_frame,
    reasons_by_row,
    summarise,
)
from features.importers.spec import ColumnSpec, ImportSpec
from features.tables import PARQUET_OPTIONS, write_table

OnError = Literal["fail", "quarantine"]
EXTRAS_FILE = "request_extras.parquet"
QUARANTINE_FILE = "quarantine.parquet"
_NULL = ColumnSpec(constant=None)


@dataclass(frozen=True)
class ImportResult:
    requests: pd.DataFrame
    extras: pd.DataFrame
    quarantine: pd.DataFrame
    report: ImportReport


def import_schema() -> pa.DataFrameSchema:
    """The requests contract for imported exports: their own services, no households."""
    return requests_schema(services=None, require_household=False)


def _kind(dtype: str) -> Kind:
    if dtype.startswith("datetime64"):
        return "datetime"
    if dtype.startswith("int"):
        return "int"
    return "bool" if dtype == "bool" else "str"


def _contract_issues(candidates: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Row-level contract violations of the rows that mapped cleanly, by source row."""
    positional = candidates.reset_index(drop=True)
    try:
        validate(positional, "requests", schema, max_examples=max(len(positional), 1))
    except ContractError as exc:
        frames = []
        for violation in exc.violations:
            rows = [row for row, _ in violation.examples if row is not None]
            if len(rows) != len(violation.examples):
                # Not about particular rows (a column type, a missing column): the spec or the
                # engine is wrong, and quarantining rows would hide it.
                raise
            values = [value for _, value in violation.examples]
            frames.append(
                issues_frame(
                    candidates.index[rows],
                    violation.column or "requests",
                    f"{CONTRACT}: {violation.rule}",
                    values,
                )
            )
        return pd.concat(frames, ignore_index=True)
    return issues_frame([], "requests", CONTRACT)


def apply_spec(
    source: pd.DataFrame, spec: ImportSpec, path: str = "", max_examples: int = 5
) -> ImportResult:
    """Map a source frame (text cells, positional index) with ``spec``; split good and bad."""
    source = source.reset_index(drop=True)
    schema = import_schema()
    specs = {name: spec.columns.get(name, _NULL) for name in schema.columns}
    kinds = {name: _kind(str(column.dtype)) for name, column in schema.columns.items()}
    required = {name: not column.nullable for name, column in schema.columns.items()}
    requests, issues = map_columns(source, specs, kinds, required)
    extra_kinds: dict[str, Kind] = {
        name: "datetime" if s.datetime_format else "str" for name, s in spec.extras.items()
    }
    extras, extra_issues = map_columns(source, spec.extras, extra_kinds, {}, prefix="extras.")
    issues = pd.concat([issues, extra_issues], ignore_index=True)

    clean = ~source.index.isin(issues["row"])
    candidates = requests[clean].astype({"reassignment_count": "int64", "complaint": "bool"})
    issues = pd.concat([issues, _contract_issues(candidates, schema)], ignore_index=True)

    bad = source.index.isin(issues["row"])
    imported = requests[~bad].astype({"reassignment_count": "int64", "complaint": "bool"})
    kept_extras = extras[~bad].copy()
    kept_extras.insert(0, "source", spec.source)
    kept_extras.insert(0, "service_request_id", imported["service_request_id"])
    quarantine = source[bad].copy()
    quarantine.insert(0, "reasons", reasons_by_row(issues).reindex(quarantine.index))
    quarantine.insert(0, "source_row", quarantine.index.astype("int64"))

    if len(imported) + len(quarantine) != len(source):
        raise RuntimeError(
            f"import lost rows: {len(source)} in, {len(imported)} imported, "
            f"{len(quarantine)} quarantined"
        )
    report = ImportReport(
        source=spec.source,
        path=path,
        rows_in=len(source),
        rows_imported=len(imported),
        rows_quarantined=len(quarantine),
        issues=summarise(issues, max_examples),
        services=int(imported["service_code"].nunique()),
        channels={str(k): int(v) for k, v in imported["channel"].value_counts().items()},
    )
    return ImportResult(
        requests=imported.reset_index(drop=True),
        extras=kept_extras.reset_index(drop=True),
        quarantine=quarantine.reset_index(drop=True),
        report=report,
    )


def write_result(result: ImportResult, out_dir: Path | str) -> dict[str, Path]:
    """Write requests (checked against the relaxed contract), extras and quarantine."""
    out = Path(out_dir)
    paths = {"requests": write_table(result.requests, out, "requests", schema=import_schema())}
    for name, frame, file in (
        ("extras", result.extras, EXTRAS_FILE),
        ("quarantine", result.quarantine, QUARANTINE_FILE),
    ):
        paths[name] = out / file
        frame.to_parquet(paths[name], **PARQUET_OPTIONS)
    return paths


def import_file(
    path: Path | str,
    spec: ImportSpec,
    on_error: OnError = "fail",
    out_dir: Path | str | None = None,
    max_examples: int = 5,
) -> ImportResult:
    """Import one export file; write the outputs to ``out_dir`` when given.

    Raises ImportFailedError (with the report) when ``on_error="fail"`` and any row has an issue.
    """
    if on_error not in ("fail", "quarantine"):
        raise ValueError(f"on_error must be 'fail' or 'quarantine', not {on_error!r}")
    started = time.perf_counter()
    source = read_source(path, spec.reader, spec.source_columns(), spec.optional_columns())
    result = apply_spec(source, spec, path=str(path), max_examples=max_examples)
    if on_error == "fail" and not result.report.ok:
        raise ImportFailedError(replace(result.report, seconds=time.perf_counter() - started))
    if out_dir is not None:
        write_result(result, out_dir)
    return replace(result, report=replace(result.report, seconds=time.perf_counter() - started))
