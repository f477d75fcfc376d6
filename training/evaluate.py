"""Evaluation that tells the truth: router and risk metrics on the test period, against the
generator's oracle when it is known, and fairness across the audit attributes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
    roc_auc_score,
)

from features.decisions import band, route

RELIABILITY_BINS = 10


def router_metrics(
    y_true: np.ndarray,
    probabilities: np.ndarray,
    classes: Sequence[str],
    thresholds: Mapping[str, float],
) -> tuple[dict[str, float], pd.DataFrame, pd.DataFrame]:
    """Headline metrics, a per-class table and the confusion matrix (rows: truth)."""
    y_true = np.asarray(y_true, dtype=object)
    predicted = np.asarray(classes, dtype=object)[probabilities.argmax(axis=1)]
    decisions = route(probabilities, classes, thresholds)
    routed = np.array([not d.abstained for d in decisions])
    precision, recall, _, support = precision_recall_fscore_support(
        y_true, predicted, labels=list(classes), zero_division=0
    )
    per_class = pd.DataFrame(
        {
            "precision": precision,
            "recall": recall,
            "support": support,
            "coverage": [
                routed[y_true == c].mean() if (y_true == c).any() else np.nan for c in classes
            ],
            "routed_precision": [
                (y_true[routed & (predicted == c)] == c).mean()
                if (routed & (predicted == c)).any()
                else np.nan
                for c in classes
            ],
            "threshold": [thresholds.get(c, np.nan) for c in classes],
        },
        index=list(classes),
    )
    metrics = {
        "accuracy": float(accuracy_score(y_true, predicted)),
        "macro_f1": float(f1_score(y_true, predicted, average="macro")),
        "coverage": float(routed.mean()),
        "routed_precision": float((predicted[routed] == y_true[routed]).mean())
        if routed.any()
        else float("nan"),
        "abstention_rate": float(1 - routed.mean()),
    }
    matrix = pd.DataFrame(
        confusion_matrix(y_true, predicted, labels=list(classes)), index=classes, columns=classes
    )
    return metrics, per_class, matrix


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = RELIABILITY_BINS) -> float:
    """ECE over equal-width probability bins, weighted by bin size."""
    edges = np.minimum((np.asarray(p) * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        inside = edges == b
        if inside.any():
            total += inside.mean() * abs(np.mean(p[inside]) - np.mean(y[inside]))
    return float(total)


def reliability_table(y: np.ndarray, p: np.ndarray, bins: int = RELIABILITY_BINS) -> pd.DataFrame:
    quantiles = pd.qcut(p, bins, labels=False, duplicates="drop")
    frame = pd.DataFrame({"bin": quantiles, "predicted": p, "observed": y})
    return frame.groupby("bin").agg(
        predicted=("predicted", "mean"), observed=("observed", "mean"), count=("observed", "size")
    )


def risk_metrics(
    y: np.ndarray, p: np.ndarray, cutoffs: Sequence[float]
) -> tuple[dict[str, float], pd.DataFrame]:
    y = np.asarray(y, dtype=np.float64)
    bands = band(p, cutoffs)
    base_rate = y.mean()
    metrics = {
        "auc": float(roc_auc_score(y, p)),
        "pr_auc": float(average_precision_score(y, p)),
        "brier": float(brier_score_loss(y, p)),
        "ece": expected_calibration_error(y, p),
        "base_rate": float(base_rate),
    }
    for name in ("P1", "P2"):
        inside = bands == name
        metrics[f"share_{name}"] = float(inside.mean())
        metrics[f"lift_{name}"] = float(y[inside].mean() / base_rate) if inside.any() else 0.0
    top = np.isin(bands, ["P1", "P2"])
    metrics["recall_P1_P2"] = float(y[top].sum() / max(y.sum(), 1))
    return metrics, reliability_table(y, p)


def fairness_table(
    y: np.ndarray, p: np.ndarray, cutoffs: Sequence[float], audit: pd.DataFrame
) -> tuple[pd.DataFrame, list[dict]]:
    """Per group of each audit attribute: AUC, calibration gap, share in P1/P2 and false
    negative rate (a crisis that was not placed in P1/P2). Returns the table and the
    largest gap of each metric across groups of each attribute."""
    y = np.asarray(y, dtype=np.float64)
    top = np.isin(band(p, cutoffs), ["P1", "P2"]).astype(float)

    def auc(y_true, y_score):
        return roc_auc_score(y_true, y_score) if 0 < y_true.sum() < len(y_true) else np.nan

    def calibration_gap(y_true, y_score):
        return float(np.mean(y_score) - np.mean(y_true))

    def share_top(y_true, y_pred):
        return float(np.mean(y_pred))

    def false_negative_rate(y_true, y_pred):
        positives = y_true == 1
        return float(1 - y_pred[positives].mean()) if positives.any() else np.nan

    rows, gaps = [], []
    for attribute in audit.columns:
        groups = audit[attribute].astype(str).to_numpy()
        scores = MetricFrame(
            metrics={"auc": auc, "calibration_gap": calibration_gap},
            y_true=y,
            y_pred=p,
            sensitive_features=groups,
        ).by_group
        decisions = MetricFrame(
            metrics={"share_P1_P2": share_top, "false_negative_rate": false_negative_rate},
            y_true=y,
            y_pred=top,
            sensitive_features=groups,
        ).by_group
        table = scores.join(decisions)
        table["count"] = pd.Series(groups).value_counts()
        table["attribute"] = attribute
        rows.append(table.reset_index(names="group"))
        for metric in ("auc", "calibration_gap", "share_P1_P2", "false_negative_rate"):
            column = table[metric].dropna()
            if len(column) > 1:
                gaps.append(
                    {
                        "attribute": attribute,
                        "metric": metric,
                        "gap": float(column.max() - column.min()),
                        "highest": str(column.idxmax()),
                        "lowest": str(column.idxmin()),
                    }
                )
    gaps.sort(key=lambda g: -abs(g["gap"]))
    return pd.concat(rows, ignore_index=True), gaps
