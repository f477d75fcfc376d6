"""The common input of every view: one row per request, with its delays in days.

A ``Cases`` frame is built either from a folder of contract files (a synthetic territory,
or what an importer wrote) or from the service's store, so that the views never know
where their figures come from. Free text is carried only for motive clustering, which
reports terms shared by many requests, never a text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import select

from features.decisions import BAND_DEADLINE_HOURS
from features.importers import EXTRAS_FILE, import_schema
from features.tables import read_table, table_path
from features.vocabulary import SERVICE_LABELS
from serving import db
from serving.store import Store

DAY = pd.Timedelta(days=1)
UNKNOWN = "non renseigné"


def service_label(code: str) -> str:
    """The French label of one of our services; an export's codes stay as they are. (Not
    ``serving.intake.service_label``: importing the intake imports the scoring stack and
    MLflow, which the report loads only when it routes, in the background.)"""
    return SERVICE_LABELS.get(code, code)


@dataclass(frozen=True)
class Cases:
    """Requests as the views read them, plus the time the data stops (its horizon).

    ``frame`` columns: service, agency, channel, motive, month (categoricals), requested,
    first_response_days, closing_days, answer_days (the first response, else the
    closing), late (1, 0, or NaN without deadline), open, reassignments,
    initial_service, complaint, territory, and text when motives are wanted."""

    frame: pd.DataFrame
    horizon: pd.Timestamp
    source: str  # "territory", "export" or "store": said in the report
    # What the data can tell: an export without reassignments or complaints says nothing
    # about them (its columns are constants), and the report says so rather than 0 %.
    has_reassignments: bool
    has_complaints: bool
    has_first_response: bool


def month_labels(times: pd.Series) -> pd.Categorical:
    """ "YYYY-MM" of each time as a categorical (formatting only the distinct months: a
    million strftime calls would cost seconds)."""
    months = pd.to_datetime(times).to_numpy().astype("datetime64[M]")
    missing = np.isnat(months)
    distinct, codes = np.unique(months[~missing], return_inverse=True)
    out = np.full(len(months), -1, dtype=np.int64)
    out[~missing] = codes
    return pd.Categorical.from_codes(out, [str(m) for m in distinct], ordered=True)


def plain_keys(table: pd.DataFrame) -> pd.DataFrame:
    """An aggregate's categorical keys as plain strings (what CSV files and pages show)."""
    for name in table.columns:
        if isinstance(table[name].dtype, pd.CategoricalDtype):
            table[name] = table[name].astype("str")
    return table


def _category(values: pd.Series) -> pd.Categorical:
    return pd.Categorical(values.fillna(UNKNOWN).astype("str"))


def _days(later: pd.Series, earlier: pd.Series) -> np.ndarray:
    return ((later - earlier) / DAY).to_numpy(dtype=np.float64, na_value=np.nan)


def cases_from_requests(
    requests: pd.DataFrame,
    *,
    source: str,
    territory: pd.Series | None = None,
    band: pd.Series | None = None,
    on_time_status: pd.Series | None = None,
    with_text: bool = True,
) -> Cases:
    """A Cases frame from a ``requests`` contract frame (any source).

    The deadline is the priority band's when the request has one (P1 24 h, P2 72 h,
    P3 10 days), else its ``expected_datetime``. A request is late when its answer (the
    first response, else the closing) came after the deadline, or when it is still waiting
    at the horizon with the deadline passed. An export's own on-time status, when it has
    one, is what the export says (Boston's ``OnTime_Status``)."""
    requested = pd.to_datetime(requests["requested_datetime"])
    first = pd.to_datetime(requests["first_response_datetime"])
    closed = pd.to_datetime(requests["closed_datetime"])
    horizon = pd.Series(
        [
            requested.max(),
            closed.max(),
            first.max(),
            pd.to_datetime(requests["updated_datetime"]).max(),
        ]
    ).max()
    answered = first.fillna(closed)
    deadline = pd.to_datetime(requests["expected_datetime"])
    if band is not None:
        hours = band.map(BAND_DEADLINE_HOURS).astype("float64")
        deadline = (requested + pd.to_timedelta(hours, unit="h")).fillna(deadline)
    known = deadline.notna()
    late = np.where(answered.notna(), answered > deadline, horizon > deadline)
    late = np.where(known, late, np.nan)
    if on_time_status is not None:
        status = on_time_status.to_numpy(dtype=object)
        given = pd.notna(status)
        late = np.where(given, status == "overdue", late).astype(np.float64)
    service = requests["service_code"].fillna(requests["initial_service_code"]).fillna(UNKNOWN)
    columns = {
        "service": _category(service),
        "agency": _category(requests["agency_responsible"]),
        "channel": _category(requests["channel"]),
        "motive": _category(requests["motive"]),
        "month": month_labels(requested),
        "requested": requested.to_numpy(dtype="datetime64[s]"),
        "first_response_days": _days(first, requested),
        "closing_days": _days(closed, requested),
        "answer_days": _days(answered, requested),
        "late": late.astype(np.float64),
        "open": closed.isna().to_numpy(),
        "reassignments": requests["reassignment_count"].to_numpy(dtype=np.int64),
        "initial_service": pd.Categorical(requests["initial_service_code"]),
        "complaint": requests["complaint"].to_numpy(dtype=bool),
        "territory": pd.Categorical(
            territory if territory is not None else np.full(len(requests), None, dtype=object)
        ),
    }
    if with_text:
        columns["text"] = requests["description"].reset_index(drop=True)
    frame = pd.DataFrame(columns)
    return Cases(
        frame=frame,
        horizon=pd.Timestamp(horizon),
        source=source,
        has_reassignments=bool(
            requests["initial_service_code"].notna().any() or frame["reassignments"].any()
        ),
        has_complaints=bool(frame["complaint"].any()),
        has_first_response=bool(first.notna().any()),
    )


def lookup(keys: pd.Series, index: pd.Series, values: pd.Series) -> pd.Series:
    """``values`` at the position of each key in ``index`` (None when absent), hashed in
    Arrow (a pandas ``map`` over a million ids costs seconds)."""
    position = pc.index_in(
        pa.array(keys, type=pa.string(), from_pandas=True),
        value_set=pa.array(index, type=pa.string(), from_pandas=True),
    )
    found = pc.is_valid(position).to_numpy(zero_copy_only=False)
    taken = values.to_numpy(dtype=object)[position.fill_null(0).to_numpy()]
    return pd.Series(np.where(found, taken, None), index=keys.index, dtype=object)


def table_exists(folder: Path, table: str) -> bool:
    try:
        table_path(folder, table)
    except FileNotFoundError:
        return False
    return True


def read_folder(folder: Path | str, tables: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """The tables of a data folder that exist, each read and checked once; requests with
    the imports' relaxed contract (any service vocabulary, households optional)."""
    folder = Path(folder)
    return {
        name: read_table(folder, name, schema=import_schema() if name == "requests" else None)
        for name in tables
        if table_exists(folder, name)
    }


def cases_from_folder(
    folder: Path | str, with_text: bool = True, frames: dict[str, pd.DataFrame] | None = None
) -> Cases:
    """A folder of contract files: a territory (with households, hence territories) or an
    importer's output (requests and their extras, no households). ``frames`` are its
    tables already read (``read_folder``)."""
    folder = Path(folder)
    frames = frames or read_folder(folder, ("requests", "households"))
    requests = frames["requests"]
    territory = on_time = None
    if "households" in frames:
        households = frames["households"]
        territory = lookup(
            requests["household_id"], households["household_id"], households["territory"]
        )
    extras_path = folder / EXTRAS_FILE
    if extras_path.exists():
        extras = pd.read_parquet(extras_path)
        if "on_time_status" in extras.columns:
            on_time = lookup(
                requests["service_request_id"],
                extras["service_request_id"],
                extras["on_time_status"],
            )
    source = "export" if extras_path.exists() else "territory"
    return cases_from_requests(
        requests, source=source, territory=territory, on_time_status=on_time, with_text=with_text
    )


def cases_from_store(store: Store, territory: str | None = None, with_text: bool = True) -> Cases:
    """The store's requests (of one territory when given), with the band of their stored
    prediction when they were scored."""
    r, h, p = db.requests, db.households, db.predictions
    columns = [c for c in r.columns if c.name != "source"]
    if not with_text:
        columns = [c for c in columns if c.name != "description"]
    statement = (
        select(*columns, h.c.territory, p.c.band)
        .select_from(
            r.outerjoin(h, h.c.household_id == r.c.household_id).outerjoin(
                p, p.c.service_request_id == r.c.service_request_id
            )
        )
        .order_by(r.c.requested_datetime)
    )
    if territory is not None:
        statement = statement.where(h.c.territory == territory)
    with store.engine.connect() as connection:
        result = connection.execute(statement)
        frame = pd.DataFrame(result.all(), columns=list(result.keys()))
    for name in (
        "requested_datetime",
        "first_response_datetime",
        "closed_datetime",
        "expected_datetime",
        "updated_datetime",
    ):
        frame[name] = pd.to_datetime(frame[name])
    if not with_text:
        frame["description"] = None
    frame["reassignment_count"] = frame["reassignment_count"].astype("int64")
    frame["complaint"] = frame["complaint"].astype(bool)
    return cases_from_requests(
        frame,
        source="store",
        territory=frame["territory"],
        band=frame["band"],
        with_text=with_text,
    )
