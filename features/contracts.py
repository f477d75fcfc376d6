"""Data contracts of the four tables every part of Aiguillage speaks.

Each table is declared once as a pandera schema: column names, dtypes, allowed values,
nullability and cross-column rules. ``validate`` turns pandera's failure cases into a
``ContractError`` that names the table, the column, the rule and a few offending values
with their row numbers, and never drops or coerces a row.

Times are naive local times (Europe/Paris). Requests use Open311 GeoReport v2 names where
one exists (service_request_id, service_code, description, status, requested_datetime,
updated_datetime, expected_datetime, agency_responsible).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from features.pseudonym import PSEUDONYM_PATTERN
from features.vocabulary import (
    AGE_BANDS,
    AID_KINDS,
    BENEFITS,
    CHANNELS,
    COMPOSITIONS,
    CRISIS_KINDS,
    DIGITAL_ACCESS_LEVELS,
    EVENT_KINDS,
    HOUSING_STATUSES,
    INCOME_BANDS,
    LANGUAGES,
    NATIONALITIES,
    REQUEST_STATUSES,
    SERVICES,
)

TABLES: tuple[str, ...] = ("households", "requests", "accompaniment_events", "outcomes")
MAX_DESCRIPTION_CHARS = 10_000
TIMESTAMP = "datetime64[ns]"  # pandera accepts any datetime64 unit for this dtype


def _in(values: Sequence[str]) -> pa.Check:
    return pa.Check.isin(list(values), name=f"one of {list(values)}")


def _text(*checks: pa.Check, nullable: bool = False, unique: bool = False) -> pa.Column:
    return pa.Column(str, checks=list(checks), nullable=nullable, unique=unique)


def _flag() -> pa.Column:
    return pa.Column(bool, nullable=False)


# Columns involved in each cross-column rule, keyed by the rule's message.
_RULE_COLUMNS: dict[str, tuple[str, ...]] = {}


def _when(
    name: str, condition, requirement, columns: tuple[str, ...], description: str
) -> pa.Check:
    """A row-wise rule "if condition then requirement" over a data frame."""

    def check(df: pd.DataFrame) -> pd.Series:
        return ~condition(df) | requirement(df)

    _RULE_COLUMNS[description] = columns
    return pa.Check(check, name=name, error=description, element_wise=False)


def _not_before(later: str, earlier: str) -> pa.Check:
    return _when(
        f"{later} >= {earlier}",
        lambda df: df[later].notna() & df[earlier].notna(),
        lambda df: df[later] >= df[earlier],
        (later, earlier),
        f"{later} must not be earlier than {earlier}",
    )


def households_schema() -> pa.DataFrameSchema:
    columns = {
        "household_id": _text(
            pa.Check.str_matches(PSEUDONYM_PATTERN, name="pseudonymous id"), unique=True
        ),
        "territory": _text(pa.Check.str_length(min_value=1, name="non-empty")),
        "commune": _text(pa.Check.str_length(min_value=1, name="non-empty")),
        "composition": _text(_in(COMPOSITIONS)),
        "n_children": pa.Column(int, pa.Check.in_range(0, 15, name="0 to 15")),
        "age_band": _text(_in(AGE_BANDS)),
        "housing_status": _text(_in(HOUSING_STATUSES)),
        "income_band": _text(_in(INCOME_BANDS)),
        **{f"benefit_{b}": _flag() for b in BENEFITS},
        "digital_access": _text(_in(DIGITAL_ACCESS_LEVELS)),
        # Kept only for fairness audits, never as model features.
        "language": _text(_in(LANGUAGES)),
        "disability": _flag(),
        "nationality": _text(_in(NATIONALITIES)),
        "qpv": _flag(),
    }
    return pa.DataFrameSchema(
        columns,
        name="households",
        strict=True,
        ordered=False,
        checks=[
            _when(
                "children need a family composition",
                lambda df: df["n_children"] > 0,
                lambda df: df["composition"].isin(["famille", "famille_monoparentale"]),
                ("n_children", "composition"),
                "a household with children must be a famille or famille_monoparentale",
            )
        ],
    )


def requests_schema(
    services: Sequence[str] | None = SERVICES,
    channels: Sequence[str] = CHANNELS,
    require_household: bool = True,
) -> pa.DataFrameSchema:
    """Schema of requests; imported exports pass their own service vocabulary
    (``services=None`` accepts any non-empty code) and may lack households."""
    service_check = (
        _in(services)
        if services is not None
        else pa.Check.str_length(min_value=1, name="non-empty")
    )
    household_checks = [pa.Check.str_matches(PSEUDONYM_PATTERN, name="pseudonymous id")]
    columns = {
        "service_request_id": _text(
            pa.Check.str_length(1, 64, name="1 to 64 characters"), unique=True
        ),
        "household_id": _text(*household_checks, nullable=not require_household),
        "channel": _text(_in(channels)),
        "requested_datetime": pa.Column(TIMESTAMP),
        "description": _text(
            pa.Check.str_length(
                1, MAX_DESCRIPTION_CHARS, name=f"1 to {MAX_DESCRIPTION_CHARS} characters"
            )
        ),
        "motive": _text(nullable=True),
        "initial_service_code": _text(service_check, nullable=True),
        "service_code": _text(service_check, nullable=True),
        "agency_responsible": _text(nullable=True),
        "status": _text(_in(REQUEST_STATUSES)),
        "assigned_datetime": pa.Column(TIMESTAMP, nullable=True),
        "first_response_datetime": pa.Column(TIMESTAMP, nullable=True),
        "closed_datetime": pa.Column(TIMESTAMP, nullable=True),
        "expected_datetime": pa.Column(TIMESTAMP, nullable=True),
        "updated_datetime": pa.Column(TIMESTAMP),
        "reassignment_count": pa.Column(int, pa.Check.ge(0, name=">= 0")),
        "complaint": _flag(),
    }
    checks = [
        _not_before("assigned_datetime", "requested_datetime"),
        _not_before("first_response_datetime", "requested_datetime"),
        _not_before("closed_datetime", "requested_datetime"),
        _not_before("updated_datetime", "requested_datetime"),
        _when(
            "closed requests have a closing time",
            lambda df: df["status"] == "closed",
            lambda df: df["closed_datetime"].notna(),
            ("status", "closed_datetime"),
            "a closed request must have a closed_datetime",
        ),
        _when(
            "open requests have no closing time",
            lambda df: df["status"] == "open",
            lambda df: df["closed_datetime"].isna(),
            ("status", "closed_datetime"),
            "an open request must not have a closed_datetime",
        ),
    ]
    return pa.DataFrameSchema(columns, name="requests", strict=True, ordered=False, checks=checks)


def accompaniment_events_schema() -> pa.DataFrameSchema:
    columns = {
        "event_id": _text(pa.Check.str_length(1, 64, name="1 to 64 characters"), unique=True),
        "household_id": _text(pa.Check.str_matches(PSEUDONYM_PATTERN, name="pseudonymous id")),
        "occurred_at": pa.Column(TIMESTAMP),
        "recorded_at": pa.Column(TIMESTAMP),
        "kind": _text(_in(EVENT_KINDS)),
        "service": _text(_in(SERVICES), nullable=True),
        "amount": pa.Column(float, pa.Check.ge(0, name=">= 0"), nullable=True),
        "crisis_kind": _text(_in(CRISIS_KINDS), nullable=True),
    }
    checks = [
        _not_before("recorded_at", "occurred_at"),
        _when(
            "aid carries an amount",
            lambda df: df["kind"].isin(AID_KINDS),
            lambda df: df["amount"].notna(),
            ("kind", "amount"),
            "aide_accordee and aide_refusee events must carry an amount",
        ),
        _when(
            "only aid carries an amount",
            lambda df: ~df["kind"].isin(AID_KINDS),
            lambda df: df["amount"].isna(),
            ("kind", "amount"),
            "only aid events carry an amount",
        ),
        _when(
            "crises carry their kind",
            lambda df: df["kind"] == "crise",
            lambda df: df["crisis_kind"].notna(),
            ("kind", "crisis_kind"),
            "a crise event must carry a crisis_kind",
        ),
        _when(
            "only crises carry a crisis kind",
            lambda df: df["kind"] != "crise",
            lambda df: df["crisis_kind"].isna(),
            ("kind", "crisis_kind"),
            "only crise events carry a crisis_kind",
        ),
    ]
    return pa.DataFrameSchema(
        columns, name="accompaniment_events", strict=True, ordered=False, checks=checks
    )


def outcomes_schema() -> pa.DataFrameSchema:
    columns = {
        "service_request_id": _text(unique=True),
        # A crisis in the 13 weeks (91 days) after the week the request arrived.
        "crisis_within_90d": _flag(),
        "crisis_datetime": pa.Column(TIMESTAMP, nullable=True),
        "crisis_kind": _text(_in(CRISIS_KINDS), nullable=True),
        # False when the 90-day window runs past the data horizon: a negative is censored.
        "window_complete": _flag(),
    }
    checks = [
        _when(
            "a crisis has a date and a kind",
            lambda df: df["crisis_within_90d"],
            lambda df: df["crisis_datetime"].notna() & df["crisis_kind"].notna(),
            ("crisis_within_90d", "crisis_datetime", "crisis_kind"),
            "crisis_within_90d rows must carry crisis_datetime and crisis_kind",
        ),
        _when(
            "no crisis, no date",
            lambda df: ~df["crisis_within_90d"],
            lambda df: df["crisis_datetime"].isna() & df["crisis_kind"].isna(),
            ("crisis_within_90d", "crisis_datetime", "crisis_kind"),
            "rows without a crisis must not carry a crisis_datetime or crisis_kind",
        ),
    ]
    return pa.DataFrameSchema(columns, name="outcomes", strict=True, ordered=False, checks=checks)


SCHEMAS = {
    "households": households_schema,
    "requests": requests_schema,
    "accompaniment_events": accompaniment_events_schema,
    "outcomes": outcomes_schema,
}


@dataclass(frozen=True)
class Violation:
    column: str | None
    rule: str
    count: int
    examples: tuple[tuple[int | None, object], ...]  # (row number, offending value)

    def describe(self) -> str:
        where = f"column(s) '{self.column}'" if self.column else "table"
        shown = ", ".join(
            f"row {row}: {value!r}" if row is not None else repr(value)
            for row, value in self.examples
        )
        return f"{where}, rule '{self.rule}': {self.count} offending value(s), e.g. {shown}"


class ContractError(ValueError):
    """A table breaks its contract. ``violations`` lists every broken rule."""

    def __init__(self, table: str, violations: Sequence[Violation]):
        self.table = table
        self.violations = tuple(violations)
        lines = "\n".join(f"  - {v.describe()}" for v in self.violations)
        super().__init__(f"Table '{table}' breaks its contract (row numbers are 0-based):\n{lines}")


def _plain(value: object) -> object:
    """numpy and pandas scalars as plain Python values, for readable messages."""
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        try:
            return value.item()
        except (ValueError, AttributeError):
            return value
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def _row_key(row: object) -> int | None:
    return None if row is None or pd.isna(row) else int(row)


def _violations(
    failure_cases: pd.DataFrame, frame: pd.DataFrame, max_examples: int
) -> list[Violation]:
    out: list[Violation] = []
    cases = failure_cases.astype({"column": object, "index": object})
    table_wide = cases["schema_context"] == "DataFrameSchema"
    structural = cases["check"].isin(["column_in_schema", "column_in_dataframe"])
    for check, group in cases[table_wide & structural].groupby("check", sort=True):
        rule = "unexpected column" if check == "column_in_schema" else "missing column"
        examples = tuple((None, c) for c in group["failure_case"].head(max_examples))
        out.append(Violation(None, rule, len(group), examples))
    # Cross-column rules report one case per (row, column): keep one per row.
    for check, group in cases[table_wide & ~structural].groupby("check", sort=True):
        columns = _RULE_COLUMNS.get(str(check), ())
        rows = list(dict.fromkeys(_row_key(r) for r in group["index"]))
        examples = tuple(
            (row, {c: _plain(frame[c].iat[row]) for c in columns} if row is not None else None)
            for row in rows[:max_examples]
        )
        out.append(Violation(", ".join(columns) or None, str(check), len(rows), examples))
    for (column, check), group in cases[~table_wide].groupby(["column", "check"], sort=True):
        examples = tuple(
            (_row_key(row), _plain(value))
            for row, value in zip(group["index"], group["failure_case"], strict=True)
        )
        out.append(Violation(str(column), str(check), len(group), examples[:max_examples]))
    return out


def validate(
    frame: pd.DataFrame,
    table: str,
    schema: pa.DataFrameSchema | None = None,
    max_examples: int = 5,
) -> pd.DataFrame:
    """Check ``frame`` against the contract of ``table``; return it unchanged or raise.

    Row numbers in errors are positions in the frame (0-based)."""
    if table not in SCHEMAS:
        raise KeyError(f"unknown table '{table}'; expected one of {list(TABLES)}")
    schema = schema or SCHEMAS[table]()
    positional = frame.reset_index(drop=True)
    try:
        schema.validate(positional, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise ContractError(
            table, _violations(exc.failure_cases, positional, max_examples)
        ) from None
    return frame
