"""The social workers' review console: the explained priority queue, decisions with their
reasons, and the individual notice, served by the API's own app under /console."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from serving.console.pages import STATIC_DIR, page
from serving.console.routes import (
    SIGN_IN,
    FormExpiredError,
    SignInRequiredError,
    router,
)


async def _to_sign_in(request: Request, error: SignInRequiredError) -> RedirectResponse:
    return RedirectResponse(f"{SIGN_IN}?{urlencode({'suite': error.target})}", status_code=303)


async def _form_expired(request: Request, error: FormExpiredError):
    context = {
        "title": "Formulaire expiré",
        "message": "Ce formulaire a expiré ou ne vient pas de la console : rechargez la page "
        "et recommencez.",
    }
    return page(request, "message.html", context, status_code=403)


def install(app: FastAPI) -> None:
    """Mount the console's pages and static files on the service's app."""
    app.include_router(router)
    app.mount("/console/static", StaticFiles(directory=STATIC_DIR), name="console-static")
    app.add_exception_handler(SignInRequiredError, _to_sign_in)
    app.add_exception_handler(FormExpiredError, _form_expired)
