"""Households' request and accompaniment histories, indexed for point-in-time look-ups.

A ``History`` holds the contract tables as sorted numpy arrays keyed by
``household_code * STRIDE + time_in_seconds``: every "what was known about this household
before t" question becomes a binary search. The same object serves a whole territory
(batch) or one household read from the store (online).

Request texts are read once, when the history is built (``TextSignals``: normalised form,
needs, stated amount, by distinct text); a query whose text is already stored reuses that
reading, any other is read then. Reading is a pure function, so both give the same values
(up to a collision of 64-bit fingerprints, which has a chance in 10^7 among 10^6 texts).

Times are compared at one-second resolution. A missing lifecycle time (not yet assigned,
answered or closed) is stored as ``NEVER``, later than any query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from itertools import repeat

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from features.signals import read_texts
from features.vocabulary import (
    AGE_BANDS,
    BENEFITS,
    CHANNELS,
    COMPOSITIONS,
    DIGITAL_ACCESS_LEVELS,
    EVENT_KINDS,
    HOUSING_STATUSES,
    INCOME_BANDS,
    SERVICES,
)

STRIDE = np.int64(1) << np.int64(33)  # > 272 years of seconds since 1970
NEVER = np.int64(1) << np.int64(32) | np.int64(1) << np.int64(31)  # year ~2174
DAY = np.int64(86_400)
KIND = {kind: np.int8(i) for i, kind in enumerate(EVENT_KINDS)}
HOUSEHOLD_CATEGORIES = {
    "composition": COMPOSITIONS,
    "age_band": AGE_BANDS,
    "housing_status": HOUSING_STATUSES,
    "income_band": INCOME_BANDS,
    "digital_access": DIGITAL_ACCESS_LEVELS,
}
HOUSEHOLD_FLAGS = tuple(f"benefit_{b}" for b in BENEFITS)
# The contract columns a History reads, by table: all an online reader has to fetch.
HISTORY_COLUMNS = {
    "households": ("household_id", *HOUSEHOLD_CATEGORIES, "n_children", *HOUSEHOLD_FLAGS),
    "requests": (
        "household_id",
        "requested_datetime",
        "description",
        "initial_service_code",
        "assigned_datetime",
        "first_response_datetime",
        "closed_datetime",
        "reassignment_count",
        "complaint",
    ),
    "accompaniment_events": ("household_id", "occurred_at", "recorded_at", "kind", "amount"),
}
# A store may keep each request's text reading (needs mask, stated amount; see
# features.signals.READING_VERSION): a requests table with these columns needs the text only
# of rows whose reading is missing (NaN needs), and those are read as the history is built.
STORED_READINGS = ("text_needs", "text_amount")


_EPOCH = dt.datetime(1970, 1, 1)
_SECOND = dt.timedelta(seconds=1)


def _naive_or_none(value) -> bool:
    return value is None or (type(value) is dt.datetime and value.tzinfo is None)


def to_seconds(values) -> np.ndarray:
    """Datetimes (any unit, NaT allowed) as int64 seconds since 1970; NaT -> NEVER."""
    if not isinstance(values, pd.Series | pd.Index | np.ndarray):
        if len(values) < SMALL and all(_naive_or_none(v) for v in values):
            # A household's few rows: plain arithmetic, as numpy's datetime64[s] truncates.
            return np.fromiter(
                (NEVER if v is None else (v - _EPOCH) // _SECOND for v in values),
                np.int64,
                len(values),
            )
        values = pd.DatetimeIndex(values)  # Python datetimes: 20 times faster than numpy's
    array = np.asarray(values, dtype="datetime64[s]")
    seconds = array.astype(np.int64)
    return np.where(np.isnat(array), NEVER, seconds)


# A table is a DataFrame (batch: a territory) or a mapping of column name to a sequence of
# values (online: a few rows read from the store, where pandas' per-call cost would dominate).
Table = pd.DataFrame | Mapping[str, Sequence]
SMALL = 64  # below this many values, plain Python beats pandas' vectorised machinery
PARALLEL_ROWS = 100_000  # above this many requests and events, tables are built side by side


@cache
def _positions(vocabulary: tuple[str, ...]) -> dict[str, int]:
    return {value: i for i, value in enumerate(vocabulary)}


def codes(values, vocabulary: tuple[str, ...]) -> np.ndarray:
    """Category codes (-1 for missing or unknown values)."""
    if not isinstance(values, pd.Series):
        # Python objects (a store's rows): a dict's look-up per value is faster than
        # pandas' categorisation at any size (7,000 values: 0.2 ms against 1.4 ms).
        lookup = _positions(vocabulary)
        return np.fromiter(map(lookup.get, values, repeat(-1)), np.int8, len(values))
    if _arrow_strings(values):
        # Arrow's hash look-up: no Python string is made (3M events' kinds in ~30 ms).
        array = pa.array(values.array)
        found = pc.index_in(array, value_set=_vocabulary_array(vocabulary).cast(array.type))
        return found.fill_null(-1).to_numpy().astype(np.int8)
    return pd.Categorical(values, categories=vocabulary).codes.astype(np.int8)


def _arrow_strings(values: pd.Series) -> bool:
    """Whether a Series holds its strings in Arrow (pandas' default ``str`` dtype)."""
    dtype = values.dtype
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


@cache
def _vocabulary_array(vocabulary: tuple[str, ...]) -> pa.Array:
    return pa.array(vocabulary, type=pa.large_string())


def floats(values) -> np.ndarray:
    """Numbers (or booleans) as float64, NaN where missing."""
    if isinstance(values, pd.Series):
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    if len(values) >= SMALL:
        try:  # Arrow's conversion: several times numpy's where None is among floats
            array = pa.array(values, type=pa.float64())
            return array.to_numpy(zero_copy_only=False, writable=True)
        except (pa.ArrowException, TypeError):
            pass  # what Arrow will not convert exactly (text, decimals, ints beyond 2^53)
    return np.array(values, dtype=np.float64)  # None -> NaN, as from an object array


def _objects(values) -> np.ndarray:
    if isinstance(values, pd.Series):
        return values.to_numpy(dtype=object)
    return np.asarray(values, dtype=object)


def _known_households(requests: Table) -> Table:
    """Requests with a household (anonymous ones have no history to join)."""
    if isinstance(requests, pd.DataFrame):
        return requests[requests["household_id"].notna()]
    keep = [h is not None for h in requests["household_id"]]
    if all(keep):
        return requests
    return {name: _objects(column)[keep] for name, column in requests.items()}


@dataclass(frozen=True)
class SortedTimes:
    """Items sorted by (household, time), with their keys."""

    key: np.ndarray
    household: np.ndarray
    time: np.ndarray

    @classmethod
    def build(cls, household: np.ndarray, time: np.ndarray, *tie_breakers: np.ndarray):
        key = household.astype(np.int64) * STRIDE + time
        order = np.argsort(key, kind="stable")  # a store's rows come nearly sorted: cheap
        if tie_breakers:
            order = _break_ties(key, order, tie_breakers)
        return cls(key[order], household[order].astype(np.int64), time[order]), order

    def starts(self, household: np.ndarray) -> np.ndarray:
        """Index of each household's first item."""
        return np.searchsorted(self.key, household * STRIDE, side="left")

    def before(self, household: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Index one past the household's last item with time < t."""
        return np.searchsorted(self.key, household * STRIDE + t, side="left")


def _break_ties(key: np.ndarray, order: np.ndarray, tie_breakers) -> np.ndarray:
    """``np.lexsort((*reversed(tie_breakers), key))`` from ``order``, a stable sort of
    ``key``: only the rows that share their key with another are sorted again."""
    ordered = key[order]
    tied = np.flatnonzero(ordered[1:] == ordered[:-1])
    if not len(tied):
        return order
    at = np.union1d(tied, tied + 1)  # the runs of equal keys, where they stand
    rows = order[at]  # in their original order within each run
    again = np.lexsort((*(t[rows] for t in reversed(tie_breakers)), key[rows]))
    order = order.copy()
    order[at] = rows[again]
    return order


@dataclass(frozen=True)
class TextSignals:
    """Readings of distinct raw texts (features.signals.read_texts), looked up by a 64-bit
    fingerprint of the text: no Python string is kept but the normalised forms, stored as
    one Arrow string array (a plain array for a household's few texts)."""

    keys: np.ndarray  # sorted uint64 fingerprints of the distinct raw texts
    normalised: pd.api.extensions.ExtensionArray | np.ndarray  # aligned with keys
    needs: np.ndarray  # uint8 bit masks over signals.NEEDS, aligned with keys
    amount: np.ndarray  # euros stated, NaN for none, aligned with keys

    @classmethod
    def build(cls, texts) -> tuple[TextSignals, np.ndarray]:
        """Readings of the distinct texts (missing ones read as empty), and each text's
        position among them."""
        if isinstance(texts, pd.Series):
            texts = texts.where(texts.notna(), "")
        else:
            texts = np.array(["" if t is None else t for t in texts], dtype=object)
        position, distinct = pd.factorize(texts)
        distinct = np.asarray(distinct, dtype=object)
        normalised, needs, amount = read_texts(distinct, arrow=True)
        keys = _fingerprints(distinct)
        order = np.argsort(keys, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        normalised = normalised[order]
        if len(normalised) >= SMALL:  # Arrow strings: compact for a territory's texts
            normalised = pd.array(normalised, dtype="str")
        signals = cls(keys[order], normalised, needs[order], amount[order])
        return signals, rank[position]

    def read(
        self, texts: np.ndarray, arrow: bool = False
    ) -> tuple[np.ndarray | pd.api.extensions.ExtensionArray, np.ndarray, np.ndarray]:
        """Normalised texts, needs and amounts of raw texts: the stored reading where the
        text is known, a fresh one otherwise. With ``arrow``, normalised texts come as an
        Arrow string array (pandas ``str``) when every text is known: no Python string."""
        texts = np.asarray(texts, dtype=object)
        fingerprints = _fingerprints(texts)
        found = np.minimum(np.searchsorted(self.keys, fingerprints), max(len(self.keys) - 1, 0))
        hit = self.keys[found] == fingerprints if len(self.keys) else np.zeros(len(texts), bool)
        if arrow and hit.all() and isinstance(self.normalised, pd.api.extensions.ExtensionArray):
            return self.normalised.take(found), self.needs[found], self.amount[found]
        normalised = np.empty(len(texts), dtype=object)
        needs = np.zeros(len(texts), dtype=np.uint8)
        amount = np.full(len(texts), np.nan)
        known = found[hit]
        normalised[hit] = np.asarray(self.normalised.take(known), dtype=object)
        needs[hit], amount[hit] = self.needs[known], self.amount[known]
        if not hit.all():
            normalised[~hit], needs[~hit], amount[~hit] = read_texts(texts[~hit])
        return normalised, needs, amount


def _fingerprints(texts: np.ndarray) -> np.ndarray:
    """64-bit hashes of texts (SipHash, as pandas hashes strings)."""
    if not len(texts):
        return np.zeros(0, dtype=np.uint64)
    return pd.util.hash_array(texts, categorize=False)


@dataclass(frozen=True)
class RequestArrays:
    by_arrival: SortedTimes
    assigned: np.ndarray  # aligned with by_arrival
    service: np.ndarray  # initial service code, aligned with by_arrival
    needs: np.ndarray  # needs the text speaks of (bit masks), aligned with by_arrival
    amount: np.ndarray  # euros the text states, 0 for none, aligned with by_arrival
    by_need: SortedTimes  # arrivals of requests that speak of a need
    texts: TextSignals
    by_closing: SortedTimes  # closed requests only
    reassignments_cumsum: np.ndarray  # len + 1, aligned with by_closing
    complaints_cumsum: np.ndarray
    by_response: SortedTimes  # answered requests only
    wait_days: np.ndarray  # aligned with by_response


@dataclass(frozen=True)
class EventArrays:
    by_occurrence: SortedTimes
    recorded: np.ndarray
    kind: np.ndarray
    amount: np.ndarray
    crises_by_recording: SortedTimes
    status: SortedTimes  # openings and closings of follow-up, by occurrence
    status_recorded: np.ndarray
    status_is_opening: np.ndarray
    contacts: SortedTimes  # interviews and kept appointments, by occurrence
    contacts_recorded: np.ndarray


@dataclass(frozen=True)
class HouseholdArrays:
    categories: dict[str, np.ndarray]  # name -> codes by household code
    n_children: np.ndarray  # float, NaN when unknown
    flags: dict[str, np.ndarray]  # float 0/1, NaN when unknown


@dataclass(frozen=True)
class History:
    index: pd.Index  # household_id -> household code
    households: HouseholdArrays
    requests: RequestArrays
    events: EventArrays

    def household_codes(self, household_ids) -> np.ndarray:
        """Codes of households; unknown ids get a code with no history."""
        unknown = len(self.index)
        if len(self.index) < SMALL and not isinstance(household_ids, pd.Series | pd.Index):
            position = {h: i for i, h in enumerate(self.index.tolist())}
            return np.array([position.get(h, unknown) for h in household_ids], dtype=np.int64)
        if not isinstance(household_ids, pd.Series | pd.Index):
            household_ids = np.asarray(household_ids, dtype=object)
        found = self.index.get_indexer(household_ids)
        return np.where(found >= 0, found, unknown).astype(np.int64)

    @classmethod
    def from_tables(cls, households: Table, requests: Table, events: Table) -> History:
        """The history of contract tables: DataFrames, or mappings of columns."""
        requests = _known_households(requests)
        # One factorisation gives every table's household codes.
        ids = [households["household_id"], requests["household_id"], events["household_id"]]
        if all(isinstance(x, pd.Series) for x in ids):
            everyone = pd.concat(ids, ignore_index=True)
        else:
            everyone = np.concatenate([_objects(x) for x in ids])
        codes, uniques = pd.factorize(everyone)
        bounds = np.cumsum([0, *(len(x) for x in ids)])
        household_codes, request_codes, event_codes = (
            codes[bounds[i] : bounds[i + 1]].astype(np.int64) for i in range(3)
        )
        if len(request_codes) + len(event_codes) < PARALLEL_ROWS:
            request_arrays = _request_arrays(requests, request_codes)
            event_arrays = _event_arrays(events, event_codes)
        else:  # side by side: texts are read in other processes, numpy's sorts free the GIL
            with ThreadPoolExecutor(max_workers=1) as pool:
                pending = pool.submit(_request_arrays, requests, request_codes)
                event_arrays = _event_arrays(events, event_codes)
                request_arrays = pending.result()
        return cls(
            index=pd.Index(uniques, dtype=uniques.dtype),  # no inference: object ids stay so
            households=_household_arrays(households, household_codes, len(uniques)),
            requests=request_arrays,
            events=event_arrays,
        )


def _household_arrays(households: Table, position: np.ndarray, n_known: int) -> HouseholdArrays:
    n = n_known + 1  # one spare code for unknown households
    categories = {}
    for name, vocabulary in HOUSEHOLD_CATEGORIES.items():
        column = np.full(n, -1, dtype=np.int8)
        column[position] = codes(households[name], vocabulary)
        categories[name] = column
    children = np.full(n, np.nan)
    children[position] = floats(households["n_children"])
    flags = {}
    for name in HOUSEHOLD_FLAGS:
        column = np.full(n, np.nan)
        column[position] = floats(households[name])
        flags[name] = column
    return HouseholdArrays(categories, children, flags)


def _text_readings(requests: Table) -> tuple[TextSignals, np.ndarray, np.ndarray]:
    """The texts' readings (needs masks, amounts with NaN for none), each request's own:
    read here, or as the store kept them (STORED_READINGS)."""
    if STORED_READINGS[0] not in requests:
        texts, position = TextSignals.build(requests["description"])
        return texts, texts.needs[position], texts.amount[position]
    needs = floats(requests["text_needs"])
    amount = floats(requests["text_amount"])
    unread = np.isnan(needs)
    descriptions = requests["description"]
    if isinstance(descriptions, pd.Series):
        unread_texts = descriptions.to_numpy(dtype=object)[unread]
    else:  # the few unread among a store's many rows: no array of them all
        unread_texts = [descriptions[i] for i in np.flatnonzero(unread).tolist()]
    texts, position = TextSignals.build(unread_texts)
    needs[unread], amount[unread] = texts.needs[position], texts.amount[position]
    return texts, needs.astype(np.uint8), amount


def _request_arrays(requests: Table, household: np.ndarray) -> RequestArrays:
    arrival = to_seconds(requests["requested_datetime"])
    texts, needs, amount = _text_readings(requests)
    amount = np.nan_to_num(amount, nan=0.0)
    # Among requests of the same instant, the largest amount last.
    by_arrival, order = SortedTimes.build(household, arrival, amount)
    assigned = to_seconds(requests["assigned_datetime"])[order]
    service = codes(requests["initial_service_code"], SERVICES)[order]
    needs = needs[order]
    amount = amount[order]
    spoke = needs > 0
    by_need = SortedTimes(
        by_arrival.key[spoke], by_arrival.household[spoke], by_arrival.time[spoke]
    )

    closed = to_seconds(requests["closed_datetime"])
    done = closed < NEVER
    by_closing, c_order = SortedTimes.build(household[done], closed[done], arrival[done])
    reassign = floats(requests["reassignment_count"]).astype(np.int64)[done][c_order]
    complaint = floats(requests["complaint"]).astype(np.int64)[done][c_order]

    answered = to_seconds(requests["first_response_datetime"])
    has_answer = answered < NEVER
    by_response, r_order = SortedTimes.build(
        household[has_answer], answered[has_answer], arrival[has_answer]
    )
    wait = (answered[has_answer] - arrival[has_answer])[r_order] / DAY
    return RequestArrays(
        by_arrival=by_arrival,
        assigned=assigned,
        service=service,
        needs=needs,
        amount=amount,
        by_need=by_need,
        texts=texts,
        by_closing=by_closing,
        reassignments_cumsum=np.concatenate([[0], np.cumsum(reassign)]),
        complaints_cumsum=np.concatenate([[0], np.cumsum(complaint)]),
        by_response=by_response,
        wait_days=wait.astype(np.float64),
    )


def _event_arrays(events: Table, household: np.ndarray) -> EventArrays:
    occurred = to_seconds(events["occurred_at"])
    recorded = to_seconds(events["recorded_at"])
    kind = codes(events["kind"], EVENT_KINDS)
    amount = floats(events["amount"])
    by_occurrence, order = SortedTimes.build(household, occurred, kind)

    crisis = kind == KIND["crise"]
    crises_by_recording, _ = SortedTimes.build(household[crisis], recorded[crisis])

    is_status = (kind == KIND["ouverture_accompagnement"]) | (
        kind == KIND["cloture_accompagnement"]
    )
    status, s_order = SortedTimes.build(household[is_status], occurred[is_status], kind[is_status])
    is_contact = (kind == KIND["entretien"]) | (kind == KIND["rdv_honore"])
    contacts, k_order = SortedTimes.build(household[is_contact], occurred[is_contact])
    return EventArrays(
        by_occurrence=by_occurrence,
        recorded=recorded[order],
        kind=kind[order],
        amount=amount[order],
        crises_by_recording=crises_by_recording,
        status=status,
        status_recorded=recorded[is_status][s_order],
        status_is_opening=(kind[is_status] == KIND["ouverture_accompagnement"])[s_order],
        contacts=contacts,
        contacts_recorded=recorded[is_contact][k_order],
    )


CHANNEL_CODES = {channel: i for i, channel in enumerate(CHANNELS)}
