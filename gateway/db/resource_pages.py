"""An app's customers, products, taxes and wallets as Listings (gateway.db.keyset): the
GraphQL connections' keyset pages and the v0 lists' offset pages, with both surfaces'
filters.

Searches take a LIKE pattern (keyset.like_pattern) in lower case and match it
case-insensitively anywhere in the named columns. Indexes ix_customer_app_name,
ix_customer_app_created and ix_product_app_created serve the orders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, bindparam, func, or_

from gateway.db.keyset import Listing, Ordering, like_pattern
from gateway.db.reads import TABLES
from gateway.db.rows import CustomerRow, ProductRow, TaxRow, WalletRow
from gateway.domain.customers import email_key
from gateway.domain.resource_enums import CustomerStatus


def _search(row_type: type[object], *columns: str, name: str = "search") -> ColumnElement[bool]:
    table = TABLES[row_type]
    pattern: BindParameter[str] = bindparam(name)
    return or_(*(func.lower(table.c[column]).like(pattern, escape="\\") for column in columns))


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
        "name": _search(CustomerRow, "first_name", "last_name", name="name"),
        "email": _CUSTOMERS.c.email_key == bindparam("email"),
    },
    CUSTOMER_ORDERINGS.values(),
)
"""Filters: search (name or email), status, hidden_status (every status but this one),
name (a part of the first or last name), email (the whole address, any case)."""


@dataclass(frozen=True)
class CustomerFilter:
    """The v0 customer list's filters; without a status, DELETED customers are left out."""

    status: CustomerStatus | None = None
    name: str | None = None
    email: str | None = None

    def params(self) -> dict[str, Any]:
        return {
            "status": None if self.status is None else self.status.value,
            "hidden_status": CustomerStatus.DELETED.value if self.status is None else None,
            "name": None if self.name is None else like_pattern(self.name.lower()),
            "email": None if self.email is None else email_key(self.email),
        }


PRODUCTS = Listing(
    ProductRow,
    {
        "search": _search(ProductRow, "name", "description"),
        "status": TABLES[ProductRow].c.status == bindparam("status"),
    },
    [NEWEST_FIRST],
)
"""Filters: search (name or description), status."""

TAXES = Listing(
    TaxRow,
    {
        "active": TABLES[TaxRow].c.active == bindparam("active"),
        "name": _search(TaxRow, "name", name="name"),
    },
    [NEWEST_FIRST, OLDEST_FIRST],
)
"""Filters: active, name (a part of it, any case)."""


@dataclass(frozen=True)
class TaxFilter:
    """The v0 tax list's filters."""

    name: str | None = None
    active: bool | None = None

    def params(self) -> dict[str, Any]:
        return {
            "name": None if self.name is None else like_pattern(self.name.lower()),
            "active": self.active,
        }


WALLETS = Listing(WalletRow, {}, [OLDEST_FIRST])
