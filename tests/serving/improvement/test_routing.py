"""What automatic routing would change: the champion router from a real MLflow registry,
checked against the registry's own estimator on the full batch feature path."""

from __future__ import annotations

import mlflow
import numpy as np
import pytest

from features.build import batch_features, model_inputs
from serving.config import ROUTER_MODEL
from serving.improvement.delays import reassignment_cost
from serving.improvement.report import default_period
from serving.improvement.routing import load_champion_router, routing_gain

pytestmark = pytest.mark.xdist_group("serving")


@pytest.fixture(scope="module")
def gain_inputs(registry_uri, territory_tables, small_cases):
    router = load_champion_router(registry_uri)
    cost = reassignment_cost(small_cases)
    start, end = default_period(small_cases)
    return router, cost, start, end


def test_gain_matches_the_registry_estimator(gain_inputs, territory_tables, registry_uri):
    router, cost, start, end = gain_inputs
    gain = routing_gain(territory_tables, router, cost, start, end, replicates=300)

    # Independently: the logged estimator itself, on features of the whole territory.
    mlflow.set_tracking_uri(registry_uri)
    estimator = mlflow.sklearn.load_model(f"models:/{ROUTER_MODEL}@champion")
    frame = batch_features(territory_tables, start, end)
    probabilities = estimator.predict_proba(model_inputs(frame, router.features))
    best = probabilities.argmax(axis=1)
    classes = np.asarray(router.classes, dtype=object)
    thresholds = np.array([router.thresholds.get(c, 2.0) for c in classes])
    routed = probabilities.max(axis=1) >= thresholds[best]
    requests = territory_tables["requests"].set_index("service_request_id")
    rows = requests.loc[frame["service_request_id"]]
    correct = routed & (classes[best] == rows["service_code"].to_numpy())
    moves = rows["reassignment_count"].to_numpy()

    assert gain.requests == len(frame) > 300
    assert gain.routed_share.value == pytest.approx(routed.mean())
    assert gain.avoided.value == moves[correct].sum()
    assert gain.reassignments_now == moves.sum()
    assert gain.net_avoided.value == gain.avoided.value - gain.added.value
    assert gain.days_saved.value == pytest.approx(gain.net_avoided.value * cost.days)


def test_intervals_hold_the_estimate_and_repeat_with_the_seed(gain_inputs, territory_tables):
    router, cost, start, end = gain_inputs
    first = routing_gain(territory_tables, router, cost, start, end, replicates=300, seed=4)
    again = routing_gain(territory_tables, router, cost, start, end, replicates=300, seed=4)
    assert first == again
    for estimate in (first.routed_share, first.avoided, first.net_avoided, first.days_saved):
        assert estimate.low <= estimate.value <= estimate.high
        assert estimate.low < estimate.high
    # A competent router on a territory where one request in six is misrouted saves time.
    assert first.net_avoided.low > 0 and first.days_saved.low > 0
    assert 0.5 < first.routed_share.value <= 1.0


def test_a_period_without_requests_gives_nothing(gain_inputs, territory_tables):
    import pandas as pd

    router, cost, _, _ = gain_inputs
    assert (
        routing_gain(
            territory_tables, router, cost, pd.Timestamp("1990-01-01"), pd.Timestamp("1990-02-01")
        )
        is None
    )


def test_a_sample_of_the_period_estimates_the_whole(gain_inputs, territory_tables):
    router, cost, start, end = gain_inputs
    full = routing_gain(territory_tables, router, cost, start, end, replicates=300)
    sampled = routing_gain(
        territory_tables, router, cost, start, end, replicates=300, max_requests=200
    )
    assert sampled.requests == full.requests > 200 == sampled.routed_requests
    assert sampled.reassignments_now == full.reassignments_now
    for name in ("routed_share", "net_avoided", "days_saved"):
        estimate, truth = getattr(sampled, name), getattr(full, name).value
        assert estimate.low <= truth <= estimate.high
        assert estimate.high - estimate.low > getattr(full, name).high - getattr(full, name).low
