"""A credit note's PDF as the download and the email carry it: with the app's logo, set
in the fonts PDF_FONT_DIR names, rendered off the event loop."""

from __future__ import annotations

import asyncio

from gateway.db import reads
from gateway.db.credit_note_views import CreditNoteView
from gateway.delivery.credit_note_pdf import render_credit_note_pdf
from gateway.delivery.fonts import find_pdf_fonts
from gateway.runtime import Runtime


async def credit_note_pdf(runtime: Runtime, view: CreditNoteView) -> bytes:
    async with runtime.sessions() as session:
        app = await reads.app_row(session, view.note.app_id)
    fonts = find_pdf_fonts(runtime.settings.pdf_font_dir)
    logo = None if app is None else app.logo
    return await asyncio.to_thread(render_credit_note_pdf, view, fonts, app_logo=logo)
