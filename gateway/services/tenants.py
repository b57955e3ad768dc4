"""Creating apps (tenants) and their API credentials."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import col, select

from gateway.credentials import IssuedCredential, issue_credential
from gateway.db.tables import ApiCredential, App
from gateway.domain.credit_notes import DEFAULT_NUMBER_FORMAT as CREDIT_NOTE_FORMAT
from gateway.domain.errors import AppNameTaken
from gateway.domain.numbering import DEFAULT_FORMAT, validate_number_format
from gateway.runtime import Runtime


@dataclass(frozen=True)
class NewApp:
    app_id: str
    name: str
    credential: IssuedCredential


async def create_app_with_credential(
    runtime: Runtime,
    name: str,
    number_format: str = DEFAULT_FORMAT,
    credit_note_number_format: str = CREDIT_NOTE_FORMAT,
) -> NewApp:
    """A new app and its first credential; AppNameTaken if an app already has `name`
    (an operator who reruns the command must not get a second app by accident)."""
    validate_number_format(number_format)
    validate_number_format(credit_note_number_format)
    now = runtime.clock()
    app_id = f"app_{uuid.uuid4().hex}"
    credential = issue_credential()
    async with runtime.sessions() as session:
        same_name = select(App.id).where(col(App.name) == name).order_by(col(App.created_at))
        existing = (await session.exec(same_name)).first()
        if existing is not None:
            raise AppNameTaken(name, existing)
        session.add(
            App(
                id=app_id,
                name=name,
                invoice_number_format=number_format,
                credit_note_number_format=credit_note_number_format,
                created_at=now,
            )
        )
        await session.flush()
        session.add(
            ApiCredential(
                id=f"cred_{uuid.uuid4().hex}",
                app_id=app_id,
                client_key=credential.client_key,
                secret_hash=credential.secret_hash,
                created_at=now,
            )
        )
        await session.commit()
    return NewApp(app_id, name, credential)
