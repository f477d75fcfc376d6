"""The router: one shared input step, candidates reading their blocks, temperature
scaling that keeps every service, and inputs a serving layer can send."""

from __future__ import annotations

import numpy as np
import pytest

from tests.training.frames import router_frame
from training.config import RouterConfig
from training.pipeline import _inputs_for_signature
from training.router import ROUTER_FEATURES, fit_routers

CONFIG = RouterConfig(candidates=("linear", "lightgbm"), lgbm_rounds=15)


@pytest.fixture(scope="module")
def fitted():
    frame, label = router_frame(1_200, seed=5)
    label.iloc[:30] = "seasonal"  # a service of the start of training only
    frame.loc[:29, "text"] = "neige deneigement verglas"
    routers = fit_routers(
        CONFIG.candidates, CONFIG, frame.iloc[:720], label.iloc[:720], frame.iloc[720:960],
        label.iloc[720:960],
    )  # fmt: skip
    return routers, frame.iloc[960:].reset_index(drop=True), label.iloc[960:].to_numpy()


def test_candidates_share_one_fitted_input_step(fitted) -> None:
    routers, _, _ = fitted
    linear, lightgbm = routers["linear"].model, routers["lightgbm"].model
    assert linear.named_steps["inputs"] is lightgbm.named_steps["inputs"]
    blocks = linear.named_steps["inputs"].output_indices_
    read = {
        kind: set(router.model.named_steps["select"].transformers_[0][2])
        for kind, router in routers.items()
    }
    numbers = set(range(blocks["numbers"].start, blocks["numbers"].stop))
    assert not read["linear"] & numbers  # the linear model reads no count, no calendar
    assert numbers <= read["lightgbm"]


def test_a_service_absent_from_the_calibration_half_is_kept(fitted) -> None:
    routers, test, _ = fitted
    for router in routers.values():
        assert "seasonal" in router.classes
        proba = router.predict_proba(test)
        assert proba.shape == (len(test), 4)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-9)
        assert router.extra["temperature"] > 0


def test_the_linear_router_reads_no_calendar(fitted) -> None:
    """No extrapolation into a month a time split never saw, no noise from hours."""
    routers, test, _ = fitted
    later = test.assign(month=12.0, hour=23.0, weekday=6.0)  # never seen in training
    np.testing.assert_array_equal(
        routers["linear"].predict_proba(later), routers["linear"].predict_proba(test)
    )


def test_routers_learn_the_services_from_the_text(fitted) -> None:
    routers, test, truth = fitted
    for router in routers.values():
        predicted = np.asarray(router.classes, dtype=object)[
            router.predict_proba(test).argmax(axis=1)
        ]
        assert (predicted == truth).mean() > 0.7


def test_the_logged_router_takes_what_serving_sends(fitted) -> None:
    """Categories as plain strings (or None), booleans as floats, an hour never seen."""
    routers, test, _ = fitted
    sent = _inputs_for_signature(test[list(ROUTER_FEATURES)])
    sent.loc[0, "hour"] = 3.0
    sent.loc[1, "channel"] = None
    for router in routers.values():
        proba = router.model.predict_proba(sent)
        np.testing.assert_allclose(proba[2:], router.predict_proba(test)[2:], rtol=1e-6, atol=1e-9)
        assert np.isfinite(proba[:2]).all()
