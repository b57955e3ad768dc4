"""Issuing, revoking and rotating an app's API credentials (the operator's CLI).

A revocation refuses the credential's very next request in every gateway process: the
commit invalidates the credential cache here and publishes the change to the others
(gateway.credential_changes), and these functions return once it went out. Rows are
kept: a revoked credential stays in the table with `revoked` set.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.credentials import IssuedCredential, issue_credential
from gateway.db.tables import ApiCredential, App
from gateway.domain.errors import AppNotFound, CredentialNotFound
from gateway.domain.text import is_storable
from gateway.runtime import Runtime


@dataclass(frozen=True)
class Outcome:
    """What changed; `propagated` is False if the other processes could not be told
    (Redis unreachable): they notice within CREDENTIAL_CACHE_SECONDS."""

    app_id: str
    issued: IssuedCredential | None
    revoked: str | None
    propagated: bool


def _new_row(runtime: Runtime, app_id: str, issued: IssuedCredential) -> ApiCredential:
    return ApiCredential(
        id=f"cred_{uuid.uuid4().hex}",
        app_id=app_id,
        client_key=issued.client_key,
        secret_hash=issued.secret_hash,
        created_at=runtime.clock(),
    )


async def _credential(session: AsyncSession, client_key: str) -> ApiCredential:
    row = None
    if is_storable(client_key):
        query = select(ApiCredential).where(col(ApiCredential.client_key) == client_key)
        row = (await session.exec(query)).first()
    if row is None:
        raise CredentialNotFound(client_key)
    return row


async def issue_app_credential(runtime: Runtime, app_id: str) -> Outcome:
    """Another credential for the app (the existing ones keep working)."""
    issued = issue_credential()
    async with runtime.sessions() as session:
        if not is_storable(app_id) or await session.get(App, app_id) is None:
            raise AppNotFound(app_id)
        session.add(_new_row(runtime, app_id, issued))
        await session.commit()
    return Outcome(app_id, issued, None, await runtime.credentials.published())


async def revoke_credential(runtime: Runtime, client_key: str) -> Outcome:
    """Refuses the credential from now on; revoking it again changes nothing."""
    async with runtime.sessions() as session:
        row = await _credential(session, client_key)
        row.revoked = True
        app_id = row.app_id
        await session.commit()
    return Outcome(app_id, None, client_key, await runtime.credentials.published())


async def rotate_credential(runtime: Runtime, client_key: str) -> Outcome:
    """A new credential for the same app and, in the same transaction, the old one
    revoked."""
    issued = issue_credential()
    async with runtime.sessions() as session:
        row = await _credential(session, client_key)
        row.revoked = True
        app_id = row.app_id
        session.add(_new_row(runtime, app_id, issued))
        await session.commit()
    return Outcome(app_id, issued, client_key, await runtime.credentials.published())
