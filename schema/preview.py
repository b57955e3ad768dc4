"""previewInvoice: what createInvoice would compute for an input, persisting nothing."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from gateway.domain.create_invoice import check_dates
from gateway.domain.discounts import Discount as DiscountValue
from gateway.domain.invoice_rules import checked_create
from gateway.services.pricing import price_invoice
from schema.context import Context
from schema.enums import InvoiceCurrency
from schema.inputs import CreateInvoiceInput
from schema.invoices import Customer
from schema.types import Discount, Product, Tax, Wallet
from schema.user_errors import USER_ERRORS, UserError, user_errors


@strawberry.type
class PreviewLine:
    product_id: strawberry.ID | None = strawberry.field(description="Null on a free-form line.")
    name: str
    quantity: Decimal
    unit_price: Decimal
    line_total: Decimal = strawberry.field(description="quantity x unitPrice, before discounts.")
    discount: Discount | None
    discount_amount: Decimal = strawberry.field(description="What the line's own discount took.")
    invoice_discount_amount: Decimal = strawberry.field(
        description="The line's share of the invoice's discount."
    )
    net_total: Decimal = strawberry.field(description="After every discount, before tax.")

    @strawberry.field
    async def product(self, info: strawberry.Info[Context, None]) -> Product | None:
        if self.product_id is None:
            return None
        row = await info.context.loaders.products.load(self.product_id)
        return None if row is None else Product.from_row(row)


@strawberry.type(description="One tax component's amount.")
class TaxLine:
    name: str
    amount: Decimal


@strawberry.type
class InvoicePreview:
    lines: list[PreviewLine]
    subtotal: Decimal = strawberry.field(description="The sum of the lines, before discounts.")
    discount: Discount | None = strawberry.field(description="The invoice's own discount.")
    discount_amount: Decimal = strawberry.field(
        description="Every discount: the lines' own and the invoice's."
    )
    invoice_discount_amount: Decimal = strawberry.field(
        description="The invoice's own discount, allocated across the lines."
    )
    subtotal_excluding_tax: Decimal = strawberry.field(
        description=(
            "What is taxed: subtotal - discountAmount, less the tax when the tax is included "
            "in the prices."
        )
    )
    tax_amount: Decimal
    taxes: list[TaxLine]
    total: Decimal
    currency: InvoiceCurrency
    customer: Customer
    wallet: Wallet
    tax: Tax | None


@strawberry.type
class InvoicePreviewPayload:
    preview: InvoicePreview | None
    user_errors: list[UserError]


async def preview_invoice(
    context: Context, invoice_input: CreateInvoiceInput
) -> InvoicePreviewPayload:
    runtime = context.runtime
    try:
        command = checked_create(invoice_input.to_command())
        check_dates(command.due_date, command.send_date, runtime.clock().date())
        async with context.reads.session() as session:
            priced = await price_invoice(session, context.caller.app_id, command)
    except USER_ERRORS as exc:
        return InvoicePreviewPayload(preview=None, user_errors=user_errors(exc))
    totals = priced.totals
    preview = InvoicePreview(
        lines=[
            PreviewLine(
                product_id=None if line.product_id is None else strawberry.ID(line.product_id),
                name=priced.line_name(line, item),
                quantity=line.quantity,
                unit_price=line.unit_price,
                line_total=line.line_total,
                discount=_discount(line.discount),
                discount_amount=line.discount_amount,
                invoice_discount_amount=line.invoice_discount_amount,
                net_total=line.net_total,
            )
            for line, item in zip(totals.lines, priced.items, strict=True)
        ],
        subtotal=totals.subtotal,
        discount=_discount(command.discount),
        discount_amount=totals.discount_amount,
        invoice_discount_amount=totals.invoice_discount_amount,
        subtotal_excluding_tax=totals.subtotal_excluding_tax,
        tax_amount=totals.tax_amount,
        taxes=[TaxLine(name=tax.name, amount=tax.amount) for tax in totals.taxes],
        total=totals.total,
        currency=command.currency,
        customer=Customer.from_row(priced.customer),
        wallet=Wallet.from_row(priced.wallet),
        tax=None if priced.tax is None else Tax.from_row(priced.tax),
    )
    return InvoicePreviewPayload(preview=preview, user_errors=[])


def _discount(discount: DiscountValue | None) -> Discount | None:
    return None if discount is None else Discount(type=discount.type, value=discount.value)
