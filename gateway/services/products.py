"""The products use cases, shared by the v0 REST routes and GraphQL: create, get, list,
update, delete. Each runs in one transaction scoped to the caller's app and puts its
product.created / .updated / .deleted event on the outbox in that transaction.

A product that invoice lines use is archived on delete (status INACTIVE, kept and
readable: the lines keep their own price); one that none uses is removed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db import reads
from gateway.db import repositories as repo
from gateway.db.references import Referenced, remove_unless_used
from gateway.db.resource_pages import NEWEST_FIRST, PRODUCTS
from gateway.db.rows import ProductRow, WalletRow, row_of
from gateway.db.tables import Product
from gateway.domain.errors import ProductMissing, WalletMissing
from gateway.domain.money import round_money
from gateway.domain.products import CreateProductCommand, UpdateProductCommand
from gateway.domain.resource_enums import ProductStatus
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.events import ResourceType, emit_resource_event
from gateway.services.product_json import render_product


@dataclass(frozen=True)
class ProductView:
    product: ProductRow
    wallet: WalletRow | None
    app_name: str

    def rendered(self) -> dict[str, object]:
        return render_product(self.product, self.app_name, self.wallet)


@dataclass(frozen=True)
class ProductList:
    total: int
    views: list[ProductView]


@dataclass(frozen=True)
class DeletedProduct:
    # The product as it was removed, or as it is kept (archived).
    view: ProductView
    archived: bool


def _stored(name: str, value: object) -> object:
    """A command value as its column holds it (a price with its two places, as read back)."""
    if name == "price" and isinstance(value, Decimal):
        return round_money(value)
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    return value


async def _wallet(session: AsyncSession, app_id: str, wallet_id: str | None) -> WalletRow | None:
    if wallet_id is None:
        return None
    return await reads.row_by_id(session, WalletRow, app_id, wallet_id)


async def _check_wallet(session: AsyncSession, app_id: str, wallet_id: str) -> None:
    """WalletMissing unless the wallet is one of the app's."""
    if await reads.row_by_id(session, WalletRow, app_id, wallet_id) is None:
        raise WalletMissing()


async def _emitted(
    session: AsyncSession, caller: Caller, product: Product, action: str, now: datetime
) -> ProductView:
    """The product's view, after its `action` event is on the outbox."""
    row = row_of(ProductRow, product)
    view = ProductView(row, await _wallet(session, caller.app_id, row.wallet_id), caller.app_name)
    data = view.rendered()
    await emit_resource_event(
        session, caller.app_id, ResourceType.PRODUCT, row.id, action, data, now
    )
    return view


async def create_product(
    runtime: Runtime, caller: Caller, command: CreateProductCommand
) -> ProductView:
    now = runtime.clock()
    values: dict[str, Any] = {name: _stored(name, value) for name, value in vars(command).items()}
    product = Product(
        **values, id=str(uuid.uuid4()), app_id=caller.app_id, created_at=now, updated_at=now
    )
    async with runtime.sessions() as session:
        if command.wallet_id is not None:
            await _check_wallet(session, caller.app_id, command.wallet_id)
        session.add(product)
        await session.flush()
        view = await _emitted(session, caller, product, "created", now)
        await session.commit()
    return view


async def get_product(runtime: Runtime, caller: Caller, product_id: str) -> ProductView:
    async with runtime.sessions() as session:
        row = await reads.row_by_id(session, ProductRow, caller.app_id, product_id)
        if row is None:
            raise ProductMissing()
        wallet = await _wallet(session, caller.app_id, row.wallet_id)
    return ProductView(row, wallet, caller.app_name)


async def list_products(
    runtime: Runtime, caller: Caller, *, offset: int, limit: int
) -> ProductList:
    """Newest first, with how many products the app has."""
    async with runtime.sessions() as session:
        total = await PRODUCTS.count(session, caller.app_id, {})
        rows = await PRODUCTS.offset_page(
            session, caller.app_id, {}, NEWEST_FIRST, offset=offset, limit=limit
        )
        wallet_ids = [row.wallet_id for row in rows if row.wallet_id is not None]
        wallets = await reads.rows_by_ids(session, WalletRow, caller.app_id, wallet_ids)
    by_id = {wallet.id: wallet for wallet in wallets if wallet is not None}
    views = [
        ProductView(
            row, None if row.wallet_id is None else by_id.get(row.wallet_id), caller.app_name
        )
        for row in rows
    ]
    return ProductList(total, views)


async def update_product(
    runtime: Runtime, caller: Caller, product_id: str, command: UpdateProductCommand
) -> ProductView:
    now = runtime.clock()
    changes = command.changes()
    async with runtime.sessions() as session:
        product = await repo.get_one(session, Product, caller.app_id, product_id)
        if product is None:
            raise ProductMissing()
        wallet_id = changes.get("wallet_id")
        if isinstance(wallet_id, str):
            await _check_wallet(session, caller.app_id, wallet_id)
        for name, value in changes.items():
            setattr(product, name, _stored(name, value))
        product.updated_at = now
        session.add(product)
        await session.flush()
        view = await _emitted(session, caller, product, "updated", now)
        await session.commit()
    return view


async def delete_product(runtime: Runtime, caller: Caller, product_id: str) -> DeletedProduct:
    """Removes the product, or archives it (INACTIVE) when invoice lines use it."""
    now = runtime.clock()
    async with runtime.sessions() as session:
        product = await repo.get_one(session, Product, caller.app_id, product_id)
        if product is None:
            raise ProductMissing()
        archived = await remove_unless_used(session, Referenced.PRODUCT, caller.app_id, product)
        if archived:
            product.status = ProductStatus.INACTIVE.value
            product.updated_at = now
            session.add(product)
            await session.flush()
        view = await _emitted(session, caller, product, "deleted", now)
        await session.commit()
    return DeletedProduct(view, archived)
