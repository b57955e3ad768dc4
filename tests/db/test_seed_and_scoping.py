"""seed-demo is idempotent; every repository read is scoped to one app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from gateway.db import invoice_pages as pages
from gateway.db import reads, resource_pages
from gateway.db import repositories as repo
from gateway.db.rows import CustomerRow, InvoiceRow, ProductRow, TaxRow, WalletRow
from gateway.db.tables import Customer, Invoice, InvoiceItem, Product, Tax, Wallet
from gateway.runtime import Runtime
from gateway.services.demo import CUSTOMER_ID, DEMO_APP_ID, WALLET_ID, seed_demo
from gateway.services.tenants import create_app_with_credential
from gateway.settings import Settings


@pytest.fixture
async def runtime(migrated_database_url: str) -> AsyncIterator[Runtime]:
    rt = Runtime.open(Settings(database_url=migrated_database_url))
    try:
        yield rt
    finally:
        await rt.close()


async def snapshot(runtime: Runtime) -> dict[str, list[tuple[object, ...]]]:
    tables = [t for t in SQLModel.metadata.sorted_tables if t.name != "alembic_version"]
    rows: dict[str, list[tuple[object, ...]]] = {}
    async with runtime.engine.connect() as conn:
        for table in tables:
            result = await conn.execute(select(table).order_by(*table.primary_key.columns))
            rows[table.name] = [tuple(row) for row in result]
    return rows


async def test_seed_demo_twice_leaves_the_same_rows(runtime: Runtime) -> None:
    first_credentials = await seed_demo(runtime)
    first = await snapshot(runtime)
    second_credentials = await seed_demo(runtime)
    assert await snapshot(runtime) == first
    assert first_credentials == second_credentials
    assert len(first["product"]) == 11 and len(first["customer"]) == 1


async def test_repository_reads_never_cross_apps(runtime: Runtime) -> None:
    await seed_demo(runtime)
    other = await create_app_with_credential(runtime, "Other")
    b = other.app_id
    now = runtime.clock()
    async with runtime.sessions() as session:
        session.add(Customer(id="cust_b", app_id=b, email="b@example.com", name="B"))
        session.add(Wallet(id="wallet_b", app_id=b, address="0xb", blockchain="ETHEREUM"))
        session.add(Product(id="prod_b", app_id=b, name="B", price=Decimal("1.00")))
        session.add(Tax(id="tax_b", app_id=b, name="B", rate=Decimal("1")))
        await session.flush()
        session.add(
            Invoice(
                id="inv_b", app_id=b, invoice_number="INV-000001", name="B", email="b@e.com",
                customer_id="cust_b", wallet_id="wallet_b", due_date=date(2030, 1, 1),
                date_created=now, status="OPEN", payment_methods=["CRYPTO"], delivery="EMAIL",
                subtotal=Decimal(1), tax_amount=Decimal(0), total=Decimal(1),
                amount_paid=Decimal(0),
            )
        )  # fmt: skip
        await session.flush()
        session.add(
            InvoiceItem(
                app_id=b, invoice_id="inv_b", position=0, product_id="prod_b",
                quantity=Decimal(1), unit_price=Decimal(1), line_total=Decimal(1),
            )
        )  # fmt: skip
        await session.commit()

    a = DEMO_APP_ID
    async with runtime.sessions() as session:
        assert await repo.get_many(session, Customer, a, ["cust_b", CUSTOMER_ID]) == [
            None,
            await repo.get_one(session, Customer, a, CUSTOMER_ID),
        ]
        assert await repo.get_one(session, Customer, b, CUSTOMER_ID) is None
        assert await repo.get_one(session, Wallet, a, "wallet_b") is None
        assert await repo.get_one(session, Wallet, b, WALLET_ID) is None
        assert await repo.get_one(session, Product, a, "prod_b") is None
        assert await repo.get_one(session, Tax, a, "tax_b") is None
        assert await repo.get_one(session, Invoice, a, "inv_b") is None
        filters = pages.InvoiceFilter()
        assert await pages.count_invoices(session, a, filters) == 0
        assert await reads.invoice_by_idempotency_key(session, a, "k") is None
        # The read model (typed rows) is scoped the same way.
        [own, foreign] = await reads.rows_by_ids(session, CustomerRow, a, [CUSTOMER_ID, "cust_b"])
        assert own is not None and own.id == CUSTOMER_ID and foreign is None
        for row_type, key in ((WalletRow, "wallet_b"), (ProductRow, "prod_b"), (TaxRow, "tax_b")):
            assert await reads.rows_by_ids(session, row_type, a, [key]) == [None]
        assert await reads.rows_by_ids(session, InvoiceRow, a, ["inv_b"]) == [None]
        assert await reads.items_of(session, a, ["inv_b"]) == [[]]
        assert await reads.transactions_of(session, a, ["inv_b"]) == [[]]
        assert await pages.invoice_page(session, a, filters, offset=0, limit=100) == []
        assert await pages.invoice_pages_of_customers(session, a, ["cust_b"], None, 9) == [[]]
        assert await pages.count_invoices_of_customers(session, a, ["cust_b"]) == [0]
        for listing, ordering in (
            (resource_pages.CUSTOMERS, resource_pages.NEWEST_FIRST),
            (resource_pages.WALLETS, resource_pages.OLDEST_FIRST),
            (resource_pages.PRODUCTS, resource_pages.NEWEST_FIRST),
            (resource_pages.TAXES, resource_pages.NEWEST_FIRST),
        ):
            listed = await listing.page(session, a, {}, ordering, None, 100)
            assert b not in {row.app_id for row in listed}
        [item_rows] = await reads.items_of(session, b, ["inv_b"])
        assert [(item.product_id, item.quantity) for item in item_rows] == [("prod_b", 1)]
        page = await pages.invoice_page(session, b, filters, offset=0, limit=9)
        assert [row.id for row in page] == ["inv_b"]
