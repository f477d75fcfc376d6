"""Training data: point-in-time features joined with labels, and the temporal split.

Splits are by arrival time: train on the past, validate on what follows, test on the most
recent period. Risk labels are only known 90 days after a request, so a risk row is used
for fitting only when its window closed before the next period starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from features.build import batch_features
from features.tables import read_tables
from training.config import SplitConfig

TRUTH_FILE = Path("truth") / "request_truth.parquet"
AUDIT_COLUMNS = ("language", "disability", "nationality", "qpv", "composition", "age_band")


@dataclass
class Dataset:
    features: pd.DataFrame  # one row per request, registry columns plus keys
    route_label: pd.Series  # final service; NaN while the request is open
    risk_label: pd.Series  # crisis within 90 days; NaN when the window is incomplete
    audit: pd.DataFrame  # audit-only attributes, for fairness checks, never features
    truth: pd.DataFrame | None  # generator ground truth (synthetic data only)

    def __len__(self) -> int:
        return len(self.features)


def load_dataset(data_dir: Path | str, progress=None) -> Dataset:
    data_dir = Path(data_dir)
    tables = read_tables(data_dir)
    features = batch_features(tables, progress=progress)
    requests = tables["requests"].set_index("service_request_id")
    ids = features["service_request_id"]
    closed = requests["status"] == "closed"
    route_label = requests["service_code"].where(closed).reindex(ids).reset_index(drop=True)
    outcomes = tables["outcomes"].set_index("service_request_id").reindex(ids)
    risk_label = (
        outcomes["crisis_within_90d"]
        .astype(float)
        .where(outcomes["window_complete"].astype(bool))
        .reset_index(drop=True)
    )
    audit = (
        tables["households"]
        .set_index("household_id")
        .reindex(features["household_id"])[list(AUDIT_COLUMNS)]
        .reset_index(drop=True)
    )
    truth_path = data_dir / TRUTH_FILE
    truth = None
    if truth_path.exists():
        truth = pd.read_parquet(truth_path).set_index("service_request_id").reindex(ids)
        truth = truth.reset_index(drop=True)
    return Dataset(features, route_label, risk_label, audit, truth)


@dataclass(frozen=True)
class Split:
    validation_start: pd.Timestamp
    test_start: pd.Timestamp
    end: pd.Timestamp
    label_horizon: pd.Timedelta

    def period(self, times: pd.Series) -> np.ndarray:
        """'train', 'validation' or 'test' for each arrival time."""
        out = np.full(len(times), "train", dtype=object)
        out[(times >= self.validation_start).to_numpy()] = "validation"
        out[(times >= self.test_start).to_numpy()] = "test"
        return out

    def risk_fit_mask(self, times: pd.Series, period: str) -> np.ndarray:
        """Rows of a period whose labels were known before the next period started."""
        if period == "train":
            return (times + self.label_horizon < self.validation_start).to_numpy()
        if period == "validation":
            return (
                (times >= self.validation_start) & (times + self.label_horizon < self.test_start)
            ).to_numpy()
        return (times >= self.test_start).to_numpy()


def temporal_split(times: pd.Series, config: SplitConfig) -> Split:
    """Cut points at the given shares of arrival times."""
    ordered = times.sort_values()
    validation_start = ordered.iloc[int(len(ordered) * config.train)]
    test_start = ordered.iloc[int(len(ordered) * (config.train + config.validation))]
    return Split(
        validation_start=validation_start,
        test_start=test_start,
        end=ordered.iloc[-1],
        label_horizon=pd.Timedelta(days=config.label_horizon_days),
    )
