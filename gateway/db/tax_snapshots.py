"""What an invoice keeps of its tax (Invoice.tax_snapshot): written when the invoice is
priced, read back as the tax the invoice shows, so a later change of the tax row does
not change an issued invoice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gateway.db.rows import InvoiceRow, TaxRow


def tax_snapshot(tax: TaxRow | None) -> dict[str, Any] | None:
    """The tax's pricing terms as JSON (the rate as a string, so it stays exact)."""
    if tax is None:
        return None
    components = None if tax.components is None else [dict(c) for c in tax.components]
    return {
        "name": tax.name,
        "rate": str(tax.rate),
        "type": tax.type,
        "inclusive": tax.inclusive,
        "components": components,
    }


def tax_as_priced(invoice: InvoiceRow, live: TaxRow | None) -> TaxRow | None:
    """The invoice's tax with the terms it was priced with; `live` (the tax row as it is
    now) for an invoice priced before they were kept, and for the columns they lack."""
    snapshot = invoice.tax_snapshot
    if invoice.tax_id is None:
        return None
    if snapshot is None:
        return live
    terms: dict[str, Any] = {
        "name": snapshot["name"],
        "rate": Decimal(snapshot["rate"]),
        "type": snapshot["type"],
        "inclusive": snapshot["inclusive"],
        "components": snapshot["components"],
    }
    if live is None:
        return TaxRow(
            id=invoice.tax_id,
            app_id=invoice.app_id,
            description=None,
            active=False,
            created_at=invoice.date_created,
            updated_at=invoice.date_created,
            **terms,
        )
    return live._replace(**terms)
