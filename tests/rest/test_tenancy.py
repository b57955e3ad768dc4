from __future__ import annotations

import httpx

from gateway.runtime import Runtime
from gateway.services.tenants import create_app_with_credential
from tests.apptest import DEMO_HEADERS, basic_invoice

URL = "/api/v0/invoices"


async def test_another_apps_rows_are_not_found(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    other = await create_app_with_credential(runtime, "Other Business")
    other_headers = {
        "x-client-key": other.credential.client_key,
        "x-client-secret": other.credential.client_secret,
    }
    # The demo customer belongs to the demo app: for the other app it does not exist.
    response = await client.post(URL, json=basic_invoice(), headers=other_headers)
    assert response.status_code == 404
    assert response.json()["message"] == "Customer not found"

    mine = (await client.post(URL, json=basic_invoice(), headers=DEMO_HEADERS)).json()
    seen = await client.get(f"{URL}/{mine['id']}", headers=other_headers)
    assert seen.status_code == 404
    listing = await client.get(URL, headers=other_headers)
    assert listing.json() == []
