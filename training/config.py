"""Training configuration: typed, with defaults; logged as MLflow params with every run."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, field_validator

ROUTER_MODEL = "aiguillage-router"
RISK_MODEL = "aiguillage-risk"
DEFAULT_DATA = Path("data/demo")


def default_tracking_uri(data_dir: Path = Path("data")) -> str:
    """SQLite tracking store in the project's data folder (absolute, so any cwd works)."""
    return f"sqlite:///{(data_dir / 'mlflow' / 'mlflow.db').resolve()}"


class SplitConfig(BaseModel):
    """Temporal split: train on the past, validate, test on the future."""

    train: float = Field(0.6, gt=0, lt=1)
    validation: float = Field(0.2, gt=0, lt=1)
    # Risk labels need 90 days to be known: training rows must have their window closed
    # before the validation period starts (and validation rows before the test period).
    label_horizon_days: int = 91

    @field_validator("validation")
    @classmethod
    def _fits(cls, value: float, info) -> float:
        if info.data.get("train", 0.6) + value >= 1:
            raise ValueError("train + validation must leave a test period")
        return value


class RouterConfig(BaseModel):
    # LightGBM is an optional candidate: on the synthetic territory and on Boston 311 the
    # linear model is better and several times cheaper (docs/training.md).
    candidates: tuple[str, ...] = ("linear",)
    target_precision: float = Field(0.95, gt=0, lt=1)
    per_class_precision: dict[str, float] = Field(default_factory=dict)
    # Shared text inputs. Word 1-2-grams keep rare titles (min_df 1); character n-grams are
    # off by default: they cost ten times the words when scoring, for little gain.
    max_word_features: int = 60_000
    word_min_df: int = Field(1, ge=1)
    char_ngrams: bool = False
    max_char_features: int = 60_000
    char_min_df: int = Field(3, ge=1)
    min_category_count: int = Field(5, ge=1)  # rarer categories share one column
    class_weight: str | None = Field(None, pattern="^balanced$")
    linear_c: float = 8.0
    linear_max_iter: int = 1_000
    linear_tol: float = 1e-4
    lgbm_rounds: int = 60
    lgbm_learning_rate: float = 0.15
    lgbm_leaves: int = 15
    lgbm_colsample: float = 0.3
    lgbm_max_text_features: int = 1_500
    seed: int = 0


class RiskConfig(BaseModel):
    # Shallow trees: as accurate as deep ones on this data, and exact TreeSHAP costs
    # rounds x leaves x depth^2 per request, so explanations stay cheap to compute.
    rounds: int = 120
    learning_rate: float = 0.15
    num_leaves: int = 4
    max_depth: int = 2
    min_child_samples: int = 40
    # Platt scaling: strictly monotone, so band cut-offs never fall inside a plateau of tied
    # risks (isotonic calibration makes plateaus and bands overflow their capacity).
    calibration: str = Field("sigmoid", pattern="^(isotonic|sigmoid)$")
    # Shares of requests each band may hold (P1, P2, P3); P4 takes the rest.
    capacity: tuple[float, float, float] = (0.05, 0.15, 0.30)
    seed: int = 0


class TrainConfig(BaseModel):
    split: SplitConfig = Field(default_factory=SplitConfig)
    router: RouterConfig = Field(default_factory=RouterConfig)
    risk: RiskConfig = Field(default_factory=RiskConfig)

    def as_params(self) -> dict[str, str]:
        """Flat parameters for MLflow."""
        out: dict[str, str] = {}
        for section, model in (("split", self.split), ("router", self.router), ("risk", self.risk)):
            for key, value in model.model_dump().items():
                out[f"{section}.{key}"] = str(value)
        return out
