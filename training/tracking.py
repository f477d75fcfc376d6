"""MLflow: where runs are tracked, how models are logged and registered, and aliases.

The default tracking store is a SQLite file in the project's data folder, with artifacts
beside it; any ``MLFLOW_TRACKING_URI`` (PostgreSQL, a remote server) works unchanged.
"""

from __future__ import annotations

import contextlib
import os
from importlib import metadata
from pathlib import Path

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from training.config import default_tracking_uri

EXPERIMENT = "aiguillage"
CHALLENGER, CHAMPION = "challenger", "champion"
# Types skops must trust to load a LightGBM model inside a scikit-learn pipeline.
SKOPS_TRUSTED_TYPES = [
    "collections.OrderedDict",
    "lightgbm.basic.Booster",
    "lightgbm.sklearn.LGBMClassifier",
    "numpy.dtype",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.frozen._frozen.FrozenEstimator",
    "sklearn.isotonic.IsotonicRegression",
]


# What loading a logged model needs, pinned to the versions that trained it. Given
# explicitly, so MLflow does not infer them by loading each model in a subprocess.
MODEL_PACKAGES = ("mlflow", "scikit-learn", "lightgbm", "skops", "numpy", "pandas", "scipy")


def model_requirements() -> list[str]:
    """Pip requirements of a logged model: the packages above at their installed versions."""
    return [f"{name}=={metadata.version(name)}" for name in MODEL_PACKAGES]


def configure(data_dir: Path = Path("data")) -> str:
    """Point MLflow at MLFLOW_TRACKING_URI, or at the project's SQLite store; make sure the
    experiment exists with its artifacts beside the store. Returns the tracking URI."""
    uri = os.environ.get("MLFLOW_TRACKING_URI") or default_tracking_uri(data_dir)
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    mlflow.set_tracking_uri(uri)
    client = MlflowClient()
    if client.get_experiment_by_name(EXPERIMENT) is None:
        location = None
        if uri.startswith("sqlite:///"):
            location = (Path(uri.removeprefix("sqlite:///")).parent / "artifacts").as_uri()
        with contextlib.suppress(MlflowException):  # created concurrently
            client.create_experiment(EXPERIMENT, artifact_location=location)
    if not os.environ.get("MLFLOW_RUN_ID"):  # under `mlflow run`, the run is already chosen
        mlflow.set_experiment(EXPERIMENT)
    return uri


def set_alias(model: str, alias: str, version: str | int) -> None:
    MlflowClient().set_registered_model_alias(model, alias, str(version))


def version_for(model: str, alias: str):
    """The model version an alias points to, or None."""
    try:
        return MlflowClient().get_model_version_by_alias(model, alias)
    except MlflowException:
        return None
