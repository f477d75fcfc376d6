"""The store's tables (SQLAlchemy Core) and engine.

Requests, households and accompaniment events mirror the data contracts column for column,
so that what the store holds reads back as contract frames and feeds the same feature code
as training. Predictions, reviews, the audit log, API keys and idempotency records are the
service's own. The schema is created by the Alembic migrations in ``serving/migrations``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic_core import to_json
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    false,
    make_url,
)

from features.history import HISTORY_COLUMNS
from features.vocabulary import BENEFITS

metadata = MetaData()

# The covering indexes of the feature history's reads (serving.store.HISTORY_READS): a
# household's rows in time order, then every other column the history reads but the text,
# and the request's key for its reading. A change to HISTORY_COLUMNS changes them, and the
# migration test then asks for a migration.
_ORDER = ("household_id", "requested_datetime")
HISTORY_REQUEST_INDEX = (
    *_ORDER,
    *(c for c in HISTORY_COLUMNS["requests"] if c not in (*_ORDER, "description")),
    "service_request_id",
)
HISTORY_EVENT_INDEX = HISTORY_COLUMNS["accompaniment_events"]

ID = String(64)
CODE = String(40)

households = Table(
    "households",
    metadata,
    Column("household_id", ID, primary_key=True),
    Column("territory", String(80), nullable=False, index=True),
    Column("commune", String(80), nullable=False),
    Column("composition", CODE, nullable=False),
    Column("n_children", Integer, nullable=False),
    Column("age_band", CODE, nullable=False),
    Column("housing_status", CODE, nullable=False),
    Column("income_band", CODE, nullable=False),
    *(Column(f"benefit_{b}", Boolean, nullable=False) for b in BENEFITS),
    Column("digital_access", CODE, nullable=False),
    # Kept only for fairness audits, never as model features.
    Column("language", CODE),
    Column("disability", Boolean),
    Column("nationality", CODE),
    Column("qpv", Boolean),
)

requests = Table(
    "requests",
    metadata,
    Column("service_request_id", ID, primary_key=True),
    Column("household_id", ID),
    Column("channel", CODE, nullable=False),
    Column("requested_datetime", DateTime, nullable=False),
    Column("description", Text, nullable=False),
    Column("motive", String(80)),
    Column("initial_service_code", CODE),
    Column("service_code", CODE),
    Column("agency_responsible", String(120)),
    Column("status", CODE, nullable=False),
    Column("assigned_datetime", DateTime),
    Column("first_response_datetime", DateTime),
    Column("closed_datetime", DateTime),
    Column("expected_datetime", DateTime),
    Column("updated_datetime", DateTime, nullable=False),
    Column("reassignment_count", Integer, nullable=False, default=0),
    Column("complaint", Boolean, nullable=False, default=False),
    # Where the row came from: "api", "open311" or "import".
    Column("source", CODE, nullable=False),
    # A household's requests in time order, with every column its feature history reads
    # but the text (features.history.HISTORY_COLUMNS): the history is read from the index
    # alone, household by household, without visiting the table's pages.
    Index("ix_requests_history", *HISTORY_REQUEST_INDEX),
    Index("ix_requests_time", "requested_datetime"),
)

accompaniment_events = Table(
    "accompaniment_events",
    metadata,
    Column("event_id", ID, primary_key=True),
    Column("household_id", ID, nullable=False),
    Column("occurred_at", DateTime, nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Column("kind", CODE, nullable=False),
    Column("service", CODE),
    Column("amount", Float),
    Column("crisis_kind", CODE),
    Index("ix_events_history", *HISTORY_EVENT_INDEX),  # covers the history read, likewise
)


def _one_per_request() -> Column:
    """The key of a table holding one row per stored request."""
    return Column(
        "service_request_id", ID, ForeignKey("requests.service_request_id"), primary_key=True
    )


# What each request's text says, as read when it was stored (features.signals.read_texts):
# the history of later requests reuses it instead of reading past texts again. A reading
# made by another version of the reading code (``version``) is ignored and redone.
text_readings = Table(
    "text_readings",
    metadata,
    _one_per_request(),
    Column("needs", Integer, nullable=False),  # bit mask over features.signals.NEEDS
    Column("amount", Float),  # euros stated, NULL for none
    Column("version", String(16), nullable=False),
    # SQLite: rows kept in the key's own B-tree, one look-up per history row instead of two.
    sqlite_with_rowid=False,
)

predictions = Table(
    "predictions",
    metadata,
    _one_per_request(),
    Column("routed_service", CODE, nullable=False),
    Column("abstained", Boolean, nullable=False),
    Column("confidence", Float),
    Column("suggestions", JSON, nullable=False),
    Column("risk", Float),
    Column("band", String(4)),
    Column("urgent", Boolean, nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("scored", Boolean, nullable=False),
    Column("unscored_reason", String(200)),
    Column("router_version", String(20)),
    Column("risk_version", String(20)),
    Column("created_at", DateTime, nullable=False),
)

reviews = Table(
    "reviews",
    metadata,
    Column("review_id", Integer, primary_key=True, autoincrement=True),
    Column("service_request_id", ID, ForeignKey("requests.service_request_id"), nullable=False),
    Column("reviewer", ID, nullable=False),
    # "accept" or "override"; band and service are the final ones, as decided.
    Column("decision", CODE, nullable=False, server_default="accept"),
    Column("band", String(4)),
    Column("service", CODE),
    Column("reason_code", CODE),  # serving.reviews.OVERRIDE_REASONS, required to override
    Column("comment", Text),
    # What the model suggested when the decision was taken, and whether it was overridden.
    Column("suggested_service", CODE),
    Column("suggested_band", String(4)),
    Column("route_overridden", Boolean, nullable=False, server_default=false()),
    Column("band_overridden", Boolean, nullable=False, server_default=false()),
    Column("handled", Boolean, nullable=False, server_default=false()),
    Column("router_version", String(20)),
    Column("risk_version", String(20)),
    Column("created_at", DateTime, nullable=False),
    Index("ix_reviews_request", "service_request_id"),
    Index("ix_reviews_created", "created_at"),
)

# The review console's sign-ins: only a SHA-256 of the cookie's token is stored, so a copy
# of the table opens no session; logging out ends the row, not just the cookie.
console_sessions = Table(
    "console_sessions",
    metadata,
    Column("session_hash", String(64), primary_key=True),
    Column("key_id", ID, ForeignKey("api_keys.key_id"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("ended_at", DateTime),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("audit_id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("actor", ID, nullable=False),  # the API key id, never a person's name
    Column("role", CODE, nullable=False),
    Column("action", CODE, nullable=False),
    Column("subject_type", CODE, nullable=False),
    Column("subject_id", ID, nullable=False),
    Index("ix_audit_subject", "subject_type", "subject_id"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("key_id", ID, primary_key=True),
    Column("secret_hash", String(128), nullable=False),
    Column("role", CODE, nullable=False),
    Column("territory", String(80)),
    Column("label", String(120)),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
)

idempotency = Table(
    "idempotency",
    metadata,
    Column("key_id", ID, primary_key=True),
    Column("idempotency_key", String(200), primary_key=True),
    Column("body_sha256", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("response", JSON, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

# Monitoring: one row per run (figures and per-check verdicts, never personal data) and one
# alert per failed check, resolved when a later run passes it.
monitoring_runs = Table(
    "monitoring_runs",
    metadata,
    Column("run_id", ID, primary_key=True),
    Column("created_at", DateTime, nullable=False),
    Column("since", DateTime, nullable=False),
    Column("until", DateTime, nullable=False),
    Column("status", CODE, nullable=False),  # pass, fail or not_enough_data
    Column("checks", JSON, nullable=False),
    Column("rows", Integer, nullable=False),
    Column("drift_share", Float),
    Column("abstention_rate", Float),
    Column("override_rate", Float),
    Column("router_version", String(20)),
    Column("risk_version", String(20)),
    Column("report_dir", String(500), nullable=False),
    Index("ix_monitoring_runs_created", "created_at"),
)

monitoring_alerts = Table(
    "monitoring_alerts",
    metadata,
    Column("alert_id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", ID, ForeignKey("monitoring_runs.run_id"), nullable=False),
    Column("check_name", CODE, nullable=False),
    Column("message", String(300), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("resolved_at", DateTime),
    Index("ix_monitoring_alerts_open", "check_name", "resolved_at"),
)


SQLITE_MMAP_BYTES = 1 << 30  # address space, not memory: pages stay in the OS cache


def json_text(value) -> str:
    """JSON columns' text, written by pydantic's core: a fourth of ``json.dumps``'s time
    for a prediction's reasons, and UTF-8 as is (French text, not ``\\u00e9`` escapes)."""
    return to_json(value).decode()


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets WAL, a busy timeout and enforced foreign keys."""
    if not url.startswith("sqlite"):
        return create_engine(
            url, pool_pre_ping=True, pool_size=10, max_overflow=20, json_serializer=json_text
        )
    path = make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        json_serializer=json_text,
    )

    @event.listens_for(engine, "connect")
    def _pragmas(connection, _record) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable across process crashes
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        # Histories are read at random across the file: mapped pages are read in place
        # (no read() call and copy per page), which halves a 1,000-household history read.
        cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cursor.close()

    return engine
