"""The FastAPI application: scoring API under /v1, Open311 intake, operations endpoints.

Models are loaded from the registry in the lifespan; when none can be loaded the service
starts degraded (stores and routes to the general desk, /ready says why).
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from serving import console
from serving.api import cases, monitoring, open311, ops, triage
from serving.config import Settings
from serving.console import manager
from serving.logs import configure_logging
from serving.middleware import BodyLimit, Observe
from serving.monitoring.gauges import register_gauges
from serving.monitoring.scheduler import MonitorSchedule
from serving.state import ServiceState

API_VERSION = "1.0.0"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings.log_level)
    state = ServiceState.build(settings)
    register_gauges(state.metrics.registry, state.store)
    schedule = MonitorSchedule(state.store, settings)  # off unless monitor_every_hours > 0

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        state.models.refresh()
        state.models.start_polling(settings.model_poll_seconds)
        schedule.start()
        yield
        schedule.stop()
        state.models.stop()

    app = FastAPI(
        title="Aiguillage",
        version=API_VERSION,
        summary="Tri et priorisation des demandes des habitants.",
        lifespan=lifespan,
    )
    app.state.service = state
    for module in (triage, cases, open311, ops, monitoring):
        app.include_router(module.router)
    console.install(app)  # the review console under /console (HTML, outside the OpenAPI schema)
    manager.install(app)  # the managers' pages under /console/pilotage
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["X-API-Key", "Content-Type", "Idempotency-Key"],
        )
    app.add_middleware(Observe, metrics=state.metrics)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    return app
