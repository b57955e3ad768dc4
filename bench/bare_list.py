"""The baseline's nested page: the gateway's six SELECTs on one connection, then the
GraphQL-shaped JSON of INVOICES_QUERY (bench/workload.py) built by hand, with the cost
the gateway reports in its extensions."""

from __future__ import annotations

import base64
import json
from datetime import UTC
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bench import bare_sql as sql
from bench.bare_json import dumps, graphql_node

if TYPE_CHECKING:
    from bench.baseline import Bare


async def _by_id(conn: AsyncConnection, stmt: Any, app_id: str, ids: set[str]) -> dict[str, Any]:
    if not ids:
        return {}
    return {row.id: row for row in await conn.execute(stmt, {"ids": list(ids), "app_id": app_id})}


def _cursor(row: Any) -> str:
    """The gateway's keyset cursor for the default ordering (schema/pagination.py)."""
    key = row.date_created.astimezone(UTC).isoformat()
    document = {"v": 1, "of": "invoices/DATE_CREATED_DESC", "key": [key], "id": row.id}
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=True)
    return base64.urlsafe_b64encode(text.encode("ascii")).decode("ascii")


async def list_invoices(bare: Bare, app_id: str, first: int) -> bytes:
    async with bare.engine.connect() as conn:
        page = {"app_id": app_id, "offset": 0, "limit": first + 1}
        rows = (await conn.execute(sql.PAGE, page)).all()
        shown = rows[:first]
        customers = await _by_id(conn, sql.CUSTOMERS, app_id, {r.customer_id for r in shown})
        wallets = await _by_id(conn, sql.WALLETS, app_id, {r.wallet_id for r in shown})
        tax_ids = {r.tax_id for r in shown if r.tax_id is not None}
        taxes = await _by_id(conn, sql.TAXES, app_id, tax_ids)
        items: dict[str, list[Any]] = {r.id: [] for r in shown}
        found = await conn.execute(sql.ITEMS_OF, {"app_id": app_id, "ids": list(items)})
        for item in found:
            items[item.invoice_id].append(item)
        product_ids = {item.product_id for group in items.values() for item in group}
        products = await _by_id(conn, sql.PRODUCTS, app_id, product_ids)
    related = (customers, wallets, taxes, items, products)
    base_url = bare.settings.public_base_url
    data = {
        "pageInfo": {
            "hasNextPage": len(rows) > first,
            "endCursor": _cursor(shown[-1]) if shown else None,
        },
        "edges": [{"node": graphql_node(row, related, base_url)} for row in shown],
    }
    # The page's static cost, as the gateway states it (schema/cost.py): the connection,
    # pageInfo, and per edge the edge, its node and its customer, wallet, tax and items
    # (a list of 10 items with a product each, as the cost rule counts unknown lists).
    cost = {"requested": 2 + 25 * first, "budget": bare.settings.graphql_max_cost}
    return dumps({"data": {"invoices": data}, "extensions": {"cost": cost}})
