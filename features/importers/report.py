"""What an import did: counts, and every issue with a few example rows.

Row numbers are 0-based positions of the data rows in the source (for a CSV, row 0 is the
line after the header; for JSON, the first record), the same convention as ContractError.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd

# One row of the issues table per (source row, column, kind).
ISSUE_COLUMNS: tuple[str, ...] = ("row", "column", "kind", "value")

UNKNOWN_VALUE = "unknown value"
MISSING_VALUE = "missing value"
UNPARSEABLE_DATETIME = "unparseable datetime"
OFFSET_WITHOUT_TIMEZONE = "datetime with a UTC offset but no timezone in the spec"
NOT_A_NUMBER = "not an integer"
NOT_A_BOOLEAN = "not a boolean"
CONTRACT = "contract"
# Residents' free text never goes to messages or logs (DESIGN: personal data).
FREE_TEXT_COLUMNS = frozenset({"description"})
WITHHELD = "<free text withheld>"


def _shown(column: str, value: object) -> object:
    return WITHHELD if column in FREE_TEXT_COLUMNS and value is not None else value


def issues_frame(rows, column: str, kind: str, values=None) -> pd.DataFrame:
    rows = list(rows)
    return pd.DataFrame(
        {
            "row": pd.Series(rows, dtype="int64"),
            "column": column,
            "kind": kind,
            "value": pd.Series(
                list(values) if values is not None else [None] * len(rows), dtype=object
            ),
        },
        columns=list(ISSUE_COLUMNS),
    )


@dataclass(frozen=True)
class IssueSummary:
    column: str
    kind: str
    count: int  # rows concerned
    examples: tuple[tuple[int, object], ...]  # (source row, offending value)

    def describe(self) -> str:
        shown = ", ".join(
            f"row {row}: {'missing' if value is None else repr(value)}"
            for row, value in self.examples
        )
        return f"{self.column}: {self.kind}, {self.count} row(s), e.g. {shown}"


@dataclass(frozen=True)
class ImportReport:
    source: str
    path: str
    rows_in: int
    rows_imported: int
    rows_quarantined: int
    issues: tuple[IssueSummary, ...]
    services: int  # distinct service_code values among imported rows
    channels: dict[str, int] = field(default_factory=dict)  # imported rows per channel
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.issues

    def describe(self) -> str:
        lines = [
            f"{self.source} import of {self.path}: {self.rows_in} row(s) read, "
            f"{self.rows_imported} imported, {self.rows_quarantined} with issues "
            f"(row numbers are 0-based data rows)."
        ]
        lines += [f"  - {issue.describe()}" for issue in self.issues]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return asdict(self)


def summarise(issues: pd.DataFrame, max_examples: int) -> tuple[IssueSummary, ...]:
    """One summary per (column, kind), in order of first appearance in the file."""
    if issues.empty:
        return ()
    ordered = issues.sort_values("row", kind="stable")
    out = []
    for (column, kind), group in ordered.groupby(["column", "kind"], sort=False):
        rows = group.drop_duplicates("row")
        examples = tuple(
            (int(r), _shown(str(column), v))
            for r, v in zip(rows["row"][:max_examples], rows["value"][:max_examples], strict=True)
        )
        out.append(IssueSummary(str(column), str(kind), len(rows), examples))
    return tuple(out)


def reasons_by_row(issues: pd.DataFrame) -> pd.Series:
    """A readable reason string per source row with issues, for the quarantine file."""
    text = [
        f"{column}: {kind}" + ("" if value is None else f" ({_shown(column, value)!r})")
        for column, kind, value in zip(
            issues["column"], issues["kind"], issues["value"], strict=True
        )
    ]
    return (
        pd.Series(text, index=issues["row"].to_numpy(), dtype=object)
        .groupby(level=0, sort=True)
        .agg("; ".join)
    )


class ImportFailedError(ValueError):
    """Raised with on_error="fail" when any row has an issue; nothing is written."""

    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__(
            f"Import stopped: {report.rows_quarantined} of {report.rows_in} row(s) have issues "
            f"(use on_error='quarantine' to import the others).\n{report.describe()}"
        )
