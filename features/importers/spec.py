"""The declarative import spec: how one source's export maps onto the ``requests`` contract.

A spec is a YAML file (see ``specs/`` and docs/importers.md) validated by ``ImportSpec``.
Everything specific to a source lives there; the engine only applies specs. Parameters
(``${name}`` placeholders, e.g. which Boston column is the routing label) are substituted
before validation, so a spec is always checked in the exact form that will run.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from features.contracts import requests_schema
from features.vocabulary import CHANNELS, REQUEST_STATUSES

SPECS_DIR = Path(__file__).parent / "specs"
ISO8601 = "ISO8601"
_PARAMETER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Target columns whose values must come from a vocabulary: checked when the spec loads.
_VOCABULARIES = {"channel": CHANNELS, "status": REQUEST_STATUSES}


class SpecError(ValueError):
    """A spec (or a parameter given to it) is invalid."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ReaderSpec(_Strict):
    """How to read the file. Every cell is read as text; typing is the spec's job."""

    format: Literal["csv", "json", "auto"] = "csv"  # auto: .json / .json.gz -> json, else csv
    separator: str = ","
    encoding: str = "utf-8"
    # JSON only: the key holding the list of records when the document is an object.
    json_records: str | None = None


class Condition(_Strict):
    column: str
    values: tuple[str, ...] = Field(alias="in", min_length=1)


class ColumnSpec(_Strict):
    """How one target column is computed. Exactly one of column, coalesce, join, constant."""

    column: str | None = None
    coalesce: tuple[str, ...] | None = Field(default=None, min_length=1)  # first non-missing
    join: tuple[str, ...] | None = Field(default=None, min_length=1)  # non-missing parts
    separator: str = " "  # for join
    constant: str | int | bool | None = None
    remove: str | None = None  # regex removed from each text value (e.g. staff annotations)
    null_values: tuple[str, ...] = ()  # values meaning "missing" (case-insensitive)
    map: dict[str, str] | None = None  # a present value outside the map is an issue
    datetime_format: str | None = None  # strptime format, or ISO8601
    timezone: str | None = None  # offset-aware datetimes are converted to it, then made naive
    when: Condition | None = None  # the value is kept only on rows meeting the condition
    required: bool | None = None  # default: required when the contract column is not nullable
    optional: bool = False  # the source column(s) may be absent from the file (all missing)

    @model_validator(mode="after")
    def _one_source(self) -> ColumnSpec:
        given = [k for k in ("column", "coalesce", "join") if getattr(self, k) is not None]
        if "constant" in self.model_fields_set:
            given.append("constant")
        if len(given) != 1:
            raise ValueError(
                f"give exactly one of column, coalesce, join, constant (got {given or 'none'})"
            )
        if self.remove is not None:
            try:
                re.compile(self.remove)
            except re.error as exc:
                raise ValueError(f"remove is not a valid regular expression: {exc}") from None
        if self.timezone is not None and self.datetime_format is None:
            raise ValueError("timezone needs a datetime_format")
        return self

    @property
    def is_constant(self) -> bool:
        return "constant" in self.model_fields_set

    @property
    def source_columns(self) -> tuple[str, ...]:
        """Every source column this spec reads (the condition's column included)."""
        own = (self.column,) if self.column else (self.coalesce or self.join or ())
        return own + ((self.when.column,) if self.when else ())


class Parameter(_Strict):
    default: str
    choices: tuple[str, ...] = Field(min_length=1)
    help: str = ""


class ImportSpec(_Strict):
    source: str = Field(pattern=r"^[a-z0-9_]+$")
    title: str
    reader: ReaderSpec = ReaderSpec()
    table: Literal["requests"] = "requests"
    parameters: dict[str, Parameter] = {}
    # Source columns that must never be read, e.g. a closing note that leaks the outcome.
    forbidden_columns: tuple[str, ...] = ()
    columns: dict[str, ColumnSpec]
    # Columns outside the contract, written to request_extras.parquet by service_request_id.
    extras: dict[str, ColumnSpec] = {}

    @model_validator(mode="after")
    def _fits_the_contract(self) -> ImportSpec:
        schema = requests_schema(services=None, require_household=False)
        unknown = sorted(set(self.columns) - set(schema.columns))
        if unknown:
            raise ValueError(f"columns not in the requests contract: {unknown}")
        missing = sorted(
            name
            for name, column in schema.columns.items()
            if not column.nullable and name not in self.columns
        )
        if missing:
            raise ValueError(f"required contract columns without a mapping: {missing}")
        clashes = sorted(set(self.extras) & set(schema.columns))
        if clashes:
            raise ValueError(f"extras must not reuse contract column names: {clashes}")
        for target, vocabulary in _VOCABULARIES.items():
            column = self.columns.get(target)
            if column is None:
                continue
            produced = set(column.map.values()) if column.map else set()
            if column.is_constant:
                produced.add(column.constant)
            outside = sorted(str(v) for v in produced - set(vocabulary))
            if outside:
                raise ValueError(f"{target} values {outside} are not in {list(vocabulary)}")
        read = {c for spec in self.all_columns().values() for c in spec.source_columns}
        leaking = sorted(read & set(self.forbidden_columns))
        if leaking:
            raise ValueError(f"forbidden source columns are mapped: {leaking}")
        return self

    def all_columns(self) -> dict[str, ColumnSpec]:
        """Contract columns and extras (extras prefixed to keep names apart)."""
        return {**self.columns, **{f"extras.{k}": v for k, v in self.extras.items()}}

    def source_columns(self) -> tuple[str, ...]:
        """Source columns read, in first-use order: nothing else is ever loaded."""
        seen: dict[str, None] = {}
        for spec in self.all_columns().values():
            seen.update(dict.fromkeys(spec.source_columns))
        return tuple(seen)

    def optional_columns(self) -> frozenset[str]:
        """Source columns that may be absent: only optional specs read them."""
        specs = self.all_columns().values()
        optional = {c for s in specs if s.optional for c in s.source_columns}
        return frozenset(optional - {c for s in specs if not s.optional for c in s.source_columns})


def available_sources() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in SPECS_DIR.glob("*.yaml")))


def load_spec(source: str | Path, **parameters: str) -> ImportSpec:
    """Load a spec by source name (``boston311``) or path, with parameters substituted."""
    path = Path(source)
    if not path.suffix:
        path = SPECS_DIR / f"{source}.yaml"
        if not path.exists():
            raise SpecError(f"unknown source '{source}'; available: {list(available_sources())}")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise SpecError(f"{path}: a spec is a YAML mapping")
    try:
        declared = {k: Parameter.model_validate(v) for k, v in raw.get("parameters", {}).items()}
    except ValueError as exc:
        raise SpecError(f"{path}: invalid parameters: {exc}") from None
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise SpecError(f"{path.stem} has no parameter {unknown}; it has {sorted(declared)}")
    values = {name: parameters.get(name) or p.default for name, p in declared.items()}
    for name, value in values.items():
        if value not in declared[name].choices:
            raise SpecError(f"{name} must be one of {list(declared[name].choices)}, not {value!r}")
    try:
        return ImportSpec.model_validate(_substitute(raw, values, path))
    except ValueError as exc:
        raise SpecError(f"{path}: {exc}") from None


def _substitute(node: Any, values: dict[str, str], path: Path) -> Any:
    if isinstance(node, str):

        def value(match: re.Match[str]) -> str:
            if match.group(1) not in values:
                raise SpecError(f"{path}: undeclared parameter ${{{match.group(1)}}}")
            return values[match.group(1)]

        return _PARAMETER.sub(value, node)
    if isinstance(node, dict):
        return {
            k: (v if k == "parameters" else _substitute(v, values, path)) for k, v in node.items()
        }
    if isinstance(node, list):
        return [_substitute(v, values, path) for v in node]
    return node
