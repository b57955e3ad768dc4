"""The baseline's SQL: the gateway's statements, written once with SQLAlchemy Core on the
gateway's tables and bound per request (as a hand-written hot path would do)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, bindparam, insert, select, update

from gateway.db import tables

APP = tables.App.__table__
CREDENTIAL = tables.ApiCredential.__table__
CUSTOMER = tables.Customer.__table__
WALLET = tables.Wallet.__table__
PRODUCT = tables.Product.__table__
TAX = tables.Tax.__table__
INVOICE = tables.Invoice.__table__
ITEM = tables.InvoiceItem.__table__
WEBHOOK = tables.WebhookEndpoint.__table__
OUTBOX = tables.OutboxMessage.__table__

CREDENTIAL_BY_KEY = (
    select(
        CREDENTIAL.c.client_key,
        CREDENTIAL.c.secret_hash,
        CREDENTIAL.c.revoked,
        APP.c.id,
        APP.c.name,
    )
    .join_from(CREDENTIAL, APP, APP.c.id == CREDENTIAL.c.app_id)
    .where(CREDENTIAL.c.client_key == bindparam("key"))
)


def _by_ids(table: Any) -> Select[Any]:
    """Rows of one app by id: `WHERE id IN (...) AND app_id = ...`, as repo.get_many."""
    return select(table).where(
        table.c.id.in_(bindparam("ids", expanding=True)), table.c.app_id == bindparam("app_id")
    )


CUSTOMERS = _by_ids(CUSTOMER)
WALLETS = _by_ids(WALLET)
PRODUCTS = _by_ids(PRODUCT)
TAXES = _by_ids(TAX)
INVOICE_BY_KEY = select(INVOICE).where(
    INVOICE.c.app_id == bindparam("app_id"), INVOICE.c.idempotency_key == bindparam("key")
)
NEXT_NUMBER = (
    update(APP)
    .where(APP.c.id == bindparam("app_id"))
    .values(invoice_counter=APP.c.invoice_counter + 1)
    .returning(APP.c.invoice_counter, APP.c.invoice_number_format)
)
INSERT_INVOICE = insert(INVOICE)
INSERT_ITEMS = insert(ITEM)
INSERT_OUTBOX = insert(OUTBOX)
ENABLED_WEBHOOKS = select(WEBHOOK).where(
    WEBHOOK.c.app_id == bindparam("app_id"), WEBHOOK.c.enabled.is_(True)
)
PAGE = (
    select(INVOICE)
    .where(INVOICE.c.app_id == bindparam("app_id"))
    .order_by(INVOICE.c.date_created.desc(), INVOICE.c.id.desc())
    .offset(bindparam("offset"))
    .limit(bindparam("limit"))
)
ITEMS_OF = (
    select(ITEM)
    .where(
        ITEM.c.app_id == bindparam("app_id"),
        ITEM.c.invoice_id.in_(bindparam("ids", expanding=True)),
    )
    .order_by(ITEM.c.invoice_id, ITEM.c.position)
)
