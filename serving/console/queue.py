"""The review queue: scored requests of a territory, sorted by priority band, then risk,
then age; filtered, counted per band and paginated.

The band and service that count are those in force: the social worker's decision when
there is one, the model's suggestion otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from sqlalchemy import Integer, and_, case, func, select
from sqlalchemy.sql import ColumnElement

from features.decisions import BAND_DEADLINE_HOURS, BANDS
from features.vocabulary import CHANNELS, ROUTES
from serving import db
from serving.security import Principal, Role
from serving.store import Store

PAGE_SIZE = 25

# Review status of a request, as the queue filter names it.
TO_REVIEW, DECIDED, HANDLED, ALL = "a_examiner", "decidee", "traitee", "toutes"
STATUS_LABELS = {
    TO_REVIEW: "À examiner",
    DECIDED: "Décidée, non traitée",
    HANDLED: "Traitée",
    ALL: "Toutes",
}


@dataclass(frozen=True)
class QueueFilters:
    service: str | None = None
    band: str | None = None
    channel: str | None = None
    status: str = TO_REVIEW
    received_from: dt.date | None = None
    received_to: dt.date | None = None  # inclusive
    page: int = 1
    problems: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def parse(cls, query: Mapping[str, str]) -> QueueFilters:
        """Filters from a query string; an unknown value is dropped and said so (in French)."""
        problems: list[str] = []

        def pick(name: str, allowed, label: str) -> str | None:
            value = (query.get(name) or "").strip()
            if value and value not in allowed:
                problems.append(f"{label} inconnu : filtre ignoré.")
                return None
            return value or None

        def day(name: str, label: str) -> dt.date | None:
            value = (query.get(name) or "").strip()
            try:
                return dt.date.fromisoformat(value) if value else None
            except ValueError:
                problems.append(f"{label} invalide (attendu AAAA-MM-JJ) : filtre ignoré.")
                return None

        page = query.get("page") or "1"
        return cls(
            service=pick("service", ROUTES, "Service"),
            band=pick("priorite", BANDS, "Niveau de priorité"),
            channel=pick("canal", CHANNELS, "Canal"),
            status=pick("statut", STATUS_LABELS, "Statut") or TO_REVIEW,
            received_from=day("du", "Date de début"),
            received_to=day("au", "Date de fin"),
            page=max(1, int(page)) if page.isdigit() else 1,
            problems=tuple(problems),
        )

    def query(self, **changes) -> dict[str, str]:
        """These filters as query parameters (for links: other pages, other bands)."""
        chosen = replace(self, **changes)
        params = {
            "service": chosen.service,
            "priorite": chosen.band,
            "canal": chosen.channel,
            "statut": chosen.status,
            "du": chosen.received_from.isoformat() if chosen.received_from else None,
            "au": chosen.received_to.isoformat() if chosen.received_to else None,
            "page": str(chosen.page) if chosen.page > 1 else None,
        }
        return {k: v for k, v in params.items() if v}


@dataclass(frozen=True)
class QueueRow:
    request_id: str
    received_at: dt.datetime
    channel: str
    service: str
    suggested_service: str
    abstained: bool
    confidence: float | None
    risk: float | None
    band: str | None
    suggested_band: str | None
    urgent: bool
    status: str
    age: dt.timedelta
    deadline_hours: int | None

    @property
    def late(self) -> bool:
        return (
            self.status != HANDLED
            and self.deadline_hours is not None
            and self.age > dt.timedelta(hours=self.deadline_hours)
        )


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    band_counts: dict[str, int]  # every band, plus "" for requests without a band
    page: int
    pages: int


def band_rank(band: ColumnElement) -> ColumnElement:
    """P1 first, then P2, P3, P4, then requests without a band."""
    return case(*((band == b, i) for i, b in enumerate(BANDS)), else_=len(BANDS))


def queue_page(store: Store, principal: Principal, filters: QueueFilters, now: dt.datetime):
    """One page of the queue as ``principal`` may see it; ``now`` is local time."""
    r, p, h = db.requests, db.predictions, db.households
    latest = db.reviews.alias("latest")
    earlier = db.reviews.alias("earlier")
    # The decision in force, found by index for each request (a derived table of every
    # request's latest review would be scanned once per row).
    newest_id = (
        select(func.max(earlier.c.review_id))
        .where(earlier.c.service_request_id == p.c.service_request_id)
        .scalar_subquery()
    )
    service = func.coalesce(latest.c.service, p.c.routed_service)
    band = func.coalesce(latest.c.band, p.c.band)
    status = case(
        (latest.c.review_id.is_(None), TO_REVIEW),
        (latest.c.handled, HANDLED),
        else_=DECIDED,
    )
    joined = (
        p.join(r, r.c.service_request_id == p.c.service_request_id)
        .outerjoin(h, h.c.household_id == r.c.household_id)
        .outerjoin(
            latest,
            and_(
                latest.c.service_request_id == p.c.service_request_id,
                latest.c.review_id == newest_id,
            ),
        )
    )
    conditions = []
    if principal.role != Role.admin:
        conditions.append(h.c.territory == principal.territory)
    if filters.service:
        conditions.append(service == filters.service)
    if filters.channel:
        conditions.append(r.c.channel == filters.channel)
    if filters.status != ALL:
        conditions.append(status == filters.status)
    if filters.received_from:
        conditions.append(r.c.requested_datetime >= _midnight(filters.received_from))
    if filters.received_to:
        end = _midnight(filters.received_to + dt.timedelta(days=1))
        conditions.append(r.c.requested_datetime < end)
    banded = [*conditions, band == filters.band] if filters.band else conditions

    with store.engine.connect() as connection:
        counts = connection.execute(
            select(band.label("band"), func.count().label("n"))
            .select_from(joined)
            .where(*conditions)
            .group_by(band)
        ).all()
        band_counts = {b: 0 for b in (*BANDS, "")}
        for row in counts:
            band_counts[row.band or ""] += row.n
        total = sum(band_counts.values())
        if filters.band:
            total = band_counts[filters.band]
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(filters.page, pages)
        rows = connection.execute(
            select(
                r.c.service_request_id,
                r.c.requested_datetime,
                r.c.channel,
                service.label("service"),
                p.c.routed_service,
                p.c.abstained,
                p.c.confidence,
                p.c.risk,
                band.label("band"),
                p.c.band.label("suggested_band"),
                p.c.urgent,
                status.label("status"),
            )
            .select_from(joined)
            .where(*banded)
            .order_by(
                band_rank(band),
                case((p.c.risk.is_(None), 1), else_=0).cast(Integer),
                p.c.risk.desc(),
                r.c.requested_datetime,
                r.c.service_request_id,
            )
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        ).all()
    return QueuePage(
        rows=[
            QueueRow(
                request_id=row.service_request_id,
                received_at=row.requested_datetime,
                channel=row.channel,
                service=row.service,
                suggested_service=row.routed_service,
                abstained=row.abstained,
                confidence=row.confidence,
                risk=row.risk,
                band=row.band,
                suggested_band=row.suggested_band,
                urgent=row.urgent,
                status=row.status,
                age=now - row.requested_datetime,
                deadline_hours=BAND_DEADLINE_HOURS.get(row.band) if row.band else None,
            )
            for row in rows
        ],
        total=total,
        band_counts=band_counts,
        page=page,
        pages=pages,
    )


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())
