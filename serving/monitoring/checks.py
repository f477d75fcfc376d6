"""The checks: one Evidently report each, whose test conditions give the verdict.

A check fails when any of its Evidently tests fails; it gives no verdict when its window
holds fewer rows than ``min_rows`` (or lacks what it compares). Drift tests are p-values
(Kolmogorov-Smirnov for numbers, chi-square for categories) at the check's alpha shared
among its columns, so an unchanged world raises an alert in at most about alpha of runs.
Performance tests allow the configured drop below the champion's test figures, or the
sampling noise of the window when that is larger.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd
from evidently import (
    BinaryClassification,
    DataDefinition,
    Dataset,
    MulticlassClassification,
    Report,
)
from evidently.metrics import Accuracy, DriftedColumnsCount, MeanValue, RocAuc
from evidently.presets import DataDriftPreset
from evidently.tests import gte, lte

from features.registry import BY_NAME, FEATURE_NAMES
from serving.config import Settings
from serving.monitoring.descriptors import CATEGORICAL, NUMERICAL, text_descriptors

PASS, FAIL, NO_DATA = "pass", "fail", "not_enough_data"
# Seasonal by construction: a week is always one month, the reference spans several.
NOT_MONITORED = ("text", "month")
PREDICTION_CATEGORIES = ("route", "abstained", "band")
Z_ONE_SIDED_1PCT = 2.326
LARGE_WINDOW = 1_000  # rows; Evidently switches from p-values to distances at this size


@dataclass
class CheckResult:
    name: str
    status: str
    figures: dict = field(default_factory=dict)
    tests: list[dict] = field(default_factory=list)
    snapshot: object = None  # the Evidently run, saved as HTML by the caller

    def summary(self) -> dict:
        return {"status": self.status, "figures": self.figures, "tests": self.tests}


def no_data(name: str, why: str, **figures) -> CheckResult:
    return CheckResult(name, NO_DATA, {"why": why, **figures})


def _frame(frame: pd.DataFrame, numerical: list[str], categorical: list[str]) -> pd.DataFrame:
    """Numbers as floats, categories (booleans too) as strings, missing kept missing."""
    out = {}
    for name in numerical:
        out[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64").to_numpy()
    for name in categorical:
        column = frame[name].astype(object)
        out[name] = (
            column.where(column.notna(), None)
            .map(lambda v: None if v is None else str(v))
            .to_numpy()
        )
    return pd.DataFrame(out)


def _run(report: Report, current: pd.DataFrame, reference, definition) -> tuple:
    snapshot = report.run(
        Dataset.from_pandas(current, data_definition=definition),
        Dataset.from_pandas(reference, data_definition=definition)
        if reference is not None
        else None,
    )
    tests = [
        {"name": t["name"], "status": t["status"], "description": t["description"]}
        for t in snapshot.dict()["tests"]
    ]
    failed = any(t["status"] in ("FAIL", "ERROR") for t in tests)
    return snapshot, tests, FAIL if failed else PASS


def _usable(reference: pd.DataFrame, current: pd.DataFrame, columns) -> list[str]:
    """Columns with values on both sides (Evidently refuses an empty column)."""
    return [
        c
        for c in columns
        if c in reference.columns
        and c in current.columns
        and reference[c].notna().any()
        and current[c].notna().any()
    ]


def _methods(settings: Settings, columns: int, rows: int) -> dict:
    """p-values for a small window; distances for a large one, where p-values flag
    differences too small to matter (Evidently's own rule, at the same size)."""
    if rows > LARGE_WINDOW:
        return {
            "num_method": "wasserstein",
            "cat_method": "jensenshannon",
            "threshold": settings.monitor_drift_distance,
        }
    return {
        "num_method": "ks",
        "cat_method": "chisquare",
        "threshold": settings.monitor_drift_alpha / max(columns, 1),
    }


def _drift(
    name: str,
    reference: pd.DataFrame,
    current: pd.DataFrame,
    numerical: list[str],
    categorical: list[str],
    settings: Settings,
    render: bool = True,
) -> CheckResult:
    """Each column is tested (see _methods); the check fails when more than
    ``monitor_max_drifted_columns`` drift. ``render=False`` computes the same verdict with
    DriftedColumnsCount alone, without DataDriftPreset's per-column plots (the slow part)."""
    columns = numerical + categorical
    methods = _methods(settings, len(columns), len(current))
    most = settings.monitor_max_drifted_columns
    if render:  # the preset's share test: share < (most + 1) / columns, i.e. count <= most
        share = (most + 1) / max(len(columns), 1)
        metric = DataDriftPreset(columns=columns, drift_share=share, **methods)
    else:
        metric = DriftedColumnsCount(columns=columns, **methods, tests=[lte(most)])
    definition = DataDefinition(numerical_columns=numerical, categorical_columns=categorical)
    snapshot, tests, status = _run(
        Report([metric], include_tests=True),
        _frame(current, numerical, categorical),
        _frame(reference, numerical, categorical),
        definition,
    )
    count = next(
        m["value"]
        for m in snapshot.dict()["metrics"]
        if m["config"]["type"].endswith("DriftedColumnsCount")
    )
    figures = {
        "columns": len(columns),
        "drifted": int(count["count"]),
        "drift_share": float(count["share"]),
        "drifted_columns": [
            t["name"].removeprefix("Value Drift for column ")
            for t in tests
            if t["status"] == "FAIL" and t["name"].startswith("Value Drift")
        ],
        "method": f"{methods['num_method']}, {methods['cat_method']}",
        "threshold": methods["threshold"],
    }
    return CheckResult(name, status, figures, tests, snapshot if render else None)


def data_drift(
    reference: pd.DataFrame, current: pd.DataFrame, settings: Settings, render: bool = True
) -> CheckResult:
    """The features: the champion's reference sample against the window's features."""
    if len(current) < settings.monitor_min_rows:
        return no_data("data_drift", "fenêtre trop petite", rows=len(current))
    wanted = [n for n in FEATURE_NAMES if n not in NOT_MONITORED]
    columns = _usable(reference, current, wanted)
    numerical = [c for c in columns if BY_NAME[c].kind == "numeric"]
    categorical = [c for c in columns if BY_NAME[c].kind != "numeric"]
    result = _drift("data_drift", reference, current, numerical, categorical, settings, render)
    result.figures["rows"] = len(current)
    return result


def text_drift(
    reference: pd.Series, current: pd.Series, settings: Settings, render: bool = True
) -> CheckResult:
    """The descriptions, as descriptors only (see descriptors.py)."""
    if len(current) < settings.monitor_min_rows or len(reference) < settings.monitor_min_rows:
        return no_data(
            "text_drift", "trop peu de textes", rows=len(current), reference_rows=len(reference)
        )
    ref, cur = text_descriptors(reference, current)
    result = _drift("text_drift", ref, cur, list(NUMERICAL), list(CATEGORICAL), settings, render)
    result.figures.update(
        rows=len(cur),
        reference_rows=len(ref),
        unknown_words_shares=_shares(cur["unknown_words"]),
        reference_unknown_words_shares=_shares(ref["unknown_words"]),
    )
    return result


def _shares(values: pd.Series) -> dict[str, float]:
    return {str(k): float(v) for k, v in values.value_counts(normalize=True).sort_index().items()}


def prediction_drift(
    reference: pd.DataFrame, log: pd.DataFrame, settings: Settings, render: bool = True
) -> CheckResult:
    """Routes, abstentions, bands and risks the service gave, against the reference's."""
    if len(log) < settings.monitor_min_rows:
        return no_data("prediction_drift", "fenêtre trop petite", rows=len(log))
    current = log.rename(columns={"routed_service": "route"})
    categorical = _usable(reference, current, PREDICTION_CATEGORIES)
    numerical = _usable(reference, current, ("risk",))
    result = _drift(
        "prediction_drift", reference, current, numerical, categorical, settings, render
    )
    result.figures.update(
        rows=len(current),
        abstention_rate=float(current["abstained"].mean()),
        route_shares=_shares(current["route"]),
        band_shares=_shares(current["band"].dropna()),
    )
    if "abstained" in reference.columns:
        result.figures["reference_abstention_rate"] = float(reference["abstained"].mean())
    if "route" in reference.columns:
        result.figures["reference_route_shares"] = _shares(reference["route"])
    result.figures["reference_band_shares"] = _shares(reference["band"].dropna())
    return result


def _floor(reference: float, n: int, drop: float) -> float:
    """The lowest acceptable value: the allowed drop, or the window's noise if larger."""
    noise = Z_ONE_SIDED_1PCT * math.sqrt(max(reference * (1 - reference), 1e-6) / n)
    return reference - max(drop, noise)


def router_performance(log: pd.DataFrame, metrics: dict, settings: Settings) -> CheckResult:
    """Accuracy of the router's first choice and coverage, on requests whose final route
    has arrived, against the champion's test figures."""
    done = log[log["final_service"].notna() & log["top_service"].notna()]
    n = len(done)
    if n < settings.monitor_min_rows:
        return no_data("router_performance", "trop peu de routes finales", rows=n)
    accuracy, coverage = metrics["router_accuracy"], metrics["router_coverage"]
    frame = pd.DataFrame(
        {
            "target": done["final_service"].astype(str).to_numpy(),
            "prediction": done["top_service"].astype(str).to_numpy(),
            "routed": (~done["abstained"].astype(bool)).astype(float).to_numpy(),
        }
    )
    definition = DataDefinition(
        numerical_columns=["routed"],
        categorical_columns=["target", "prediction"],
        classification=[MulticlassClassification(target="target", prediction_labels="prediction")],
    )
    floors = {
        "accuracy": _floor(accuracy, n, settings.monitor_accuracy_drop),
        "coverage": _floor(coverage, n, settings.monitor_accuracy_drop),
    }
    report = Report(
        [
            Accuracy(tests=[gte(floors["accuracy"])]),
            MeanValue(column="routed", tests=[gte(floors["coverage"])]),
        ]
    )
    snapshot, tests, status = _run(report, frame, None, definition)
    figures = {
        "rows": n,
        "accuracy": float((frame["target"] == frame["prediction"]).mean()),
        "coverage": float(frame["routed"].mean()),
        "reference_accuracy": accuracy,
        "reference_coverage": coverage,
        "accuracy_floor": floors["accuracy"],
        "coverage_floor": floors["coverage"],
    }
    return CheckResult("router_performance", status, figures, tests, snapshot)


def _auc_error(auc: float, positives: int, negatives: int) -> float:
    """Standard error of an AUC (Hanley and McNeil, 1982)."""
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    variance = (
        auc * (1 - auc) + (positives - 1) * (q1 - auc**2) + (negatives - 1) * (q2 - auc**2)
    ) / (positives * negatives)
    return math.sqrt(max(variance, 0.0))


def risk_performance(log: pd.DataFrame, metrics: dict, settings: Settings) -> CheckResult:
    """Risk AUC and calibration (mean risk against the observed crisis rate) on requests whose
    91-day outcome is on record; the allowed drop and gap widen to the window's noise."""
    done = log[log["crisis"].notna() & log["risk"].notna()]
    n = len(done)
    if n < settings.monitor_min_rows or done["crisis"].nunique() < 2:
        return no_data("risk_performance", "trop peu d'issues connues", rows=n)
    frame = pd.DataFrame(
        {
            "crisis": done["crisis"].astype(int).to_numpy(),
            "risk": done["risk"].astype(float).to_numpy(),
        }
    )
    frame["risk_minus_outcome"] = frame["risk"] - frame["crisis"]
    definition = DataDefinition(
        numerical_columns=["risk", "risk_minus_outcome"],
        categorical_columns=["crisis"],
        classification=[BinaryClassification(target="crisis", prediction_probas="risk")],
    )
    positives = int(frame["crisis"].sum())
    auc = metrics["risk_auc"]
    auc_floor = auc - max(
        settings.monitor_auc_drop, Z_ONE_SIDED_1PCT * _auc_error(auc, positives, n - positives)
    )
    rate = frame["crisis"].mean()
    gap = max(settings.monitor_calibration_gap, Z_ONE_SIDED_1PCT * math.sqrt(rate * (1 - rate) / n))
    report = Report(
        [
            RocAuc(tests=[gte(auc_floor)]),
            MeanValue(column="risk_minus_outcome", tests=[gte(-gap), lte(gap)]),
        ]
    )
    snapshot, tests, status = _run(report, frame, None, definition)
    figures = {
        "rows": n,
        "crisis_rate": float(frame["crisis"].mean()),
        "mean_risk": float(frame["risk"].mean()),
        "reference_auc": metrics["risk_auc"],
        "auc_floor": auc_floor,
        "calibration_gap": gap,
    }
    return CheckResult("risk_performance", status, figures, tests, snapshot)


def overrides(reviews: pd.DataFrame, settings: Settings) -> CheckResult:
    """How often social workers overrode the route or the band of the window's requests."""
    n = len(reviews)
    if n < settings.monitor_min_rows:
        return no_data("overrides", "trop peu de revues", rows=n)
    frame = pd.DataFrame(
        {
            "route_overridden": reviews["route"].astype(float).to_numpy(),
            "band_overridden": reviews["band"].astype(float).to_numpy(),
        }
    )
    definition = DataDefinition(numerical_columns=list(frame.columns))
    most = settings.monitor_max_override_rate
    report = Report(
        [MeanValue(column=c, tests=[lte(most)]) for c in frame.columns],
    )
    snapshot, tests, status = _run(report, frame, None, definition)
    figures = {
        "rows": n,
        "route_override_rate": float(frame["route_overridden"].mean()),
        "band_override_rate": float(frame["band_overridden"].mean()),
        "max_override_rate": most,
    }
    return CheckResult("overrides", status, figures, tests, snapshot)
