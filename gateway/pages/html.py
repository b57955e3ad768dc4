"""The shell of every public page: one HTML document, its stylesheet, and a strict
Content-Security-Policy. Nothing loads from elsewhere; the one inline stylesheet and the
optional inline script run under a nonce made for this response, every other script,
style, frame, form target and remote image is refused."""

from __future__ import annotations

import secrets
from html import escape

from starlette.responses import HTMLResponse

_STYLE = (
    ":root{color:#1a1a1a;background:#fff;font:1rem/1.5 system-ui,sans-serif}"
    "body{max-width:40rem;margin:0 auto;padding:1rem}"
    "h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}"
    "header img{max-height:4rem;max-width:12rem}"
    "table{width:100%;border-collapse:collapse}td,th{padding:.4rem;text-align:left;"
    "vertical-align:top;border-bottom:1px solid #ccc}"
    ".n{text-align:right;white-space:nowrap}.note{color:#4a4a4a;font-size:.9rem}"
    ".status{border:2px solid #1a1a1a;border-radius:.4rem;padding:.5rem .75rem;font-weight:600}"
    ".due{font-size:1.6rem;font-weight:700;margin:0}"
    "dl{display:grid;grid-template-columns:minmax(6rem,auto) 1fr;gap:.25rem .75rem}"
    "dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}"
    "code{font:.95rem ui-monospace,monospace;user-select:all;overflow-wrap:anywhere}"
    "button.copy{margin-left:.5rem;font:inherit;font-size:.85rem;padding:.1rem .6rem;"
    "color:#fff;background:#1f4fa3;border:0;border-radius:.3rem;cursor:pointer}"
    "figure{margin:1rem 0}figure svg{width:min(100%,16rem);height:auto;display:block}"
    "@media (max-width:30rem){dl{grid-template-columns:1fr}dt{margin-top:.5rem}}"
)


def _policy(nonce: str) -> str:
    return (
        f"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; "
        "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def page(
    title: str,
    body: str,
    status: int,
    *,
    lang: str = "en",
    script: str | None = None,
    body_attributes: str = "",
) -> HTMLResponse:
    """`body` and `script` are trusted HTML and JavaScript: callers escape what they hold."""
    nonce = secrets.token_urlsafe(16)
    script_tag = "" if script is None else f'<script nonce="{nonce}">{script}</script>'
    html = (
        f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{escape(title)}</title><style nonce="{nonce}">{_STYLE}</style></head>'
        f"<body{body_attributes}>{body}{script_tag}</body></html>"
    )
    headers = {
        "Cache-Control": "no-store",
        "Content-Security-Policy": _policy(nonce),
        # The page's address holds the payment token: no other site is told it.
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
    }
    return HTMLResponse(html, status, headers=headers)
