"""Temperature scaling folded into the model: the same model type, logits divided by T."""

from __future__ import annotations

import numpy as np
import pytest
from lightgbm import LGBMClassifier
from scipy.special import softmax
from sklearn.linear_model import LogisticRegression

from training.calibration import fit_temperature, fold_temperature, logits


def _blobs(rows: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    label = rng.integers(3, size=rows)
    x = rng.normal(size=(rows, 4)) + np.eye(3, 4)[label] * 1.5
    return x, np.array(["a", "b", "c"], dtype=object)[label]


def test_the_fitted_temperature_is_the_one_that_generated_the_labels() -> None:
    rng = np.random.default_rng(0)
    scores = rng.normal(scale=3.0, size=(20_000, 4))
    classes = ["w", "x", "y", "z"]
    for true_t in (0.5, 2.0):
        p = softmax(scores / true_t, axis=1)
        drawn = (p.cumsum(axis=1) > rng.random((len(p), 1))).argmax(axis=1)
        truth = np.asarray(classes, dtype=object)[drawn]
        assert fit_temperature(scores, truth, classes) == pytest.approx(true_t, rel=0.05)


def test_rows_of_unknown_classes_are_ignored_and_absent_classes_kept() -> None:
    x, y = _blobs(600, seed=1)
    model = LogisticRegression().fit(x, y)
    scores = logits(model, x)
    only_ab = y != "c"
    with_noise = np.where(only_ab, y, "never-seen")  # rows of an unknown class
    t = fit_temperature(scores, with_noise, list(model.classes_))
    assert t == pytest.approx(fit_temperature(scores[only_ab], y[only_ab], list(model.classes_)))
    fold_temperature(model, t)
    assert list(model.classes_) == ["a", "b", "c"]  # "c" never in the calibration rows
    assert model.predict_proba(x).shape == (600, 3)


@pytest.mark.parametrize(
    "make",
    [
        lambda: LogisticRegression(C=10.0),
        lambda: LGBMClassifier(n_estimators=20, num_leaves=4, verbose=-1, random_state=0),
    ],
    ids=["logistic", "lightgbm"],
)
def test_folding_divides_the_logits_and_keeps_the_top_choice(make) -> None:
    x, y = _blobs(500, seed=2)
    model = make().fit(x, y)
    before = logits(model, x)
    top = model.predict_proba(x).argmax(axis=1)
    fold_temperature(model, 2.5)
    np.testing.assert_allclose(logits(model, x), before / 2.5, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(model.predict_proba(x), softmax(before / 2.5, axis=1), atol=1e-9)
    assert (model.predict_proba(x).argmax(axis=1) == top).all()


def test_temperature_scaling_lowers_the_log_loss_of_an_overconfident_model() -> None:
    x, y = _blobs(3_000, seed=3)
    flipped = y.copy()
    noise = np.random.default_rng(3).random(len(y)) < 0.3
    flipped[noise] = "a"  # label noise: an unregularised model is overconfident
    model = LogisticRegression(C=1e4).fit(x[:1_500], flipped[:1_500])
    held = slice(1_500, None)
    classes = list(model.classes_)
    index = np.array([classes.index(c) for c in flipped[held]])

    def log_loss() -> float:
        return -np.log(model.predict_proba(x[held])[np.arange(len(index)), index]).mean()

    before = log_loss()
    t = fit_temperature(logits(model, x[held]), flipped[held], classes)
    fold_temperature(model, t)
    assert t > 1 and log_loss() < before
