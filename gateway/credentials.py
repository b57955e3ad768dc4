"""API credentials: random client keys and secrets; only a hash of the secret is stored.

Secrets are 256-bit random tokens, so a single SHA-256 is enough (no password
stretching needed); comparisons are constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

_DUMMY_HASH = hashlib.sha256(b"no credential has this secret").hexdigest()


@dataclass(frozen=True)
class IssuedCredential:
    client_key: str
    client_secret: str
    secret_hash: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue_credential() -> IssuedCredential:
    client_key = "ck_" + secrets.token_hex(16)
    client_secret = "cs_" + secrets.token_urlsafe(32)
    return IssuedCredential(client_key, client_secret, hash_secret(client_secret))


def secret_matches(secret: str, stored_hash: str | None) -> bool:
    """Hashes and compares even when there is no stored hash, so an unknown key
    and a wrong secret take the same time."""
    expected = stored_hash if stored_hash is not None else _DUMMY_HASH
    matches = hmac.compare_digest(hash_secret(secret), expected)
    return matches and stored_hash is not None
