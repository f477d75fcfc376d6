"""Point-in-time features (issue targets: 1,000,000 requests and 3,000,000 events in under
30 s and 6 GiB on 2 cores, not slower than a DuckDB SQL reference; one online row with a
200-event history in under 1 ms at the median)."""

from __future__ import annotations

from benchmarks.harness import Measurement, measure

_BATCH = """
from benchmarks.territory import load_1m_with_3m_events
from features.build import batch_features
from features.history import History
import time
tables = load_1m_with_3m_events()
started = time.perf_counter()
history = History.from_tables(tables["households"], tables["requests"],
                              tables["accompaniment_events"])
frame = batch_features(tables, history=history)
seconds = time.perf_counter() - started
EXTRA = {"rows": len(frame), "events": len(tables["accompaniment_events"]),
          "features_seconds": round(seconds, 2)}
"""

# History features alone: texts are not read (a stub says no need and no amount), on both
# sides, so that the SQL reference and ours time the same work.
_UNREAD = """
import numpy as np
def unread(texts, arrow=False):
    texts = np.asarray(texts, dtype=object)
    return texts, np.zeros(len(texts), np.uint8), np.full(len(texts), np.nan)
"""

_DUCKDB = (
    _UNREAD
    + """
from benchmarks.territory import load_1m_with_3m_events
from benchmarks.duckdb_reference import duckdb_features
import time
tables = load_1m_with_3m_events()
started = time.perf_counter()
frame = duckdb_features(tables, threads={threads}, read=unread)
EXTRA = {{"rows": len(frame), "features_seconds": round(time.perf_counter() - started, 2)}}
"""
)

_NO_TEXT = (
    _UNREAD
    + """
from benchmarks.territory import load_1m_with_3m_events
import features.history
from features.build import batch_features
from features.history import History
import time
features.history.read_texts = unread
tables = load_1m_with_3m_events()
started = time.perf_counter()
history = History.from_tables(tables["households"], tables["requests"],
                              tables["accompaniment_events"])
frame = batch_features(tables, history=history)
EXTRA = {"rows": len(frame), "features_seconds": round(time.perf_counter() - started, 2)}
"""
)

_ONLINE = """
import datetime as dt, statistics, time
import numpy as np, pandas as pd
from features.build import LiveRequest, online_features, online_values
from features.history import History
from features.vocabulary import EVENT_KINDS
rng = np.random.default_rng(0)
hh = "h_" + "ab" * 10
start = pd.Timestamp("2024-01-01")
occurred = start + pd.to_timedelta(np.sort(rng.integers(0, 700 * 86400, 200)), unit="s")
kinds = rng.choice([k for k in EVENT_KINDS if k != "crise"], 200)
events = pd.DataFrame({"household_id": hh, "occurred_at": occurred,
    "recorded_at": occurred + pd.to_timedelta(rng.integers(0, 5 * 86400, 200), unit="s"),
    "kind": kinds, "amount": np.where(np.isin(kinds, ["aide_accordee", "aide_refusee"]),
                                      150.0, np.nan)})
arrived = start + pd.to_timedelta(np.sort(rng.integers(0, 700 * 86400, 20)), unit="s")
texts = rng.choice(["Je dois 450 € de loyer", "facture EDF de 320 euros", "colis svp",
                    "carte d'identité"], 20)
requests = pd.DataFrame({"household_id": hh, "requested_datetime": arrived,
    "description": texts,
    "assigned_datetime": arrived + pd.Timedelta(hours=2),
    "first_response_datetime": arrived + pd.Timedelta(days=2),
    "closed_datetime": arrived + pd.Timedelta(days=9), "initial_service_code": "logement",
    "reassignment_count": 0, "complaint": False})
households = pd.DataFrame({"household_id": [hh], "composition": ["famille"], "n_children": [2],
    "age_band": ["25-39"], "housing_status": ["locataire_social"], "income_band": ["faible"],
    "digital_access": ["limite"], "benefit_rsa": [True], "benefit_aah": [False],
    "benefit_apl": [True], "benefit_prime_activite": [False], "benefit_aspa": [False]})
live = [LiveRequest(hh, dt.datetime(2025, 12, 1, 10), "courriel",
                    "Bonjour, je ne peux plus payer mon loyer de 650 euros depuis mars.")]
history = History.from_tables(households, requests, events)
def timed(call, repeat):
    for _ in range(100):
        call()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter(); call(); times.append(time.perf_counter() - t0)
    times.sort()
    return round(times[len(times) // 2] * 1000, 3), round(times[int(0.99 * len(times))] * 1000, 3)
values_p50, values_p99 = timed(lambda: online_values(live, history), 3000)
frame_p50, _ = timed(lambda: online_features(live, history), 1000)
rebuilt_p50, _ = timed(
    lambda: online_values(live, History.from_tables(households, requests, events)), 500)
EXTRA = {"row_p50_ms": values_p50, "row_p99_ms": values_p99, "as_dataframe_p50_ms": frame_p50,
         "incl_history_from_dataframes_p50_ms": rebuilt_p50}
"""


def run(quick: bool = False) -> list[Measurement]:
    results = [measure("online row, 200-event history", _ONLINE)]
    if quick:
        return results
    ours = measure("features 1M requests + 3M events (ours)", _BATCH)
    no_text = measure("features 1M + 3M, history only (ours)", _NO_TEXT)
    duck = measure(
        "features 1M + 3M, history only (DuckDB SQL, 2 threads)", _DUCKDB.format(threads=2)
    )
    ratio = duck.extra["features_seconds"] / no_text.extra["features_seconds"]
    no_text.extra["duckdb_over_ours"] = round(ratio, 2)
    return [*results, ours, no_text, duck]
