"""API keys with roles, territory scoping, rate limits and the audit trail.

A key reads ``aig_<key id>_<secret>``. Only a SHA-256 of the secret is stored: secrets are
256-bit random tokens, so a slow password hash would add latency and no safety.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass

from serving.store import Store, utcnow

KEY_PREFIX = "aig"


class Role(enum.StrEnum):
    intake = "intake"  # submit and score requests
    social_worker = "social_worker"  # queue, explanations, timelines of their territory
    data_scientist = "data_scientist"  # models and monitoring, no personal data
    # Aggregate views (delays, bottlenecks, motives) of their territory, or of the whole
    # authority for a key without territory; no personal data.
    manager = "manager"
    admin = "admin"


@dataclass(frozen=True)
class Principal:
    key_id: str
    role: Role
    territory: str | None

    def sees_territory(self, territory: str | None) -> bool:
        """Admins see everything; social workers only their territory."""
        if self.role == Role.admin:
            return True
        return (
            self.role == Role.social_worker
            and territory is not None
            and (territory == self.territory)
        )


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(store: Store, role: Role, territory: str | None = None, label: str = "") -> str:
    """Create a key and return it in clear: the only time it is ever shown."""
    if role == Role.social_worker and not territory:
        raise ValueError("a social_worker key needs a territory")
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    store.add_key(
        {
            "key_id": key_id,
            "secret_hash": _hash(secret),
            "role": role.value,
            "territory": territory,
            "label": label,
            "created_at": utcnow(),
        }
    )
    return f"{KEY_PREFIX}_{key_id}_{secret}"


def authenticate(store: Store, presented: str | None) -> Principal | None:
    """The principal behind a presented key, or None for a missing, unknown, revoked or
    wrong key (all alike to the caller)."""
    if not presented:
        return None
    parts = presented.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    row = store.key(parts[1])
    if row is None or row["revoked_at"] is not None:
        return None
    if not hmac.compare_digest(row["secret_hash"], _hash(parts[2])):
        return None
    return Principal(row["key_id"], Role(row["role"]), row["territory"])


class RateLimiter:
    """A token bucket per key: ``rate`` requests per second, bursts up to ``burst``."""

    def __init__(self, rate: float, burst: int):
        self.rate = rate
        self.burst = burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, cost: float = 1.0) -> float:
        """0 when allowed, else the seconds to wait before retrying."""
        now = time.monotonic()
        with self._lock:
            tokens, then = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - then) * self.rate)
            if tokens >= cost:
                self._buckets[key] = (tokens - cost, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (cost - tokens) / self.rate


def audit_rows(principal: Principal, action: str, subject_type: str, ids) -> list[dict]:
    at = utcnow()
    return [
        {
            "at": at,
            "actor": principal.key_id,
            "role": principal.role.value,
            "action": action,
            "subject_type": subject_type,
            "subject_id": subject_id,
        }
        for subject_id in ids
    ]
