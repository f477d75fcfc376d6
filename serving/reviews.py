"""Social workers' decisions on scored requests: recorded with who and when, read back for a
case's history, counted for monitoring (override rates) and exported as labels.

A review row is a complete decision: the final route and band, what the model suggested at
that moment and whether each was overridden. A later decision on the same request adds a
row; the latest row is the one in force.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import pandas as pd
from sqlalchemy import Engine, Integer, case, func, insert, select, update

from serving import db
from serving.schemas import local_now
from serving.security import Principal, audit_rows
from serving.store import utcnow

ACCEPT = "accept"
OVERRIDE = "override"
DECISIONS = (ACCEPT, OVERRIDE)

# Why a social worker changes the route or the priority; the code is exported as a label.
OVERRIDE_REASONS = MappingProxyType(
    {
        "service_inadapte": "Le service proposé ne traite pas ce type de demande",
        "urgence_sous_estimee": "La situation est plus urgente que la priorité proposée",
        "urgence_surestimee": "La situation est moins urgente que la priorité proposée",
        "information_hors_modele": "Information connue de l'équipe, absente des données",
        "situation_deja_suivie": "Foyer déjà accompagné pour ce motif",
        "demande_multiple": "Demande concernant plusieurs services",
        "erreur_de_saisie": "Erreur ou imprécision dans la demande reçue",
        "autre": "Autre motif (à préciser en commentaire)",
    }
)
COMMENT_REQUIRED_FOR = frozenset({"autre"})
MAX_COMMENT_CHARS = 2_000

LABEL_COLUMNS = (
    "service_request_id",
    "household_id",
    "requested_datetime",
    "final_service",
    "final_band",
    "suggested_service",
    "suggested_band",
    "decision",
    "reason_code",
    "decided_at",
    "router_version",
    "risk_version",
)


class DecisionError(ValueError):
    """A decision that cannot be recorded; the message is French, for the social worker."""


@dataclass(frozen=True)
class Decision:
    decision: str  # ACCEPT or OVERRIDE
    service: str | None = None  # the final route when overriding
    band: str | None = None  # the final band when overriding
    reason_code: str | None = None
    comment: str = ""
    handled: bool = False


def review_row(principal: Principal, request_id: str, prediction: dict, decision: Decision) -> dict:
    """The row to store for a decision on a request whose stored prediction is given,
    checked: an override names a reason from the list and changes something."""
    suggested_service, suggested_band = prediction["routed_service"], prediction["band"]
    comment = decision.comment.strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise DecisionError(f"Le commentaire dépasse {MAX_COMMENT_CHARS} caractères.")
    if decision.decision == ACCEPT:
        service, band, reason = suggested_service, suggested_band, None
    elif decision.decision == OVERRIDE:
        service = decision.service or suggested_service
        band = decision.band or suggested_band
        reason = decision.reason_code
        if reason not in OVERRIDE_REASONS:
            raise DecisionError("Choisissez le motif de la modification dans la liste.")
        if reason in COMMENT_REQUIRED_FOR and not comment:
            raise DecisionError("Précisez le motif « Autre » dans le commentaire.")
        if service == suggested_service and band == suggested_band:
            raise DecisionError(
                "Rien n'est modifié : changez le service ou la priorité, ou acceptez la "
                "proposition."
            )
    else:
        raise DecisionError("Choisissez d'accepter ou de modifier la proposition.")
    return {
        "service_request_id": request_id,
        "reviewer": principal.key_id,
        "decision": decision.decision,
        "band": band,
        "service": service,
        "reason_code": reason,
        "comment": comment or None,
        "suggested_service": suggested_service,
        "suggested_band": suggested_band,
        "route_overridden": service != suggested_service,
        "band_overridden": band != suggested_band,
        "handled": decision.handled,
        "router_version": prediction["router_version"],
        "risk_version": prediction["risk_version"],
        "created_at": utcnow(),
    }


def save_review(engine: Engine, principal: Principal, row: dict) -> None:
    """Store a decision with its audit row; a handled request is closed (Open311 status)."""
    request_id = row["service_request_id"]
    with engine.begin() as connection:
        connection.execute(insert(db.reviews), [row])
        connection.execute(
            insert(db.audit_log), audit_rows(principal, "decide", "request", [request_id])
        )
        if row["handled"]:
            now = local_now()
            table = db.requests
            connection.execute(
                update(table)
                .where(table.c.service_request_id == request_id)
                .values(status="closed", closed_datetime=now, updated_datetime=now)
            )


def handled_row(principal: Principal, latest: dict) -> dict:
    """The decision in force, taken again by this reviewer with the request marked handled."""
    keep = {k: v for k, v in latest.items() if k in db.reviews.c and k != "review_id"}
    return {**keep, "reviewer": principal.key_id, "handled": True, "created_at": utcnow()}


def reviews_of(engine: Engine, request_ids: Iterable[str]) -> list[dict]:
    """Every decision on these requests, oldest first."""
    table = db.reviews
    with engine.connect() as connection:
        rows = connection.execute(
            select(table)
            .where(table.c.service_request_id.in_(sorted(set(request_ids))))
            .order_by(table.c.created_at, table.c.review_id)
        ).mappings()
        return [dict(row) for row in rows]


def latest_reviews(since: dt.datetime | None = None, until: dt.datetime | None = None):
    """A subquery: the latest review of each request (among those made in [since, until))."""
    table = db.reviews
    window = []
    if since is not None:
        window.append(table.c.created_at >= since)
    if until is not None:
        window.append(table.c.created_at < until)
    newest = (
        select(func.max(table.c.review_id).label("review_id"))
        .where(*window)
        .group_by(table.c.service_request_id)
        .subquery()
    )
    return select(table).join(newest, newest.c.review_id == table.c.review_id).subquery()


def override_rates(
    engine: Engine, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> pd.DataFrame:
    """For monitoring: per suggested service and band, the requests decided in [since,
    until) (UTC) and the share whose route, band or either was overridden (the decision in
    force at the end of the window counts, once per request)."""
    latest = latest_reviews(since, until)
    statement = (
        select(
            latest.c.suggested_service.label("service"),
            latest.c.suggested_band.label("band"),
            func.count().label("decisions"),
            func.sum(_as_int(latest.c.route_overridden)).label("route_overrides"),
            func.sum(_as_int(latest.c.band_overridden)).label("band_overrides"),
            func.sum(_as_int(latest.c.decision == OVERRIDE)).label("overrides"),
        )
        .group_by(latest.c.suggested_service, latest.c.suggested_band)
        .order_by(latest.c.suggested_service, latest.c.suggested_band)
    )
    with engine.connect() as connection:
        frame = pd.DataFrame(connection.execute(statement).mappings().all())
    columns = ["service", "band", "decisions", "route_overrides", "band_overrides", "overrides"]
    if frame.empty:
        frame = pd.DataFrame(columns=columns)
    for name in columns[2:]:
        frame[name] = frame[name].astype("int64")
    frame["override_rate"] = (frame["overrides"] / frame["decisions"]).astype("float64")
    return frame


def _as_int(condition):
    return case((condition, 1), else_=0).cast(Integer)


def label_frame(
    engine: Engine, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> pd.DataFrame:
    """The decision in force on each reviewed request, as labels for retraining:
    pseudonymous ids, final route and band, reason code, time. Comments never leave."""
    latest, r = latest_reviews(since, until), db.requests
    statement = (
        select(
            latest.c.service_request_id,
            r.c.household_id,
            r.c.requested_datetime,
            latest.c.service.label("final_service"),
            latest.c.band.label("final_band"),
            latest.c.suggested_service,
            latest.c.suggested_band,
            latest.c.decision,
            latest.c.reason_code,
            latest.c.created_at.label("decided_at"),
            latest.c.router_version,
            latest.c.risk_version,
        )
        .join(r, r.c.service_request_id == latest.c.service_request_id)
        .order_by(latest.c.created_at, latest.c.service_request_id)
    )
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=list(LABEL_COLUMNS))
    for name in ("requested_datetime", "decided_at"):
        frame[name] = pd.to_datetime(frame[name])
    return frame


def write_labels(frame: pd.DataFrame, out: Path) -> None:
    """Parquet for a ``.parquet`` file, CSV otherwise."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".parquet":
        frame.to_parquet(out, index=False)
    else:
        frame.to_csv(out, index=False)
