"""The store's history as the contract tables a training run reads, for `aiguillage retrain`:
households, requests, accompaniment events, and outcomes from the stored events.

Route labels are the final routes on record, plus the social workers' reviewed routes:
a reviewed request still open is exported closed at its decision, with the decided service.
With ``labels_from``, final routes before that date are left out (features read only the
initial routes): after a service reorganisation, older routes teach the old organisation.
The feature history is kept whole either way.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from features.contracts import SCHEMAS
from features.tables import write_table
from serving.monitoring.outcomes import outcomes
from serving.reviews import label_frame
from serving.store import CONTRACT_TABLES, Store, typed_frame

SERVICE_COLUMNS = ("source",)  # the store's own bookkeeping, not in the contract


def _table(store: Store, name: str) -> pd.DataFrame:
    table = CONTRACT_TABLES[name]
    with store.engine.connect() as connection:
        return typed_frame(table, connection.execute(select(table)).all())


def _contract_types(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """The store's rows with the contract's dtypes (missing values stay missing)."""
    out = frame.reset_index(drop=True)
    for column, spec in SCHEMAS[name]().columns.items():
        present = out[column].notna()
        if present.all() or spec.dtype.type == "datetime64[ns]":
            out[column] = spec.dtype.coerce(out[column])
    return out


def _with_reviewed_routes(requests: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    decided = labels.dropna(subset=["final_service"]).set_index("service_request_id")
    open_reviewed = (requests["status"] != "closed") & requests["service_request_id"].isin(
        decided.index
    )
    ids = requests.loc[open_reviewed, "service_request_id"]
    requests.loc[open_reviewed, "service_code"] = decided.loc[ids, "final_service"].to_numpy()
    requests.loc[open_reviewed, "status"] = "closed"
    requests.loc[open_reviewed, "closed_datetime"] = decided.loc[ids, "decided_at"].to_numpy()
    return requests


def export_training_data(
    store: Store, out: Path, labels_from: dt.datetime | None = None
) -> dict[str, int]:
    """Write the four contract tables to ``out``; returns rows per table and labels used."""
    households = _table(store, "households")
    requests = _table(store, "requests").drop(columns=list(SERVICE_COLUMNS))
    events = _table(store, "accompaniment_events")
    requests = _with_reviewed_routes(requests, label_frame(store.engine))
    if labels_from is not None:
        earlier = requests["requested_datetime"] < pd.Timestamp(labels_from)
        requests.loc[earlier, "service_code"] = None  # features read initial routes only
    tables = {
        "households": households,
        "requests": requests,
        "accompaniment_events": events,
        "outcomes": outcomes(requests, events),
    }
    for name, frame in tables.items():
        write_table(_contract_types(frame, name), out, name)
    counts = {name: len(frame) for name, frame in tables.items()}
    counts["route_labels"] = int(
        ((requests["status"] == "closed") & requests["service_code"].notna()).sum()
    )
    return counts
