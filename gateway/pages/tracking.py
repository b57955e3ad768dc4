"""Email tracking: GET /t/o/{token}.gif (the open pixel), GET /t/c/{token} (click-through).

Public like the payment page: the unguessable tracking token is the only credential.
Each records its first time once (UPDATE ... WHERE first_..._at IS NULL), so repeated
opens and concurrent clicks never move the timestamp.
"""

from __future__ import annotations

import base64
import logging
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from gateway.db.repositories import get_app
from gateway.db.tables import Invoice
from gateway.pages.payment import invoice_summary, page
from gateway.runtime import Runtime
from gateway.services.invoice_json import payment_link_url
from gateway.services.invoice_views import load_invoice_views

log = logging.getLogger("gateway.tracking")

# The smallest transparent 1x1 GIF.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
# Mail clients and proxies must fetch the pixel on every open, not from a cache.
_NO_STORE = {
    "Cache-Control": "no-store, no-cache, must-revalidate, max-age=0",
    "Pragma": "no-cache",
}
_MAX_TOKEN_LENGTH = 64


async def _record_first(
    session: AsyncSession, token: str, column: Mapped[datetime | None], now: datetime
) -> None:
    stmt = (
        update(Invoice)
        .where(col(Invoice.tracking_token) == token, column.is_(None))
        .values({column: now})
    )
    await session.exec(stmt)


async def open_pixel(request: Request) -> Response:
    runtime: Runtime = request.state.runtime
    token = request.path_params["token"]
    if len(token) <= _MAX_TOKEN_LENGTH:
        try:
            async with runtime.sessions() as session:
                await _record_first(session, token, col(Invoice.first_opened_at), runtime.clock())
                await session.commit()
        except SQLAlchemyError:
            # A broken image in the customer's mail is worse than one lost open.
            log.warning("could not record an email open", exc_info=True)
    return Response(PIXEL, 200, headers=_NO_STORE, media_type="image/gif")


async def click_through(request: Request) -> Response:
    runtime: Runtime = request.state.runtime
    token = request.path_params["token"]
    async with runtime.sessions() as session:
        invoice = None
        if len(token) <= _MAX_TOKEN_LENGTH:
            stmt = select(Invoice).where(Invoice.tracking_token == token)
            invoice = (await session.exec(stmt)).first()
        if invoice is None:
            return page("Invoice not found", "<h1>Invoice not found</h1>", 404)
        await _record_first(session, token, col(Invoice.first_clicked_at), runtime.clock())
        await session.commit()
        link = payment_link_url(invoice, runtime.settings.public_base_url)
        if link is not None:
            return RedirectResponse(link, 302, headers={"Cache-Control": "no-store"})
        # No payment link to send the customer to: show the invoice itself.
        app = await get_app(session, invoice.app_id)
        app_name = app.name if app else ""
        views = await load_invoice_views(session, invoice.app_id, app_name, [invoice])
    return page(f"Invoice {invoice.invoice_number}", invoice_summary(views[0]), 200)


routes = [
    Route("/t/o/{token}.gif", open_pixel, methods=["GET"]),
    Route("/t/c/{token}", click_through, methods=["GET"]),
]
