"""An invoice's discounts as a document shows them (the PDF, the payment page): each
line's own under the line, then the lines' own together and the invoice's own in the
summary, between the subtotal (before discounts) and the tax."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from gateway.db.invoice_views import InvoiceView
from gateway.db.rows import ItemRow
from gateway.domain.discounts import DiscountType, stored_discount

_ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DiscountShown:
    # The percentage for a PERCENTAGE discount; None for a FIXED amount.
    rate: Decimal | None
    amount: Decimal


def line_discount(item: ItemRow) -> DiscountShown | None:
    """The line's own discount, if it took anything off."""
    discount = stored_discount(item.discount_type, item.discount_value)
    if discount is None or not item.discount_amount:
        return None
    return DiscountShown(_rate(discount.type, discount.value), item.discount_amount)


def line_discounts(view: InvoiceView) -> Decimal:
    """What the lines' own discounts took off together."""
    return sum((entry.item.discount_amount for entry in view.items), _ZERO)


def invoice_discount(view: InvoiceView) -> DiscountShown | None:
    """The invoice's own discount (the sum of its shares on the lines), if any."""
    inv = view.invoice
    discount = stored_discount(inv.discount_type, inv.discount_value)
    amount = inv.discount_amount - line_discounts(view)
    if discount is None or not amount:
        return None
    return DiscountShown(_rate(discount.type, discount.value), amount)


def _rate(kind: DiscountType, value: Decimal) -> Decimal | None:
    return value if kind is DiscountType.PERCENTAGE else None
