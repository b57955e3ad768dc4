"""The baseline's create: the gateway's SQL for one invoice, in one transaction, by hand.

BEGIN; idempotency-key lookup; customer, wallet, products, tax; UPDATE the app's counter
RETURNING; INSERT the invoice, its items (one multi-row INSERT), the outbox rows (the
webhook endpoints are looked up once); COMMIT. Amounts come from the same pure domain
functions the gateway uses (gateway.domain), the JSON is the v0 JSON built by hand.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bench import bare_sql as sql
from bench.bare_json import dumps, v0_invoice
from gateway.domain.create_invoice import CreateInvoiceCommand
from gateway.domain.numbering import format_invoice_number
from gateway.domain.tax import tax_rule
from gateway.domain.totals import Line, Totals, invoice_totals

if TYPE_CHECKING:
    from bench.baseline import Bare, Caller

ZERO = Decimal("0.00")


class NotFound(Exception):
    pass


async def _one(conn: AsyncConnection, stmt: Any, app_id: str, id_: str | None) -> Any:
    row = (await conn.execute(stmt, {"ids": [id_], "app_id": app_id})).first()
    if row is None:
        raise NotFound(str(id_))
    return row


async def create_invoice(
    bare: Bare,
    caller: Caller,
    command: CreateInvoiceCommand,
    idempotency: tuple[str, str],
    now: datetime,
) -> bytes:
    app_id = caller.app_id
    key = idempotency[0]
    async with bare.engine.begin() as conn:
        found = await conn.execute(sql.INVOICE_BY_KEY, {"app_id": app_id, "key": key})
        if found.first() is not None:
            raise NotFound("a replay; the benchmark sends none")
        customer = await _one(conn, sql.CUSTOMERS, app_id, command.customer_id)
        wallet = await _one(conn, sql.WALLETS, app_id, command.wallet_id)
        ids = list({item.product_id for item in command.items})
        rows = await conn.execute(sql.PRODUCTS, {"ids": ids, "app_id": app_id})
        products = {row.id: row for row in rows}
        tax = (
            None if command.tax_id is None else await _one(conn, sql.TAXES, app_id, command.tax_id)
        )
        # The gateway refuses archived rows and other denominations: the same checks.
        if customer.status != "ACTIVE" or (tax is not None and not tax.active):
            raise NotFound("archived")
        if any(products[i.product_id].status != "ACTIVE" for i in command.items):
            raise NotFound("archived product")
        rule = None
        if tax is not None:
            rule = tax_rule(tax.name, tax.rate, tax.type, tax.inclusive, tax.components)
        lines = [
            Line(i.product_id, i.quantity, products[i.product_id].price) for i in command.items
        ]
        totals = invoice_totals(lines, rule)
        counter, number_format = (await conn.execute(sql.NEXT_NUMBER, {"app_id": app_id})).one()
        invoice = _invoice_row(command, app_id, totals, idempotency, now)
        invoice["invoice_number"] = format_invoice_number(number_format, counter)
        invoice["tax_snapshot"] = None if tax is None else _tax_terms(tax)
        await conn.execute(sql.INSERT_INVOICE, invoice)
        items = [
            {
                "app_id": app_id,
                "invoice_id": invoice["id"],
                "position": position,
                "product_id": line.product_id,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "line_total": line.line_total,
                "name": products[line.product_id].name,
            }
            for position, line in enumerate(totals.lines)
        ]
        await conn.execute(sql.INSERT_ITEMS, items)
        related = (customer, wallet, tax, products)
        rendered = v0_invoice(invoice, caller.app_name, related, items, bare.settings)
        endpoints = (await conn.execute(sql.ENABLED_WEBHOOKS, {"app_id": app_id})).all()
        await conn.execute(sql.INSERT_OUTBOX, _outbox_rows(invoice, endpoints, rendered, now))
    return dumps(rendered)


def _tax_terms(tax: Any) -> dict[str, Any]:
    """What the invoice keeps of its tax, as the gateway keeps it."""
    return {
        "name": tax.name,
        "rate": str(tax.rate),
        "type": tax.type,
        "inclusive": tax.inclusive,
        "components": tax.components,
    }


def _invoice_row(
    command: CreateInvoiceCommand,
    app_id: str,
    totals: Totals,
    idempotency: tuple[str, str],
    now: datetime,
) -> dict[str, Any]:
    expires = datetime.combine(command.due_date + timedelta(days=1), time.min, tzinfo=UTC)
    return {
        "id": f"inv_{uuid.uuid4()}",
        "app_id": app_id,
        "name": command.name,
        "email": command.email,
        "address": command.address,
        "phone_number": command.phone_number,
        "logo": command.logo,
        "customer_id": command.customer_id,
        "wallet_id": command.wallet_id,
        "tax_id": command.tax_id,
        "due_date": command.due_date,
        "send_date": command.send_date,
        "date_created": now,
        "status": command.status.value,
        "payment_methods": [method.value for method in command.payment_methods],
        "delivery": command.delivery.value,
        "payment_link": command.payment_link,
        "partial_payment": command.partial_payment,
        "subtotal": totals.subtotal,
        "tax_amount": totals.tax_amount,
        "total": totals.total,
        "amount_paid": ZERO,
        # No credit note yet; the demo customer has no credit balance to apply.
        "amount_credited": ZERO,
        "credit_applied": ZERO,
        "payment_link_token": secrets.token_urlsafe(24),
        "payment_link_expires_at": expires,
        "idempotency_key": idempotency[0],
        "request_fingerprint": idempotency[1],
        "sent_at": now,
        "tracking_token": secrets.token_urlsafe(24),
    }


def _outbox_rows(
    invoice: dict[str, Any], endpoints: list[Any], rendered: dict[str, Any], now: datetime
) -> list[dict[str, Any]]:
    """The e-mail, and invoice.created + invoice.sent for each webhook endpoint."""
    base = {"app_id": invoice["app_id"], "invoice_id": invoice["id"], "created_at": now}
    email = dumps({"kind": "invoice", "to": invoice["email"]}).decode()
    rows = [
        {**base, "id": f"msg_{uuid.uuid4().hex}", "channel": "email", "event_type": "invoice"}
        | {"endpoint_id": None, "payload": email, "next_attempt_at": now}
    ]
    for event in ("invoice.created", "invoice.sent") if endpoints else ():
        payload = dumps({"type": event, "timestamp": now.isoformat(), "data": rendered}).decode()
        rows += [
            {**base, "id": f"msg_{uuid.uuid4().hex}", "channel": "webhook", "event_type": event}
            | {"endpoint_id": endpoint.id, "payload": payload, "next_attempt_at": now}
            for endpoint in endpoints
        ]
    return rows
