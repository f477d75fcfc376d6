"""Evaluation plots, written as PNG files (no personal data: aggregates only)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd


def _save(figure, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def confusion(matrix: pd.DataFrame, path: Path) -> Path:
    normalised = matrix.div(matrix.sum(axis=1).replace(0, 1), axis=0)
    figure, axis = plt.subplots(figsize=(9, 8))
    image = axis.imshow(normalised.to_numpy(), cmap="Blues", vmin=0, vmax=1)
    axis.set_xticks(range(len(matrix.columns)), matrix.columns, rotation=60, ha="right")
    axis.set_yticks(range(len(matrix.index)), matrix.index)
    axis.set_xlabel("predicted service")
    axis.set_ylabel("final service")
    axis.set_title("Router: confusion matrix (row-normalised, test period)")
    figure.colorbar(image, ax=axis)
    return _save(figure, path)


def coverage(per_class: pd.DataFrame, path: Path) -> Path:
    figure, axis = plt.subplots(figsize=(9, 5))
    x = np.arange(len(per_class))
    axis.bar(x - 0.2, per_class["coverage"], 0.4, label="coverage")
    axis.bar(x + 0.2, per_class["routed_precision"], 0.4, label="precision when routed")
    axis.set_xticks(x, per_class.index, rotation=60, ha="right")
    axis.set_ylim(0, 1.05)
    axis.legend()
    axis.set_title("Router: coverage and precision per service (test period)")
    return _save(figure, path)


def reliability(table: pd.DataFrame, path: Path) -> Path:
    figure, axis = plt.subplots(figsize=(5.5, 5))
    top = float(max(table["predicted"].max(), table["observed"].max(), 0.05)) * 1.1
    axis.plot([0, top], [0, top], linestyle="--", color="grey", label="perfect calibration")
    axis.plot(table["predicted"], table["observed"], marker="o", label="risk model")
    axis.set_xlabel("predicted probability of a crisis within 90 days")
    axis.set_ylabel("observed rate")
    axis.set_title("Risk: reliability (test period, deciles)")
    axis.legend()
    return _save(figure, path)


def shap_summary(
    contributions: np.ndarray, names: tuple[str, ...], values: np.ndarray, path: Path
) -> Path:
    """The shap library's summary (beeswarm) of exact TreeSHAP contributions."""
    import shap

    frame = pd.DataFrame(np.asarray(values, dtype=np.float64), columns=list(names))
    shap.summary_plot(contributions[:, : len(names)], frame, show=False, max_display=15)
    figure = plt.gcf()
    figure.set_size_inches(9, 7)
    return _save(figure, path)
