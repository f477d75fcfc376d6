"""Training end to end on a small territory: fit, evaluate, log, register, promote."""

from __future__ import annotations

from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
from mlflow import MlflowClient

from training.config import RISK_MODEL, ROUTER_MODEL, RiskConfig, RouterConfig, TrainConfig
from training.pipeline import PRIVATE_COLUMNS, train
from training.promote import promote
from training.tracking import CHALLENGER, CHAMPION, version_for

# One worker runs the whole module: the trained registry is shared by its tests, in order.
pytestmark = pytest.mark.xdist_group("training-registry")

FAST = TrainConfig(
    router=RouterConfig(candidates=("linear", "lightgbm"), lgbm_rounds=25, max_word_features=8_000),
    risk=RiskConfig(rounds=120),
)
WEAK = TrainConfig(
    router=RouterConfig(
        max_word_features=30,
        linear_c=0.001,
    ),
    risk=RiskConfig(rounds=1, num_leaves=2, max_depth=1),
)


@pytest.fixture(scope="module")
def trained(small_territory_dir, tmp_path_factory):
    mlflow_dir = tmp_path_factory.mktemp("mlflow")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("MLFLOW_TRACKING_URI", raising=False)
        result = train(small_territory_dir, FAST, mlflow_dir)
        yield result, mlflow_dir


def test_a_run_registers_both_models_as_challengers(trained):
    result, _ = trained
    assert str(version_for(ROUTER_MODEL, CHALLENGER).version) == result.router_version
    assert str(version_for(RISK_MODEL, CHALLENGER).version) == result.risk_version
    assert version_for(ROUTER_MODEL, CHAMPION) is None


def test_the_run_logs_metrics_against_the_oracle(trained):
    result, _ = trained
    m = result.metrics
    assert 0.8 < m["router_macro_f1"] <= m["oracle_routing_accuracy"] + 0.02
    assert m["router_routed_precision"] > 0.9 and m["router_coverage"] > 0.5
    assert 0.6 < m["risk_auc"] < m["oracle_risk_auc"] + 0.02
    assert m["risk_ece"] < 0.05
    assert 0.02 < m["risk_share_P1"] < 0.09  # the band holds about its 5 % capacity
    run = MlflowClient().get_run(result.run_id)
    assert run.data.metrics["router_linear_validation_macro_f1"] > 0.5
    assert run.data.metrics["router_lightgbm_validation_macro_f1"] > 0.5
    assert run.data.params["router.chosen"] in ("linear", "lightgbm")


def test_artifacts_hold_plots_report_and_a_reference_sample_without_text_or_ids(trained):
    result, _ = trained
    folder = Path(
        mlflow.artifacts.download_artifacts(run_id=result.run_id, artifact_path="evaluation")
    )
    names = {p.name for p in folder.iterdir()}
    assert {
        "router_confusion.png",
        "risk_reliability.png",
        "risk_shap_summary.png",
        "evaluation.md",
        "reference.parquet",
        "risk_fairness.csv",
    } <= names
    reference = pd.read_parquet(f"{folder}/reference.parquet")
    assert not set(PRIVATE_COLUMNS) & set(reference.columns)
    assert {"risk", "band"} <= set(reference.columns) and len(reference) > 100
    report = (folder / "evaluation.md").read_text()
    assert "oracle" in report and "Fairness" in report
    fairness = pd.read_csv(f"{folder}/risk_fairness.csv")
    assert set(fairness["attribute"]) >= {"language", "disability", "qpv", "age_band"}


def test_registered_models_answer_through_pyfunc(trained, small_territory):
    router = mlflow.pyfunc.load_model(f"models:/{ROUTER_MODEL}@{CHALLENGER}")
    info = mlflow.models.get_model_info(f"models:/{ROUTER_MODEL}@{CHALLENGER}")
    assert info.metadata["thresholds"] and len(info.metadata["classes"]) == 12
    assert info.signature is not None
    from features.build import batch_features
    from training.pipeline import _inputs_for_signature

    rows = batch_features(small_territory.tables()).tail(20)
    proba = np.asarray(router.predict(_inputs_for_signature(rows[info.metadata["features"]])))
    assert proba.shape == (20, 12)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)


def test_promotion_takes_a_better_challenger_and_refuses_a_worse_one(trained, small_territory_dir):
    result, mlflow_dir = trained
    cards = mlflow_dir / "cards"
    dry = promote(small_territory_dir, mlflow_dir, dry_run=True, cards_dir=cards)
    assert all(d.promoted for d in dry) and version_for(ROUTER_MODEL, CHAMPION) is None
    first = promote(small_territory_dir, mlflow_dir, cards_dir=cards)
    assert all(d.promoted and d.champion_before is None for d in first)
    french = (cards / f"{RISK_MODEL}.fr.md").read_text()
    english = (cards / f"{RISK_MODEL}.en.md").read_text()
    assert "Usages proscrits" in french and "Contrôle humain" in french
    assert "Human oversight" in english and "language" in english  # fairness table
    assert (cards / f"{ROUTER_MODEL}.fr.md").exists()
    assert str(version_for(ROUTER_MODEL, CHAMPION).version) == result.router_version
    weak = train(small_territory_dir, WEAK, mlflow_dir)
    second = {d.model: d for d in promote(small_territory_dir, mlflow_dir, cards_dir=cards)}
    assert not second[RISK_MODEL].promoted
    assert second[RISK_MODEL].challenger_score < second[RISK_MODEL].champion_score
    assert str(version_for(RISK_MODEL, CHAMPION).version) == result.risk_version
    assert str(version_for(RISK_MODEL, CHALLENGER).version) == weak.risk_version


def test_logged_models_carry_pinned_requirements_and_plain_vocabularies(trained):
    """Given requirements spare MLflow a reload per model; plain int vocabularies spare
    skops one array file per term."""
    from training.tracking import model_requirements

    for name in (ROUTER_MODEL, RISK_MODEL):
        folder = Path(mlflow.artifacts.download_artifacts(f"models:/{name}@{CHALLENGER}"))
        assert (folder / "requirements.txt").read_text().split() == model_requirements()
    router = mlflow.sklearn.load_model(f"models:/{ROUTER_MODEL}@{CHALLENGER}")
    words = router.named_steps["inputs"].named_transformers_["words"]
    assert len(words.vocabulary_) > 10
    assert {type(i) for i in words.vocabulary_.values()} == {int}
