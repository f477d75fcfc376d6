"""The router: French text, channel, calendar and household context -> calibrated
probabilities over the services, and per-class thresholds that decide when to abstain.

The input step (TF-IDF of the text, one-hot categories, scaled counts) is fitted once on
the training period and shared by the candidates, which read their blocks of the same
sparse matrix: a linear model (logistic regression on the text and the categories: channel
and household) and LightGBM (the most frequent words, the categories and the numbers:
calendar and history). Each candidate is
calibrated by temperature scaling on the first half of the validation period (every class
kept, folded into the model); thresholds are chosen on the second half to reach the target
precision per class while routing as much as possible. The better candidate by macro-F1
on that second half is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from lightgbm import LGBMClassifier
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from features.registry import BY_NAME, features_for
from training.calibration import fit_temperature, fold_temperature, logits
from training.config import RouterConfig

ROUTER_FEATURES: tuple[str, ...] = features_for("router")
# The calendar (hour, weekday, month) is read by LightGBM only, as numbers. A linear model
# would extrapolate a month a time split never saw, and on Boston 311 one-hot hours and
# weekdays cost the linear router accuracy (docs/real-data-router.md).
CATEGORICAL = tuple(n for n in ROUTER_FEATURES if BY_NAME[n].kind == "categorical")
NUMERIC = tuple(n for n in ROUTER_FEATURES if BY_NAME[n].kind in ("numeric", "boolean"))
MIN_ROUTED_PER_CLASS = 5  # a threshold needs at least this many validation decisions
# The blocks of the shared input matrix each candidate reads.
BLOCKS = {
    "linear": ("words", "chars", "categories"),
    "lightgbm": ("words", "categories", "numbers"),
}


def router_inputs(config: RouterConfig, columns: Sequence[str]) -> ColumnTransformer:
    """The shared input step over the router features present in ``columns``."""
    present = set(columns)
    blocks: list[tuple] = [
        (
            "words",
            TfidfVectorizer(
                ngram_range=(1, 2),
                min_df=config.word_min_df,
                sublinear_tf=True,
                max_features=config.max_word_features,
                dtype=np.float32,
            ),
            "text",
        )
    ]
    if config.char_ngrams:
        blocks.append(
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(2, 5),
                    min_df=config.char_min_df,
                    sublinear_tf=True,
                    max_features=config.max_char_features,
                    dtype=np.float32,
                ),
                "text",
            )
        )
    categories = [c for c in CATEGORICAL if c in present]
    if categories:
        encoder = OneHotEncoder(handle_unknown="ignore", min_frequency=config.min_category_count)
        blocks.append(("categories", encoder, categories))
    numbers = [c for c in NUMERIC if c in present]
    if numbers:
        scaled = make_pipeline(
            SimpleImputer(strategy="constant", fill_value=-1.0), StandardScaler()
        )
        blocks.append(("numbers", scaled, numbers))
    return ColumnTransformer(blocks, sparse_threshold=1.0)


def plain_vocabularies(inputs: ColumnTransformer) -> ColumnTransformer:
    """Vocabulary indices as Python ints instead of numpy scalars: skops then writes each
    vocabulary as one JSON object, not one array file per term (minutes at 60,000 terms)."""
    for transformer in inputs.named_transformers_.values():
        if isinstance(transformer, TfidfVectorizer):
            transformer.vocabulary_ = {t: int(i) for t, i in transformer.vocabulary_.items()}
    return inputs


def candidate_columns(kind: str, inputs: ColumnTransformer, config: RouterConfig) -> np.ndarray:
    """Indices of the shared matrix that candidate ``kind`` reads."""
    chosen = []
    for name in BLOCKS[kind]:
        if name not in inputs.output_indices_:
            continue
        block = inputs.output_indices_[name]
        indices = np.arange(block.start, block.stop)
        if kind == "lightgbm" and name == "words":
            # The words found in most requests (lowest inverse document frequency).
            idf = inputs.named_transformers_["words"].idf_
            indices = indices[
                np.sort(np.argsort(idf, kind="stable")[: config.lgbm_max_text_features])
            ]
        chosen.append(indices)
    return np.concatenate(chosen)


def candidate_model(kind: str, config: RouterConfig):
    if kind == "linear":
        return LogisticRegression(
            C=config.linear_c,
            class_weight=config.class_weight,
            max_iter=config.linear_max_iter,
            tol=config.linear_tol,
        )
    if kind == "lightgbm":
        return LGBMClassifier(
            n_estimators=config.lgbm_rounds,
            learning_rate=config.lgbm_learning_rate,
            num_leaves=config.lgbm_leaves,
            min_child_samples=10,
            colsample_bytree=config.lgbm_colsample,
            class_weight=config.class_weight,
            random_state=config.seed,
            n_jobs=2,
            verbose=-1,
        )
    raise ValueError(f"unknown router candidate {kind!r}")


CANDIDATES = tuple(BLOCKS)


def choose_thresholds(
    probabilities: np.ndarray, truth: np.ndarray, classes: list[str], precision: dict[str, float]
) -> dict[str, float]:
    """Per class, the lowest confidence threshold whose routed requests reach the class's
    target precision on held-out data (maximum coverage); 1.01 (never route) when none does."""
    top = probabilities.argmax(axis=1)
    confidence = probabilities.max(axis=1)
    thresholds = {}
    for c, name in enumerate(classes):
        mine = top == c
        conf = confidence[mine]
        correct = (truth[mine] == name).astype(np.float64)
        order = np.argsort(-conf, kind="stable")
        conf, correct = conf[order], correct[order]
        running = np.cumsum(correct) / np.arange(1, len(correct) + 1)
        ok = (running >= precision[name]) & (np.arange(1, len(correct) + 1) >= MIN_ROUTED_PER_CLASS)
        # Threshold at a distinct confidence value: all rows with that confidence are routed.
        last_of_value = np.r_[conf[1:] != conf[:-1], True] if len(conf) else np.array([], bool)
        ok &= last_of_value
        thresholds[name] = float(conf[np.flatnonzero(ok)[-1]]) if ok.any() else 1.01
    return thresholds


def thresholds_and_macro_f1(
    probabilities: np.ndarray, truth: np.ndarray, classes: list[str], config: RouterConfig
) -> tuple[dict[str, float], float]:
    """Per-class thresholds at the configured precision, and the macro-F1 of the top
    choice, on held-out rows (the later half of validation)."""
    precision = {c: config.per_class_precision.get(c, config.target_precision) for c in classes}
    thresholds = choose_thresholds(probabilities, truth, classes, precision)
    predicted = np.asarray(classes, dtype=object)[probabilities.argmax(axis=1)]
    return thresholds, float(f1_score(truth, predicted, average="macro"))


@dataclass
class FittedRouter:
    kind: str
    model: Pipeline  # inputs -> select -> calibrated model; predict_proba on a DataFrame
    classes: list[str]
    thresholds: dict[str, float]
    validation_macro_f1: float
    columns: tuple[str, ...] = ROUTER_FEATURES
    extra: dict = field(default_factory=dict)

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        return self.model.predict_proba(frame[list(self.columns)])


def fit_routers(
    kinds: Sequence[str],
    config: RouterConfig,
    train: pd.DataFrame,
    y_train: pd.Series,
    validation: pd.DataFrame,
    y_validation: pd.Series,
    columns: Sequence[str] = ROUTER_FEATURES,
) -> dict[str, FittedRouter]:
    """Fit the shared input step once, then each candidate on its blocks; calibrate on the
    first half of validation (in time order), choose thresholds on the second half."""
    columns = tuple(c for c in ROUTER_FEATURES if c in set(columns))
    inputs = router_inputs(config, columns)
    matrix = inputs.fit_transform(train[list(columns)]).tocsr()
    plain_vocabularies(inputs)
    half = len(validation) // 2
    calibration = inputs.transform(validation.iloc[:half][list(columns)]).tocsr()
    later = inputs.transform(validation.iloc[half:][list(columns)]).tocsr()
    y_calibration = y_validation.iloc[:half].to_numpy(dtype=object)
    y_later = y_validation.iloc[half:].to_numpy(dtype=object)
    fitted = {}
    for kind in kinds:
        indices = candidate_columns(kind, inputs, config)
        select = ColumnTransformer([("keep", "passthrough", indices)], sparse_threshold=1.0)
        select.fit(matrix)
        model = candidate_model(kind, config).fit(matrix[:, indices], y_train.to_numpy())
        classes = [str(c) for c in model.classes_]
        temperature = fit_temperature(
            logits(model, calibration[:, indices]), y_calibration, classes
        )
        fold_temperature(model, temperature)
        thresholds, macro_f1 = thresholds_and_macro_f1(
            model.predict_proba(later[:, indices]), y_later, classes, config
        )
        pipeline = Pipeline([("inputs", inputs), ("select", select), ("model", model)])
        fitted[kind] = FittedRouter(
            kind, pipeline, classes, thresholds, macro_f1, columns, {"temperature": temperature}
        )
    return fitted


def fit_router(
    kind: str,
    config: RouterConfig,
    train: pd.DataFrame,
    y_train: pd.Series,
    validation: pd.DataFrame,
    y_validation: pd.Series,
    columns: Sequence[str] = ROUTER_FEATURES,
) -> FittedRouter:
    """One candidate (see ``fit_routers``)."""
    return fit_routers((kind,), config, train, y_train, validation, y_validation, columns)[kind]
