"""What automatic routing would have changed over a chosen period, with its uncertainty.

The champion router (loaded from the MLflow registry as the service loads it) routes the
period's requests from their features as of their arrival (the batch feature path). The
counterfactual, per request:

- the router abstains: the request goes to the front desk as it did; nothing changes;
- it routes to the service that finally handled the request: its reassignments are avoided;
- it routes elsewhere while the front desk had it right: one reassignment is added;
- both were wrong: nothing changes (it would still be reassigned).

The delay saved is the net number of reassignments avoided times the days one
reassignment adds (``delays.reassignment_cost``). Uncertainty: a Poisson bootstrap over the
period's requests, with the cost drawn from its estimate and standard error in each
replicate; intervals are the 2.5 and 97.5 percentiles.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy import select

from features.build import batch_features, model_inputs
from features.decisions import route
from serving import db
from serving.improvement.delays import ReassignmentCost
from serving.store import Store, typed_frame

if TYPE_CHECKING:  # the scoring stack (MLflow) is imported only when a router is loaded
    from serving.models import RouterModel

TABLES = ("households", "requests", "accompaniment_events")


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float


@dataclass(frozen=True)
class RoutingGain:
    start: pd.Timestamp
    end: pd.Timestamp
    requests: int  # requests of the period with a household, a front-desk and a final service
    routed_requests: int  # of those, how many were routed (all, or a uniform sample)
    router_version: str
    routed_share: Estimate  # routed by the router itself (no abstention)
    routed_accuracy: Estimate  # of those, sent to the service that finally handled them
    reassignments_now: int  # reassignments the period's requests went through
    avoided: Estimate
    added: Estimate
    net_avoided: Estimate
    days_saved: Estimate  # in all, over the period
    days_saved_per_request: Estimate
    replicates: int

    def as_rows(self) -> pd.DataFrame:
        """The figures as a table (for CSV and the page)."""
        rows = [
            ("routed_share", self.routed_share),
            ("routed_accuracy", self.routed_accuracy),
            ("reassignments_avoided", self.avoided),
            ("reassignments_added", self.added),
            ("net_reassignments_avoided", self.net_avoided),
            ("days_saved", self.days_saved),
            ("days_saved_per_request", self.days_saved_per_request),
        ]
        return pd.DataFrame(
            [{"figure": n, "value": e.value, "low": e.low, "high": e.high} for n, e in rows]
        )


def load_champion_router(tracking_uri: str, alias: str = "champion") -> RouterModel:
    """The router the alias names, loaded as serving loads it. A SQLite registry that does
    not exist is an error, not a new empty registry."""
    import mlflow
    from mlflow import MlflowClient
    from sqlalchemy import make_url

    from serving.models import load_router

    if tracking_uri.startswith("sqlite:"):
        path = make_url(tracking_uri).database
        if not path or not Path(path).exists():
            raise FileNotFoundError(f"no MLflow registry at {tracking_uri}")

    mlflow.set_tracking_uri(tracking_uri)
    return load_router(MlflowClient(tracking_uri), alias)


def store_tables(store: Store, territory: str | None = None) -> dict[str, pd.DataFrame]:
    """The store's households, requests and accompaniment events (of one territory)."""
    out = {}
    with store.engine.connect() as connection:
        for name in TABLES:
            table = db.metadata.tables[name]
            statement = select(table)
            if territory is not None:
                households = select(db.households.c.household_id).where(
                    db.households.c.territory == territory
                )
                statement = statement.where(table.c.household_id.in_(households))
            out[name] = typed_frame(table, connection.execute(statement).all())
    requests = out["requests"].drop(columns="source")
    out["requests"] = requests.astype(
        {"reassignment_count": "int64", "complaint": bool, "description": str, "channel": str}
    )
    return out


def _eligible(requests: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The period's requests the counterfactual can read: a household (for features), the
    front desk's first service and the final one."""
    received = requests["requested_datetime"]
    return requests[
        (received >= start)
        & (received < end)
        & requests["household_id"].notna()
        & requests["initial_service_code"].notna()
        & requests["service_code"].notna()
    ]


def _households_tables(tables: dict, households: np.ndarray, end: pd.Timestamp) -> dict:
    """Only these households, and what precedes the period's end: features read nothing
    else."""
    requests = tables["requests"]
    keep = tables["households"]["household_id"].isin(households)
    mine = requests["household_id"].isin(households) & (requests["requested_datetime"] < end)
    events = tables["accompaniment_events"]
    return {
        "households": tables["households"][keep],
        "requests": requests[mine],
        "accompaniment_events": events[events["household_id"].isin(households)],
    }


def _interval(replicates: np.ndarray, value: float) -> Estimate:
    low, high = np.nanpercentile(replicates, [2.5, 97.5])
    return Estimate(float(value), float(low), float(high))


def routing_gain(
    tables: dict[str, pd.DataFrame],
    router: RouterModel,
    cost: ReassignmentCost,
    start: pd.Timestamp,
    end: pd.Timestamp,
    replicates: int = 500,
    seed: int = 0,
    max_requests: int = 5_000,
) -> RoutingGain | None:
    """The counterfactual of the module docstring over [start, end); None when the period
    holds no request with both a front-desk and a final service. Beyond ``max_requests``,
    a uniform sample of them is routed (features read each sampled household's whole
    history) and the totals are scaled to the period; the bootstrap over the sample
    carries the sampling error into the intervals."""
    eligible = _eligible(tables["requests"], start, end)
    if eligible.empty:
        return None
    rng = np.random.default_rng(seed)
    rows = eligible
    if len(eligible) > max_requests:
        rows = eligible.iloc[np.sort(rng.choice(len(eligible), max_requests, replace=False))]
    sub = _households_tables(tables, rows["household_id"].unique(), end)
    features = batch_features(sub, start, end).set_index("service_request_id", drop=False)
    features = features.loc[rows["service_request_id"].to_numpy()]
    routes = route(
        router.predict_proba(model_inputs(features, router.features)),
        router.classes,
        router.thresholds,
    )
    service = np.array([r.service for r in routes], dtype=object)
    routed = ~np.array([r.abstained for r in routes], dtype=bool)
    final = rows["service_code"].to_numpy(dtype=object)
    front_right = rows["initial_service_code"].to_numpy(dtype=object) == final
    moves = rows["reassignment_count"].to_numpy(dtype=np.float64)
    correct = routed & (service == final)
    avoided = np.where(correct, moves, 0.0)
    added = (routed & ~correct & front_right & (moves == 0)).astype(np.float64)

    weights = rng.poisson(1.0, (replicates, len(rows))).astype(np.float64)
    total = weights.sum(axis=1)
    routed_w = weights @ routed
    net_b = weights @ (avoided - added)
    cost_b = rng.normal(cost.days, cost.standard_error, replicates)
    n, scale = len(rows), len(eligible) / len(rows)
    net = float((avoided - added).sum())
    return RoutingGain(
        start=start,
        end=end,
        requests=len(eligible),
        routed_requests=n,
        router_version=router.version,
        routed_share=_interval(routed_w / total, routed.mean()),
        routed_accuracy=_interval(
            (weights @ correct) / np.where(routed_w > 0, routed_w, np.nan),
            correct.sum() / max(routed.sum(), 1),
        ),
        reassignments_now=int(eligible["reassignment_count"].sum()),
        avoided=_interval(scale * (weights @ avoided), scale * avoided.sum()),
        added=_interval(scale * (weights @ added), scale * added.sum()),
        net_avoided=_interval(scale * net_b, scale * net),
        days_saved=_interval(scale * net_b * cost_b, scale * net * cost.days),
        days_saved_per_request=_interval(net_b * cost_b / total, net * cost.days / n),
        replicates=replicates,
    )
