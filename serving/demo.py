"""The demo: a territory's history in the store up to a cut-off, and the held-out period
after it streamed through the HTTP API, as an intake system would send it."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from sklearn.metrics import roc_auc_score

from features.tables import read_tables

# A retried request waits up to about 30 s in all: long enough for a restart.
RETRY_SECONDS = 180.0  # a request is retried this long (a restarting service loads models)


# The held-out period ends this long before the territory's last request, so that every
# replayed request's 90-day outcome is known and the replay can report the risk AUC.
LABEL_WINDOW = pd.Timedelta(days=91)


def holdout_start(requests: pd.DataFrame, days: int) -> pd.Timestamp:
    """Start of the held-out period of ``days`` days (at midnight), which ends a full
    outcome window before the last request."""
    last = pd.Timestamp(requests["requested_datetime"].max())
    return (last - LABEL_WINDOW - pd.Timedelta(days=days)).normalize()


def history_before(tables: dict[str, pd.DataFrame], cutoff: pd.Timestamp) -> dict:
    """What the authority knew at the cut-off: requests received and events recorded
    before it (later lifecycle times are left: features only read what precedes t)."""
    requests = tables["requests"]
    events = tables["accompaniment_events"]
    return {
        "households": tables["households"],
        "requests": requests[requests["requested_datetime"] < cutoff],
        "accompaniment_events": events[events["recorded_at"] < cutoff],
    }


@dataclass
class ReplayFigures:
    sent: int = 0
    failed: int = 0
    answers: list[dict] = field(default_factory=list)
    truth: pd.DataFrame | None = None
    seconds: float = 0.0

    def metrics(self) -> dict[str, float]:
        answered = pd.DataFrame(
            {
                "source_id": [a["source_id"] for a in self.answers],
                "service": [a["route"]["service"] for a in self.answers],
                "abstained": [a["route"]["abstained"] for a in self.answers],
                "risk": [a["risk"] for a in self.answers],
            }
        )
        if answered.empty:
            return {}
        joined = answered.merge(self.truth, left_on="source_id", right_on="service_request_id")
        routed = joined[~joined["abstained"]]
        out = {
            "coverage": float(1 - joined["abstained"].mean()),
            "routed_accuracy": float((routed["service"] == routed["service_code"]).mean())
            if len(routed)
            else float("nan"),
        }
        labelled = joined[joined["window_complete"] & joined["risk"].notna()]
        labels = labelled["crisis_within_90d"].astype(int)
        out["risk_auc"] = (
            float(roc_auc_score(labels, labelled["risk"])) if labels.nunique() == 2 else np.nan
        )
        return out

    def summary(self) -> str:
        m = self.metrics()
        rate = self.sent / self.seconds if self.seconds else 0.0
        return (
            f"{self.sent} requests sent in {self.seconds:.1f} s ({rate:.0f}/s), "
            f"{self.failed} failed. Through the API: coverage {m.get('coverage', np.nan):.1%}, "
            f"accuracy of routed requests {m.get('routed_accuracy', np.nan):.3f}, "
            f"risk AUC {m.get('risk_auc', np.nan):.3f}."
        )


def held_out(data: Path, holdout_days: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    tables = read_tables(data, ("requests", "outcomes"))
    requests = tables["requests"]
    start = holdout_start(requests, holdout_days)
    end = start + pd.Timedelta(days=holdout_days)
    times = requests["requested_datetime"]
    period = requests[(times >= start) & (times < end)].sort_values("requested_datetime")
    truth = period[["service_request_id", "service_code"]].merge(
        tables["outcomes"], on="service_request_id", how="left"
    )
    truth["window_complete"] = truth["window_complete"].fillna(False).astype(bool)
    return period, truth


def payload(row) -> dict:
    return {
        "household_id": row.household_id,
        "channel": row.channel,
        "description": row.description,
        "received_at": row.requested_datetime.isoformat(),
    }


def replay(
    url: str,
    key: str,
    data: Path,
    holdout_days: int,
    rate: float,
    limit: int | None,
    concurrency: int,
    console: Console | None = None,
) -> ReplayFigures:
    period, truth = held_out(data, holdout_days)
    rows = (
        list(period.head(limit).itertuples(index=False))
        if limit
        else list(period.itertuples(index=False))
    )
    figures = ReplayFigures(truth=truth)
    lock = threading.Lock()
    start = time.perf_counter()
    with (
        httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=30) as client,
        Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        ) as progress,
    ):
        task = progress.add_task("Rejeu", total=len(rows))

        def send(i_row) -> None:
            i, row = i_row
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            answer = None
            give_up = time.monotonic() + RETRY_SECONDS
            attempt = 0
            # The same Idempotency-Key makes retries safe.
            while answer is None and time.monotonic() < give_up:
                attempt += 1
                try:
                    response = client.post(
                        "/v1/triage",
                        json=payload(row),
                        headers={"Idempotency-Key": f"replay-{row.service_request_id}"},
                    )
                    if response.status_code == 200:
                        answer = response.json()
                        break
                except httpx.TransportError:
                    pass
                time.sleep(min(2.0, 0.2 * attempt))
            with lock:
                figures.sent += 1
                if answer is None:
                    figures.failed += 1
                else:
                    answer["source_id"] = row.service_request_id
                    figures.answers.append(answer)
            progress.advance(task)

        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(send, enumerate(rows)))
    figures.seconds = time.perf_counter() - start
    return figures
