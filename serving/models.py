"""The champion models, loaded from the MLflow registry by alias and swapped in place.

Models cross from training to serving through the registry only: the router and the risk
model are scikit-learn estimators logged by MLflow, with their decision parameters
(classes, thresholds, band cut-offs, feature lists) in the model's metadata. A request takes
one ``ModelSet`` reference at its start, so a swap never changes models under it.
"""

from __future__ import annotations

import gc
import logging
import threading
import warnings
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain

import mlflow
import numpy as np
from mlflow import MlflowClient
from scipy import sparse
from scipy.special import expit
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import OneHotEncoder

from features.build import CATEGORY_LABELS
from features.history import floats
from features.registry import FEATURE_NAMES
from serving.config import RISK_MODEL, ROUTER_MODEL
from serving.periodic import Periodic

log = logging.getLogger("aiguillage.models")
# The direct paths must give the estimators' probabilities to this much (the text block
# computes in float32 as the vectoriser does, but may round its l2 norm differently).
AGREEMENT = 1e-6
# The direct router path hands fitted transformers plain arrays, on purpose (see RouterModel).
warnings.filterwarnings("ignore", message="X does not have valid feature names")


class _TextBlock:
    """A fitted TfidfVectorizer (l2 norm, idf, counts) applied with its own analyser and
    vocabulary: the arithmetic of ``transform`` (sublinear counts, idf, l2 norm in the
    vectoriser's dtype) without its per-call validation and sparse bookkeeping, which cost
    more than the work for a live request. Texts are read one by one in Python; the
    arithmetic runs once over all of their terms."""

    def __init__(self, vectorizer):
        self.analyse = _analyser(vectorizer)
        self.vocabulary = vectorizer.vocabulary_
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.sublinear = vectorizer.sublinear_tf
        self.dtype = vectorizer.dtype

    @staticmethod
    def supports(transformer) -> bool:
        return (
            isinstance(transformer, TfidfVectorizer)
            and transformer.norm == "l2"
            and transformer.use_idf
            and not transformer.binary
        )

    def triplets(self, texts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, columns, values) of the texts' non-zero outputs: per row, the terms in
        order of first appearance (as the vectoriser counts them)."""
        lookup, analyse = self.vocabulary.get, self.analyse
        counted = []
        for text in texts:
            counts = Counter(map(lookup, analyse(text)))
            counts.pop(None, None)  # terms outside the vocabulary
            counted.append(counts)
        lengths = [len(c) for c in counted]
        total = sum(lengths)
        columns = np.fromiter(chain.from_iterable(counted), np.int64, total)
        values = np.fromiter(chain.from_iterable(map(Counter.values, counted)), self.dtype, total)
        if self.sublinear:
            values = np.log(values) + self.dtype(1)
        values = (values * self.idf[columns]).astype(self.dtype)
        rows = np.repeat(np.arange(len(counted)), lengths)
        # Every term weighs more than zero: only a row without terms has a zero norm.
        values = values / _row_norms(values, lengths)[rows]
        return rows, columns, values


def _analyser(vectorizer):
    """The vectoriser's analyser. For words, the same steps as ``build_analyzer`` (decode,
    preprocess, tokenise, n-grams) with the n-grams joined by ``map`` rather than one
    Python statement each: half the time of a live text's reading."""
    if vectorizer.analyzer != "word" or vectorizer.get_stop_words() is not None:
        return vectorizer.build_analyzer()
    decode = vectorizer.decode
    preprocess = vectorizer.build_preprocessor()
    tokenise = vectorizer.build_tokenizer()
    low, high = vectorizer.ngram_range

    def analyse(text):
        tokens = tokenise(preprocess(decode(text)))
        terms = list(tokens) if low == 1 else []
        for n in range(max(low, 2), high + 1):
            terms.extend(map(" ".join, zip(*(tokens[k:] for k in range(n)), strict=False)))
        return terms

    return analyse


def _row_norms(values: np.ndarray, lengths) -> np.ndarray:
    """The l2 norm of each row of ``values`` (rows laid end to end, ``lengths`` terms each),
    as ``np.sqrt(np.dot(row, row))`` gives it: rows of one length are stacked and their
    dot products taken by ``matmul``, whose vector-by-vector loop is numpy's own dot (the
    BLAS kernel's summation order depends on the length, so a flat sum would not match)."""
    if len(lengths) == 1:  # a live request
        return np.sqrt(np.dot(values, values)).reshape(1)
    lengths = np.asarray(lengths, dtype=np.int64)
    norms = np.zeros(len(lengths), dtype=values.dtype)
    starts = np.cumsum(lengths) - lengths
    for length in np.unique(lengths[lengths > 0]).tolist():
        which = np.flatnonzero(lengths == length)
        stacked = values[starts[which, None] + np.arange(length)]
        norms[which] = np.matmul(stacked[:, None, :], stacked[:, :, None])[:, 0, 0]
    return np.sqrt(norms)


class _OneHotBlock:
    """A fitted OneHotEncoder (no dropped category) as one column look-up per feature.

    One-hot columns are independent per feature, so the column of value ``v`` of feature
    ``j`` is found by the encoder itself, once: it encodes a base row (each feature's first
    category, one column each, in feature order) with ``v`` put in place ``j``, and the
    column that is not the base's is ``v``'s (none for a value the encoder ignores).
    """

    def __init__(self, encoder):
        self.encoder = encoder
        self.base = np.array([[c[0] for c in encoder.categories_]], dtype=object)
        columns = self._encode(self.base)
        if len(columns) != self.base.shape[1]:
            raise ValueError("the base row does not light one column per feature")
        self.base_columns = columns
        self.found: list[dict] = [{} for _ in encoder.categories_]

    @staticmethod
    def supports(transformer) -> bool:
        return isinstance(transformer, OneHotEncoder) and transformer.drop is None

    def _encode(self, row: np.ndarray) -> np.ndarray:
        matrix = sparse.csr_matrix(self.encoder.transform(row))
        if not np.all(matrix.data == 1):
            raise ValueError("one-hot values other than 1")
        return np.sort(matrix.indices)

    def column(self, j: int, value) -> int:
        """The column value lights for feature j, or -1."""
        found = self.found[j].get(value)
        if found is None:
            row = self.base.copy()
            row[0, j] = value
            others = np.delete(self.base_columns, j)
            own = np.setdiff1d(self._encode(row), others)
            found = int(own[0]) if len(own) else -1
            self.found[j][value] = found
        return found

    def triplets(self, columns: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, columns, values) of the one-hot outputs of input columns (one per
        feature), row by row in feature order."""
        lit = []
        for j, found in enumerate(self.found):
            values = np.asarray(columns[j], dtype=object).tolist()
            for value in set(values).difference(found):  # first seen: ask the encoder
                self.column(j, value)
            lit.append(list(map(found.__getitem__, values)))
        lit = np.array(lit, dtype=np.int64).T  # rows x features, -1 where none
        rows, features = np.nonzero(lit >= 0)
        return rows, lit[rows, features], np.ones(len(rows))


def _columns(inputs, columns) -> np.ndarray:
    """Some input columns (a frame's, or a mapping of arrays) as one object matrix."""
    return np.column_stack([np.asarray(inputs[c], dtype=object) for c in columns])


@dataclass(frozen=True)
class _Block:
    """One input transformer of the router's pipeline: where its output sits in the shared
    matrix, and how it is computed on the direct path (None: no column the model reads)."""

    transformer: object
    columns: str | tuple[str, ...]
    offset: int
    width: int
    fast: _TextBlock | _OneHotBlock | None

    def triplets(self, inputs):
        """(rows, columns, values) of this block's non-zero outputs, in the shared matrix."""
        if self.fast is None:
            if isinstance(self.columns, str):
                data = self.transformer.transform(list(inputs[self.columns]))
            else:
                data = self.transformer.transform(_columns(inputs, self.columns))
            matrix = sparse.coo_matrix(data)
            return matrix.row, matrix.col + self.offset, matrix.data
        if isinstance(self.fast, _TextBlock):
            rows, columns, values = self.fast.triplets(inputs[self.columns])
        else:
            rows, columns, values = self.fast.triplets([inputs[c] for c in self.columns])
        return rows, columns + self.offset, values


@dataclass(frozen=True)
class RouterModel:
    """The router, with a direct path through its pipeline when it has the logged shape
    ``Pipeline([inputs (ColumnTransformer), select (column indices), model])``: text blocks
    through ``_TextBlock``, categorical blocks through ``_OneHotBlock``, other blocks
    through their transformer; a linear model's probabilities as the softmax of its
    logits. Checked against the estimator when loaded; any other shape uses the estimator.
    """

    estimator: object
    version: str
    classes: list[str]
    thresholds: dict[str, float]
    features: list[str]
    blocks: tuple[_Block, ...] | None = None  # the direct path, planned once at load
    keep: np.ndarray | None = None  # the shared matrix's columns the model reads
    # A linear model's coefficients over the whole shared matrix (columns x classes, laid
    # out for a few entries at once; see by_class and _linear_sums), and its intercepts.
    coefficients: np.ndarray | None = None
    intercepts: np.ndarray | None = None

    @property
    def direct(self) -> bool:
        return self.blocks is not None

    @cached_property
    def by_class(self) -> np.ndarray:
        """The coefficients as classes x columns, contiguous: a batch's pass per class."""
        return np.ascontiguousarray(self.coefficients.T)

    @cached_property
    def read_features(self) -> list[str]:
        """The input columns ``predict_proba`` reads: on the direct path, those of the
        blocks the model uses (the first feature, which gives the row count, included)."""
        if not self.direct:
            return self.features
        used = {self.features[0]}
        for block in self.blocks:
            if block.transformer is not None:
                used.update([block.columns] if isinstance(block.columns, str) else block.columns)
        return [name for name in self.features if name in used]

    def predict_proba(self, inputs) -> np.ndarray:
        """Probabilities over ``classes`` for inputs as ``model_inputs`` gives them (a frame,
        or a mapping of column arrays)."""
        if not self.direct:
            return self.estimator.predict_proba(inputs)
        n = len(inputs[self.features[0]])
        used = [b.triplets(inputs) for b in self.blocks if b.transformer is not None]
        rows, columns, values = (np.concatenate(parts) for parts in zip(*used, strict=True))
        if self.coefficients is not None:  # the sparse product, without a sparse matrix
            logits = _linear_sums(self.coefficients, self.by_class, rows, columns, values, n)
            logits += self.intercepts
            logits -= logits.max(axis=1, keepdims=True)
            exp = np.exp(logits)
            return exp / exp.sum(axis=1, keepdims=True)
        total = self.blocks[-1].offset + self.blocks[-1].width
        matrix = sparse.csr_matrix((values, (rows, columns)), shape=(n, total))
        return self.estimator.named_steps["model"].predict_proba(matrix[:, self.keep])


# Up to this many cells (entries x classes), _linear_sums takes one pass; beyond, a pass
# per class. One pass gathers each entry's coefficients side by side (a live request's
# few entries: a few cache lines), but its temporaries grow with the batch, and arrays of
# megabytes come from fresh pages each call (measured: 1,850 page faults, +3 ms a batch).
_CELLS_AT_ONCE = 8192


def _linear_sums(
    coefficients: np.ndarray, by_class: np.ndarray, rows, columns, values, n: int
) -> np.ndarray:
    """Rows x classes sums of ``values * coefficients[column, class]`` over the (row,
    column, value) entries: each cell's terms added one by one in entry order, as
    ``np.add.at`` would, by ``bincount`` at a fraction of its cost. ``by_class`` is
    ``coefficients.T``, contiguous."""
    classes = coefficients.shape[1]
    if len(rows) * classes <= _CELLS_AT_ONCE:
        weighted = np.take(coefficients, columns, axis=0)  # entries x classes
        weighted *= values[:, None]
        cells = (rows[:, None] * classes + np.arange(classes)).ravel()
        sums = np.bincount(cells, weighted.ravel(), minlength=n * classes)
        return sums.reshape(n, classes)
    sums = np.empty((n, classes))
    for k, row in enumerate(by_class):
        weighted = row.take(columns)
        weighted *= values
        sums[:, k] = np.bincount(rows, weighted, minlength=n)
    return sums


def _direct_plan(estimator) -> dict:
    """The router pipeline's blocks, kept columns and, for a linear model, its coefficients
    over the shared matrix (see RouterModel)."""
    steps = estimator.named_steps
    (_, _, keep), *_ = steps["select"].transformers_
    keep = np.asarray(keep)
    spans = steps["inputs"].output_indices_
    total = max(span.stop for span in spans.values())
    wanted = np.zeros(total, dtype=bool)
    wanted[keep] = True
    blocks = []
    for name, transformer, columns in steps["inputs"].transformers_:
        if transformer == "drop":
            continue
        span = spans[name]
        if not wanted[span].any():  # a block only the other candidate read
            fast = None
            transformer = None
        elif _TextBlock.supports(transformer):
            fast = _TextBlock(transformer)
        elif _OneHotBlock.supports(transformer):
            fast = _OneHotBlock(transformer)
        else:
            fast = None
        columns = columns if isinstance(columns, str) else tuple(columns)
        blocks.append(_Block(transformer, columns, span.start, span.stop - span.start, fast))
    plan = {"blocks": tuple(blocks), "keep": keep}
    model = steps["model"]
    if isinstance(model, LogisticRegression) and len(model.classes_) > 2:
        coefficients = np.zeros((total, len(model.classes_)))
        coefficients[keep] = model.coef_.T
        plan |= {"coefficients": coefficients, "intercepts": model.intercept_}
    return plan


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

    @cached_property
    def code_maps(self) -> dict[str, np.ndarray]:
        """Categorical feature -> the encoder's code (as float) of each code of
        online_values, the last entry for code -1 (missing): see encode_values."""
        return {
            name: np.array([lookup.get(label, -1) for label in CATEGORY_LABELS[name]], float)
            for name, lookup in self.vocabularies.items()
        }

    def encode(self, inputs) -> np.ndarray:
        """Inputs as ``model_inputs`` gives them (a frame, or a mapping of column arrays) as
        LightGBM sees them, in encoded_features order. Missing or unknown categories get the
        encoder's -1, as in training."""
        n = len(inputs[self.encoded_features[0]])
        matrix = np.empty((n, len(self.encoded_features)), dtype=np.float64)
        for j, name in enumerate(self.encoded_features):
            column = inputs[name]
            if name in self.vocabularies:
                lookup = self.vocabularies[name]
                matrix[:, j] = [lookup.get(v, -1) for v in column]
            else:
                matrix[:, j] = floats(column)
        return matrix

    def encode_values(self, values: dict[str, np.ndarray]) -> np.ndarray:
        """``encode(model_input_values(values, encoded_features))`` straight from the
        feature values of ``features.build.online_values`` (categories as codes), without
        the round trip through labels: a live request's ~90 columns each cost a few
        microseconds per conversion."""
        n = len(values[self.encoded_features[0]])
        matrix = np.empty((n, len(self.encoded_features)), dtype=np.float64)
        for j, name in enumerate(self.encoded_features):
            code_map = self.code_maps.get(name)
            matrix[:, j] = values[name] if code_map is None else code_map[values[name]]
        return matrix

    def score(self, inputs) -> tuple[np.ndarray, np.ndarray]:
        """Calibrated risks and TreeSHAP contributions (log-odds, plus the bias column) of
        inputs as ``model_inputs`` gives them."""
        return self.score_encoded(self.encode(inputs))

    def score_encoded(self, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``score`` of inputs already encoded (``encode`` or ``encode_values``). TreeSHAP's
        contributions and bias add up to the raw margin: one pass through the trees."""
        contributions = self.booster.predict(matrix, pred_contrib=True, num_threads=1)
        margin = contributions.sum(axis=1)
        if hasattr(self.calibrator, "a_"):  # Platt's sigmoid, without its input checks
            risk = expit(-(self.calibrator.a_ * margin + self.calibrator.b_))
        else:  # isotonic
            risk = self.calibrator.predict(margin)
        return risk, contributions


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
            direct = RouterModel(**fields, **_direct_plan(estimator))
            same = np.allclose(
                direct.predict_proba(example), estimator.predict_proba(example), atol=AGREEMENT
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


def freeze_long_lived() -> None:
    """Move what is alive now (models, vocabularies, modules) out of the cyclic garbage
    collector's sight. They live as long as the process; left in view, every full collection
    walks them again, and a full collection then stalls the requests in flight for about
    100 ms (measured: 0.13 ms per request of a 600-request batch went to it)."""
    gc.collect()
    gc.freeze()


class ModelHolder:
    """Holds the current ModelSet; ``refresh`` loads whatever the alias points to now and
    swaps it in when a version changed. A failed load keeps the models already in use."""

    def __init__(self, tracking_uri: str, alias: str):
        self.tracking_uri = tracking_uri
        self.alias = alias
        self.current = ModelSet(problems={"router": "not loaded yet", "risk": "not loaded yet"})
        self._lock = threading.Lock()
        self._poller: Periodic | None = None

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
            if changed:
                freeze_long_lived()
            return changed

    def start_polling(self, every_seconds: float) -> None:
        if every_seconds <= 0 or self._poller is not None:
            return
        self._poller = Periodic("model poll", self.refresh, every_seconds, log)
        self._poller.start()

    def stop(self) -> None:
        if self._poller is not None:
            self._poller.stop()
