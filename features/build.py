"""Feature frames: the batch frame of a period and the online row of one live request.

Both go through ``pointintime.compute``; only the way queries and history are gathered
differs. Frames carry the registry's columns in registry order, categories as pandas
categoricals with fixed vocabularies, and the request's keys in front.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from features.history import CHANNEL_CODES, HOUSEHOLD_CATEGORIES, History, codes, to_seconds
from features.pointintime import Queries, compute
from features.registry import BY_NAME, FEATURE_NAMES
from features.vocabulary import CHANNELS

KEY_COLUMNS: tuple[str, ...] = ("service_request_id", "household_id", "requested_datetime")
CATEGORIES = {"channel": CHANNELS, **HOUSEHOLD_CATEGORIES}
CATEGORY_DTYPES = {name: pd.CategoricalDtype(values) for name, values in CATEGORIES.items()}
# Category labels by code, with a trailing None that code -1 (missing) picks.
CATEGORY_LABELS = {
    name: np.array([*values, None], dtype=object) for name, values in CATEGORIES.items()
}
DEFAULT_CHUNK = 100_000


def _to_frame(values: dict[str, np.ndarray], keys: dict[str, np.ndarray]) -> pd.DataFrame:
    columns: dict[str, object] = dict(keys)
    for name in FEATURE_NAMES:
        spec = BY_NAME[name]
        array = values[name]
        if name in CATEGORIES:
            columns[name] = pd.Categorical.from_codes(array, dtype=CATEGORY_DTYPES[name])
        elif spec.kind == "text":
            columns[name] = pd.array(array, dtype="str")
        elif spec.kind == "boolean" and array.dtype == bool:
            columns[name] = array
        else:
            columns[name] = array.astype(np.float64, copy=False)
    return pd.DataFrame(columns, copy=False)


def batch_features(
    tables: dict[str, pd.DataFrame],
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    chunk: int = DEFAULT_CHUNK,
    progress: Callable[[int], None] | None = None,
    history: History | None = None,
) -> pd.DataFrame:
    """One row per request received in [start, end), each as of its own arrival, in the
    order of the requests table, ``chunk`` rows at a time."""
    history = history or History.from_tables(
        tables["households"], tables["requests"], tables["accompaniment_events"]
    )
    requests = tables["requests"]
    mask = requests["household_id"].notna()
    if start is not None:
        mask &= requests["requested_datetime"] >= pd.Timestamp(start)
    if end is not None:
        mask &= requests["requested_datetime"] < pd.Timestamp(end)
    selected = requests.loc[mask]
    household = history.household_codes(selected["household_id"])
    time = to_seconds(selected["requested_datetime"])
    channel = codes(selected["channel"], CHANNELS)
    description = selected["description"].to_numpy(dtype=object)
    # Chunks of consecutive rows; in each, queries sorted by household and time make every
    # binary search cache-friendly, and values go back in the chunk's order (a gather that
    # stays in cache) before being written in place.
    values: dict[str, np.ndarray] = {}
    texts = []
    n = len(household)
    for lo in range(0, max(n, 1), chunk):
        hi = min(lo + chunk, n)
        order = lo + np.lexsort((time[lo:hi], household[lo:hi]))
        part = compute(
            history,
            Queries(household[order], time[order], channel[order], description[order]),
            arrow_text=True,
        )
        back = np.empty_like(order)
        back[order - lo] = np.arange(len(order))
        texts.append(pd.Series(pd.array(part.pop("text"), dtype="str"), copy=False).take(back))
        for name, array in part.items():
            if name not in values:  # written in place: no concatenated copy
                values[name] = np.empty(n, dtype=array.dtype)
            np.take(array, back, out=values[name][lo:hi])
        if progress:
            progress(hi - lo)
    values["text"] = pd.concat(texts, ignore_index=True).array
    keys = {
        "service_request_id": _keys(selected["service_request_id"]),
        "household_id": _keys(selected["household_id"]),
        "requested_datetime": selected["requested_datetime"].to_numpy().astype("datetime64[us]"),
    }
    return _to_frame(values, keys)


def _keys(column: pd.Series):
    """A key column as the frame holds it (``str``): Arrow strings pass through as they are."""
    dtype = column.dtype
    if isinstance(dtype, pd.StringDtype) and dtype == "str" and dtype.storage == "pyarrow":
        return column.array
    return column.to_numpy(dtype=object)


@dataclass(frozen=True)
class LiveRequest:
    """A request as the service receives it, before any feature exists."""

    household_id: str
    requested_datetime: dt.datetime | np.datetime64 | pd.Timestamp
    channel: str
    description: str
    service_request_id: str = ""


def _instant(value) -> np.datetime64:
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[s]")
    return np.datetime64(pd.Timestamp(value).to_datetime64(), "s")


def _seconds(instants: list) -> np.ndarray:
    """Instants as int64 seconds: ``_instant``'s values, at once for naive Python datetimes
    (the service's), whose seconds ``to_seconds`` gives."""
    if all(type(v) is dt.datetime and v.tzinfo is None for v in instants):
        return to_seconds(instants)
    return np.array([_instant(v) for v in instants]).astype(np.int64)


def model_inputs(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """A model's input columns as an MLflow signature describes them and JSON carries them:
    categories as plain strings (None when missing), booleans as floats."""
    data: dict[str, object] = {}
    for name in columns:
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            labels = CATEGORY_LABELS[name]
            data[name] = pd.Series(labels[column.cat.codes.to_numpy()], index=frame.index)
        elif column.dtype == bool:
            data[name] = column.to_numpy(dtype=np.float64)
        else:
            data[name] = column.to_numpy()
    # Copied: arrays read from a frame are read-only views, and estimators may impute in place.
    return pd.DataFrame(data, index=frame.index, copy=True)


def decoded(values: dict[str, np.ndarray], name: str) -> np.ndarray:
    """One feature of ``online_values`` as a frame would hold it: categories as labels
    (None when missing), everything else as computed."""
    array = values[name]
    return CATEGORY_LABELS[name][array] if name in CATEGORY_LABELS else array


def model_input_values(values: dict[str, np.ndarray], columns) -> dict[str, np.ndarray]:
    """``model_inputs`` for ``online_values``: the same representation (categories as
    labels or None, booleans and numbers as floats, texts as strings), without a frame,
    whose construction costs more than a live request's scoring."""
    data = {}
    for name in columns:
        array = decoded(values, name)
        if name in CATEGORY_LABELS or BY_NAME[name].kind == "text":
            data[name] = np.asarray(array, dtype=object)
        else:
            data[name] = array.astype(np.float64)
    return data


def online_values(requests: list[LiveRequest], history: History) -> dict[str, np.ndarray]:
    """Feature values of live requests (categories as codes): what a model consumes."""
    queries = Queries(
        household=history.household_codes([r.household_id for r in requests]),
        time=_seconds([r.requested_datetime for r in requests]),
        channel=np.array([CHANNEL_CODES.get(r.channel, -1) for r in requests], dtype=np.int8),
        description=np.array([r.description for r in requests], dtype=object),
    )
    return compute(history, queries)


def online_features(requests: list[LiveRequest], history: History) -> pd.DataFrame:
    """Rows for live requests against their households' histories as they stand now."""
    keys = {
        "service_request_id": np.array([r.service_request_id for r in requests], dtype=object),
        "household_id": np.array([r.household_id for r in requests], dtype=object),
        "requested_datetime": np.array(
            [_instant(r.requested_datetime) for r in requests], dtype="datetime64[us]"
        ),
    }
    return _to_frame(online_values(requests, history), keys)
