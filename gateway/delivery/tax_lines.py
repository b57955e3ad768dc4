"""An invoice's tax, one line per component, with the rate each one applied."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from gateway.db.invoice_views import InvoiceView
from gateway.domain.tax import tax_rule
from gateway.domain.totals import Line, invoice_totals


@dataclass(frozen=True)
class TaxLineShown:
    name: str
    # The percentage for a PERCENTAGE component; None for a FIXED amount.
    rate: Decimal | None
    amount: Decimal


def tax_lines(view: InvoiceView) -> list[TaxLineShown]:
    """Each tax component's amount, recomputed from the stored lines and the tax as
    priced (gateway.db.tax_snapshots).

    The invoice stores only the summed tax_amount; for an invoice priced before its tax
    was kept, whose tax row changed since, the recomputation no longer adds up, and one
    line with the stored amount (and no rate) is shown instead of a breakdown that
    contradicts the total.
    """
    inv, tax = view.invoice, view.tax
    if tax is None:
        return []
    try:
        rule = tax_rule(tax.name, tax.rate, tax.type, tax.inclusive, tax.components)
        # The tax applies to the discounted amount, whatever the lines it comes from.
        totals = invoice_totals([Line(None, Decimal(1), inv.subtotal - inv.discount_amount)], rule)
    except ValueError:
        return [TaxLineShown(tax.name, None, inv.tax_amount)]
    if totals.tax_amount != inv.tax_amount:
        return [TaxLineShown(tax.name, None, inv.tax_amount)]
    return [
        TaxLineShown(
            line.name, component.rate if component.kind == "PERCENTAGE" else None, line.amount
        )
        for component, line in zip(rule.components, totals.taxes, strict=True)
    ]
