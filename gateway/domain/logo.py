"""An app's logo as the data URL it is stored as (App.logo): a PNG or JPEG image, told
by its first bytes, small enough to inline in every page and PDF."""

from __future__ import annotations

import base64

MAX_BYTES = 256 * 1024
_TYPES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


def logo_data_url(image: bytes) -> str:
    """ValueError unless `image` is a PNG or JPEG of at most MAX_BYTES."""
    if len(image) > MAX_BYTES:
        raise ValueError(f"a logo may be at most {MAX_BYTES // 1024} KiB")
    for magic, media_type in _TYPES:
        if image.startswith(magic):
            return f"data:{media_type};base64,{base64.b64encode(image).decode('ascii')}"
    raise ValueError("a logo must be a PNG or JPEG image")


def is_logo_data_url(value: str) -> bool:
    """Whether a stored logo is one a page may show as it is (an image data URL)."""
    return value.startswith(("data:image/png;base64,", "data:image/jpeg;base64,"))
