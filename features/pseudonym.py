"""Pseudonymous household ids: a keyed HMAC of the source id.

The key comes from configuration (``AIGUILLAGE_PSEUDONYM_KEY``, or the key file named by
``AIGUILLAGE_PSEUDONYM_KEY_FILE``), never from code or data. Without either, a random key
is created once in the default key file (``data/secrets/pseudonym.key``, mode 0600) so that
a fresh clone works; every id made with it stays stable for that installation.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PSEUDONYM_PREFIX = "h_"
PSEUDONYM_HEX_CHARS = 20
PSEUDONYM_PATTERN = rf"^{PSEUDONYM_PREFIX}[0-9a-f]{{{PSEUDONYM_HEX_CHARS}}}$"
MIN_KEY_BYTES = 16


class PseudonymSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AIGUILLAGE_", extra="ignore")

    pseudonym_key: SecretStr | None = None
    pseudonym_key_file: Path = Path("data/secrets/pseudonym.key")


class PseudonymKeyError(RuntimeError):
    pass


def load_key(settings: PseudonymSettings | None = None, create: bool = True) -> bytes:
    """The HMAC key: from the environment, else the key file (created when absent)."""
    settings = settings or PseudonymSettings()
    if settings.pseudonym_key is not None:
        key = settings.pseudonym_key.get_secret_value().encode()
    elif settings.pseudonym_key_file.exists():
        key = settings.pseudonym_key_file.read_bytes().strip()
    elif create:
        path = settings.pseudonym_key_file
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_hex(32).encode())
        key = path.read_bytes().strip()
    else:
        raise PseudonymKeyError(
            "No pseudonymisation key: set AIGUILLAGE_PSEUDONYM_KEY or "
            f"AIGUILLAGE_PSEUDONYM_KEY_FILE (looked for {settings.pseudonym_key_file})."
        )
    if len(key) < MIN_KEY_BYTES:
        raise PseudonymKeyError(f"The pseudonymisation key must be at least {MIN_KEY_BYTES} bytes.")
    return key


def pseudonymise(source_id: str, key: bytes) -> str:
    """The pseudonymous id of one source id."""
    digest = hmac.new(key, source_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:PSEUDONYM_HEX_CHARS]


def pseudonymise_many(source_ids: Iterable[str], key: bytes) -> list[str]:
    base = hmac.new(key, digestmod=hashlib.sha256)
    out = []
    for source_id in source_ids:
        mac = base.copy()
        mac.update(source_id.encode("utf-8"))
        out.append(PSEUDONYM_PREFIX + mac.hexdigest()[:PSEUDONYM_HEX_CHARS])
    return out


def is_pseudonym(value: str) -> bool:
    return (
        len(value) == len(PSEUDONYM_PREFIX) + PSEUDONYM_HEX_CHARS
        and value.startswith(PSEUDONYM_PREFIX)
        and all(c in "0123456789abcdef" for c in value[len(PSEUDONYM_PREFIX) :])
    )
