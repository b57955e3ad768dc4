"""Secrets the gateway must read back (webhook signing secrets), encrypted at rest.

Fernet (AES-128-CBC + HMAC-SHA256, `cryptography`) under the keys of
WEBHOOK_SECRET_KEYS: the first key encrypts, every key is tried to decrypt, so a key
is rotated by putting the new one first and keeping the old one until every row has
been sealed again (`invoice-gateway webhooks seal-secrets`).

A stored value is "fernet:" + token; a value without the prefix is a row written
before encryption (plaintext) and is read as it is.

Without WEBHOOK_SECRET_KEYS, the development key encrypts: fixed and public, so it
keeps secrets out of plain sight (a dump, a screen) but protects nothing against
someone holding the database. It is always tried last when decrypting, so rows sealed
with it stay readable once real keys are configured (and are sealed again with them).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "fernet:"
DEVELOPMENT_KEY = base64.urlsafe_b64encode(
    hashlib.sha256(b"invoice-gateway development key: public, for local use only").digest()
).decode()


class UnreadableSecret(Exception):
    """A sealed value none of the configured keys opens."""


def is_fernet_key(key: str) -> bool:
    """A Fernet key: 32 bytes, url-safe base64."""
    try:
        return len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False


class SecretBox:
    def __init__(self, keys: Sequence[str]) -> None:
        self.uses_development_key = not keys
        ordered = [*keys, DEVELOPMENT_KEY] if DEVELOPMENT_KEY not in keys else list(keys)
        self._fernet = MultiFernet([Fernet(key) for key in ordered])

    def seal(self, plaintext: str) -> str:
        return PREFIX + self._fernet.encrypt(plaintext.encode()).decode("ascii")

    def open(self, stored: str) -> str:
        if not is_sealed(stored):
            return stored  # written before secrets were encrypted
        try:
            return self._fernet.decrypt(stored.removeprefix(PREFIX).encode("ascii")).decode()
        except InvalidToken:
            raise UnreadableSecret("no key in WEBHOOK_SECRET_KEYS opens this secret") from None

    def reseal(self, stored: str) -> str:
        """`stored` sealed under the first key (a plaintext row sealed for the first time)."""
        return self.seal(self.open(stored))


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


@functools.lru_cache(maxsize=8)
def secret_box(keys: tuple[str, ...]) -> SecretBox:
    return SecretBox(keys)
