"""False alarms: two samples of the unchanged generator, 20 seeded runs of the drift checks,
raise an alert in at most one run."""

from __future__ import annotations

import pandas as pd
import pytest

pytestmark = pytest.mark.xdist_group("serving")

RUNS = 20
WEEK_ROWS = 110  # a week of the small territory


def test_unchanged_samples_raise_at_most_one_alert_in_twenty(
    registry_uri, small_territory, monitor_settings, tmp_path
):
    from serving.monitoring import checks
    from serving.monitoring.reference import load_reference

    reference = load_reference(registry_uri)
    settings = monitor_settings(tmp_path)
    requests = small_territory.requests
    period = requests["requested_datetime"] >= reference.test_start
    texts = requests.loc[period, "description"].reset_index(drop=True)
    alerts = []
    for seed in range(RUNS):
        current = reference.sample.sample(WEEK_ROWS, random_state=seed)
        rest = reference.sample.drop(current.index)
        current_texts = texts.sample(WEEK_ROWS, random_state=seed)
        results = [
            checks.data_drift(rest, current.reset_index(drop=True), settings, render=False),
            checks.prediction_drift(
                rest, current.rename(columns={"route": "routed_service"}), settings, render=False
            ),
            checks.text_drift(texts.drop(current_texts.index), current_texts, settings, False),
        ]
        assert all(r.status != "not_enough_data" for r in results)
        alerts.append([r.name for r in results if r.status == "fail"])
    assert sum(bool(a) for a in alerts) <= 1, alerts
    # The same checks are not blind: the shifted sample below is caught.
    online = current.assign(channel=pd.Categorical(["formulaire_web"] * WEEK_ROWS))
    shifted = checks.data_drift(rest, online.reset_index(drop=True), settings, render=False)
    assert shifted.status == "fail"
