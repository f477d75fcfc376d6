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

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'aiguillage.db').resolve()}"

    @cached_property
    def resolved_tracking_uri(self) -> str:
        uri = self.mlflow_tracking_uri or os.environ.get("MLFLOW_TRACKING_URI")
        return uri or f"sqlite:///{(self.data_dir / 'mlflow' / 'mlflow.db').resolve()}"
