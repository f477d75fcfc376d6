"""Rendering the console's pages: the Jinja templates, French formatting of dates,
durations and shares, and the headers every page carries (a content security policy that
admits only the console's own static files)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from features.decisions import BAND_DEADLINE_HOURS, BANDS
from features.registry import CATEGORY_LABELS
from features.vocabulary import CHANNEL_LABELS, ROUTES
from serving.config import RISK_MODEL, ROUTER_MODEL
from serving.intake import service_label
from serving.reviews import OVERRIDE_REASONS

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
NBSP = "\u202f"  # narrow no-break space, before % and units in French

PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def fr_datetime(value: dt.datetime | None) -> str:
    return value.strftime("%d/%m/%Y à %H:%M") if value else ""


def fr_duration(value: dt.timedelta) -> str:
    """``2 j 5 h``, ``5 h 12 min``, ``12 min``."""
    minutes = max(0, int(value.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days}{NBSP}j {hours}{NBSP}h"
    if hours:
        return f"{hours}{NBSP}h {minutes:02d}{NBSP}min"
    return f"{minutes}{NBSP}min"


def fr_percent(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{100 * value:.{digits}f}".replace(".", ",") + f"{NBSP}%"


def deadline_label(hours: int | None) -> str:
    """``72 h``, ``10 jours``, or ``délai standard`` for a band without deadline."""
    if hours is None:
        return "délai standard"
    return f"{hours}{NBSP}h" if hours <= 72 else f"{hours // 24}{NBSP}jours"


def band_label(band: str | None) -> str:
    """``P2 — réponse sous 72 h``, ``P4 — délai standard``."""
    if not band:
        return "Sans priorité (non notée)"
    hours = BAND_DEADLINE_HOURS.get(band)
    due = deadline_label(hours)
    return f"{band} — {due}" if hours is None else f"{band} — réponse sous {due}"


templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters.update(
    fr_datetime=fr_datetime,
    fr_duration=fr_duration,
    fr_percent=fr_percent,
    band_label=band_label,
    deadline_label=deadline_label,
    service_label=service_label,
    channel_label=lambda code: CHANNEL_LABELS.get(code, code),
    category_label=lambda value, name: CATEGORY_LABELS.get(name, {}).get(str(value), value),
)
templates.env.globals.update(
    BANDS=BANDS,
    ROUTES=ROUTES,
    CHANNEL_LABELS=CHANNEL_LABELS,
    OVERRIDE_REASONS=OVERRIDE_REASONS,
    ROUTER_MODEL=ROUTER_MODEL,
    RISK_MODEL=RISK_MODEL,
)


def page(request: Request, name: str, context: dict, status_code: int = 200) -> HTMLResponse:
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    response.headers["content-security-policy"] = PAGE_POLICY
    return response
