"""Every example request body in the v0 spec, with its dates moved into the future."""

from __future__ import annotations

from typing import Any

from tests.apptest import basic_invoice, future

CUSTOMER = "550e8400-e29b-41d4-a716-446655440000"
WALLET = "abcd1234-5678-90ef-ghij-klmnopqrstuv"


def _body(name: str, email: str, items: list[tuple[str, int]], **rest: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "email": email,
        "customer_id": CUSTOMER,
        "walletId": WALLET,
        "items": [{"product_id": pid, "quantity": qty} for pid, qty in items],
    }
    body.update(rest)
    return body


SPEC_EXAMPLES: dict[str, dict[str, Any]] = {
    "curl-basic": basic_invoice(),
    "curl-comprehensive": _body(
        "Q1 2024 Services Invoice",
        "finance@clientcompany.com",
        [("prod_consulting_001", 40), ("prod_development_002", 80), ("prod_maintenance_003", 1)],
        address="123 Corporate Blvd, Suite 500, Business City, BC 12345",
        phone_number="+1-555-987-6543",
        logo="https://mycompany.com/assets/logo.png",
        due_date=future(60),
        send_date=future(10),
        delivery="EMAIL",
        payment_link=True,
        payment_methods=["CRYPTO", "BANK_TRANSFER", "CREDIT_CARD"],
        status="OPEN",
        partial_payment=True,
        taxId="tax_550e8400-e29b-41d4-a716-446655440123",
    ),
    "curl-draft": _body(
        "Draft - Custom Development Project",
        "project@startup.io",
        [("prod_custom_dev_001", 160)],
        due_date=future(45),
        delivery="MANUALLY",
        payment_link=False,
        payment_methods=["CRYPTO"],
        status="DRAFT",
        partial_payment=False,
    ),
    # The JavaScript InvoiceBuilder: defaults, then the builder calls, in order.
    "js-builder": {
        "items": [
            {"product_id": "prod_web_dev_001", "quantity": 1},
            {"product_id": "prod_hosting_001", "quantity": 12},
        ],
        "payment_methods": ["CRYPTO", "BANK_TRANSFER"],
        "payment_link": True,
        "partial_payment": True,
        "delivery": "EMAIL",
        "status": "OPEN",
        "name": "Web Development Services",
        "email": "client@example.com",
        "customer_id": CUSTOMER,
        "walletId": WALLET,
        "due_date": future(30),
        "address": "123 Business St, City, State",
        "phone_number": "+1-555-123-4567",
    },
    "js-quick": _body(
        "Monthly Subscription",
        "subscriber@example.com",
        [("prod_subscription_001", 1)],
        due_date=future(14),
        delivery="EMAIL",
        payment_link=True,
        payment_methods=["CRYPTO"],
        status="OPEN",
        partial_payment=False,
    ),
    "python-builder": {
        "items": [
            {"product_id": "prod_consulting_001", "quantity": 20},
            {"product_id": "prod_analysis_001", "quantity": 1},
        ],
        "payment_methods": ["CRYPTO", "BANK_TRANSFER"],
        "payment_link": True,
        "partial_payment": True,
        "delivery": "EMAIL",
        "status": "OPEN",
        "name": "Consulting Services",
        "email": "client@example.com",
        "customer_id": CUSTOMER,
        "walletId": WALLET,
        "due_date": future(30),
        "address": "123 Business Ave",
        "phone_number": "+1-555-123-4567",
    },
    "python-direct": _body(
        "Software License",
        "customer@example.com",
        [("prod_license_001", 1)],
        due_date=future(20),
        delivery="EMAIL",
        payment_link=True,
        payment_methods=["CRYPTO"],
        status="OPEN",
        partial_payment=False,
    ),
    # The "Item Structure" and "Optional Fields" tables' example ids.
    "tables": _body(
        "Table examples",
        "customer@example.com",
        [("prod_550e8400-e29b-41d4", 2)],
        due_date=future(30),
        send_date=future(1),
        delivery="MANUALLY",
        payment_link=True,
        payment_methods=["CASH", "MOBILE_MONEY"],
        status="DRAFT",
        partial_payment=False,
        taxId="tax_550e8400-e29b-41d4",
        logo="https://example.com/logo.png",
    ),
}
