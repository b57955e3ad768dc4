"""What the payment page shows: the invoice behind a payment link and the app that
issued it (its bank details and logo)."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.db import reads
from gateway.db.invoice_views import InvoiceView, load_invoice_views
from gateway.db.rows import AppRow
from gateway.runtime import Runtime


@dataclass(frozen=True, slots=True)
class PaymentLinkView:
    invoice: InvoiceView
    app: AppRow | None


async def payment_link_view(runtime: Runtime, token: str) -> PaymentLinkView | None:
    """The unguessable token is the credential; None when it names no invoice."""
    async with runtime.sessions() as session:
        row = await reads.invoice_by_payment_token(session, token)
        if row is None:
            return None
        app = await reads.app_row(session, row.app_id)
        app_name = "" if app is None else app.name
        view = (await load_invoice_views(session, row.app_id, app_name, [row]))[0]
    return PaymentLinkView(view, app)
