"""What an invoice command costs: the rows it names (scoped to the app), priced.

Only what may be invoiced now is priced: an ACTIVE customer, ACTIVE products in the
invoice's currency, an active tax. The invoice keeps what it was priced with (each
line's product name, the tax's terms), so later changes of those rows leave it as issued.
A free-form line names no product: its description and unit price (in the invoice's
currency) are its own. Discounts come off before tax (gateway.domain.discounts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.db import reads
from gateway.db.invoice_views import InvoiceView, ItemView
from gateway.db.rows import CustomerRow, InvoiceRow, ItemRow, ProductRow, TaxRow, WalletRow
from gateway.db.tables import Invoice, InvoiceItem
from gateway.db.tax_snapshots import tax_snapshot
from gateway.domain.create_invoice import CreateInvoiceCommand, ItemRequest
from gateway.domain.discounts import Discount, no_discount
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
from gateway.domain.money import round_money
from gateway.domain.resource_enums import CustomerStatus, ProductStatus
from gateway.domain.tax import tax_rule
from gateway.domain.totals import Line, PricedLine, Totals, invoice_totals


@dataclass(frozen=True)
class PricedInvoice:
    customer: CustomerRow
    wallet: WalletRow
    tax: TaxRow | None
    products: dict[str, ProductRow]
    totals: Totals
    items: tuple[ItemRequest, ...]
    discount: Discount | None

    def columns(self) -> dict[str, Any]:
        """The invoice columns that record what it was priced with."""
        return {
            "subtotal": self.totals.subtotal,
            "discount_amount": self.totals.discount_amount,
            "tax_amount": self.totals.tax_amount,
            "total": self.totals.total,
            "tax_snapshot": tax_snapshot(self.tax),
            **(no_discount() if self.discount is None else self.discount.stored()),
        }

    def line_name(self, line: PricedLine, item: ItemRequest) -> str:
        """A product line's product name as priced; a free-form line's description."""
        if line.product_id is not None:
            return self.products[line.product_id].name
        return item.description or ""


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
    product_ids = [item.product_id for item in command.items if item.product_id is not None]
    found = await reads.rows_by_ids(session, ProductRow, app_id, product_ids)
    by_id = {product.id: product for product in found if product is not None}
    lines = [_line(command, index, item, by_id) for index, item in enumerate(command.items)]
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
    totals = invoice_totals(lines, rule, command.discount)
    return PricedInvoice(customer, wallet, tax, by_id, totals, command.items, command.discount)


def _line(
    command: CreateInvoiceCommand, index: int, item: ItemRequest, products: dict[str, ProductRow]
) -> Line:
    if item.product_id is None:
        assert item.unit_price is not None  # invoice_rules.ITEM_SHAPE
        # At most 2 places (invoice_rules.UNIT_PRICE): written with them, as stored.
        return Line(None, item.quantity, round_money(item.unit_price), item.discount)
    product = products.get(item.product_id)
    if product is None:
        raise ProductNotFound(item.product_id, index)
    if product.status == ProductStatus.INACTIVE:
        raise ProductInactive(product.id, product.name, index)
    if not can_price(command.currency, product.currency):
        currency = command.currency.value
        raise CurrencyMismatch(product.id, product.name, index, product.currency, currency)
    return Line(product.id, item.quantity, product.price, item.discount)


def invoice_items(invoice: Invoice, priced: PricedInvoice) -> list[InvoiceItem]:
    """The stored lines: each product's name and price at invoicing time (a free-form
    line's own), with their discounts, in request order."""
    return [
        InvoiceItem(
            app_id=invoice.app_id,
            invoice_id=invoice.id,
            position=position,
            product_id=line.product_id,
            name=priced.line_name(line, item),
            quantity=line.quantity,
            unit_price=line.unit_price,
            line_total=line.line_total,
            **(no_discount() if line.discount is None else line.discount.stored()),
            discount_amount=line.discount_amount,
            invoice_discount_amount=line.invoice_discount_amount,
        )
        for position, (line, item) in enumerate(zip(priced.totals.lines, priced.items, strict=True))
    ]


def item_rows(invoice: InvoiceRow, priced: PricedInvoice) -> list[ItemRow]:
    """`invoice_items` as rows for a new invoice (gateway.db.invoice_writes.insert_invoice);
    their ids are the database's."""
    return [
        ItemRow(
            id=None,
            app_id=invoice.app_id,
            invoice_id=invoice.id,
            position=position,
            product_id=line.product_id,
            quantity=line.quantity,
            unit_price=line.unit_price,
            line_total=line.line_total,
            name=priced.line_name(line, item),
            **(no_discount() if line.discount is None else line.discount.stored()),
            discount_amount=line.discount_amount,
            invoice_discount_amount=line.invoice_discount_amount,
        )
        for position, (line, item) in enumerate(zip(priced.totals.lines, priced.items, strict=True))
    ]


def written_view(
    invoice: InvoiceRow, items: list[ItemRow], app_name: str, priced: PricedInvoice
) -> InvoiceView:
    """The view of an invoice this transaction wrote, from what it holds (nothing is read
    again); a new invoice has no payments."""
    return InvoiceView(
        invoice=invoice,
        app_name=app_name,
        customer=priced.customer,
        wallet=priced.wallet,
        tax=priced.tax,
        items=tuple(ItemView(item, _product(priced, item.product_id)) for item in items),
        transactions=(),
    )


def _product(priced: PricedInvoice, product_id: str | None) -> ProductRow | None:
    return None if product_id is None else priced.products.get(product_id)
