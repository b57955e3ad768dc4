"""An invoice's PDF as the download and the email carry it: with the app's logo, set
in the fonts PDF_FONT_DIR names, rendered off the event loop."""

from __future__ import annotations

import asyncio

from gateway.db import reads
from gateway.db.invoice_views import InvoiceView
from gateway.delivery.fonts import find_pdf_fonts
from gateway.delivery.pdf import render_invoice_pdf
from gateway.links import payment_link_url
from gateway.runtime import Runtime


async def invoice_pdf(runtime: Runtime, view: InvoiceView) -> bytes:
    inv = view.invoice
    async with runtime.sessions() as session:
        app = await reads.app_row(session, inv.app_id)
    payment_url = payment_link_url(runtime.settings.public_base_url, inv.payment_link_token)
    fonts = find_pdf_fonts(runtime.settings.pdf_font_dir)
    # fpdf2 is CPU-bound and synchronous: keep it off the event loop.
    return await asyncio.to_thread(
        render_invoice_pdf, view, payment_url, fonts, app_logo=None if app is None else app.logo
    )
