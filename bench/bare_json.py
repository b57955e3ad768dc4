"""The baseline's JSON, built by hand: the v0 invoice (create) and the GraphQL-shaped
invoice node (the nested page), with the same keys and value formats as the gateway."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import orjson

from gateway.settings import Settings

ZERO = Decimal("0.00")
ONE = Decimal(1)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return orjson.Fragment(format(value, "f"))
    raise TypeError(type(value).__name__)


def dumps(value: Any) -> bytes:
    return orjson.dumps(value, default=_default)


def _stamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _day(value: date | None) -> str | None:
    return None if value is None else f"{value.isoformat()}T00:00:00.000Z"


def _plain(value: Decimal) -> Decimal:
    normal = value.normalize()
    return normal.quantize(ONE) if normal == normal.to_integral() else normal


def v0_invoice(
    inv: dict[str, Any],
    app_name: str,
    related: tuple[Any, Any, Any, dict[str, Any]],
    items: list[dict[str, Any]],
    settings: Settings,
) -> dict[str, Any]:
    customer, wallet, tax, products = related
    inv_id, app_id, token = inv["id"], inv["app_id"], inv["payment_link_token"]
    return {
        "id": inv_id,
        "invoice_number": inv["invoice_number"],
        "name": inv["name"],
        "app_id": app_id,
        "email": inv["email"],
        "address": inv["address"],
        "phone_number": inv["phone_number"],
        "logo": inv["logo"],
        "customer_id": inv["customer_id"],
        "walletId": inv["wallet_id"],
        "due_date": _day(inv["due_date"]),
        "send_date": _day(inv["send_date"]),
        "date_created": _stamp(inv["date_created"]),
        "status": inv["status"],
        "payment_methods": inv["payment_methods"],
        "delivery": inv["delivery"],
        "payment_link": inv["payment_link"],
        "partial_payment": inv["partial_payment"],
        "reminder_sent": False,
        "paidAt": None,
        "paymentMetadata": None,
        "paymentStatus": None,
        "taxId": inv["tax_id"],
        "currency": "USDC",
        "app": {"id": app_id, "name": app_name},
        "customer": {
            "id": customer.id,
            "email": customer.email,
            "name": customer.name,
            "status": customer.status,
        },
        "wallet": {
            "id": wallet.id,
            "address": wallet.address,
            "blockchain": wallet.blockchain,
            "type": wallet.type,
        },
        "tax": None
        if tax is None
        else {
            "id": tax.id,
            "name": tax.name,
            "rate": _plain(tax.rate),
            "type": tax.type,
            "inclusive": tax.inclusive,
        },
        "items": [_v0_item(inv_id, item, products[item["product_id"]]) for item in items],
        "transactions": [],
        "subtotal": inv["subtotal"],
        # The benchmark's invoices take no discount (the gateway's extension fields).
        "discount": None,
        "discount_amount": ZERO,
        "tax_amount": inv["tax_amount"],
        "total": inv["total"],
        "amount_paid": inv["amount_paid"],
        "amount_due": max(inv["total"] - inv["amount_paid"], ZERO),
        "payment_link_url": f"{settings.public_base_url}/pay/{token}",
        "payment_link_expires_at": _stamp(inv["payment_link_expires_at"]),
    }


def _v0_item(inv_id: str, item: dict[str, Any], product: Any) -> dict[str, Any]:
    return {
        "invoice_id": inv_id,
        "productId": item["product_id"],
        "name": item["name"],
        "quantity": _plain(item["quantity"]),
        "unit_price": item["unit_price"],
        "line_total": item["line_total"],
        "discount": None,
        "discount_amount": ZERO,
        "invoice_discount_amount": ZERO,
        "net_total": item["line_total"],
        "product": {
            "id": product.id,
            "name": product.name,
            "price": product.price,
            "currency": product.currency,
        },
    }


def _money(value: Decimal) -> str:
    return format(value, "f")


def graphql_node(inv: Any, related: tuple[dict[str, Any], ...], base_url: str) -> dict[str, Any]:
    """The node INVOICES_QUERY (bench/workload.py) selects, as Strawberry writes it."""
    customers, wallets, taxes, items, products = related
    customer, wallet = customers.get(inv.customer_id), wallets.get(inv.wallet_id)
    tax = None if inv.tax_id is None else taxes.get(inv.tax_id)
    token = inv.payment_link_token
    return {
        "id": inv.id,
        "invoiceNumber": inv.invoice_number,
        "name": inv.name,
        "email": inv.email,
        "status": inv.status,
        "dueDate": inv.due_date.isoformat(),
        "dateCreated": inv.date_created.astimezone(UTC).isoformat(),
        "currency": inv.currency,
        "subtotal": _money(inv.subtotal),
        "taxAmount": _money(inv.tax_amount),
        "total": _money(inv.total),
        "amountDue": _money(max(inv.total - inv.amount_paid, ZERO)),
        "paymentLinkUrl": None if token is None else f"{base_url}/pay/{token}",
        "customer": None
        if customer is None
        else {
            "id": customer.id,
            "name": customer.name,
            "email": customer.email,
            "status": customer.status,
        },
        "wallet": None
        if wallet is None
        else {
            "id": wallet.id,
            "address": wallet.address,
            "blockchain": wallet.blockchain,
            "type": wallet.type,
        },
        "tax": None
        if tax is None
        else {
            "id": tax.id,
            "name": tax.name,
            "rate": _money(tax.rate),
            "type": tax.type,
            "inclusive": tax.inclusive,
        },
        "items": [_graphql_item(item, products.get(item.product_id)) for item in items[inv.id]],
    }


def _graphql_item(item: Any, product: Any) -> dict[str, Any]:
    quantity = item.quantity
    return {
        "position": item.position,
        "productId": item.product_id,
        "quantity": _money(
            quantity.normalize() if quantity == quantity.to_integral() else quantity
        ),
        "unitPrice": _money(item.unit_price),
        "lineTotal": _money(item.line_total),
        "product": None
        if product is None
        else {
            "id": product.id,
            "name": product.name,
            "price": _money(product.price),
            "currency": product.currency,
        },
    }
