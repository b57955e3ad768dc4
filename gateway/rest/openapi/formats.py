"""The value formats the shim reads and writes, as the document states them: ECMA-262
patterns (twins of what gateway.domain.value_rules and others check in code) and the
quantity step."""

from __future__ import annotations

from decimal import Decimal

from gateway.domain.create_invoice import QUANTITY_PLACES
from gateway.domain.ids import UUID_PATTERN
from gateway.services.idempotency import MAX_KEY_LENGTH

UUID = UUID_PATTERN
DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL = f"^{_ATOM}(?:\\.{_ATOM})*@(?:{_LABEL}\\.)+(?:[A-Za-z]{{2,63}}|xn--[A-Za-z0-9-]{{1,59}})$"
_URL_CHAR = "[^\\s\\u0000-\\u001f\\u007f]"
_IPV6 = "\\[[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}\\]"  # roughly: ip_address() decides
_HOST = f"(?:{_LABEL}(?:\\.{_LABEL})*|{_IPV6})"
HTTP_URL = (
    f"^[Hh][Tt][Tt][Pp][Ss]?://(?:[^\\s\\u0000-\\u001f\\u007f/?#@]*@)?{_HOST}"
    f"(?::[0-9]{{0,5}})?(?:[/?#]{_URL_CHAR}*)?$"
)
NO_NUL = "^[^\\u0000]*$"
# The positive numerals gateway.domain.money.to_decimal reads from a string: a digit
# other than 0 before or after the point.
POSITIVE_NUMERAL = (
    "^\\+?(?:[0-9]*[1-9][0-9]*(?:\\.[0-9]*)?|[0-9]*\\.[0-9]*[1-9][0-9]*)(?:[eE][+-]?[0-9]+)?$"
)
# gateway.delivery.pdf.invoice_pdf_filename
PDF_DISPOSITION = '^attachment; filename="invoice-[A-Za-z0-9._-]+\\.pdf"$'
# gateway.rest.etags.etag: "<invoice id>-<version>"
ETAG = '^"[A-Za-z0-9_-]+-[0-9]+"$'
# gateway.rest.etags: `*`, or entity tags separated by commas
_ENTITY_TAG = '(?:W/)?"[\\u0021\\u0023-\\u007e]*"'
IF_MATCH = f"^(?:\\*|{_ENTITY_TAG}(?:[ \\t]*,[ \\t]*{_ENTITY_TAG})*)$"
# What str.isprintable() accepts of the latin-1 range HTTP header values arrive in.
PRINTABLE_HEADER = f"^[\\u0020-\\u007e\\u00a1-\\u00ac\\u00ae-\\u00ff]{{1,{MAX_KEY_LENGTH}}}$"

# The step of the quantities an invoice is answered with.
QUANTITY_STEP = float(Decimal(1).scaleb(-QUANTITY_PLACES))
