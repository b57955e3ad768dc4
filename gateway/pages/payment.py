"""GET /pay/{token}: the page a payment link opens (404 unknown, 410 expired or void:
a VOID invoice's page says so and shows no way to pay)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from gateway.db.availability import is_unreachable
from gateway.domain.errors import ServiceUnavailable
from gateway.domain.status import InvoiceStatus
from gateway.pages.html import page
from gateway.pages.payment_view import PageContent, expired_content, payment_page_content
from gateway.runtime import Runtime
from gateway.services.payment_link_view import payment_link_view

V = TypeVar("V")


def unavailable_page() -> HTMLResponse:
    """503 while the database is unreachable: the customer may simply reload."""
    body = "<main><h1>Temporarily unavailable</h1><p>Please try again in a minute.</p></main>"
    response = page("Temporarily unavailable", body, 503)
    response.headers["Retry-After"] = str(ServiceUnavailable.retry_after)
    return response


def not_found_page(title: str) -> HTMLResponse:
    return page(title, f"<main><h1>{title}</h1></main>", 404)


def content_page(content: PageContent, status: int) -> HTMLResponse:
    return page(
        content.title,
        content.body,
        status,
        lang=content.lang,
        script=content.script,
        body_attributes=content.body_attributes,
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
        return not_found_page("Payment link not found")
    found = await while_reachable(runtime, payment_link_view(runtime, token))
    if isinstance(found, HTMLResponse):
        return found
    if found is None:
        return not_found_page("Payment link not found")
    invoice = found.invoice.invoice
    if invoice.status == InvoiceStatus.VOID:
        # The link stops working: the page says why, with no way to pay.
        return content_page(payment_page_content(found.invoice, found.app), 410)
    expires_at = invoice.payment_link_expires_at
    if expires_at is not None and runtime.clock() >= expires_at:
        return content_page(expired_content(found.invoice), 410)
    return content_page(payment_page_content(found.invoice, found.app), 200)


routes = [Route("/pay/{token}", payment_page, methods=["GET"])]
