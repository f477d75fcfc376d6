"""The managers' page of the console, under /console/pilotage: the continuous-improvement
views of their territory (a key without territory: the whole authority), with the charts
as server-rendered PNG files and each table as a CSV download. Aggregates only: no case,
no text, no id.

Managers sign in with their key on the console's sign-in page; their session opens these
pages only (the social workers' pages do not admit them). Reports are computed from the
store with the champion router in use, and kept a few minutes per territory: building
one reads the whole territory.
"""

from __future__ import annotations

import io
import threading
import time
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

import pandas as pd
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from serving.api.deps import State
from serving.console.pages import page
from serving.console.routes import Session, SignInRequiredError
from serving.console.sessions import COOKIE, MANAGER_ROLES, session_of
from serving.improvement.inputs import from_store
from serving.improvement.rendering import render_body, render_html
from serving.improvement.report import TABLE_TITLES, ImprovementReport, build_report, presented
from serving.security import Role
from serving.state import ServiceState

HOME = "/console/pilotage"
router = APIRouter(prefix=HOME, include_in_schema=False)
CACHE_SECONDS = 600.0


class NotAManagerError(Exception):
    """A console session of a role that has no access to the managers' pages."""


def manager_signed_in(request: Request, state: State) -> Session:
    token = request.cookies.get(COOKIE)
    found = session_of(state.store, token, MANAGER_ROLES)
    if found is None:
        if session_of(state.store, token) is not None:  # a social worker's session
            raise NotAManagerError
        raise SignInRequiredError(request.url.path)
    principal, csrf = found
    request.state.principal = principal
    return Session(principal, csrf, token)


Manager = Annotated[Session, Depends(manager_signed_in)]


@dataclass
class _Entry:
    report: ImprovementReport
    made_at: float


class BadPeriodError(Exception):
    """Dates of the routing period that do not read, or in the wrong order."""


@dataclass(frozen=True)
class Choice:
    """What the page shows: a territory (admins only choose) and the routing period."""

    territoire: str | None = None
    du: str | None = None
    au: str | None = None

    @property
    def period(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        if not self.du and not self.au:
            return None
        try:
            start, end = pd.Timestamp(self.du), pd.Timestamp(self.au)
        except (TypeError, ValueError):
            raise BadPeriodError from None
        if pd.isna(start) or pd.isna(end) or start >= end:
            raise BadPeriodError
        return start, end

    @property
    def query(self) -> str:
        """The same choice for the page's charts and downloads."""
        given = {k: v for k, v in vars(self).items() if v}
        return f"?{urlencode(given)}" if given else ""


def _choice(territoire: str | None = None, du: str | None = None, au: str | None = None):
    return Choice(territoire, du, au)


Chosen = Annotated[Choice, Depends(_choice)]


class ReportCache:
    """Reports per territory and period, rebuilt after ``seconds``; one build at a time."""

    def __init__(self, seconds: float = CACHE_SECONDS):
        self.seconds = seconds
        self._entries: dict[tuple, _Entry] = {}
        self._lock = threading.Lock()

    def get(self, state: ServiceState, territory: str | None, period) -> ImprovementReport:
        key = (territory, period)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or time.monotonic() - entry.made_at > self.seconds:
                entry = _Entry(_build(state, territory, period), time.monotonic())
                self._entries[key] = entry
            return entry.report


def _build(state: ServiceState, territory: str | None, period) -> ImprovementReport:
    router = state.models.current.router
    inputs = from_store(state.store, territory, tables=router is not None)
    if inputs.cases.frame.empty:
        raise LookupError(territory)
    problem = None if router is not None else state.models.current.problems.get("router")
    return build_report(
        inputs.cases,
        territory=territory,
        tables=inputs.tables,
        router=router,
        router_problem=problem,
        period=period,
    )


def _territory(session: Session, chosen: str | None) -> str | None:
    """A manager sees their own territory; an admin any one (all by default)."""
    if session.principal.role == Role.admin:
        return chosen or None
    return session.principal.territory


def _report(request: Request, session: Session, choice: Choice):
    cache: ReportCache = request.app.state.improvement_reports
    territory = _territory(session, choice.territoire)
    try:
        return cache.get(request.app.state.service, territory, choice.period)
    except LookupError:
        return None


@router.get("", response_class=HTMLResponse)
def manager_page(request: Request, session: Manager, choice: Chosen):
    report = _report(request, session, choice)
    if report is None:
        context = {
            "session": session,
            "title": "Pilotage",
            "message": "Aucune demande enregistrée pour ce territoire.",
        }
        return page(request, "message.html", context, status_code=404)
    suffix = choice.query
    body = render_body(report, lambda name, _png: f"{HOME}/graphiques/{name}.png{suffix}")
    downloads = [
        {"title": TABLE_TITLES[name], "href": f"{HOME}/export/{name}.csv{suffix}"}
        for name in report.tables
    ]
    context = {
        "session": session,
        "title": "Pilotage",
        "body": Markup(body),  # rendered by our own autoescaping environment
        "downloads": downloads,
        "standalone": f"{HOME}/rapport.html{suffix}",
        "choice": choice,
        "routing": report.routing,
    }
    return page(request, "manager.html", context)


@router.get("/graphiques/{name}.png")
def chart(request: Request, session: Manager, name: str, choice: Chosen):
    report = _report(request, session, choice)
    if report is None or name not in report.charts:
        return Response(status_code=404)
    return Response(report.charts[name], media_type="image/png")


@router.get("/export/{name}.csv")
def export(request: Request, session: Manager, name: str, choice: Chosen):
    report = _report(request, session, choice)
    if report is None or name not in report.tables:
        return Response(status_code=404)
    buffer = io.StringIO()
    presented(name, report.tables[name]).to_csv(
        buffer, sep=";", decimal=",", index=False, float_format="%.4g"
    )
    return Response(
        "\ufeff" + buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}.csv"'},
    )


@router.get("/rapport.html")
def standalone(request: Request, session: Manager, choice: Chosen):
    report = _report(request, session, choice)
    if report is None:
        return Response(status_code=404)
    return Response(
        render_html(report),
        media_type="text/html; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="amelioration-continue.html"'},
    )


async def _bad_period(request: Request, error: BadPeriodError):
    context = {
        "title": "Période invalide",
        "message": "Indiquez deux dates (jj/mm/aaaa), la première avant la seconde.",
    }
    return page(request, "message.html", context, status_code=422)


async def _not_a_manager(request: Request, error: NotAManagerError):
    context = {
        "title": "Accès réservé",
        "message": "Ces pages sont réservées aux responsables de service.",
    }
    return page(request, "message.html", context, status_code=403)


def install(app: FastAPI) -> None:
    """The managers' pages on the service's app (after the console's own)."""
    app.state.improvement_reports = ReportCache()
    app.include_router(router)
    app.add_exception_handler(NotAManagerError, _not_a_manager)
    app.add_exception_handler(BadPeriodError, _bad_period)
