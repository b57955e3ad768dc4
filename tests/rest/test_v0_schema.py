"""The v0 field tables state what the hand-written OpenAPI document states of each body."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.rest.openapi import openapi_document
from gateway.rest.v0_fields import V0Field
from gateway.rest.v0_invoice_body import INVOICE_FIELDS, UPDATE_FIELDS
from gateway.rest.v0_payment_body import PAYMENT_FIELDS
from gateway.rest.v0_schema import body_schema

COMPARED = ("enum", "format", "maxLength", "minLength", "minItems", "maxItems", "maximum")


def constraints(schema: dict[str, Any]) -> dict[str, Any]:
    found = {name: schema[name] for name in COMPARED if name in schema}
    if isinstance(schema.get("items"), dict):
        found["items"] = constraints(schema["items"])
    return found


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("CreateInvoiceRequest", INVOICE_FIELDS),
        ("UpdateInvoiceRequest", UPDATE_FIELDS),
        ("CreatePaymentRequest", PAYMENT_FIELDS),
    ],
)
def test_tables_agree_with_the_document(name: str, fields: tuple[V0Field, ...]) -> None:
    documented = openapi_document()["components"]["schemas"][name]
    generated = body_schema(fields)
    assert set(generated["properties"]) >= set(documented["properties"]) - {"status"}
    if name != "UpdateInvoiceRequest":
        assert generated["required"] == documented["required"]
    for field, schema in documented["properties"].items():
        if field in generated["properties"] and "type" in schema:
            table = constraints(generated["properties"][field])
            assert {k: v for k, v in table.items() if k in schema} == constraints(schema), field
