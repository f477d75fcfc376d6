"""Service settings, typed and read from the environment (prefix ``AIGUILLAGE_``)."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROUTER_MODEL = "aiguillage-router"
RISK_MODEL = "aiguillage-risk"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AIGUILLAGE_", extra="ignore")

    data_dir: Path = Path("data")
    # Default: an embedded SQLite file (WAL) in the data folder; any SQLAlchemy URL works
    # (e.g. postgresql+psycopg://user@host/db).
    database_url: str | None = None
    # Default: MLFLOW_TRACKING_URI, else the SQLite registry training writes in data/mlflow.
    mlflow_tracking_uri: str | None = None
    model_alias: str = "champion"
    # Seconds between two looks at the registry alias (0: never poll; use the admin endpoint).
    model_poll_seconds: float = 10.0
    # Refuse requests of households the store does not know (otherwise: scored without history).
    strict_households: bool = False
    max_body_bytes: int = 8 * 1024 * 1024
    max_batch: int = 1_000
    # Token bucket per API key.
    rate_limit_per_second: float = 2_000.0
    rate_limit_burst: int = 4_000
    cors_origins: list[str] = Field(default_factory=list)  # closed by default
    # Accepted clock skew for received_at in the future.
    future_tolerance_seconds: int = 300
    log_level: str = "INFO"
    # Monitoring (docs/monitoring.md): the in-service cadence (0: off; use the cron-friendly
    # `aiguillage monitor run`), the window each run looks at, and what makes a check fail.
    monitor_every_hours: float = 0.0
    monitor_window_days: int = 7
    monitor_drift_alpha: float = 0.001  # per check, shared among its columns (Bonferroni)
    monitor_drift_distance: float = 0.1  # windows over 1,000 rows: Wasserstein, Jensen-Shannon
    monitor_max_drifted_columns: int = 0  # more drifted columns than this: the check fails
    monitor_accuracy_drop: float = 0.03  # below the champion's test accuracy, beyond noise
    monitor_auc_drop: float = 0.05
    monitor_calibration_gap: float = 0.05  # |mean risk - observed crisis rate|
    monitor_max_override_rate: float = 0.25
    monitor_min_rows: int = 30  # fewer rows in a check: not enough data, no verdict

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'aiguillage.db').resolve()}"

    @cached_property
    def resolved_tracking_uri(self) -> str:
        uri = self.mlflow_tracking_uri or os.environ.get("MLFLOW_TRACKING_URI")
        return uri or f"sqlite:///{(self.data_dir / 'mlflow' / 'mlflow.db').resolve()}"
