"""Point-in-time features: no leakage, one code path, and agreement with a slow reference."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from features.build import LiveRequest, batch_features, online_features
from features.history import HISTORY_COLUMNS, History
from features.registry import FEATURE_NAMES
from features.vocabulary import EVENT_KINDS, SERVICES
from tests.features.reference_features import DAY, Event, Req, reference_row
from tests.support import live_requests

EPOCH = dt.datetime(2024, 1, 1)
HISTORY_FEATURES = [
    name
    for name in FEATURE_NAMES
    if name.startswith(
        (
            "requests_",
            "distinct_",
            "days_since",
            "repeat_",
            "open_requests",
            "reassignments",
            "complaints",
            "median_wait",
            "follow_up",
            "appointments",
            "aid_",
            "orientations",
            "crises",
            "need_requests",
            "amount_at_stake",
            "interviews",
        )
    )
    or name.endswith("_requests_90d")
]
# Texts of past and live requests: needs, amounts (several, thousands, ordinals), none.
TEXTS = [
    "demande",
    "Je dois 450 € de loyer à mon bailleur",
    "facture EDF de 1 250 euros, je suis au chômage",
    "colis alimentaire svp, il me reste 30e",
    "je suis malade, reste à charge 80,50 eur au 2e étage",
    "séparée depuis peu, plus rien à manger",
    "Bonjour, mon dossier MDPH",
]


def _ts(seconds: int) -> pd.Timestamp:
    return pd.Timestamp(EPOCH) + pd.Timedelta(seconds=seconds)


def _households_frame(ids: list[str]) -> pd.DataFrame:
    n = len(ids)
    return pd.DataFrame(
        {
            "household_id": ids,
            "composition": ["isole"] * n,
            "n_children": [0] * n,
            "age_band": ["25-39"] * n,
            "housing_status": ["locataire_prive"] * n,
            "income_band": ["faible"] * n,
            "digital_access": ["limite"] * n,
            **{
                f"benefit_{b}": [False] * n for b in ("rsa", "aah", "apl", "prime_activite", "aspa")
            },
        }
    )


def _requests_frame(requests: list[Req]) -> pd.DataFrame:
    def opt(value):
        return _ts(value) if value is not None else pd.NaT

    return pd.DataFrame(
        {
            "service_request_id": [f"R{i}" for i in range(len(requests))],
            "household_id": pd.Series([r.household for r in requests], dtype=object),
            "requested_datetime": pd.to_datetime([_ts(r.requested) for r in requests]),
            "assigned_datetime": pd.to_datetime([opt(r.assigned) for r in requests]),
            "first_response_datetime": pd.to_datetime([opt(r.first_response) for r in requests]),
            "closed_datetime": pd.to_datetime([opt(r.closed) for r in requests]),
            "initial_service_code": pd.Series([r.service for r in requests], dtype=object),
            "reassignment_count": np.array([r.reassignments for r in requests], dtype=np.int64),
            "complaint": np.array([r.complaint for r in requests], dtype=bool),
            "channel": ["guichet"] * len(requests),
            "description": [r.text for r in requests],
        }
    )


def _events_frame(events: list[Event]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "household_id": pd.Series([e.household for e in events], dtype=object),
            "occurred_at": pd.to_datetime([_ts(e.occurred) for e in events]),
            "recorded_at": pd.to_datetime([_ts(e.recorded) for e in events]),
            "kind": pd.Series([e.kind for e in events], dtype=object),
            "amount": np.array(
                [np.nan if e.amount is None else e.amount for e in events], dtype=float
            ),
        }
    )


# Times on a coarse grid (hours, within ~2 years) so that boundaries (exactly 30, 90 or 365
# days before t, events recorded exactly at t) are hit often.
HOUSEHOLDS = ["h_a", "h_b"]
instant = st.integers(min_value=0, max_value=2 * 365 * 24).map(lambda h: h * 3600)
delay = st.one_of(st.just(0), st.integers(0, 24 * 120).map(lambda h: h * 3600))


@st.composite
def request_records(draw) -> Req:
    requested = draw(instant)
    assigned = draw(st.one_of(st.none(), delay.map(lambda d: requested + d)))
    first = draw(st.one_of(st.none(), delay.map(lambda d: requested + d)))
    closed = draw(st.one_of(st.none(), delay.map(lambda d: requested + d)))
    return Req(
        household=draw(st.sampled_from(HOUSEHOLDS)),
        requested=requested,
        assigned=assigned,
        service=draw(st.sampled_from(SERVICES[:4])),
        first_response=first,
        closed=closed,
        reassignments=draw(st.integers(0, 2)),
        complaint=draw(st.booleans()),
        text=draw(st.sampled_from(TEXTS)),
    )


@st.composite
def event_records(draw) -> Event:
    occurred = draw(instant)
    kind = draw(st.sampled_from(EVENT_KINDS))
    amount = (
        draw(st.floats(0, 900, allow_nan=False).map(lambda a: round(a, 2)))
        if kind in ("aide_accordee", "aide_refusee")
        else None
    )
    return Event(
        household=draw(st.sampled_from(HOUSEHOLDS)),
        occurred=occurred,
        recorded=occurred + draw(delay),
        kind=kind,
        amount=amount,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    requests=st.lists(request_records(), max_size=12),
    events=st.lists(event_records(), max_size=25),
    queries=st.lists(
        st.tuples(st.sampled_from([*HOUSEHOLDS, "h_new"]), instant, st.sampled_from(TEXTS)),
        min_size=1,
        max_size=6,
    ),
)
def test_fast_features_equal_the_slow_reference(requests, events, queries):
    history = History.from_tables(
        _households_frame(HOUSEHOLDS), _requests_frame(requests), _events_frame(events)
    )
    live = [LiveRequest(h, _ts(t), "guichet", text) for h, t, text in queries]
    rows = online_features(live, history)
    for i, (household, t, text) in enumerate(queries):
        expected = reference_row(household, t, requests, events, text)
        for name in HISTORY_FEATURES:
            got = rows[name].iloc[i]
            want = expected[name]
            if isinstance(want, float) and np.isnan(want):
                assert np.isnan(got), (name, got)
            else:
                assert got == pytest.approx(want, rel=1e-12, abs=1e-9), (name, household, t)


# --- On the synthetic territory -------------------------------------------------------------


@pytest.fixture(scope="module")
def batch(small_territory) -> pd.DataFrame:
    return batch_features(small_territory.tables())


def test_the_batch_frame_has_every_registry_feature_once(batch, small_territory):
    assert list(batch.columns[3:]) == list(FEATURE_NAMES)
    assert len(batch) == len(small_territory.requests)
    assert batch["service_request_id"].is_unique


def test_online_rows_equal_batch_rows_on_500_random_requests(small_territory, batch):
    rng = np.random.default_rng(3)
    requests = small_territory.requests
    chosen = rng.choice(len(requests), 500, replace=False)
    households = small_territory.households.set_index("household_id", drop=False)
    by_household_requests = requests.groupby("household_id")
    by_household_events = small_territory.accompaniment_events.groupby("household_id")
    empty_events = small_territory.accompaniment_events.iloc[:0]
    for i in chosen:
        request = requests.iloc[i]
        hh = request["household_id"]
        # The household's history as it stands in the store: everything, past and future.
        history = History.from_tables(
            households.loc[[hh]],
            by_household_requests.get_group(hh),
            by_household_events.get_group(hh) if hh in by_household_events.groups else empty_events,
        )
        live = LiveRequest(
            hh,
            request["requested_datetime"],
            request["channel"],
            request["description"],
            request["service_request_id"],
        )
        online = online_features([live], history).iloc[0]
        expected = batch.iloc[i]
        pd.testing.assert_series_equal(online, expected, check_names=False)


def _rows_before(frame: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    return frame[frame["requested_datetime"] < cutoff].reset_index(drop=True)


def test_future_and_late_recorded_events_never_change_a_past_row(small_territory):
    tables = {k: v.copy() for k, v in small_territory.tables().items()}
    requests, events = tables["requests"], tables["accompaniment_events"]
    cutoff = requests["requested_datetime"].quantile(0.6)
    before = _rows_before(batch_features(tables, end=cutoff), cutoff)

    rng = np.random.default_rng(5)
    some = events.sample(400, random_state=1)
    later = some.assign(
        event_id=lambda f: "FUT" + f["event_id"],
        occurred_at=cutoff + pd.to_timedelta(rng.integers(0, 200 * DAY, len(some)), unit="s"),
    ).assign(recorded_at=lambda f: f["occurred_at"])
    # Occurred before the cutoff, recorded only after it: unknown at any t <= cutoff.
    late = some.assign(
        event_id=lambda f: "LATE" + f["event_id"],
        occurred_at=cutoff - pd.to_timedelta(rng.integers(1, 300 * DAY, len(some)), unit="s"),
        recorded_at=cutoff + pd.to_timedelta(rng.integers(0, 30 * DAY, len(some)), unit="s"),
    )
    late["kind"] = "crise"
    late["amount"] = np.nan
    late["crisis_kind"] = "expulsion"
    more_requests = requests.sample(300, random_state=2)
    shift = cutoff + pd.Timedelta(hours=1) - more_requests["requested_datetime"]
    more_requests = more_requests.assign(
        service_request_id=lambda f: "FUT" + f["service_request_id"],
        **{c: more_requests[c] + shift for c in requests.columns if c.endswith("_datetime")},
    )
    tables["accompaniment_events"] = pd.concat([events, later, late], ignore_index=True)
    tables["requests"] = pd.concat([requests, more_requests], ignore_index=True)
    after = _rows_before(batch_features(tables, end=cutoff), cutoff)
    pd.testing.assert_frame_equal(before, after)
    # The perturbation is real: the same rows computed as of later do see the new events.
    crises_now = batch_features(tables)["crises_total"].sum()
    assert crises_now > batch_features(small_territory.tables())["crises_total"].sum()


def test_a_late_recorded_event_counts_once_recorded():
    events = [Event("h_a", occurred=10 * DAY, recorded=40 * DAY, kind="rdv_manque", amount=None)]
    history = History.from_tables(
        _households_frame(["h_a"]), _requests_frame([]), _events_frame(events)
    )
    rows = online_features(
        [
            LiveRequest("h_a", _ts(20 * DAY), "guichet", "x"),
            LiveRequest("h_a", _ts(41 * DAY), "guichet", "x"),
        ],
        history,
    )
    assert rows["appointments_missed_90d"].tolist() == [0.0, 1.0]


def test_an_unknown_household_gets_empty_history_and_unknown_attributes(small_territory):
    history = History.from_tables(
        small_territory.households, small_territory.requests, small_territory.accompaniment_events
    )
    row = online_features(
        [
            LiveRequest(
                "h_" + "0" * 20,
                dt.datetime(2025, 6, 1, 10),
                "courriel",
                "Bonjour, je voudrais inscrire ma fille à la crèche",
            )
        ],
        history,
    ).iloc[0]
    assert row["requests_365d"] == 0 and np.isnan(row["days_since_last_request"])
    assert pd.isna(row["housing_status"]) and np.isnan(row["n_children"])
    assert row["channel"] == "courriel" and "creche" in row["text"]


def _as_read_from_a_store(frame: pd.DataFrame, table: str) -> dict[str, tuple]:
    """A table as the service reads it: one tuple of plain Python values per column
    (datetimes, None where missing), only the columns a History reads."""
    columns = {}
    for name in HISTORY_COLUMNS[table]:
        column = frame[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            values = [None if pd.isna(v) else v.to_pydatetime() for v in column]
        else:
            values = [None if pd.isna(v) else v for v in column.astype(object)]
        columns[name] = tuple(values)
    return columns


def test_a_history_from_plain_columns_gives_the_batch_rows(small_territory, batch):
    """The service builds a household's History from column tuples read from its store,
    not from frames: same rows as the batch frame."""
    rng = np.random.default_rng(11)
    requests = small_territory.requests
    events = small_territory.accompaniment_events
    households = small_territory.households
    for i in rng.choice(len(requests), 200, replace=False):
        request = requests.iloc[i]
        hh = request["household_id"]
        history = History.from_tables(
            _as_read_from_a_store(households[households["household_id"] == hh], "households"),
            _as_read_from_a_store(requests[requests["household_id"] == hh], "requests"),
            _as_read_from_a_store(events[events["household_id"] == hh], "accompaniment_events"),
        )
        live = LiveRequest(
            hh,
            request["requested_datetime"].to_pydatetime(),
            request["channel"],
            request["description"],
            request["service_request_id"],
        )
        online = online_features([live], history).iloc[0]
        pd.testing.assert_series_equal(online, batch.iloc[i], check_names=False)


def test_a_batch_history_from_plain_columns_gives_the_batch_rows(small_territory, batch):
    """A call's live requests share one History built from their households' column tuples,
    as the service reads them (readings stored for the past requests, none for the live
    ones): batch-sized columns take the fast paths for many values (codes, times, texts
    read in Arrow). Same rows as the batch frame."""
    from features.signals import read_texts
    from features.text import ARROW_BATCH

    rng = np.random.default_rng(12)
    requests = small_territory.requests
    chosen = np.sort(rng.choice(len(requests), 700, replace=False))
    ids = requests["household_id"].iloc[chosen].unique()
    own = requests[requests["household_id"].isin(ids)]
    events = small_territory.accompaniment_events
    households = small_territory.households
    columns = _as_read_from_a_store(own, "requests")
    _, needs, amounts = read_texts(own["description"].to_numpy(dtype=object))
    live = own["service_request_id"].isin(requests["service_request_id"].iloc[chosen]).to_numpy()
    columns["text_needs"] = tuple(None if k else int(n) for k, n in zip(live, needs, strict=True))
    columns["text_amount"] = tuple(
        None if k or np.isnan(a) else float(a) for k, a in zip(live, amounts, strict=True)
    )
    assert live.sum() == len(chosen) >= ARROW_BATCH and len(own) > 2 * len(chosen)
    history = History.from_tables(
        _as_read_from_a_store(households[households["household_id"].isin(ids)], "households"),
        columns,
        _as_read_from_a_store(events[events["household_id"].isin(ids)], "accompaniment_events"),
    )
    frame = online_features(live_requests(requests.iloc[chosen]), history)
    expected = batch.iloc[chosen].reset_index(drop=True)
    pd.testing.assert_frame_equal(frame, expected, check_names=False)


def test_model_input_values_are_model_inputs_without_a_frame(small_territory, batch):
    from features.build import model_input_values, model_inputs, online_values

    history = History.from_tables(
        small_territory.households, small_territory.requests, small_territory.accompaniment_events
    )
    requests = small_territory.requests.sample(300, random_state=4)
    live = [
        LiveRequest(r.household_id, r.requested_datetime, r.channel, r.description)
        for r in requests.itertuples()
    ]
    expected = model_inputs(online_features(live, history), FEATURE_NAMES)
    got = model_input_values(online_values(live, history), FEATURE_NAMES)
    assert list(got) == list(FEATURE_NAMES)
    for name in FEATURE_NAMES:
        want = expected[name].to_numpy()
        assert got[name].dtype == want.dtype, name
        if want.dtype == object:
            assert got[name].tolist() == want.tolist(), name
        else:
            np.testing.assert_array_equal(got[name], want, err_msg=name)


def test_side_by_side_building_and_chunks_give_the_same_frame(small_territory, batch, monkeypatch):
    """Large territories build their tables side by side and compute in chunks: lowered
    thresholds make the small territory take those paths."""
    import features.history

    monkeypatch.setattr(features.history, "PARALLEL_ROWS", 0)
    frame = batch_features(small_territory.tables(), chunk=700)
    pd.testing.assert_frame_equal(frame, batch)
