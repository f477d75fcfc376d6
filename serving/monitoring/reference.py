"""The champion's reference: the sample its training run logged (test-period rows, no free
text, no identifiers), its test metrics and its test period, read from the MLflow registry."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import mlflow
import pandas as pd
from mlflow import MlflowClient

from serving.config import RISK_MODEL, ROUTER_MODEL

REFERENCE_ARTIFACT = "evaluation/reference.parquet"


class NoChampionError(RuntimeError):
    """The registry names no champion to monitor."""


@dataclass(frozen=True)
class Reference:
    sample: pd.DataFrame
    metrics: dict[str, float]
    test_start: pd.Timestamp
    test_end: pd.Timestamp
    run_id: str
    router_version: str
    risk_version: str


@functools.lru_cache(maxsize=4)
def _download(tracking_uri: str, run_id: str) -> pd.DataFrame:
    path = mlflow.artifacts.download_artifacts(
        run_id=run_id, artifact_path=REFERENCE_ARTIFACT, tracking_uri=tracking_uri
    )
    return pd.read_parquet(path)


def load_reference(tracking_uri: str, alias: str = "champion") -> Reference:
    """The reference of the models the alias names. The sample and metrics come from the
    router's training run (both models of a run are trained on the same split)."""
    client = MlflowClient(tracking_uri)
    try:
        router = client.get_model_version_by_alias(ROUTER_MODEL, alias)
        risk = client.get_model_version_by_alias(RISK_MODEL, alias)
    except mlflow.exceptions.MlflowException as error:
        raise NoChampionError(f"no @{alias} models in the registry: {error}") from None
    run = client.get_run(router.run_id)
    params = run.data.params
    return Reference(
        sample=_download(tracking_uri, router.run_id),
        metrics=dict(run.data.metrics),
        test_start=pd.Timestamp(params["split.test_start"]),
        test_end=pd.Timestamp(params["split.end"]),
        run_id=router.run_id,
        router_version=str(router.version),
        risk_version=str(risk.version),
    )
