"""The v0 tax JSON (API reference): REST responses and the tax.* webhook payloads."""

from __future__ import annotations

from typing import Any

from gateway.db.rows import TaxRow
from gateway.domain.money import plain_number
from gateway.services.invoice_json import iso_datetime


def render_tax(tax: TaxRow) -> dict[str, Any]:
    return {
        "id": tax.id,
        "name": tax.name,
        "description": tax.description,
        "percentage": plain_number(tax.rate),
        "active": tax.active,
        "created_at": iso_datetime(tax.created_at),
        "updated_at": iso_datetime(tax.updated_at),
    }
