"""GET /pay/{token}: the page a payment link opens (404 unknown, 410 expired)."""

from __future__ import annotations

from collections.abc import Awaitable
from html import escape
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from gateway.db.availability import is_unreachable
from gateway.db.invoice_views import InvoiceView
from gateway.domain.errors import ServiceUnavailable
from gateway.domain.status import PAYMENT_METHOD_LABELS
from gateway.runtime import Runtime
from gateway.services.invoice_queries import invoice_by_payment_token

V = TypeVar("V")

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}"
    "table{width:100%;border-collapse:collapse}td,th{padding:.4rem;border-bottom:1px solid #ddd}"
    "td.n,th.n{text-align:right}"
)


def page(title: str, body: str, status: int) -> HTMLResponse:
    html = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )
    return HTMLResponse(html, status, headers={"Cache-Control": "no-store"})


def unavailable_page() -> HTMLResponse:
    """503 while the database is unreachable: the customer may simply reload."""
    body = "<h1>Temporarily unavailable</h1><p>Please try again in a minute.</p>"
    response = page("Temporarily unavailable", body, 503)
    response.headers["Retry-After"] = str(ServiceUnavailable.retry_after)
    return response


def invoice_summary(view: InvoiceView) -> str:
    inv = view.invoice
    rows = "".join(
        f"<tr><td>{escape(entry.name)}</td>"
        f'<td class="n">{entry.item.shown_quantity}</td>'
        f'<td class="n">{entry.item.unit_price}</td><td class="n">{entry.item.line_total}</td></tr>'
        for entry in view.items
    )
    tax = "Tax" if view.tax is None else f"Tax ({escape(view.tax.name)})"
    methods = "".join(
        f"<li>{escape(PAYMENT_METHOD_LABELS.get(m, m))}</li>" for m in inv.payment_methods
    )
    return (
        f"<h1>Invoice {escape(inv.invoice_number)}</h1>"
        f"<p>{escape(inv.name)} &middot; from {escape(view.app_name)}</p>"
        f"<p>Due date: <strong>{inv.due_date.isoformat()}</strong> &middot; "
        f"Status: <strong>{escape(inv.status)}</strong></p>"
        '<table><thead><tr><th>Item</th><th class="n">Qty</th><th class="n">Unit price</th>'
        f'<th class="n">Amount</th></tr></thead><tbody>{rows}</tbody></table>'
        f'<p class="n">Subtotal: {inv.subtotal}<br>{tax}: {inv.tax_amount}<br>'
        f"<strong>Total: {inv.total} {escape(inv.currency)}</strong><br>"
        f"Paid: {inv.amount_paid}<br><strong>Amount due: {inv.amount_due}</strong></p>"
        f"<h2>Accepted payment methods</h2><ul>{methods}</ul>"
    )


async def while_reachable(runtime: Runtime, read: Awaitable[V]) -> V | HTMLResponse:
    """What `read` answers, or the 503 page when the database cannot be reached."""
    try:
        return await read
    except Exception as exc:
        if not is_unreachable(exc):
            raise
        runtime.database.report_failure(exc)
        return unavailable_page()


async def payment_page(request: Request) -> HTMLResponse:
    runtime: Runtime = request.state.runtime
    token = request.path_params["token"]
    if len(token) > 64:
        return page("Payment link not found", "<h1>Payment link not found</h1>", 404)
    view = await while_reachable(runtime, invoice_by_payment_token(runtime, token))
    if isinstance(view, HTMLResponse):
        return view
    if view is None:
        return page("Payment link not found", "<h1>Payment link not found</h1>", 404)
    invoice = view.invoice
    expires_at = invoice.payment_link_expires_at
    if expires_at is not None and runtime.clock() >= expires_at:
        body = (
            "<h1>This payment link has expired</h1>"
            f"<p>Invoice {escape(invoice.invoice_number)} was due on "
            f"{invoice.due_date.isoformat()}. Please contact the sender.</p>"
        )
        return page("Payment link expired", body, 410)
    return page(f"Invoice {invoice.invoice_number}", invoice_summary(view), 200)


routes = [Route("/pay/{token}", payment_page, methods=["GET"])]
