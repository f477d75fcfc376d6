"""Sign-in sessions of the review console, and their CSRF tokens.

A social worker signs in with their API key. The browser then holds a random session token
in an HttpOnly, SameSite=Strict cookie; the store keeps only its SHA-256, so a copy of the
table opens no session. Signing out ends the stored session, not just the cookie. Every
form carries the session's CSRF token, compared in constant time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import delete, insert, select, update

from serving import db
from serving.security import Principal, Role, authenticate
from serving.store import Store, utcnow

COOKIE = "aiguillage_console"
LOGIN_COOKIE = "aiguillage_console_login"  # double-submit token of the sign-in form
SESSION_HOURS = 10  # a working day; then sign in again
CONSOLE_ROLES = frozenset({Role.social_worker, Role.admin})
PURGE_AFTER = dt.timedelta(days=7)
# Managers sign in here too, for their own pages (serving/console/manager.py) only.
MANAGER_ROLES = frozenset({Role.manager, Role.admin})


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(expected: str | None, presented: str | None) -> bool:
    return bool(expected and presented) and hmac.compare_digest(expected, presented)


class SignInError(ValueError):
    """Why a key cannot open the console; the message is French, for the user."""


def open_session(store: Store, presented_key: str) -> tuple[str, Principal]:
    """Check an API key and open a session: the cookie's token and who signed in."""
    principal = authenticate(store, presented_key.strip())
    if principal is None:
        raise SignInError("Clé inconnue, révoquée ou mal recopiée.")
    if principal.role not in CONSOLE_ROLES | MANAGER_ROLES:
        raise SignInError("Cette clé ne donne pas accès à la console des travailleurs sociaux.")
    token, now = new_token(), utcnow()
    row = {
        "session_hash": _digest(token),
        "key_id": principal.key_id,
        "csrf_token": new_token(),
        "created_at": now,
        "expires_at": now + dt.timedelta(hours=SESSION_HOURS),
        "ended_at": None,
    }
    table = db.console_sessions
    with store.engine.begin() as connection:
        # Sessions over for a while are of no further use: the table stays small.
        connection.execute(delete(table).where(table.c.expires_at < now - PURGE_AFTER))
        connection.execute(insert(table), [row])
    return token, principal


def session_of(
    store: Store, token: str | None, roles: frozenset[Role] = CONSOLE_ROLES
) -> tuple[Principal, str] | None:
    """The principal and CSRF token of a live session (its key not revoked) of one of
    ``roles``, else None."""
    if not token:
        return None
    s, k = db.console_sessions, db.api_keys
    with store.engine.connect() as connection:
        row = connection.execute(
            select(k.c.key_id, k.c.role, k.c.territory, s.c.csrf_token)
            .join(k, k.c.key_id == s.c.key_id)
            .where(
                s.c.session_hash == _digest(token),
                s.c.ended_at.is_(None),
                s.c.expires_at > utcnow(),
                k.c.revoked_at.is_(None),
            )
        ).first()
    if row is None or Role(row.role) not in roles:
        return None
    return Principal(row.key_id, Role(row.role), row.territory), row.csrf_token


def end_session(store: Store, token: str) -> None:
    table = db.console_sessions
    with store.engine.begin() as connection:
        connection.execute(
            update(table)
            .where(table.c.session_hash == _digest(token), table.c.ended_at.is_(None))
            .values(ended_at=utcnow())
        )
