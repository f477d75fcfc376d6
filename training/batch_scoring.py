"""Batch scoring with the registered models: for every row of a feature frame, the router's
probabilities and its route (or abstention), the calibrated risk, the priority band and the
reasons in French.

Models come from the MLflow registry as pyfunc models (the versions an alias names, pinned
when scoring starts); explanations are the exact TreeSHAP contributions of the risk model's
booster (``training.risk.FittedRisk``); decisions are ``features.decisions``, the rules
training evaluated and serving applies. The single-machine engine is here; the Spark engine
(``training.spark_scoring``) calls the same models through ``mlflow.pyfunc.spark_udf`` and
the same ``answers`` on each batch, so both give the same answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import mlflow
import numpy as np
import pandas as pd
from mlflow import MlflowClient

from features.build import KEY_COLUMNS, model_inputs
from features.decisions import band, explicit_urgency, reasons_of_rows, route
from features.registry import FEATURE_NAMES
from training.config import RISK_MODEL, ROUTER_MODEL
from training.risk import ENCODED_FEATURES, RISK_FEATURES, FittedRisk
from training.tracking import CHAMPION

TOP_REASONS = 5
DEFAULT_CHUNK = 50_000


class ModelMismatchError(ValueError):
    """A registered model does not fit the feature code of this version."""


@dataclass(frozen=True)
class RegisteredModels:
    """The router and risk versions an alias named when scoring started, with the decision
    parameters logged in their metadata."""

    router_uri: str  # models:/<name>/<version>: pinned, the alias may move meanwhile
    router_version: str
    router_features: tuple[str, ...]
    classes: tuple[str, ...]
    thresholds: Mapping[str, float]
    risk_uri: str
    risk_version: str
    band_cutoffs: tuple[float, ...]

    @property
    def probability_columns(self) -> tuple[str, ...]:
        return tuple(f"p_{c}" for c in self.classes)

    @property
    def inputs(self) -> tuple[str, ...]:
        """Feature columns scoring reads: both models' inputs, and the text for urgency."""
        wanted = {*self.router_features, *RISK_FEATURES, "text"}
        return tuple(n for n in FEATURE_NAMES if n in wanted)


def _version(client: MlflowClient, name: str, alias: str):
    version = client.get_model_version_by_alias(name, alias)
    uri = f"models:/{name}/{version.version}"
    return uri, str(version.version), mlflow.models.get_model_info(uri).metadata or {}


def registered_models(alias: str = CHAMPION, client: MlflowClient | None = None):
    """The versions ``alias`` names now (the tracking URI must be configured)."""
    client = client or MlflowClient()
    router_uri, router_version, router = _version(client, ROUTER_MODEL, alias)
    risk_uri, risk_version, risk = _version(client, RISK_MODEL, alias)
    unknown = sorted(set(router.get("features", ())) - set(FEATURE_NAMES))
    if unknown:
        raise ModelMismatchError(f"router v{router_version} reads unknown features {unknown}")
    if list(risk.get("features", ())) != list(RISK_FEATURES) or list(
        risk.get("encoded_features", ())
    ) != list(ENCODED_FEATURES):
        raise ModelMismatchError(
            f"risk v{risk_version} was trained on other features than this code computes"
        )
    return RegisteredModels(
        router_uri=router_uri,
        router_version=router_version,
        router_features=tuple(router["features"]),
        classes=tuple(router["classes"]),
        thresholds={k: float(v) for k, v in router["thresholds"].items()},
        risk_uri=risk_uri,
        risk_version=risk_version,
        band_cutoffs=tuple(float(c) for c in risk["band_cutoffs"]),
    )


def answers(
    frame: pd.DataFrame,
    probabilities: np.ndarray,
    risk: np.ndarray,
    contributions: np.ndarray,
    models: RegisteredModels,
) -> pd.DataFrame:
    """What users see, one row per feature row: route, probabilities, risk, band, reasons."""
    routes = route(probabilities, models.classes, models.thresholds)
    urgent = np.array([explicit_urgency(t) for t in frame["text"].tolist()], dtype=bool)
    values = {name: frame[name].to_numpy(dtype=object) for name in ENCODED_FEATURES}
    explained = [
        [{"feature": r.feature, "contribution": r.contribution, "text": r.text} for r in row]
        for row in reasons_of_rows(contributions, ENCODED_FEATURES, values, TOP_REASONS)
    ]
    columns: dict[str, object] = {name: frame[name].to_numpy() for name in KEY_COLUMNS}
    columns |= {
        "service": [r.service for r in routes],
        "abstained": np.array([r.abstained for r in routes], dtype=bool),
        "confidence": np.array([r.confidence for r in routes], dtype=np.float64),
    }
    columns |= dict(zip(models.probability_columns, np.asarray(probabilities).T, strict=True))
    columns |= {
        "risk": np.asarray(risk, dtype=np.float64),
        "band": band(risk, models.band_cutoffs, urgent),
        "urgent": urgent,
        "reasons": explained,
        "router_version": models.router_version,
        "risk_version": models.risk_version,
    }
    return pd.DataFrame(columns, index=frame.index)


def explainer(risk: mlflow.pyfunc.PyFuncModel, models: RegisteredModels) -> FittedRisk:
    """The risk model's estimator inside its pyfunc model, for TreeSHAP contributions."""
    return FittedRisk(risk.get_raw_model(), list(models.band_cutoffs))


def load_explainer(models: RegisteredModels) -> FittedRisk:
    return explainer(mlflow.pyfunc.load_model(models.risk_uri), models)


@dataclass
class LoadedModels:
    """The pyfunc models of ``RegisteredModels``, loaded in this process."""

    registered: RegisteredModels
    router: mlflow.pyfunc.PyFuncModel
    risk: mlflow.pyfunc.PyFuncModel

    @classmethod
    def load(cls, registered: RegisteredModels) -> LoadedModels:
        return cls(
            registered,
            mlflow.pyfunc.load_model(registered.router_uri),
            mlflow.pyfunc.load_model(registered.risk_uri),
        )

    def predict(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Router probabilities, calibrated risks and TreeSHAP contributions. TreeSHAP runs
        in a second thread beside the router: the router's text analysis is Python (it
        holds the GIL), LightGBM's TreeSHAP is not (it releases it), so the two share two
        cores rather than taking turns on one. The risk's other steps are Python too: they
        run first, alone, rather than fight the router for the GIL."""
        models = self.registered
        risk = np.asarray(self.risk.predict(model_inputs(frame, RISK_FEATURES)))[:, 1]
        fitted = explainer(self.risk, models)
        encoded = fitted.encoded(frame)
        with ThreadPoolExecutor(max_workers=1) as pool:
            # One thread: the other core is the router's.
            contributions = pool.submit(fitted.encoded_contributions, encoded, 1)
            probabilities = np.asarray(
                self.router.predict(model_inputs(frame, models.router_features)),
                dtype=np.float64,
            )
            return probabilities, risk, contributions.result()

    def score(self, frame: pd.DataFrame) -> pd.DataFrame:
        return answers(frame, *self.predict(frame), self.registered)


def score_frame(
    frame: pd.DataFrame,
    models: RegisteredModels,
    chunk: int = DEFAULT_CHUNK,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Answers for every row of a feature frame, on this machine, ``chunk`` rows at a time."""
    loaded = LoadedModels.load(models)
    parts = []
    for lo in range(0, len(frame), chunk):
        parts.append(loaded.score(frame.iloc[lo : lo + chunk]))
        if progress:
            progress(len(parts[-1]))
    if not parts:
        return loaded.score(frame)
    return pd.concat(parts, ignore_index=True)
