"""The MLflow project entry points and `mlflow models serve` work on the project as built."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from features.build import batch_features
from tests.support import REPO_ROOT
from training.pipeline import _inputs_for_signature

pytestmark = pytest.mark.xdist_group("mlflow-project")
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def project_env(tmp_path_factory):
    store = tmp_path_factory.mktemp("mlflow-project")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_EXPERIMENT")},
        "MLFLOW_TRACKING_URI": f"sqlite:///{store / 'mlflow.db'}",
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    # The experiment exists beforehand with absolute artifact storage in the temp folder,
    # so nothing the project run logs lands in the repository.
    from mlflow import MlflowClient

    MlflowClient(env["MLFLOW_TRACKING_URI"]).create_experiment(
        "aiguillage", artifact_location=(store / "artifacts").as_uri()
    )
    return env, store


def _mlflow_run(entry: str, env: dict, cwd: Path, **params) -> subprocess.CompletedProcess:
    """`mlflow run` from ``cwd``: the experiment it creates keeps its artifacts there, not
    in the repository."""
    command = [
        str(BIN / "mlflow"),
        "run",
        str(REPO_ROOT),
        "-e",
        entry,
        "--env-manager",
        "local",
        "--experiment-name",
        "aiguillage",
    ]
    for key, value in params.items():
        command += ["-P", f"{key}={value}"]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=900, check=False
    )


def test_train_and_promote_entry_points_then_models_serve_answers(
    project_env, small_territory_dir, small_territory
):
    env, store = project_env
    # One router candidate keeps the test short; the entry point is the same.
    trained = _mlflow_run(
        "train", env, store, data=small_territory_dir, mlflow_dir=store, candidates="linear"
    )
    assert trained.returncode == 0, trained.stderr[-3000:]
    promoted = _mlflow_run(
        "promote",
        env,
        store,
        data=small_territory_dir,
        mlflow_dir=store,
        cards_dir=store / "cards",
    )
    assert promoted.returncode == 0, promoted.stderr[-3000:]
    assert "promoted" in promoted.stderr + promoted.stdout
    assert (store / "cards" / "aiguillage-router.fr.md").exists()

    port = _free_port()
    server = subprocess.Popen(
        [
            str(BIN / "mlflow"),
            "models",
            "serve",
            "-m",
            "models:/aiguillage-router@champion",
            "--env-manager",
            "local",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/ping", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(1)
        else:
            pytest.fail(
                "mlflow models serve did not start: " + (server.stderr.read() or "")[-2000:]
            )
        rows = batch_features(small_territory.tables()).tail(3)
        from training.router import ROUTER_FEATURES

        frame = _inputs_for_signature(rows[list(ROUTER_FEATURES)])
        payload = {"dataframe_split": json.loads(frame.to_json(orient="split", index=False))}
        answer = httpx.post(f"http://127.0.0.1:{port}/invocations", json=payload, timeout=30)
        assert answer.status_code == 200, answer.text[:2000]
        predictions = answer.json()["predictions"]
        assert len(predictions) == 3 and len(predictions[0]) == 12
        assert abs(sum(predictions[0]) - 1) < 1e-6
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert shutil.which("mlflow", path=str(BIN))
