"""Invoices in each state a payment page shows, made through the v0 API of the demo app:
OPEN paid by CRYPTO (English), OPEN paid by BANK_TRANSFER (a German customer), partly
paid, paid, VOID (partly paid before, CRYPTO and BANK_TRANSFER) and UNCOLLECTIBLE (partly
paid)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from gateway.db.tables import Customer
from gateway.runtime import Runtime
from gateway.services.app_presentation import set_bank_details
from gateway.services.demo import DEMO_APP_ID
from tests.apptest import DEMO_HEADERS, basic_invoice

WALLET_ADDRESS = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
IBAN = "DE89370400440532013000"
BANK_DETAILS = {
    "account_name": "My Business GmbH",
    "iban": "DE89 3704 0044 0532 0130 00",
    "bic": "COBADEFFXXX",
    "bank_name": "Commerzbank",
}
# 2 x 1,250.50 + 8.25% sales tax = 2,707.33 USDC; in base units (6 decimals) 2707330000.
CRYPTO_URI = (
    "ethereum:0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48@1/transfer"
    f"?address={WALLET_ADDRESS}&uint256=2707330000"
)


@dataclass(frozen=True)
class PaymentPages:
    open_crypto: str
    open_bank: str
    partly_paid: str
    paid: str
    void: str
    uncollectible: str


async def _created(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body, headers=DEMO_HEADERS)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def _german_customer(client: httpx.AsyncClient, runtime: Runtime) -> str:
    body = {
        "first_name": "Jürgen",
        "last_name": "Weiß",
        "email": "jw@example.com",
        "phone_number": "+4930555010",
    }
    customer_id = str((await _created(client, "/api/v0/customers", body))["id"])
    async with runtime.sessions() as session:
        row = await session.get(Customer, customer_id)
        assert row is not None
        row.locale = "de_DE"
        await session.commit()
    return customer_id


async def make_payment_pages(client: httpx.AsyncClient, runtime: Runtime) -> PaymentPages:
    """The path (/pay/<token>) of each invoice."""
    await set_bank_details(runtime, DEMO_APP_ID, BANK_DETAILS | {"iban": IBAN})
    wallet = await _created(
        client, "/api/v0/wallets", {"address": WALLET_ADDRESS, "chain": "ethereum"}
    )
    sprint = await _created(
        client,
        "/api/v0/products",
        {"name": "Design sprint", "description": "Five days", "price": 1250.50, "currency": "USD"},
    )
    hundred = await _created(
        client,
        "/api/v0/products",
        {"name": "Support plan", "description": "A year", "price": 100, "currency": "USD"},
    )
    tax = await _created(client, "/api/v0/taxes", {"name": "Sales tax", "percentage": 8.25})
    german = await _german_customer(client, runtime)

    async def invoice(**overrides: Any) -> dict[str, Any]:
        return await _created(client, "/api/v0/invoices", basic_invoice(**overrides))

    async def pay(invoice_id: str, amount: str) -> None:
        body = {"amount": amount, "method": "CRYPTO"}
        response = await client.post(
            f"/api/v0/invoices/{invoice_id}/payments", json=body, headers=DEMO_HEADERS
        )
        assert response.status_code == 201, response.text

    crypto = await invoice(
        name="Design sprint, March",
        walletId=wallet["id"],
        taxId=tax["id"],
        items=[{"product_id": sprint["id"], "quantity": 2}],
        payment_methods=["CRYPTO"],
    )
    bank = await invoice(
        name="Wartungsvertrag",
        customer_id=german,
        items=[{"product_id": sprint["id"], "quantity": 1}],
        payment_methods=["BANK_TRANSFER"],
    )
    partly = await invoice(
        name="Support",
        walletId=wallet["id"],
        items=[{"product_id": hundred["id"], "quantity": 1}],
        partial_payment=True,
    )
    await pay(partly["id"], "40")
    paid = await invoice(
        name="Support, paid",
        walletId=wallet["id"],
        items=[{"product_id": hundred["id"], "quantity": 1}],
    )
    await pay(paid["id"], "100")

    async def closed(action: str, reason: str) -> dict[str, Any]:
        invoice_ = await invoice(
            name=f"Support, {action}",
            walletId=wallet["id"],
            items=[{"product_id": hundred["id"], "quantity": 1}],
            partial_payment=True,
        )
        await pay(invoice_["id"], "40")
        path = f"/api/v0/invoices/{invoice_['id']}/{action}"
        response = await client.post(path, json={"reason": reason}, headers=DEMO_HEADERS)
        assert response.status_code == 200, response.text
        return invoice_

    void = await closed("void", "Issued twice")
    uncollectible = await closed("mark_uncollectible", "No answer since March")
    paths = [
        str(created["payment_link_url"]).split("/pay/", 1)[1]
        for created in (crypto, bank, partly, paid, void, uncollectible)
    ]
    return PaymentPages(*(f"/pay/{token}" for token in paths))
