"""What an invoice command costs: the rows it names (scoped to the app), priced.

Only what may be invoiced now is priced: an ACTIVE customer, ACTIVE products in the
invoice's currency, an active tax. The invoice keeps what it was priced with (each
line's product name, the tax's terms), so later changes of those rows leave it as issued.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db import reads
from gateway.db.invoice_views import InvoiceView, ItemView
from gateway.db.rows import CustomerRow, InvoiceRow, ItemRow, ProductRow, TaxRow, WalletRow, row_of
from gateway.db.tables import Invoice, InvoiceItem
from gateway.db.tax_snapshots import tax_snapshot
from gateway.domain.create_invoice import CreateInvoiceCommand
from gateway.domain.errors import (
    CurrencyMismatch,
    CustomerNotFound,
    CustomerNotInvoiceable,
    ProductInactive,
    ProductNotFound,
    TaxInactive,
    TaxNotFound,
    WalletNotFound,
)
from gateway.domain.invoice_currency import can_price
from gateway.domain.resource_enums import CustomerStatus, ProductStatus
from gateway.domain.tax import tax_rule
from gateway.domain.totals import Line, Totals, invoice_totals


@dataclass(frozen=True)
class PricedInvoice:
    customer: CustomerRow
    wallet: WalletRow
    tax: TaxRow | None
    products: dict[str, ProductRow]
    totals: Totals

    def columns(self) -> dict[str, Any]:
        """The invoice columns that record what it was priced with."""
        return {
            "subtotal": self.totals.subtotal,
            "tax_amount": self.totals.tax_amount,
            "total": self.totals.total,
            "tax_snapshot": tax_snapshot(self.tax),
        }


async def price_invoice(
    session: AsyncSession, app_id: str, command: CreateInvoiceCommand
) -> PricedInvoice:
    """Loads what the command names (scoped to the app), refuses what may not be
    invoiced, and computes the amounts."""
    customer = await reads.row_by_id(session, CustomerRow, app_id, command.customer_id)
    if customer is None:
        raise CustomerNotFound()
    if customer.status != CustomerStatus.ACTIVE:
        raise CustomerNotInvoiceable(customer.status)
    wallet = await reads.row_by_id(session, WalletRow, app_id, command.wallet_id)
    if wallet is None:
        raise WalletNotFound()
    product_ids = [item.product_id for item in command.items]
    products = await reads.rows_by_ids(session, ProductRow, app_id, product_ids)
    lines = []
    for index, (item, product) in enumerate(zip(command.items, products, strict=True)):
        if product is None:
            raise ProductNotFound(item.product_id, index)
        if product.status == ProductStatus.INACTIVE:
            raise ProductInactive(product.id, product.name, index)
        if not can_price(command.currency, product.currency):
            currency = command.currency.value
            raise CurrencyMismatch(product.id, product.name, index, product.currency, currency)
        lines.append(Line(product.id, item.quantity, product.price))
    tax = None
    if command.tax_id is not None:
        tax = await reads.row_by_id(session, TaxRow, app_id, command.tax_id)
        if tax is None:
            raise TaxNotFound()
        if not tax.active:
            raise TaxInactive(tax.id, tax.name)
    rule = (
        None
        if tax is None
        else tax_rule(tax.name, tax.rate, tax.type, tax.inclusive, tax.components)
    )
    by_id = {product.id: product for product in products if product is not None}
    return PricedInvoice(customer, wallet, tax, by_id, invoice_totals(lines, rule))


def invoice_items(invoice: Invoice, priced: PricedInvoice) -> list[InvoiceItem]:
    """The stored lines: each product's name and price at invoicing time, in request order."""
    return [
        InvoiceItem(
            app_id=invoice.app_id,
            invoice_id=invoice.id,
            position=position,
            product_id=line.product_id,
            name=priced.products[line.product_id].name,
            quantity=line.quantity,
            unit_price=line.unit_price,
            line_total=line.line_total,
        )
        for position, line in enumerate(priced.totals.lines)
    ]


def written_view(
    invoice: Invoice, items: list[InvoiceItem], app_name: str, priced: PricedInvoice
) -> InvoiceView:
    """The view of an invoice this transaction wrote, from what it holds (nothing is read
    again); a new invoice has no payments."""
    return InvoiceView(
        invoice=row_of(InvoiceRow, invoice),
        app_name=app_name,
        customer=priced.customer,
        wallet=priced.wallet,
        tax=priced.tax,
        items=tuple(
            ItemView(row_of(ItemRow, item), priced.products.get(item.product_id)) for item in items
        ),
        transactions=(),
    )
