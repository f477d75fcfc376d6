"""The social-risk model: LightGBM on the history and household features, calibrated on a
later validation period, with priority-band cut-offs fitted to a configured capacity.

The score ranks need for help, never suspicion: it uses no audit attribute (the registry
forbids them) and no free text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from lightgbm import LGBMClassifier
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OrdinalEncoder

from features.build import model_inputs
from features.decisions import band_cutoffs
from features.registry import BY_NAME, features_for
from training.config import RiskConfig

RISK_FEATURES: tuple[str, ...] = features_for("risk", kinds=("numeric", "boolean", "categorical"))
CATEGORICAL = tuple(n for n in RISK_FEATURES if BY_NAME[n].kind == "categorical")
# Column order after encoding: categoricals first, then the rest in registry order.
ENCODED_FEATURES = CATEGORICAL + tuple(n for n in RISK_FEATURES if n not in CATEGORICAL)


@dataclass
class FittedRisk:
    model: CalibratedClassifierCV
    cutoffs: list[float]  # risk cut-offs of P1, P2, P3

    def predict_risk(self, frame: pd.DataFrame) -> np.ndarray:
        return self.model.predict_proba(risk_inputs(frame))[:, 1]

    @property
    def pipeline(self) -> Pipeline:
        return self.model.calibrated_classifiers_[0].estimator.estimator

    def encoded(self, frame: pd.DataFrame) -> np.ndarray:
        """Inputs as LightGBM sees them, columns in ENCODED_FEATURES order."""
        return self.pipeline.named_steps["encode"].transform(risk_inputs(frame))

    def contributions(self, frame: pd.DataFrame) -> np.ndarray:
        """Exact TreeSHAP contributions (log-odds) of the uncalibrated LightGBM model, one
        column per ENCODED_FEATURES name plus the bias."""
        return self.encoded_contributions(self.encoded(frame))

    def encoded_contributions(self, encoded: np.ndarray, threads: int = 0) -> np.ndarray:
        """``contributions`` of inputs already ``encoded``: LightGBM's own work, which
        releases the GIL while it runs, on ``threads`` threads (0: LightGBM's default)."""
        booster = self.pipeline.named_steps["model"].booster_
        return booster.predict(encoded, pred_contrib=True, num_threads=threads)


def risk_inputs(frame: pd.DataFrame) -> pd.DataFrame:
    """The model's input columns: categories as strings (what an MLflow signature carries),
    booleans as floats."""
    return model_inputs(frame, RISK_FEATURES)


def risk_pipeline(config: RiskConfig) -> Pipeline:
    encode = ColumnTransformer(
        [
            (
                "categories",
                OrdinalEncoder(
                    handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-1
                ),
                list(CATEGORICAL),
            )
        ],
        remainder="passthrough",
        verbose_feature_names_out=False,
    )
    model = LGBMClassifier(
        n_estimators=config.rounds,
        learning_rate=config.learning_rate,
        num_leaves=config.num_leaves,
        max_depth=config.max_depth,
        min_child_samples=config.min_child_samples,
        subsample=0.8,
        subsample_freq=1,
        colsample_bytree=0.8,
        reg_lambda=1.0,
        random_state=config.seed,
        n_jobs=2,
        verbose=-1,
    )
    return Pipeline([("encode", encode), ("model", model)])


def fit_risk(
    config: RiskConfig,
    train: pd.DataFrame,
    y_train: pd.Series,
    validation: pd.DataFrame,
    y_validation: pd.Series,
) -> FittedRisk:
    model = risk_pipeline(config)
    model.fit(
        risk_inputs(train),
        y_train.astype(int).to_numpy(),
        model__categorical_feature=list(range(len(CATEGORICAL))),
    )
    calibrated = CalibratedClassifierCV(FrozenEstimator(model), method=config.calibration)
    calibrated.fit(risk_inputs(validation), y_validation.astype(int).to_numpy())
    fitted = FittedRisk(calibrated, [])
    fitted.cutoffs = band_cutoffs(fitted.predict_risk(validation), config.capacity)
    return fitted
