"""Changing the demo catalogue's rows directly in the database, for tests of what an
invoice does when they change or are archived."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gateway.db.tables import Customer, Product, Tax
from gateway.runtime import Runtime
from gateway.services.demo import DEMO_APP_ID


async def change(
    runtime: Runtime, model: type[Customer | Product | Tax], row_id: str, **values: Any
) -> None:
    async with runtime.sessions() as session:
        row = await session.get(model, row_id)
        assert row is not None
        for name, value in values.items():
            setattr(row, name, value)
        await session.commit()


async def add_product(
    runtime: Runtime, product_id: str, currency: str, price: str = "100.00"
) -> None:
    async with runtime.sessions() as session:
        session.add(
            Product(
                id=product_id,
                app_id=DEMO_APP_ID,
                name=f"Priced in {currency}",
                price=Decimal(price),
                currency=currency,
            )
        )
        await session.commit()
