"""Retraining: challengers trained on contract tables (exported from the service's store by
`aiguillage retrain`), compared with the champion on the same recent period (the
challenger's test period) and promoted only when at least as good; the whole loop is one
`retrain` run in MLflow beside the training and promotion runs it starts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import mlflow

from training.card import CARDS_DIR
from training.config import TrainConfig
from training.pipeline import TrainingResult, train
from training.promote import Decision, promote
from training.tracking import configure


@dataclass
class RetrainResult:
    training: TrainingResult
    decisions: list[Decision]

    @property
    def promoted(self) -> bool:
        return any(d.promoted for d in self.decisions)


def retrain(
    data_dir: Path,
    mlflow_dir: Path = Path("data"),
    config: TrainConfig | None = None,
    context: dict[str, str] | None = None,
    dry_run: bool = False,
    cards_dir: Path = CARDS_DIR,
    say: Callable[[str], None] = lambda _message: None,
) -> RetrainResult:
    """``context`` (why and from what: alerts, label date, rows exported) is logged as the
    retrain run's parameters."""
    trained = train(data_dir, config, mlflow_dir, say)
    say("Challengers against the champion on the same recent period…")
    decisions = promote(data_dir, mlflow_dir, dry_run=dry_run, cards_dir=cards_dir)
    configure(mlflow_dir)
    with mlflow.start_run(run_name="retrain"):
        mlflow.log_params({"training_run": trained.run_id, "dry_run": dry_run, **(context or {})})
        for d in decisions:
            short = "router" if "router" in d.model else "risk"
            mlflow.log_param(f"{short}_promoted", d.promoted)
            mlflow.log_metric(f"{short}_challenger_{d.metric}", d.challenger_score)
            if d.champion_score is not None:
                mlflow.log_metric(f"{short}_champion_{d.metric}", d.champion_score)
    return RetrainResult(trained, decisions)
