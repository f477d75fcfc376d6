"""Dependencies shared by the routes: the service state and the caller's identity."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader

from serving.schemas import Problem
from serving.security import Principal, Role, authenticate
from serving.state import ServiceState

api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="Clé d'API : aig_<id>_<secret>."
)


# Dependencies are coroutines: a plain function would be run in the thread pool, a thread
# hop per dependency per call (their work is a dictionary look-up, or a cached key row).
async def get_state(request: Request) -> ServiceState:
    return request.app.state.service


State = Annotated[ServiceState, Depends(get_state)]


def _authenticated(request: Request, key: str | None) -> Principal:
    """The caller behind the key, within its rate limit (401 or 429 otherwise)."""
    state: ServiceState = request.app.state.service
    principal = authenticate(state.store, key)
    if principal is None:
        raise HTTPException(
            401, "Clé d'API absente ou invalide.", headers={"WWW-Authenticate": "X-API-Key"}
        )
    wait = state.limiter.allow(principal.key_id)
    if wait > 0:
        raise HTTPException(
            429,
            "Trop de requêtes pour cette clé ; réessayez plus tard.",
            headers={"Retry-After": str(max(1, round(wait)))},
        )
    request.state.principal = principal
    return principal


def require(*roles: Role):
    """A dependency that admits only the given roles (admin always). One dependency, not a
    chain: FastAPI's resolution costs tens of microseconds per node, on every call."""
    allowed = {*roles, Role.admin}

    async def check(
        request: Request, key: Annotated[str | None, Security(api_key_header)]
    ) -> Principal:
        principal = _authenticated(request, key)
        if principal.role not in allowed:
            raise HTTPException(403, "Ce rôle n'a pas accès à cette ressource.")
        return principal

    return check


IntakeCaller = Annotated[Principal, Depends(require(Role.intake))]
CaseReader = Annotated[Principal, Depends(require(Role.social_worker))]
ModelReader = Annotated[Principal, Depends(require(Role.data_scientist))]
Admin = Annotated[Principal, Depends(require())]


def _problem(description: str) -> dict:
    return {"model": Problem, "description": description}


# Error answers, documented in the OpenAPI schema for the routes that can give them.
AUTH_ERRORS = {
    401: _problem("Clé d'API absente ou invalide."),
    403: _problem("Rôle non autorisé."),
    413: _problem("Corps de requête trop volumineux."),
    429: _problem("Trop de requêtes pour cette clé."),
}
NOT_FOUND = {404: _problem("Introuvable, ou hors du territoire de la clé.")}
