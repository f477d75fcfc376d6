"""One training run: fit both routers and the risk model on the temporal split, evaluate
them on the test period, log everything to MLflow, register both models and point the
`challenger` alias at the new versions."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
from mlflow.models import infer_signature
from sklearn.metrics import roc_auc_score

from features.build import model_inputs
from features.decisions import band, route
from training import plots
from training.config import RISK_MODEL, ROUTER_MODEL, TrainConfig
from training.data import Dataset, Split, load_dataset, temporal_split
from training.evaluate import fairness_table, risk_metrics, router_metrics
from training.report import write_report
from training.risk import ENCODED_FEATURES, RISK_FEATURES, FittedRisk, fit_risk, risk_inputs
from training.router import ROUTER_FEATURES, FittedRouter, fit_routers
from training.tracking import (
    CHALLENGER,
    SKOPS_TRUSTED_TYPES,
    configure,
    model_requirements,
    set_alias,
)

REFERENCE_ROWS = 5_000
# Never in a reference sample, an artifact or a report: free text and identifiers.
PRIVATE_COLUMNS = ("text", "service_request_id", "household_id", "requested_datetime")


@dataclass
class TrainingResult:
    run_id: str
    router_version: str
    risk_version: str
    metrics: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0


def _inputs_for_signature(frame: pd.DataFrame) -> pd.DataFrame:
    """Categoricals as plain strings: what an MLflow signature describes and JSON carries."""
    return model_inputs(frame, frame.columns)


def _masks(dataset: Dataset, split: Split) -> dict[str, np.ndarray]:
    times = dataset.features["requested_datetime"]
    period = split.period(times)
    routed = dataset.route_label.notna().to_numpy()
    labelled = dataset.risk_label.notna().to_numpy()
    masks = {f"route_{p}": (period == p) & routed for p in ("train", "validation", "test")}
    for p in ("train", "validation", "test"):
        masks[f"risk_{p}"] = split.risk_fit_mask(times, p) & labelled
    return masks


def _oracle(dataset: Dataset, masks: dict[str, np.ndarray]) -> dict[str, float]:
    if dataset.truth is None:
        return {}
    risk = masks["risk_test"]
    return {
        "oracle_routing_accuracy": float(
            dataset.truth["oracle_route_confidence"][masks["route_test"]].mean()
        ),
        "oracle_risk_auc": float(
            roc_auc_score(dataset.risk_label[risk], dataset.truth["p_crisis_90d"][risk])
        ),
    }


def _log_model(model, name: str, registered: str, example: pd.DataFrame, metadata: dict) -> str:
    """Log a scikit-learn model (skops) that serves probabilities, register a version."""
    info = mlflow.sklearn.log_model(
        model,
        name=name,
        registered_model_name=registered,
        pyfunc_predict_fn="predict_proba",
        signature=infer_signature(example, model.predict_proba(example)),
        input_example=example,
        skops_trusted_types=SKOPS_TRUSTED_TYPES,
        pip_requirements=model_requirements(),
        metadata=metadata,
    )
    return str(info.registered_model_version)


def _log_router(router: FittedRouter, frame: pd.DataFrame) -> str:
    example = _inputs_for_signature(frame[list(ROUTER_FEATURES)].head(5))
    metadata = {
        "kind": router.kind,
        "classes": router.classes,
        "thresholds": router.thresholds,
        "features": list(ROUTER_FEATURES),
    }
    return _log_model(router.model, "router", ROUTER_MODEL, example, metadata)


def _log_risk(risk: FittedRisk, frame: pd.DataFrame) -> str:
    metadata = {
        "features": list(RISK_FEATURES),
        "encoded_features": list(ENCODED_FEATURES),
        "band_cutoffs": risk.cutoffs,
    }
    return _log_model(risk.model, "risk", RISK_MODEL, risk_inputs(frame.head(5)), metadata)


def reference_sample(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Rows of the test period for drift monitoring: no free text, no identifiers."""
    sample = frame.sample(min(REFERENCE_ROWS, len(frame)), random_state=seed)
    return sample.drop(columns=[c for c in PRIVATE_COLUMNS if c in sample.columns])


def train(
    data_dir: Path | str,
    config: TrainConfig | None = None,
    mlflow_dir: Path = Path("data"),
    say: Callable[[str], None] = lambda _message: None,
) -> TrainingResult:
    started = time.perf_counter()
    config = config or TrainConfig()
    configure(mlflow_dir)
    say("Features as of each request…")
    dataset = load_dataset(data_dir)
    split = temporal_split(dataset.features["requested_datetime"], config.split)
    masks = _masks(dataset, split)
    features, route_label, risk_label = dataset.features, dataset.route_label, dataset.risk_label

    with mlflow.start_run(run_name="train") as run, tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        mlflow.log_params(config.as_params())
        mlflow.log_params(
            {
                "data.requests": len(features),
                "split.validation_start": split.validation_start.isoformat(),
                "split.test_start": split.test_start.isoformat(),
                "split.end": split.end.isoformat(),
            }
        )
        test_routes = features[masks["route_test"]]
        say("Router candidates: " + ", ".join(config.router.candidates) + "…")
        # One shared input step, then each candidate in turn (LightGBM uses both cores).
        routers = fit_routers(
            config.router.candidates,
            config.router,
            features[masks["route_train"]],
            route_label[masks["route_train"]],
            features[masks["route_validation"]],
            route_label[masks["route_validation"]],
        )
        y_route = route_label[masks["route_test"]].to_numpy()
        evaluated = {}
        for kind, fitted in routers.items():
            evaluated[kind] = router_metrics(
                y_route, fitted.predict_proba(test_routes), fitted.classes, fitted.thresholds
            )
            metrics = evaluated[kind][0]
            mlflow.log_metric(f"router_{kind}_validation_macro_f1", fitted.validation_macro_f1)
            mlflow.log_metric(f"router_{kind}_temperature", fitted.extra["temperature"])
            mlflow.log_metrics({f"router_{kind}_test_{k}": v for k, v in metrics.items()})
        router = max(routers.values(), key=lambda r: r.validation_macro_f1)
        mlflow.log_param("router.chosen", router.kind)

        say("Risk model…")
        risk = fit_risk(
            config.risk,
            features[masks["risk_train"]],
            risk_label[masks["risk_train"]],
            features[masks["risk_validation"]],
            risk_label[masks["risk_validation"]],
        )

        say("Evaluation on the test period…")
        r_metrics, per_class, confusion = evaluated[router.kind]
        test_risk = features[masks["risk_test"]]
        y_risk = risk_label[masks["risk_test"]].to_numpy()
        p_risk = risk.predict_risk(test_risk)
        k_metrics, reliability = risk_metrics(y_risk, p_risk, risk.cutoffs)
        fairness, gaps = fairness_table(
            y_risk, p_risk, risk.cutoffs, dataset.audit[masks["risk_test"]].reset_index(drop=True)
        )
        oracle = _oracle(dataset, masks)
        metrics = {
            **{f"router_{k}": v for k, v in r_metrics.items()},
            **{f"risk_{k}": v for k, v in k_metrics.items()},
            **oracle,
        }
        mlflow.log_metrics(metrics)

        plots.confusion(confusion, out / "router_confusion.png")
        plots.coverage(per_class, out / "router_coverage.png")
        plots.reliability(reliability, out / "risk_reliability.png")
        sample = test_risk.head(2_000)
        plots.shap_summary(
            risk.contributions(sample),
            ENCODED_FEATURES,
            risk.encoded(sample),
            out / "risk_shap_summary.png",
        )
        per_class.to_csv(out / "router_per_class.csv")
        confusion.to_csv(out / "router_confusion.csv")
        fairness.to_csv(out / "risk_fairness.csv", index=False)
        (out / "fairness_gaps.json").write_text(json.dumps(gaps, indent=2, ensure_ascii=False))
        write_report(
            out / "evaluation.md",
            metrics,
            per_class,
            fairness,
            gaps,
            router.kind,
            {k: r.validation_macro_f1 for k, r in routers.items()},
            split,
        )
        routes = route(router.predict_proba(test_risk), router.classes, router.thresholds)
        scored = test_risk.assign(
            risk=p_risk,
            band=band(p_risk, risk.cutoffs),
            # What the service would answer: the reference of monitoring's prediction drift.
            route=[r.service for r in routes],
            abstained=[r.abstained for r in routes],
        )
        reference_sample(scored, config.risk.seed).to_parquet(out / "reference.parquet")
        mlflow.log_artifacts(str(out), artifact_path="evaluation")

        say("Registering the models…")
        router_version = _log_router(router, test_routes)
        risk_version = _log_risk(risk, test_risk)
        set_alias(ROUTER_MODEL, CHALLENGER, router_version)
        set_alias(RISK_MODEL, CHALLENGER, risk_version)
        seconds = time.perf_counter() - started
        mlflow.log_metric("training_seconds", seconds)
        return TrainingResult(run.info.run_id, router_version, risk_version, metrics, seconds)
