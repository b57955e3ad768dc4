"""Keyset connections paged through with small pages: in every ordering, with ties, and
with rows added before the cursor between two pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import col

from gateway.db.tables import Customer, Invoice, Product, Tax, Wallet
from gateway.runtime import Runtime
from tests.apptest import future
from tests.graphql.helpers import create
from tests.graphql.keyset_walk import ids, page, walk
from tests.graphql.resource_rows import at, customer, ordered_ids, product, store, tax, wallet

LATER = at(10**8)  # after the demo rows, which are created when the test starts
INVOICE_ORDER = {"orderBy": "InvoiceOrder"}
CUSTOMER_ORDER = {"orderBy": "CustomerOrder"}


async def create_tied_invoices(client: httpx.AsyncClient, runtime: Runtime) -> list[str]:
    """Six invoices: equal totals, equal due dates, and three created at the same moment."""
    made = []
    for quantity, due_in in ((1, 5), (2, 5), (2, 9), (1, 5), (3, 9), (2, 20)):
        items = [{"product_id": "prod_123456789", "quantity": quantity}]
        made.append((await create(client, items=items, due_date=future(due_in)))["invoice"]["id"])
    async with runtime.sessions() as session:
        await session.exec(
            update(Invoice).where(col(Invoice.id).in_(made[1:4])).values(date_created=at(0))
        )
        await session.commit()
    return made


async def test_invoices_in_every_ordering_page_through_without_repeats_or_skips(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    await create_tied_invoices(client, runtime)
    for field, column in (
        ("DATE_CREATED", "date_created"),
        ("DUE_DATE", "due_date"),
        ("TOTAL", "total"),
    ):
        for direction in ("ASC", "DESC"):
            expected = await ordered_ids(runtime, Invoice, column, descending=direction == "DESC")
            arguments = {"orderBy": {"field": field, "direction": direction}}
            for first in (1, 2, 4):
                walked = await walk(client, "invoices", first, None, arguments, INVOICE_ORDER)
                assert walked == expected, (field, direction, first)
            whole = await page(client, "invoices", 100, None, arguments, INVOICE_ORDER)
            assert ids(whole) == expected and whole["totalCount"] == 6


async def test_invoices_default_to_newest_first(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    await create_tied_invoices(client, runtime)
    expected = await ordered_ids(runtime, Invoice, "date_created", descending=True)
    assert await walk(client, "invoices", 2) == expected


async def test_customers_by_name_and_creation_both_ways(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    await store(
        runtime,
        customer("Ada Byron", at(1)),
        customer("Ada Byron", at(1)),
        customer("Bea Cole", at(2)),
        customer("Cal Dunn", at(1)),
        customer("Cal Dunn", at(3)),
        customer("Dan Eve", at(2)),
        customer("Ada Byron", at(0), status="DELETED"),
    )
    shown = col(Customer.status) != "DELETED"
    for field, column in (("NAME", "name"), ("CREATED_AT", "created_at")):
        for direction in ("ASC", "DESC"):
            expected = await ordered_ids(
                runtime, Customer, column, descending=direction == "DESC", where=shown
            )
            assert len(expected) == 7  # six stored and the demo customer
            arguments = {"orderBy": {"field": field, "direction": direction}}
            for first in (1, 2, 3):
                walked = await walk(client, "customers", first, None, arguments, CUSTOMER_ORDER)
                assert walked == expected, (field, direction, first)
    newest_first = await ordered_ids(runtime, Customer, "created_at", descending=True, where=shown)
    assert await walk(client, "customers", 2) == newest_first


@pytest.mark.parametrize(
    ("field", "model", "descending", "rows"),
    [
        ("products", Product, True, lambda: [product(f"P{n}", at(n % 2)) for n in range(5)]),
        ("taxes", Tax, True, lambda: [tax(f"T{n}", at(n % 2)) for n in range(5)]),
        ("wallets", Wallet, False, lambda: [wallet(at(n % 2)) for n in range(5)]),
    ],
)
async def test_catalog_connections_page_by_creation_with_ties(
    gateway: tuple[httpx.AsyncClient, Runtime],
    field: str,
    model: type[Any],
    descending: bool,
    rows: Callable[[], list[Any]],
) -> None:
    client, runtime = gateway
    await store(runtime, *rows())
    expected = await ordered_ids(runtime, model, "created_at", descending=descending)
    for first in (1, 2, 3):
        assert await walk(client, field, first) == expected, first
    assert ids(await page(client, field, 100)) == expected


async def _insert_before_the_cursor(
    client: httpx.AsyncClient,
    field: str,
    insert: Callable[[], Awaitable[list[str]]],
    arguments: dict[str, Any] | None = None,
    types: dict[str, str] | None = None,
) -> None:
    before = ids(await page(client, field, 100, None, arguments, types))
    first = await page(client, field, 2, None, arguments, types)
    assert ids(first) == before[:2]
    added = await insert()
    # The new rows come first now, so an offset would show page 1's rows again.
    now = ids(await page(client, field, 100, None, arguments, types))
    assert now[: len(added)] == sorted(added, key=now.index) and set(now[: len(added)]) == set(
        added
    )
    rest = await walk(client, field, 2, first["pageInfo"]["endCursor"], arguments, types)
    assert ids(first) + rest == before


async def test_invoices_added_before_the_cursor_neither_repeat_nor_skip(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    await create_tied_invoices(client, runtime)

    async def newer() -> list[str]:
        return [(await create(client))["invoice"]["id"] for _ in range(3)]

    await _insert_before_the_cursor(client, "invoices", newer)


async def test_customers_named_before_the_cursor_neither_repeat_nor_skip(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    await store(runtime, *(customer(name, at(0)) for name in ("Bo A", "Bo A", "Cy B", "Di C")))
    by_name = {"orderBy": {"field": "NAME", "direction": "ASC"}}

    async def smaller() -> list[str]:
        return await store(runtime, customer("Al A", at(5)), customer("Al A", at(6)))

    await _insert_before_the_cursor(client, "customers", smaller, by_name, CUSTOMER_ORDER)


@pytest.mark.parametrize(
    ("field", "made", "earlier"),
    [
        ("products", lambda m: product("P", at(m)), lambda: [product("New", LATER)]),
        ("taxes", lambda m: tax("T", at(m)), lambda: [tax("New", LATER)]),
        ("wallets", lambda m: wallet(at(m)), lambda: [wallet(at(-100)), wallet(at(-100))]),
    ],
)
async def test_catalog_rows_added_before_the_cursor_neither_repeat_nor_skip(
    gateway: tuple[httpx.AsyncClient, Runtime],
    field: str,
    made: Callable[[int], Any],
    earlier: Callable[[], list[Any]],
) -> None:
    client, runtime = gateway
    await store(runtime, *(made(minute) for minute in (1, 2, 2, 3)))

    async def insert() -> list[str]:
        return await store(runtime, *earlier())

    await _insert_before_the_cursor(client, field, insert)
