"""The router: French text, channel and household context -> calibrated probabilities over
the 12 services, and per-class thresholds that decide when to abstain.

Two candidates are fitted on the training period: a linear model (TF-IDF word and
character n-grams + logistic regression) and LightGBM (on a smaller TF-IDF vocabulary).
Each is calibrated on the first half of the validation period; thresholds are chosen on
the second half to reach the target precision per class while routing as much as
possible. The better candidate by macro-F1 on the validation period is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from lightgbm import LGBMClassifier
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.frozen import FrozenEstimator
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from features.registry import BY_NAME, features_for
from training.config import RouterConfig

ROUTER_FEATURES: tuple[str, ...] = features_for("router")
CATEGORICAL = tuple(n for n in ROUTER_FEATURES if BY_NAME[n].kind == "categorical")
NUMERIC = tuple(n for n in ROUTER_FEATURES if BY_NAME[n].kind in ("numeric", "boolean"))
MIN_ROUTED_PER_CLASS = 5  # a threshold needs at least this many validation decisions


def _context(scale: bool) -> list[tuple]:
    numeric = make_pipeline(SimpleImputer(strategy="constant", fill_value=-1.0))
    if scale:
        numeric.steps.append(("scale", StandardScaler()))
    return [
        ("context", OneHotEncoder(handle_unknown="ignore", min_frequency=5), list(CATEGORICAL)),
        ("numbers", numeric, list(NUMERIC)),
    ]


def linear_router(config: RouterConfig) -> Pipeline:
    text = [
        (
            "words",
            TfidfVectorizer(
                ngram_range=(1, 2),
                min_df=2,
                sublinear_tf=True,
                max_features=config.max_word_features,
                dtype=np.float32,
            ),
            "text",
        ),
        (
            "chars",
            TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(2, 5),
                min_df=3,
                sublinear_tf=True,
                max_features=config.max_char_features,
                dtype=np.float32,
            ),
            "text",
        ),
    ]
    return Pipeline(
        [
            ("columns", ColumnTransformer([*text, *_context(scale=True)], sparse_threshold=1.0)),
            ("model", LogisticRegression(C=config.linear_c, max_iter=300, tol=1e-3)),
        ]
    )


def lgbm_router(config: RouterConfig) -> Pipeline:
    text = [
        (
            "words",
            TfidfVectorizer(
                ngram_range=(1, 2),
                min_df=3,
                sublinear_tf=True,
                max_features=config.lgbm_max_text_features,
                dtype=np.float32,
            ),
            "text",
        )
    ]
    model = LGBMClassifier(
        n_estimators=config.lgbm_rounds,
        learning_rate=config.lgbm_learning_rate,
        num_leaves=31,
        min_child_samples=10,
        colsample_bytree=config.lgbm_colsample,
        random_state=config.seed,
        n_jobs=2,
        verbose=-1,
    )
    return Pipeline(
        [
            ("columns", ColumnTransformer([*text, *_context(scale=False)], sparse_threshold=1.0)),
            ("model", model),
        ]
    )


CANDIDATES = {"linear": linear_router, "lightgbm": lgbm_router}


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
    model: CalibratedClassifierCV
    classes: list[str]
    thresholds: dict[str, float]
    validation_macro_f1: float
    extra: dict = field(default_factory=dict)

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        return self.model.predict_proba(frame[list(ROUTER_FEATURES)])


def fit_router(
    kind: str,
    config: RouterConfig,
    train: pd.DataFrame,
    y_train: pd.Series,
    validation: pd.DataFrame,
    y_validation: pd.Series,
) -> FittedRouter:
    pipeline = CANDIDATES[kind](config)
    pipeline.fit(train[list(ROUTER_FEATURES)], y_train.to_numpy())
    half = len(validation) // 2  # validation is in time order: calibrate, then threshold
    calibrated = CalibratedClassifierCV(FrozenEstimator(pipeline), method="sigmoid")
    calibrated.fit(validation.iloc[:half][list(ROUTER_FEATURES)], y_validation.iloc[:half])
    classes = [str(c) for c in calibrated.classes_]
    later = validation.iloc[half:][list(ROUTER_FEATURES)]
    thresholds, macro_f1 = thresholds_and_macro_f1(
        calibrated.predict_proba(later), y_validation.iloc[half:].to_numpy(), classes, config
    )
    return FittedRouter(kind, calibrated, classes, thresholds, macro_f1)
