"""Invoice numbers: a per-app counter rendered through the app's number format.

A format is literal text plus exactly one `{number}` field, optionally with an integer
format spec (fill, align, sign, `#`, `0`, width up to 20, grouping, type d/b/o/x/X), e.g.
"INV-{number:06d}" or "{number}/2024". `{{` and `}}` are literal braces. Formats are at
most 64 characters and so are the numbers they render (the invoice_number column).
"""

from __future__ import annotations

import re
import string

DEFAULT_FORMAT = "INV-{number:06d}"
MAX_FORMAT_LENGTH = 64
MAX_NUMBER_LENGTH = 64

_INT_SPEC = re.compile(
    r"(?:.?[<>=^])?[+ -]?#?0?(?P<width>[0-9]{1,2})?[,_]?[bdoxX]?",
    re.ASCII | re.DOTALL,
)
_MAX_WIDTH = 20


def validate_number_format(fmt: str) -> None:
    """Raise ValueError unless `fmt` is a valid invoice number format (see module doc)."""
    if not isinstance(fmt, str):
        raise ValueError("invoice number format must be a string")
    if len(fmt) > MAX_FORMAT_LENGTH:
        raise ValueError(f"invoice number format must be at most {MAX_FORMAT_LENGTH} characters")
    try:
        parsed = list(string.Formatter().parse(fmt))
    except ValueError as error:
        raise ValueError(f"invoice number format is malformed: {error}") from None
    fields = [(name, spec, conversion) for _, name, spec, conversion in parsed if name is not None]
    if len(fields) != 1:
        raise ValueError("invoice number format must contain exactly one {number} field")
    name, spec, conversion = fields[0]
    if name != "number":
        raise ValueError("the only field allowed in an invoice number format is {number}")
    if conversion is not None:
        raise ValueError("invoice number format must not use a conversion (!r, !s, !a)")
    match = _INT_SPEC.fullmatch(spec or "")
    if match is None:
        raise ValueError(f"invalid integer format spec in invoice number format: {spec!r}")
    width = match.group("width")
    if width is not None and int(width) > _MAX_WIDTH:
        raise ValueError(f"invoice number width must be at most {_MAX_WIDTH}")
    try:
        sample = fmt.format(number=1)
    except ValueError as error:
        raise ValueError(f"invalid invoice number format: {error}") from None
    if len(sample) > MAX_NUMBER_LENGTH:
        raise ValueError(f"invoice numbers must be at most {MAX_NUMBER_LENGTH} characters")


def format_invoice_number(fmt: str, number: int) -> str:
    """Render sequence number `number` (an int >= 1) through `fmt`; ValueError if invalid."""
    validate_number_format(fmt)
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise ValueError(f"invoice sequence number must be a positive integer: {number!r}")
    rendered = fmt.format(number=number)
    if len(rendered) > MAX_NUMBER_LENGTH:
        raise ValueError(
            f"invoice number {rendered!r} is longer than {MAX_NUMBER_LENGTH} characters"
        )
    return rendered
