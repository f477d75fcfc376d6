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


def test_serve_check_fails_without_a_champion(tmp_path, monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    result = runner.invoke(app, ["serve", "check", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
