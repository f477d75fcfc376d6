"""The champion models, loaded from the MLflow registry by alias and swapped in place.

Models cross from training to serving through the registry only: the router and the risk
model are scikit-learn estimators logged by MLflow, with their decision parameters
(classes, thresholds, band cut-offs, feature lists) in the model's metadata. A request takes
one ``ModelSet`` reference at its start, so a swap never changes models under it.
"""

from __future__ import annotations

import logging
import threading
import warnings
from dataclasses import dataclass, field

import mlflow
import numpy as np
from mlflow import MlflowClient
from scipy import sparse

from features.registry import FEATURE_NAMES
from serving.config import RISK_MODEL, ROUTER_MODEL

log = logging.getLogger("aiguillage.models")
# The direct router path hands fitted transformers plain arrays, on purpose (see RouterModel).
warnings.filterwarnings("ignore", message="X does not have valid feature names")


@dataclass(frozen=True)
class RouterModel:
    """The router, with a direct path through its pipeline when it has the logged shape
    ``Pipeline([inputs (ColumnTransformer), select (column indices), model])``: each input
    transformer is called on plain arrays, skipping the ColumnTransformer's per-call pandas
    work. Checked against the estimator when loaded; any other shape uses the estimator."""

    estimator: object
    version: str
    classes: list[str]
    thresholds: dict[str, float]
    features: list[str]
    # The direct path, worked out once at load: (transformer, its columns, or None for a
    # block the model never reads, with its width), then the columns the model keeps.
    blocks: tuple | None = None
    keep: np.ndarray | None = None

    @property
    def direct(self) -> bool:
        return self.blocks is not None

    def predict_proba(self, inputs) -> np.ndarray:
        if not self.direct:
            return self.estimator.predict_proba(inputs)
        parts = []
        for transformer, columns, width in self.blocks:
            if transformer is None:  # a block only the other candidate read
                parts.append(sparse.csr_matrix((len(inputs), width)))
            elif isinstance(columns, str):
                parts.append(transformer.transform(inputs[columns].tolist()))
            else:  # plain arrays: scikit-learn's DataFrame checks cost more than the work
                parts.append(transformer.transform(inputs[list(columns)].to_numpy(object)))
        matrix = sparse.hstack([sparse.csr_matrix(p) for p in parts], format="csr")
        return self.estimator.named_steps["model"].predict_proba(matrix[:, self.keep])


def _direct_plan(estimator) -> tuple[tuple, np.ndarray]:
    """The router pipeline's input blocks and kept columns (see RouterModel)."""
    steps = estimator.named_steps
    (_, _, keep), *_ = steps["select"].transformers_
    spans = steps["inputs"].output_indices_
    wanted = np.zeros(max(span.stop for span in spans.values()), dtype=bool)
    wanted[keep] = True
    blocks = []
    for name, transformer, columns in steps["inputs"].transformers_:
        if transformer == "drop":
            continue
        span = spans[name]
        used = wanted[span].any()
        blocks.append((transformer if used else None, columns, span.stop - span.start))
    return tuple(blocks), np.asarray(keep)


@dataclass(frozen=True)
class RiskModel:
    """The calibrated risk model, with a direct path to what it computes.

    The logged estimator is ``CalibratedClassifierCV(FrozenEstimator(Pipeline([encode,
    LightGBM])))``. Scikit-learn's generic path (pandas column selection, validation, three
    nested wrappers) costs milliseconds per call; the direct path encodes categories with
    the encoder's own vocabularies, asks the booster for its raw margin and contributions
    once, and applies the fitted sigmoid. It is checked against the estimator when loaded.
    """

    estimator: object  # calibrated: predict_proba gives the calibrated risk
    version: str
    features: list[str]
    encoded_features: list[str]
    band_cutoffs: list[float]
    booster: object  # the uncalibrated LightGBM booster, for exact TreeSHAP contributions
    vocabularies: dict[str, dict[object, int]]  # categorical feature -> value -> code
    calibrator: object  # the fitted sigmoid (raw margin -> calibrated risk)

    def encode(self, frame) -> np.ndarray:
        """A feature frame (categories as pandas categoricals or strings, booleans, numbers)
        as LightGBM sees it, in encoded_features order. Missing or unknown categories get
        the encoder's -1, as in training."""
        matrix = np.empty((len(frame), len(self.encoded_features)), dtype=np.float64)
        for j, name in enumerate(self.encoded_features):
            column = frame[name]
            if name in self.vocabularies:
                lookup = self.vocabularies[name]
                matrix[:, j] = [lookup.get(v, -1) for v in column.tolist()]
            else:
                matrix[:, j] = column.to_numpy(dtype=np.float64, na_value=np.nan)
        return matrix

    def score(self, frame) -> tuple[np.ndarray, np.ndarray]:
        """Calibrated risks and TreeSHAP contributions (log-odds, plus the bias column)."""
        matrix = self.encode(frame)
        margin = self.booster.predict(matrix, raw_score=True, num_threads=1)
        contributions = self.booster.predict(matrix, pred_contrib=True, num_threads=1)
        return self.calibrator.predict(margin), contributions


@dataclass(frozen=True)
class ModelSet:
    router: RouterModel | None = None
    risk: RiskModel | None = None
    problems: dict[str, str] = field(default_factory=dict)  # model name -> why it is missing

    @property
    def versions(self) -> dict[str, str | None]:
        return {
            "router": self.router.version if self.router else None,
            "risk": self.risk.version if self.risk else None,
        }


def _load(client: MlflowClient, name: str, alias: str):
    """The estimator, version, metadata and logged input example of the version the alias
    names, from one download of its artifacts."""
    version = client.get_model_version_by_alias(name, alias)
    uri = f"models:/{name}/{version.version}"  # pinned: the alias may move meanwhile
    local = mlflow.artifacts.download_artifacts(artifact_uri=uri)
    logged = mlflow.models.Model.load(local)
    metadata = logged.metadata or {}
    unknown = sorted(set(metadata.get("features", ())) - set(FEATURE_NAMES))
    if unknown:  # trained by another version of the feature code
        raise ValueError(f"features absent from this version of the code: {unknown}")
    estimator = mlflow.sklearn.load_model(local)
    return estimator, str(version.version), metadata, logged.load_input_example(local)


def _inner_pipeline(calibrated):
    """The fitted pipeline inside a calibrated, frozen estimator."""
    estimator = calibrated.calibrated_classifiers_[0].estimator
    return getattr(estimator, "estimator", estimator)


def load_router(client: MlflowClient, alias: str) -> RouterModel:
    estimator, version, metadata, example = _load(client, ROUTER_MODEL, alias)
    fields = {
        "estimator": estimator,
        "version": version,
        "classes": list(metadata["classes"]),
        "thresholds": {k: float(v) for k, v in metadata["thresholds"].items()},
        "features": list(metadata["features"]),
    }
    steps = getattr(estimator, "named_steps", {})
    if list(steps) == ["inputs", "select", "model"]:
        try:
            blocks, keep = _direct_plan(estimator)
            direct = RouterModel(**fields, blocks=blocks, keep=keep)
            same = np.allclose(
                direct.predict_proba(example), estimator.predict_proba(example), atol=1e-9
            )
        except Exception:  # an unexpected shape inside: the estimator's own path
            same = False
        if same:
            return direct
        log.warning("router direct path disagrees; using the estimator", extra={"version": version})
    return RouterModel(**fields)


def _vocabularies(encoder) -> dict[str, dict[object, int]]:
    out = {}
    for _, ordinal, columns in encoder.transformers_:
        if not hasattr(ordinal, "categories_"):
            continue
        for name, values in zip(columns, ordinal.categories_, strict=True):
            out[name] = {v: i for i, v in enumerate(values.tolist()) if v is not None}
    return out


def load_risk(client: MlflowClient, alias: str) -> RiskModel:
    estimator, version, metadata, example = _load(client, RISK_MODEL, alias)
    pipeline = _inner_pipeline(estimator)
    # One thread: a live request is a few rows, and LightGBM's pool costs milliseconds.
    pipeline.named_steps["model"].set_params(n_jobs=1)
    (calibrator,) = estimator.calibrated_classifiers_[0].calibrators
    model = RiskModel(
        estimator=estimator,
        version=version,
        features=list(metadata["features"]),
        encoded_features=list(metadata["encoded_features"]),
        band_cutoffs=[float(c) for c in metadata["band_cutoffs"]],
        booster=pipeline.named_steps["model"].booster_,
        vocabularies=_vocabularies(pipeline.named_steps["encode"]),
        calibrator=calibrator,
    )
    _check_direct_path(model, example)
    return model


def _check_direct_path(model: RiskModel, example) -> None:
    """Refuse a model whose direct path does not reproduce the estimator exactly."""
    expected = model.estimator.predict_proba(example)[:, 1]
    risk, _ = model.score(example)
    if not np.allclose(risk, expected, rtol=1e-9, atol=1e-12):
        raise ValueError("the risk model's direct scoring path disagrees with the estimator")


class ModelHolder:
    """Holds the current ModelSet; ``refresh`` loads whatever the alias points to now and
    swaps it in when a version changed. A failed load keeps the models already in use."""

    def __init__(self, tracking_uri: str, alias: str):
        self.tracking_uri = tracking_uri
        self.alias = alias
        self.current = ModelSet(problems={"router": "not loaded yet", "risk": "not loaded yet"})
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _wanted_versions(self, client: MlflowClient) -> dict[str, str | None]:
        wanted = {}
        for key, name in (("router", ROUTER_MODEL), ("risk", RISK_MODEL)):
            try:
                wanted[key] = str(client.get_model_version_by_alias(name, self.alias).version)
            except Exception:  # no such model or alias yet
                wanted[key] = None
        return wanted

    def refresh(self) -> bool:
        """Load the models the alias names if they differ from the ones in use. Returns
        True when something was swapped."""
        with self._lock:
            mlflow.set_tracking_uri(self.tracking_uri)
            client = MlflowClient(self.tracking_uri)
            current = self.current
            wanted = self._wanted_versions(client)
            if wanted == current.versions and not current.problems:
                return False
            models = {"router": current.router, "risk": current.risk}
            problems = {}
            for key, loader, name in (
                ("router", load_router, ROUTER_MODEL),
                ("risk", load_risk, RISK_MODEL),
            ):
                if wanted[key] is None:
                    if models[key] is None:
                        problems[key] = f"aucune version de {name} n'a l'alias @{self.alias}"
                    continue
                if models[key] is not None and models[key].version == wanted[key]:
                    continue
                try:
                    models[key] = loader(client, self.alias)
                    log.info("model loaded", extra={"model": name, "version": wanted[key]})
                except Exception as error:  # keep serving with what we had
                    log.warning("model load failed", extra={"model": name, "error": repr(error)})
                    if models[key] is None:
                        problems[key] = f"{name}@{self.alias} n'a pas pu être chargé : {error}"
            swapped = ModelSet(models["router"], models["risk"], problems)
            changed = swapped.versions != current.versions or problems != current.problems
            self.current = swapped
            return changed

    def start_polling(self, every_seconds: float) -> None:
        if every_seconds <= 0 or self._thread is not None:
            return

        def loop() -> None:
            while not self._stop.wait(every_seconds):
                try:
                    self.refresh()
                except Exception as error:  # the registry may be briefly unreachable
                    log.warning("model poll failed", extra={"error": repr(error)})

        self._thread = threading.Thread(target=loop, name="model-poll", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
