"""The logo a document shows: a PNG or JPEG carried in a data URL, never a fetched one.

Rendering must not reach out to an address a client chose (a slow or hostile server,
an internal address): a logo given as an http(s) URL is not shown. A data URL is
decoded only up to MAX_LOGO_BYTES, and an image larger than MAX_LOGO_PIXELS on a side
(a decompression bomb fits in a few kilobytes) is not decoded at all.
"""

from __future__ import annotations

import base64
import binascii
import io
import logging
import re

from PIL import Image, UnidentifiedImageError

log = logging.getLogger("gateway.delivery.logo")

MAX_LOGO_BYTES = 512 * 1024
MAX_LOGO_PIXELS = 4096
# Base64 takes four characters for three bytes; the rest is room for line breaks.
_MAX_URL_CHARS = MAX_LOGO_BYTES * 2
_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
_DATA_URL = re.compile(r"data:(?P<type>image/(?:png|jpeg));base64,(?P<data>[A-Za-z0-9+/=\s]+)")


def logo_image(url: str | None) -> Image.Image | None:
    """The image a `data:image/png;base64,...` or `data:image/jpeg;base64,...` URL
    holds, or None (no logo, another kind of URL, too large, not that kind of image)."""
    if not url:
        return None
    if len(url) > _MAX_URL_CHARS:
        log.info("logo skipped: larger than %d bytes", MAX_LOGO_BYTES)
        return None
    match = _DATA_URL.fullmatch(url.strip())
    if match is None:
        return None
    try:
        data = base64.b64decode("".join(match["data"].split()), validate=True)
        image = Image.open(io.BytesIO(data), formats=[_FORMATS[match["type"]]])
    except (binascii.Error, UnidentifiedImageError, OSError) as exc:
        log.info("logo skipped: %s", exc)
        return None
    width, height = image.size
    if len(data) > MAX_LOGO_BYTES or max(width, height) > MAX_LOGO_PIXELS or min(width, height) < 1:
        log.info("logo skipped: %d bytes, %dx%d pixels", len(data), width, height)
        return None
    try:
        image.load()
    except (OSError, Image.DecompressionBombError) as exc:
        log.info("logo skipped: %s", exc)
        return None
    return image


def document_logo(invoice_logo: str | None, app_logo: str | None) -> Image.Image | None:
    """The invoice's own logo when it is a usable data URL, else the app's."""
    return logo_image(invoice_logo) or logo_image(app_logo)
