"""Promotion: `champion` moves to the challenger only when it is at least as good as the
current champion on the same test period (the challenger's), and the comparison is logged."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
from mlflow import MlflowClient
from sklearn.metrics import f1_score, roc_auc_score

from features.decisions import route
from training.card import CARDS_DIR, write_cards
from training.config import RISK_MODEL, ROUTER_MODEL
from training.data import load_dataset
from training.risk import risk_inputs
from training.tracking import CHALLENGER, CHAMPION, configure, set_alias, version_for


@dataclass
class Decision:
    model: str
    challenger: str | None
    champion_before: str | None
    promoted: bool
    challenger_score: float | None
    champion_score: float | None
    metric: str


def _model_and_metadata(name: str, version: str):
    uri = f"models:/{name}/{version}"
    return mlflow.sklearn.load_model(uri), mlflow.models.get_model_info(uri).metadata or {}


def _router_score(model, metadata, frame: pd.DataFrame, truth: np.ndarray) -> tuple[float, float]:
    inputs = frame[metadata["features"]]
    proba = model.predict_proba(inputs)
    classes = [str(c) for c in model.classes_]
    predicted = np.asarray(classes, dtype=object)[proba.argmax(axis=1)]
    routed = np.array([not d.abstained for d in route(proba, classes, metadata["thresholds"])])
    return float(f1_score(truth, predicted, average="macro")), float(routed.mean())


def _risk_score(model, frame: pd.DataFrame, truth: np.ndarray) -> float:
    return float(roc_auc_score(truth, model.predict_proba(risk_inputs(frame))[:, 1]))


def promote(
    data_dir: Path | str,
    mlflow_dir: Path = Path("data"),
    dry_run: bool = False,
    cards_dir: Path = CARDS_DIR,
) -> list[Decision]:
    """Compare challenger and champion of each model; move `champion` unless ``dry_run``.
    ``promoted`` in the decisions says what was (or, in a dry run, would be) done."""
    configure(mlflow_dir)
    client = MlflowClient()
    challengers = {m: version_for(m, CHALLENGER) for m in (ROUTER_MODEL, RISK_MODEL)}
    if any(v is None for v in challengers.values()):
        raise RuntimeError("No challenger to promote: run `aiguillage train run` first.")
    run = client.get_run(challengers[ROUTER_MODEL].run_id)
    test_start = pd.Timestamp(run.data.params["split.test_start"])
    dataset = load_dataset(data_dir)
    in_test = (dataset.features["requested_datetime"] >= test_start).to_numpy()
    routes = in_test & dataset.route_label.notna().to_numpy()
    risks = in_test & dataset.risk_label.notna().to_numpy()

    def score(name: str, version: str) -> float:
        model, metadata = _model_and_metadata(name, version)
        if name == ROUTER_MODEL:
            f1, _coverage = _router_score(
                model, metadata, dataset.features[routes], dataset.route_label[routes].to_numpy()
            )
            return f1
        return _risk_score(model, dataset.features[risks], dataset.risk_label[risks].to_numpy())

    decisions = []
    with mlflow.start_run(run_name="compare" if dry_run else "promote"):
        mlflow.log_param("test_start", test_start.isoformat())
        for name, challenger in challengers.items():
            champion = version_for(name, CHAMPION)
            metric = "macro_f1" if name == ROUTER_MODEL else "auc"
            new = score(name, challenger.version)
            old = score(name, champion.version) if champion else None
            promoted = old is None or new >= old
            short = "router" if name == ROUTER_MODEL else "risk"
            mlflow.log_metric(f"{short}_challenger_{metric}", new)
            if old is not None:
                mlflow.log_metric(f"{short}_champion_{metric}", old)
            mlflow.log_param(f"{short}_promoted", promoted)
            mlflow.log_param(f"{short}_challenger_version", challenger.version)
            mlflow.log_param(f"{short}_champion_version", champion.version if champion else "")
            if promoted and not dry_run:
                set_alias(name, CHAMPION, challenger.version)
                write_cards(name, str(challenger.version), cards_dir)
            decisions.append(
                Decision(
                    name,
                    challenger.version,
                    champion.version if champion else None,
                    promoted,
                    new,
                    old,
                    metric,
                )
            )
    return decisions
