"""Keyset pages of an app's customers, products, taxes and wallets (gateway.db.keyset).

Searches take a LIKE pattern (keyset.like_pattern) in lower case and match it
case-insensitively anywhere in the named columns. Indexes ix_customer_app_name,
ix_customer_app_created and ix_product_app_created serve the orders.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BindParameter, ColumnElement, bindparam, func, or_

from gateway.db.keyset import Listing, Ordering
from gateway.db.reads import TABLES
from gateway.db.rows import CustomerRow, ProductRow, TaxRow, WalletRow


def _search(row_type: type[object], *columns: str) -> ColumnElement[bool]:
    table = TABLES[row_type]
    pattern: BindParameter[str] = bindparam("search")
    return or_(*(func.lower(table.c[name]).like(pattern, escape="\\") for name in columns))


def _created(descending: bool) -> Ordering:
    return Ordering(
        "CREATED_AT_DESC" if descending else "CREATED_AT_ASC",
        "created_at",
        datetime,
        descending=descending,
    )


CUSTOMER_ORDERINGS = {
    **{("CREATED_AT", descending): _created(descending) for descending in (False, True)},
    **{
        ("NAME", descending): Ordering(
            "NAME_DESC" if descending else "NAME_ASC", "name", str, descending=descending
        )
        for descending in (False, True)
    },
}
"""By (field, descending): NAME and CREATED_AT, each way."""

NEWEST_FIRST = _created(True)
OLDEST_FIRST = _created(False)

_CUSTOMERS = TABLES[CustomerRow]
CUSTOMERS = Listing(
    CustomerRow,
    {
        "search": _search(CustomerRow, "name", "email"),
        "status": _CUSTOMERS.c.status == bindparam("status"),
        "hidden_status": _CUSTOMERS.c.status != bindparam("hidden_status"),
    },
    CUSTOMER_ORDERINGS.values(),
)
"""Filters: search (name or email), status, hidden_status (every status but this one)."""

PRODUCTS = Listing(
    ProductRow,
    {
        "search": _search(ProductRow, "name", "description"),
        "status": TABLES[ProductRow].c.status == bindparam("status"),
    },
    [NEWEST_FIRST],
)
"""Filters: search (name or description), status."""

TAXES = Listing(TaxRow, {"active": TABLES[TaxRow].c.active == bindparam("active")}, [NEWEST_FIRST])

WALLETS = Listing(WalletRow, {}, [OLDEST_FIRST])
