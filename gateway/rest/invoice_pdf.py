"""GET /api/v0/invoices/{invoice_id}/pdf: the invoice PDF the email attaches."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.delivery.pdf import invoice_pdf_filename
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.invoice_pdfs import invoice_pdf
from gateway.services.invoice_queries import get_invoice


async def download(request: Request) -> Response:
    runtime: Runtime = request.state.runtime
    caller: Caller = request.state.caller
    view = await get_invoice(runtime, caller, request.path_params["invoice_id"])
    pdf = await invoice_pdf(runtime, view)
    filename = invoice_pdf_filename(view.invoice.invoice_number)
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        # An invoice is personal data: no shared cache may keep it.
        "Cache-Control": "private, no-store",
    }
    return Response(pdf, 200, headers, media_type="application/pdf")


# "{invoice_id}" never matches a "/", so this cannot be shadowed by the
# GET /api/v0/invoices/{invoice_id} route whatever the order.
routes = [Route("/api/v0/invoices/{invoice_id}/pdf", download, methods=["GET"])]
