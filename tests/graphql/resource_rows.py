"""Customers, products, taxes and wallets stored directly, at chosen creation times, and
each kind's rows in the order a connection must show them (computed here, in Python)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlmodel import SQLModel

from gateway.db.tables import Customer, Product, Tax, Wallet
from gateway.runtime import Runtime
from gateway.services.demo import DEMO_APP_ID

T0 = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def customer(
    name: str,
    created_at: datetime,
    *,
    email: str | None = None,
    status: str = "ACTIVE",
    app_id: str = DEMO_APP_ID,
) -> Customer:
    first, _, last = name.partition(" ")
    return Customer(
        id=str(uuid.uuid4()),
        app_id=app_id,
        email=email,
        email_key=None if email is None else email.lower(),
        name=name,
        first_name=first,
        last_name=last,
        status=status,
        created_at=created_at,
        updated_at=created_at,
    )


def product(
    name: str,
    created_at: datetime,
    *,
    description: str = "",
    status: str = "ACTIVE",
    app_id: str = DEMO_APP_ID,
) -> Product:
    return Product(
        id=f"prod_{uuid.uuid4().hex}",
        app_id=app_id,
        name=name,
        price=Decimal("10.00"),
        description=description,
        status=status,
        created_at=created_at,
        updated_at=created_at,
    )


def tax(name: str, created_at: datetime, *, active: bool = True, app_id: str = DEMO_APP_ID) -> Tax:
    return Tax(
        id=f"tax_{uuid.uuid4().hex}",
        app_id=app_id,
        name=name,
        rate=Decimal("7"),
        active=active,
        created_at=created_at,
        updated_at=created_at,
    )


def wallet(created_at: datetime, *, app_id: str = DEMO_APP_ID) -> Wallet:
    return Wallet(
        id=f"wallet_{uuid.uuid4().hex}",
        app_id=app_id,
        address=f"0x{uuid.uuid4().hex}",
        blockchain="ETHEREUM",
        created_at=created_at,
        updated_at=created_at,
    )


async def store(runtime: Runtime, *rows: SQLModel) -> list[str]:
    ids = [str(row.id) for row in rows]  # type: ignore[attr-defined]
    async with runtime.sessions() as session:
        session.add_all(rows)
        await session.commit()
    return ids


async def ordered_ids(
    runtime: Runtime,
    model: type[Any],
    column: str,
    *,
    descending: bool,
    where: Any = None,
    app_id: str = DEMO_APP_ID,
) -> list[str]:
    """The app's ids of `model` ordered by (column, id) in Python: what a page must show."""
    statement = select(model.id, getattr(model, column)).where(model.app_id == app_id)
    if where is not None:
        statement = statement.where(where)
    async with runtime.sessions() as session:
        rows = list((await session.exec(statement)).all())
    rows.sort(key=lambda row: (row[1], row[0]), reverse=descending)
    return [row[0] for row in rows]
