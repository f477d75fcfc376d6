"""The serving commands: keys, store, serve check."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from aiguillage import app

pytestmark = pytest.mark.xdist_group("serving")
runner = CliRunner()


def test_keys_create_prints_a_working_key_once(tmp_path):
    from serving.db import make_engine
    from serving.security import authenticate
    from serving.store import Store

    result = runner.invoke(
        app, ["keys", "create", "--role", "social_worker", "--territory", "sud",
              "--data-dir", str(tmp_path)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    key = result.output.strip()
    store = Store(make_engine(f"sqlite:///{tmp_path / 'aiguillage.db'}"))
    principal = authenticate(store, key)
    assert principal.role == "social_worker" and principal.territory == "sud"
    with store.engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT secret_hash FROM api_keys").scalar_one()
    assert key.split("_", 2)[2] not in stored  # only a hash is kept


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--role", "boss"], "unknown role"),
        (["--role", "social_worker"], "needs a territory"),
    ],
)
def test_keys_create_refuses_bad_options(tmp_path, arguments, message):
    result = runner.invoke(app, ["keys", "create", *arguments, "--data-dir", str(tmp_path)])
    assert result.exit_code == 2 and message in result.output


def test_keys_demo_makes_one_key_per_role_and_reuses_them(tmp_path):
    first = runner.invoke(app, ["keys", "demo", "--data-dir", str(tmp_path)])
    again = runner.invoke(app, ["keys", "demo", "--data-dir", str(tmp_path)])
    assert first.exit_code == 0 and first.output == again.output
    roles = [line.split()[0] for line in first.output.splitlines()]
    assert roles == ["intake", "social_worker", "data_scientist", "manager", "admin"]
    assert oct((tmp_path / "secrets" / "demo-keys.json").stat().st_mode)[-3:] == "600"


def test_store_load_keeps_the_holdout_out_and_loads_once(tmp_path, small_territory_dir):
    from serving.db import make_engine
    from serving.store import Store

    arguments = ["store", "load", "--data", str(small_territory_dir), "--holdout-days", "30",
                 "--data-dir", str(tmp_path)]  # fmt: skip
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0 and "history before" in result.output
    store = Store(make_engine(f"sqlite:///{tmp_path / 'aiguillage.db'}"))
    loaded = store.count("requests")
    assert loaded > 1000
    again = runner.invoke(app, arguments)
    assert "nothing loaded" in again.output and store.count("requests") == loaded


def test_store_readings_reads_again_the_missing_and_stale_ones(tmp_path, small_territory_dir):
    """After an upgrade of the reading code (or on a store filled before readings were
    kept), `store readings` reads those texts again; then no history fetches a past text."""
    from sqlalchemy import delete, update

    from features.signals import READING_VERSION
    from serving import db
    from serving.db import make_engine
    from serving.store import Store

    load = ["store", "load", "--data", str(small_territory_dir), "--data-dir", str(tmp_path)]
    assert runner.invoke(app, load).exit_code == 0
    store = Store(make_engine(f"sqlite:///{tmp_path / 'aiguillage.db'}"))
    t = db.text_readings
    with store.engine.begin() as connection:
        ids = connection.execute(t.select().with_only_columns(t.c.service_request_id)).scalars()
        ids = sorted(ids)
        connection.execute(delete(t).where(t.c.service_request_id.in_(ids[:300])))
        connection.execute(
            update(t).where(t.c.service_request_id.in_(ids[300:1000])).values(version="old")
        )
    result = runner.invoke(app, ["store", "readings", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("1000 texts read again")
    with store.engine.connect() as connection:
        versions = connection.execute(t.select().with_only_columns(t.c.version)).scalars().all()
    assert len(versions) == store.count("requests") and set(versions) == {READING_VERSION}
    again = runner.invoke(app, ["store", "readings", "--data-dir", str(tmp_path)])
    assert again.output.strip().endswith("0 texts read again")
    history = store.history_columns([store.request(ids[0])["household_id"]])
    assert all(text is None for text in history["requests"]["description"])


def test_serve_check_fails_without_a_champion(tmp_path, monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    result = runner.invoke(app, ["serve", "check", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
