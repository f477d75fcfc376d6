"""Temperature scaling of a multi-class model, folded into the model itself.

One temperature ``T`` is fitted on held-out rows by minimising the log-loss of
``softmax(logits / T)``. It keeps every class the model knows (a class absent from the
held-out rows is still calibrated), never changes the top choice, and needs no wrapper:
dividing a logistic regression's coefficients, or a LightGBM model's leaf values, by ``T``
divides its logits by ``T``. The calibrated model is therefore the same scikit-learn or
LightGBM type as before, which the registry already knows how to serialise.
"""

from __future__ import annotations

import numpy as np
from lightgbm import LGBMClassifier
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax
from sklearn.linear_model import LogisticRegression

LOG_T_BOUNDS = (-4.0, 4.0)  # T between e^-4 and e^4


def logits(model, matrix) -> np.ndarray:
    """The model's multi-class logits (softmax of them is its predict_proba)."""
    if isinstance(model, LogisticRegression):
        return np.asarray(model.decision_function(matrix), dtype=np.float64)
    if isinstance(model, LGBMClassifier):
        return np.asarray(model.predict(matrix, raw_score=True), dtype=np.float64)
    raise TypeError(f"no temperature scaling for {type(model).__name__}")


def fit_temperature(scores: np.ndarray, truth: np.ndarray, classes: list[str]) -> float:
    """The temperature that minimises the log-loss on rows whose class the model knows."""
    index = {c: i for i, c in enumerate(classes)}
    known = np.array([t in index for t in truth])
    if not known.any():
        return 1.0
    rows = scores[known]
    target = np.array([index[t] for t in truth[known]])

    def loss(log_t: float) -> float:
        return -float(
            log_softmax(rows / np.exp(log_t), axis=1)[np.arange(len(rows)), target].mean()
        )

    result = minimize_scalar(loss, bounds=LOG_T_BOUNDS, method="bounded")
    return float(np.exp(result.x))


def fold_temperature(model, temperature: float):
    """Divide the model's logits by ``temperature`` in place; returns the model."""
    scale = 1.0 / temperature
    if isinstance(model, LogisticRegression):
        model.coef_ = model.coef_ * scale
        model.intercept_ = model.intercept_ * scale
        return model
    if isinstance(model, LGBMClassifier):
        booster = model.booster_
        for tree in booster.dump_model(num_iteration=-1)["tree_info"]:
            for leaf in range(tree["num_leaves"]):
                value = booster.get_leaf_output(tree["tree_index"], leaf)
                booster.set_leaf_output(tree["tree_index"], leaf, value * scale)
        return model
    raise TypeError(f"no temperature scaling for {type(model).__name__}")
