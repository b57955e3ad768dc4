"""Email tracking: GET /t/o/{token}.gif (the open pixel), GET /t/c/{token} (click-through).

Public like the payment page: the unguessable tracking token is the only credential.
Each records its first time once (UPDATE ... WHERE first_..._at IS NULL), so repeated
opens and concurrent clicks never move the timestamp.
"""

from __future__ import annotations

import base64
import logging

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from gateway.db.availability import is_unreachable
from gateway.links import payment_link_url
from gateway.pages.payment import content_page, not_found_page, while_reachable
from gateway.pages.payment_view import payment_page_content
from gateway.runtime import Runtime
from gateway.services.tracking import record_click, record_open

log = logging.getLogger("gateway.tracking")

# The smallest transparent 1x1 GIF.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
# Mail clients and proxies must fetch the pixel on every open, not from a cache.
_NO_STORE = {
    "Cache-Control": "no-store, no-cache, must-revalidate, max-age=0",
    "Pragma": "no-cache",
}
_MAX_TOKEN_LENGTH = 64


async def open_pixel(request: Request) -> Response:
    runtime: Runtime = request.state.runtime
    token = request.path_params["token"]
    if len(token) <= _MAX_TOKEN_LENGTH:
        try:
            await record_open(runtime, token)
        except Exception as exc:
            # A broken image in the customer's mail is worse than one lost open.
            if is_unreachable(exc):
                runtime.database.report_failure(exc)
            elif isinstance(exc, SQLAlchemyError):
                log.warning("could not record an email open", exc_info=True)
            else:
                raise
    return Response(PIXEL, 200, headers=_NO_STORE, media_type="image/gif")


async def click_through(request: Request) -> Response:
    runtime: Runtime = request.state.runtime
    token = request.path_params["token"]
    if len(token) > _MAX_TOKEN_LENGTH:
        return not_found_page("Invoice not found")
    view = await while_reachable(runtime, record_click(runtime, token))
    if isinstance(view, Response):
        return view
    if view is None:
        return not_found_page("Invoice not found")
    invoice = view.invoice
    link = payment_link_url(runtime.settings.public_base_url, invoice.payment_link_token)
    if link is not None:
        return RedirectResponse(link, 302, headers={"Cache-Control": "no-store"})
    # No payment link to send the customer to: show the invoice itself.
    return content_page(payment_page_content(view, None), 200)


routes = [
    Route("/t/o/{token}.gif", open_pixel, methods=["GET"]),
    Route("/t/c/{token}", click_through, methods=["GET"]),
]
