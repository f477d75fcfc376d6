"""The console's pages under /console: sign-in and out, the queue, a case with its
decision forms, the individual notice. Server-rendered, plain forms, no script needed.

Every page needs a live session (else: the sign-in page); every form carries the
session's CSRF token; a case out of the worker's territory does not exist, by link or by
form (404, as in the API).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from serving.api.deps import State
from serving.console.case import load_case, visible_request
from serving.console.notice import build_notice
from serving.console.pages import page
from serving.console.queue import STATUS_LABELS, QueueFilters, queue_page
from serving.console.sessions import (
    COOKIE,
    LOGIN_COOKIE,
    SESSION_HOURS,
    SignInError,
    end_session,
    new_token,
    open_session,
    same_token,
    session_of,
)
from serving.reviews import (
    Decision,
    DecisionError,
    handled_row,
    review_row,
    reviews_of,
    save_review,
)
from serving.schemas import local_now
from serving.security import Principal, Role, audit_rows

router = APIRouter(prefix="/console", include_in_schema=False)

QUEUE = "/console/demandes"
MANAGER_HOME = "/console/pilotage"
SIGN_IN = "/console/connexion"
OUT_OF_REACH = "Introuvable, ou hors de votre territoire."


class SignInRequiredError(Exception):
    def __init__(self, target: str):
        self.target = target


class FormExpiredError(Exception):
    """A form whose CSRF token does not match the session's."""


@dataclass(frozen=True)
class Session:
    principal: Principal
    csrf: str
    token: str


def signed_in(request: Request, state: State) -> Session:
    token = request.cookies.get(COOKIE)
    found = session_of(state.store, token)
    if found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequiredError(target if request.method == "GET" else QUEUE)
    principal, csrf = found
    request.state.principal = principal  # the access log names the key, never the path
    return Session(principal, csrf, token)


Console = Annotated[Session, Depends(signed_in)]
CsrfField = Annotated[str, Form(alias="csrf")]


def _check_form(session: Session, csrf: str) -> None:
    if not same_token(session.csrf, csrf):
        raise FormExpiredError


def _safe_target(target: str) -> str:
    """Only a console path of this site (no open redirect)."""
    ok = target.startswith("/console/") and not target.startswith("//") and "\\" not in target
    return target if ok else QUEUE


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _not_found(request: Request, session: Session) -> HTMLResponse:
    context = {"session": session, "title": "Introuvable", "message": OUT_OF_REACH}
    return page(request, "message.html", context, status_code=404)


# -- signing in and out -------------------------------------------------------------------
@router.get("/connexion")
def sign_in_form(request: Request, state: State, suite: str = QUEUE, deconnecte: bool = False):
    if session_of(state.store, request.cookies.get(COOKIE)) is not None:
        return _see_other(_safe_target(suite))
    return _sign_in_page(request, suite, signed_out=deconnecte)


def _sign_in_page(request: Request, suite: str, error: str = "", signed_out: bool = False):
    token = request.cookies.get(LOGIN_COOKIE) or new_token()
    context = {
        "csrf": token,
        "suite": _safe_target(suite),
        "error": error,
        "signed_out": signed_out,
        "session_hours": SESSION_HOURS,
    }
    response = page(request, "sign_in.html", context, status_code=401 if error else 200)
    _set_cookie(request, response, LOGIN_COOKIE, token, max_age=3600)
    return response


@router.post("/connexion")
def sign_in(
    request: Request,
    state: State,
    csrf: CsrfField,
    cle: Annotated[str, Form()] = "",
    suite: Annotated[str, Form()] = QUEUE,
):
    if not same_token(request.cookies.get(LOGIN_COOKIE), csrf):
        return _sign_in_page(request, suite, "Le formulaire a expiré : recommencez.")
    try:
        token, principal = open_session(state.store, cle)
    except SignInError as error:
        return _sign_in_page(request, suite, str(error))
    if principal.role == Role.manager:  # managers have their own pages only
        suite = MANAGER_HOME
    response = _see_other(_safe_target(suite))
    _set_cookie(request, response, COOKIE, token, max_age=SESSION_HOURS * 3600)
    response.delete_cookie(LOGIN_COOKIE, path="/console")
    return response


@router.post("/deconnexion")
def sign_out(state: State, session: Console, csrf: CsrfField):
    _check_form(session, csrf)
    end_session(state.store, session.token)
    response = _see_other(f"{SIGN_IN}?deconnecte=1")
    response.delete_cookie(COOKIE, path="/console")
    return response


def _set_cookie(request: Request, response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/console",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",  # behind TLS (uvicorn --proxy-headers)
    )


# -- the queue ----------------------------------------------------------------------------
@router.get("")
@router.get("/")
def home():
    return _see_other(QUEUE)


@router.get("/demandes")
def queue(request: Request, state: State, session: Console):
    filters = QueueFilters.parse(request.query_params)
    result = queue_page(state.store, session.principal, filters, local_now())
    state.store.audit(
        audit_rows(session.principal, "list_queue", "request", [r.request_id for r in result.rows])
    )

    def link(**changes) -> str:
        return f"{QUEUE}?{urlencode(filters.query(**changes))}"

    context = {
        "session": session,
        "filters": filters,
        "result": result,
        "link": link,
        "status_labels": STATUS_LABELS,
    }
    return page(request, "queue.html", context)


# -- a case and its decisions -------------------------------------------------------------
def _case_page(
    request: Request,
    state: State,
    session: Session,
    row: dict,
    error: str = "",
    saved: bool = False,
    form: dict | None = None,
):
    case = load_case(state.store, session.principal, row, local_now())
    context = {
        "session": session,
        "case": case,
        "error": error,
        "saved": saved,
        "form": form or {},
    }
    return page(request, "case.html", context, status_code=422 if error else 200)


@router.get("/demandes/{request_id}")
def case_page(request: Request, state: State, session: Console, request_id: str, enregistre=""):
    row = visible_request(state.store, session.principal, request_id)
    if row is None:
        return _not_found(request, session)
    return _case_page(request, state, session, row, saved=bool(enregistre))


@router.post("/demandes/{request_id}/decision")
def decide(
    request: Request,
    state: State,
    session: Console,
    request_id: str,
    csrf: CsrfField,
    decision: Annotated[str, Form()] = "",
    service: Annotated[str, Form()] = "",
    priorite: Annotated[str, Form()] = "",
    motif: Annotated[str, Form()] = "",
    commentaire: Annotated[str, Form()] = "",
    traitee: Annotated[bool, Form()] = False,
):
    _check_form(session, csrf)
    row = visible_request(state.store, session.principal, request_id)
    if row is None:
        return _not_found(request, session)
    form = {
        "decision": decision,
        "service": service,
        "priorite": priorite,
        "motif": motif,
        "commentaire": commentaire,
        "traitee": traitee,
    }
    if row["routed_service"] is None:
        return _case_page(
            request, state, session, row, "Cette demande n'a pas été notée.", form=form
        )
    earlier = reviews_of(state.store.engine, [request_id])
    chosen = Decision(
        decision=decision,
        service=service or None,
        band=priorite or None,
        reason_code=motif or None,
        comment=commentaire,
        handled=traitee or bool(earlier and earlier[-1]["handled"]),  # closed stays closed
    )
    try:
        review = review_row(session.principal, request_id, row, chosen)
    except DecisionError as error:
        return _case_page(request, state, session, row, str(error), form=form)
    save_review(state.store.engine, session.principal, review)
    return _see_other(f"{QUEUE}/{quote(request_id)}?enregistre=1#decision")


@router.post("/demandes/{request_id}/traitee")
def mark_handled(
    request: Request, state: State, session: Console, request_id: str, csrf: CsrfField
):
    _check_form(session, csrf)
    row = visible_request(state.store, session.principal, request_id)
    if row is None:
        return _not_found(request, session)
    reviews = reviews_of(state.store.engine, [request_id])
    if not reviews:
        error = "Prenez d'abord une décision sur la proposition."
        return _case_page(request, state, session, row, error)
    if not reviews[-1]["handled"]:
        save_review(
            state.store.engine, session.principal, handled_row(session.principal, reviews[-1])
        )
    return _see_other(f"{QUEUE}/{quote(request_id)}?enregistre=1#decision")


# -- the individual notice ----------------------------------------------------------------
@router.get("/demandes/{request_id}/notice")
def notice(request: Request, state: State, session: Console, request_id: str):
    row = visible_request(state.store, session.principal, request_id)
    if row is None or row["routed_service"] is None:
        return _not_found(request, session)
    built = build_notice(state.store, session.principal, row, state.models.current)
    context = {"session": session, "notice": built, "edited_at": local_now()}
    return page(request, "notice.html", context)
