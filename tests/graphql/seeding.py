"""Many invoices with varied related rows, created through the service layer."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

from gateway.db.tables import Customer, Transaction
from gateway.rest.v0_invoice_body import parse_create_invoice
from gateway.runtime import Runtime
from gateway.services.access import Caller
from gateway.services.create_invoice import create_invoice
from gateway.services.demo import DEMO_APP_ID, DEMO_CLIENT_KEY, PRODUCTS
from tests.apptest import basic_invoice

DEMO_CALLER = Caller(app_id=DEMO_APP_ID, app_name="My Business App", client_key=DEMO_CLIENT_KEY)
TAXES = [None, "tax_550e8400-e29b-41d4-a716-446655440123", "tax_compound_gst_pst"]


async def add_customers(runtime: Runtime, count: int) -> list[str]:
    ids = [str(uuid.uuid4()) for _ in range(count)]
    async with runtime.sessions() as session:
        for n, customer_id in enumerate(ids):
            session.add(
                Customer(id=customer_id, app_id=DEMO_APP_ID, email=f"c{n}@x.example", name=f"C{n}")
            )
        await session.commit()
    return ids


async def create_invoices(runtime: Runtime, count: int) -> list[str]:
    """`count` invoices over 3 customers, 3 taxes, 1-3 items each; every third is paid a bit."""
    customers = await add_customers(runtime, 2)
    ids = []
    for n in range(count):
        items = [
            {"product_id": PRODUCTS[(n + k) % len(PRODUCTS)][0], "quantity": k + 1}
            for k in range(1 + n % 3)
        ]
        body = basic_invoice(
            name=f"Invoice {n}",
            items=items,
            taxId=TAXES[n % len(TAXES)],
            customer_id=([None, *customers][n % 3]) or basic_invoice()["customer_id"],
            due_date=(date.today() + timedelta(days=10 + n)).isoformat(),
        )
        result = await create_invoice(runtime, DEMO_CALLER, parse_create_invoice(body))
        ids.append(result.view.invoice.id)
    async with runtime.sessions() as session:
        for invoice_id in ids[::3]:
            session.add(
                Transaction(
                    id=f"txn_{uuid.uuid4().hex}",
                    app_id=DEMO_APP_ID,
                    invoice_id=invoice_id,
                    amount=Decimal("10.00"),
                    method="CRYPTO",
                    created_at=runtime.clock(),
                )
            )
        await session.commit()
    return ids
