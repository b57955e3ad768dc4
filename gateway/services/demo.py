"""Demo data: the ids used in the v0 spec's examples, so every example request works.

Running it again leaves the same rows (upserts by primary key). The demo
credentials are fixed and public: demo use only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlmodel import SQLModel

from gateway.credentials import hash_secret
from gateway.db.tables import ApiCredential, App, Customer, Product, Tax, Wallet
from gateway.runtime import Runtime

DEMO_APP_ID = "app_123456789"
DEMO_CLIENT_KEY = "ck_demo_0123456789abcdef"
DEMO_CLIENT_SECRET = "cs_demo_not_a_secret_use_only_for_local_demos"  # noqa: S105

CUSTOMER_ID = "550e8400-e29b-41d4-a716-446655440000"
WALLET_ID = "abcd1234-5678-90ef-ghij-klmnopqrstuv"

# (id, name, price) for every product id that appears in the spec.
PRODUCTS = [
    ("prod_123456789", "Website Development", "2500.00"),
    ("prod_550e8400-e29b-41d4", "Standard Service Package", "500.00"),
    ("prod_consulting_001", "Consulting (per hour)", "150.00"),
    ("prod_development_002", "Software Development (per hour)", "120.00"),
    ("prod_maintenance_003", "Monthly Maintenance", "450.00"),
    ("prod_custom_dev_001", "Custom Development (per hour)", "135.00"),
    ("prod_web_dev_001", "Web Development Package", "3200.00"),
    ("prod_hosting_001", "Managed Hosting (per month)", "49.99"),
    ("prod_subscription_001", "Monthly Subscription", "99.00"),
    ("prod_analysis_001", "Business Analysis Report", "1200.00"),
    ("prod_license_001", "Software License (annual)", "899.00"),
]


@dataclass(frozen=True)
class DemoCredentials:
    app_id: str
    client_key: str
    client_secret: str


def demo_rows(now: Any) -> list[SQLModel]:
    app_id = DEMO_APP_ID
    rows: list[SQLModel] = [
        App(id=app_id, name="My Business App", created_at=now),
        ApiCredential(
            id="cred_demo",
            app_id=app_id,
            client_key=DEMO_CLIENT_KEY,
            secret_hash=hash_secret(DEMO_CLIENT_SECRET),
            created_at=now,
        ),
        Customer(
            id=CUSTOMER_ID,
            app_id=app_id,
            email="client@example.com",
            email_key="client@example.com",
            name="John Doe",
            first_name="John",
            last_name="Doe",
            customer_type="Individual",
            status="ACTIVE",
            created_at=now,
            updated_at=now,
            address="123 Business St, City, State",
            phone_number="+1-555-123-4567",
        ),
        Wallet(
            id=WALLET_ID,
            app_id=app_id,
            address="0x742d35Cc6635C0532925a3b8d",
            blockchain="ETHEREUM",
            type="APP",
            created_at=now,
            updated_at=now,
        ),
        Tax(
            id="tax_550e8400-e29b-41d4-a716-446655440123",
            app_id=app_id,
            name="Standard Sales Tax",
            rate=Decimal("8.5"),
            type="PERCENTAGE",
            created_at=now,
            updated_at=now,
        ),
        Tax(
            id="tax_550e8400-e29b-41d4",
            app_id=app_id,
            name="Reduced Sales Tax",
            rate=Decimal("5"),
            type="PERCENTAGE",
            created_at=now,
            updated_at=now,
        ),
        Tax(
            id="tax_vat_inclusive_20",
            app_id=app_id,
            name="VAT 20% (included in prices)",
            rate=Decimal("20"),
            type="PERCENTAGE",
            inclusive=True,
            created_at=now,
            updated_at=now,
        ),
        Tax(
            id="tax_compound_gst_pst",
            app_id=app_id,
            name="GST + PST (compound)",
            rate=Decimal("5"),
            type="PERCENTAGE",
            components=[
                {"name": "GST", "rate": "5", "type": "PERCENTAGE", "compound": False},
                {"name": "PST", "rate": "9.975", "type": "PERCENTAGE", "compound": True},
            ],
            created_at=now,
            updated_at=now,
        ),
        Tax(
            id="tax_fixed_handling",
            app_id=app_id,
            name="Handling Fee",
            rate=Decimal("15.00"),
            type="FIXED",
            created_at=now,
            updated_at=now,
        ),
    ]
    rows += [
        Product(
            id=pid,
            app_id=app_id,
            name=name,
            description=f"{name} (demo catalogue)",
            price=Decimal(price),
            currency="USD",
            created_at=now,
            updated_at=now,
        )
        for pid, name, price in PRODUCTS
    ]
    return rows


async def seed_demo(runtime: Runtime) -> DemoCredentials:
    now = runtime.clock()
    async with runtime.sessions() as session:
        existing = await session.get(App, DEMO_APP_ID)
        for row in demo_rows(now):
            if isinstance(row, App) and existing is not None:
                continue  # keep the invoice counter and creation time
            if hasattr(row, "created_at"):
                # A row seeded before keeps its times: seeding again changes nothing.
                old = await session.get(type(row), row.id)  # type: ignore[attr-defined]
                for stamp in ("created_at", "updated_at"):
                    if old is not None and hasattr(row, stamp):
                        setattr(row, stamp, getattr(old, stamp))
            await session.merge(row)
            await session.flush()
        await session.commit()
    return DemoCredentials(DEMO_APP_ID, DEMO_CLIENT_KEY, DEMO_CLIENT_SECRET)
