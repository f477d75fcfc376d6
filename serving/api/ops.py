"""Liveness, readiness, Prometheus metrics, and the models in use."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from serving.api.deps import AUTH_ERRORS, Admin, ModelReader, State

router = APIRouter(tags=["operations"])


@router.get("/health", summary="Le service est vivant")
def health() -> dict:
    return {"status": "ok"}


@router.get(
    "/ready",
    summary="Modèles chargés et base joignable",
    responses={503: {"description": "Pas prêt (ou dégradé), avec les raisons."}},
)
def ready(state: State) -> JSONResponse:
    """200 when the store answers and both models are loaded; 503 otherwise, with the
    reasons. A degraded service still stores and routes requests to the general desk."""
    reasons = []
    try:
        state.store.ping()
    except Exception as error:
        reasons.append(f"base de données injoignable : {type(error).__name__}")
    models = state.models.current
    reasons.extend(models.problems.values())
    body = {
        "ready": not reasons,
        "degraded": bool(models.problems),
        "reasons": reasons,
        "models": models.versions,
    }
    return JSONResponse(body, status_code=200 if not reasons else 503)


@router.get("/metrics", summary="Métriques Prometheus", response_class=PlainTextResponse)
def metrics(state: State) -> Response:
    return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)


def _models_body(state) -> dict:
    models = state.models.current
    return {
        "alias": state.models.alias,
        "router": models.versions["router"],
        "risk": models.versions["risk"],
        "problems": models.problems,
        "router_thresholds": models.router.thresholds if models.router else None,
        "band_cutoffs": models.risk.band_cutoffs if models.risk else None,
    }


@router.get("/v1/models", summary="Versions et alias des modèles en service", responses=AUTH_ERRORS)
def models(state: State, _: ModelReader) -> dict:
    return _models_body(state)


@router.post(
    "/v1/admin/models/reload",
    summary="Recharger les modèles de l'alias",
    responses=AUTH_ERRORS,
)
async def reload_models(state: State, _: Admin) -> dict:
    """Look at the registry now; swap in the versions the alias names, without restart."""
    swapped = await run_in_threadpool(state.models.refresh)
    return {"swapped": swapped, **_models_body(state)}
