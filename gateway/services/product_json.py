"""The v0 product JSON (the Developers rendering): REST responses and product events."""

from __future__ import annotations

from typing import Any

from gateway.db.rows import ProductRow, WalletRow
from gateway.domain.money import plain_number
from gateway.services.invoice_json import iso_datetime


def render_product(product: ProductRow, app_name: str, wallet: WalletRow | None) -> dict[str, Any]:
    return {
        "id": product.id,
        "name": product.name,
        "description": product.description,
        "price": product.price,
        "currency": product.currency,
        "productType": product.product_type,
        "status": product.status,
        "type": product.type,
        "stockCount": product.stock_count,
        "quantity": None if product.quantity is None else plain_number(product.quantity),
        "weight": None if product.weight is None else plain_number(product.weight),
        "unit": product.unit,
        "images": list(product.images or ()),
        "variations": None,
        "paymentLink": None,
        "walletId": product.wallet_id,
        "dateAdded": iso_datetime(product.created_at),
        "dateUpdated": iso_datetime(product.updated_at),
        "app": {"id": product.app_id, "name": app_name},
        "wallet": None
        if wallet is None
        else {"id": wallet.id, "address": wallet.address, "blockchain": wallet.blockchain},
        "transactions": [],
    }
