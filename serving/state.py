"""What the running service holds: settings, store, models, intake, limits, metrics."""

from __future__ import annotations

from dataclasses import dataclass

from features.pseudonym import load_key
from serving.config import Settings
from serving.db import make_engine
from serving.grouping import GroupScorer
from serving.intake import Intake
from serving.middleware import Metrics
from serving.migrate import upgrade
from serving.models import ModelHolder
from serving.security import RateLimiter
from serving.store import Store


@dataclass
class ServiceState:
    settings: Settings
    store: Store
    models: ModelHolder
    intake: Intake
    limiter: RateLimiter
    metrics: Metrics
    scorer: GroupScorer

    @classmethod
    def build(cls, settings: Settings) -> ServiceState:
        engine = make_engine(settings.resolved_database_url)
        upgrade(engine)
        store = Store(engine)
        models = ModelHolder(settings.resolved_tracking_uri, settings.model_alias)
        intake = Intake(store, models, load_key(), settings.strict_households)
        metrics = Metrics()
        return cls(
            settings=settings,
            store=store,
            models=models,
            intake=intake,
            limiter=RateLimiter(settings.rate_limit_per_second, settings.rate_limit_burst),
            metrics=metrics,
            scorer=GroupScorer(intake, settings.max_batch, metrics.group_size.observe),
        )
