"""The parameters: the invoice id in the path, the create's idempotency key header, the
changes' If-Match header and the list's paging and filters (gateway.rest.invoices and
gateway.rest.invoice_actions read them)."""

from __future__ import annotations

from gateway.domain.status import InvoiceStatus
from gateway.rest.conventions import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from gateway.rest.openapi.formats import DATE, IF_MATCH, PRINTABLE_HEADER, UUID
from gateway.rest.openapi.fragments import Schema, enum, string

_MAX_SKIP = 1_000_000  # the bound gateway.rest.invoices.list_ puts on `skip`

# Example invoice ids: tests/rest/test_openapi.py creates a DRAFT and an OPEN invoice under
# them, so that the examples (which the fuzzer starts from) get past the lookup.
DRAFT_INVOICE_EXAMPLE = "inv_6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f"
OPEN_INVOICE_EXAMPLE = "inv_7a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d"


def invoice_id(example: str) -> Schema:
    return {
        "name": "invoice_id",
        "in": "path",
        "required": True,
        "schema": string(),
        "example": example,
    }


def idempotency_key() -> Schema:
    return {
        "name": "x-idempotency-key",
        "in": "header",
        "required": False,
        "description": (
            "Replays the first successful response (kept 24 hours by default)."
            " `idempotency-key` is read when this header is absent."
        ),
        "schema": string(pattern=PRINTABLE_HEADER),
    }


def if_match() -> Schema:
    return {
        "name": "If-Match",
        "in": "header",
        "required": False,
        "description": (
            "Make the change only if the invoice is still at the version an earlier"
            ' response\'s ETag named (`"<id>-<version>"`; a `W/` prefix is ignored; several,'
            " comma-separated, accept any of them). Otherwise nothing changes and the answer"
            " is 412 with the current ETag. `*` accepts any version. Without If-Match the"
            " change applies to the invoice as it is when the change runs: concurrent changes"
            " apply one after the other, none is lost."
        ),
        "schema": string(pattern=IF_MATCH),
    }


def query_parameter(name: str, schema: Schema, description: str) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": False,
        # The shim reads `?skip=` as no `skip` at all, for every parameter here.
        "allowEmptyValue": True,
        "schema": schema,
        "description": description,
    }


def paging(rows: str) -> list[Schema]:
    """`skip` and `take` of an offset-paged list of `rows` ("Invoices", "Taxes")."""
    return [
        query_parameter(
            "skip",
            {"type": "integer", "minimum": 0, "maximum": _MAX_SKIP, "default": 0},
            f"{rows} to pass over.",
        ),
        query_parameter(
            "take",
            {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_PAGE_SIZE,
                "default": DEFAULT_PAGE_SIZE,
            },
            "Page size.",
        ),
    ]


def list_query() -> list[Schema]:
    """The page and the filters of the invoice list."""

    date_filter = string(format="date", pattern=DATE)
    return [
        *paging("Invoices"),
        query_parameter("status", enum(InvoiceStatus), "Only this status."),
        query_parameter("customer", string(format="uuid", pattern=UUID), "Customer id."),
        query_parameter("from_date", date_filter, "Created on or after (UTC date)."),
        query_parameter("to_date", date_filter, "Created on or before (UTC date)."),
        query_parameter(
            "customer_id",
            string(format="uuid", pattern=UUID),
            "Earlier name of `customer`, still accepted.",
        ),
        query_parameter("start_date", date_filter, "Earlier name of `from_date`, still accepted."),
        query_parameter("end_date", date_filter, "Earlier name of `to_date`, still accepted."),
        query_parameter("due_from", date_filter, "Due on or after."),
        query_parameter("due_to", date_filter, "Due on or before."),
    ]
