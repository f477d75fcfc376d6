"""The loop: the cron-friendly command, the in-service cadence, alerts resolved by a later
pass, and retraining after a service reorganisation."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from typer.testing import CliRunner

from tests.conftest import QUICK
from tests.serving.monitoring.scenario import open_store

pytestmark = pytest.mark.xdist_group("serving")


def test_the_cadence_runs_only_when_the_last_run_is_old_enough(tmp_path, monitor_settings):
    from serving.monitoring.records import save_run
    from serving.monitoring.scheduler import MonitorSchedule
    from tests.serving.monitoring.test_records import run_row as _row

    store = open_store(tmp_path / "aiguillage.db")
    daily = MonitorSchedule(store, monitor_settings(tmp_path, monitor_every_hours=24))
    assert daily.due()
    save_run(store, _row("a", "pass"), {}, [])
    assert not daily.due() and not daily.tick()
    hourly = MonitorSchedule(store, monitor_settings(tmp_path, monitor_every_hours=1e-9))
    assert hourly.due()


def test_monitor_command_for_cron(week_copy, registry_uri, monkeypatch):
    """Exit 0 when nothing fails (here: a window without predictions gives no verdict)."""
    import aiguillage

    folder = week_copy(None)
    monkeypatch.setenv("AIGUILLAGE_MLFLOW_TRACKING_URI", registry_uri)
    runner = CliRunner()
    args = ["monitor", "run", "--data-dir", str(folder)]
    result = runner.invoke(
        aiguillage.app, [*args, "--since", "2024-01-01", "--until", "2024-01-08"]
    )
    assert result.exit_code == 0, result.output
    assert "not_enough_data" in result.output
    result = runner.invoke(
        aiguillage.app, [*args, "--since", "2024-01-08", "--until", "2024-01-01"]
    )
    assert result.exit_code == 1


def test_retraining_after_a_reorganisation_recovers_router_accuracy(
    registry_uri, tmp_path, monkeypatch
):
    """The champion was trained before a reorganisation; the store then holds two years of
    the new organisation. `retrain` (labels from the reorganisation on) trains
    challengers, compares them with the champion on the same recent period and promotes the
    router; its accuracy is back within 0.02 of the champion's before the shift."""
    import aiguillage
    from serving.db import make_engine
    from serving.migrate import upgrade
    from serving.store import Store
    from tests.serving.monitoring.conftest import shifted_tables
    from training.config import ROUTER_MODEL, TrainConfig
    from training.tracking import CHAMPION, version_for

    source = registry_uri.removeprefix("sqlite:///")
    registry = tmp_path / "mlflow"
    shutil.copytree(type(tmp_path)(source).parent, registry)  # the champion, and its registry
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    reorganised = dt.datetime(2024, 1, 1)
    engine = make_engine(f"sqlite:///{tmp_path / 'aiguillage.db'}")
    upgrade(engine)
    tables = shifted_tables("reorganisation", reorganised)
    Store(engine).load_tables({k: v for k, v in tables.items() if k != "outcomes"})
    engine.dispose()
    before = aiguillage_reference_accuracy(f"sqlite:///{registry / 'mlflow.db'}")

    result = aiguillage.retrain_from_store(
        tmp_path,
        labels_from=reorganised,
        config=TrainConfig.model_validate(QUICK),
        cards_dir=tmp_path / "cards",
    )
    router = next(d for d in result.decisions if d.model == ROUTER_MODEL)
    assert router.promoted and router.champion_score < router.challenger_score - 0.05
    after = result.training.metrics["router_accuracy"]
    assert after >= before - 0.02, (before, after)
    assert str(version_for(ROUTER_MODEL, CHAMPION).version) == result.training.router_version


def aiguillage_reference_accuracy(uri: str) -> float:
    from serving.monitoring.reference import load_reference

    return load_reference(uri).metrics["router_accuracy"]
