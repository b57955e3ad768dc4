"""Invoice versions over REST: concurrent edits serialize, ETag and If-Match."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from gateway.runtime import Runtime
from tests.apptest import DEMO_HEADERS, basic_invoice

URL = "/api/v0/invoices"
TRIALS = 15


async def create(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await client.post(URL, json=basic_invoice(**overrides), headers=DEMO_HEADERS)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def headers(if_match: str | None) -> dict[str, str]:
    return DEMO_HEADERS if if_match is None else {**DEMO_HEADERS, "If-Match": if_match}


async def put(
    client: httpx.AsyncClient,
    invoice_id: str,
    changes: dict[str, Any],
    if_match: str | None = None,
) -> httpx.Response:
    return await client.put(f"{URL}/{invoice_id}", json=changes, headers=headers(if_match))


async def send(
    client: httpx.AsyncClient, invoice_id: str, if_match: str | None = None
) -> httpx.Response:
    return await client.post(f"{URL}/{invoice_id}/send", headers=headers(if_match))


async def pay(
    client: httpx.AsyncClient, invoice_id: str, amount: Any, if_match: str | None = None
) -> httpx.Response:
    body = {"amount": amount, "method": "CRYPTO"}
    return await client.post(f"{URL}/{invoice_id}/payments", json=body, headers=headers(if_match))


async def read(client: httpx.AsyncClient, invoice_id: str) -> httpx.Response:
    response = await client.get(f"{URL}/{invoice_id}", headers=DEMO_HEADERS)
    assert response.status_code == 200, response.text
    return response


def precondition_failed(response: httpx.Response, current_etag: str) -> None:
    assert response.status_code == 412, response.text
    body = response.json()
    assert body["statusCode"] == 412 and body["error"] == "Precondition Failed"
    assert "version" in body["message"]
    assert response.headers["ETag"] == current_etag


async def test_concurrent_partial_updates_both_apply(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, _runtime = gateway
    for trial in range(TRIALS):
        draft = await create(client, status="DRAFT")
        renamed, moved = await asyncio.gather(
            put(client, draft["id"], {"name": f"Renamed {trial}"}),
            put(client, draft["id"], {"address": f"{trial} Main Street"}),
        )
        assert (renamed.status_code, moved.status_code) == (200, 200), (renamed.text, moved.text)
        final = (await client.get(f"{URL}/{draft['id']}", headers=DEMO_HEADERS)).json()
        assert (final["name"], final["address"]) == (f"Renamed {trial}", f"{trial} Main Street")


async def test_concurrent_payments_both_apply(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, _runtime = gateway
    for _ in range(5):
        invoice = await create(client, partial_payment=True)
        first, second = await asyncio.gather(
            pay(client, invoice["id"], "1000.00"), pay(client, invoice["id"], "500.00")
        )
        assert (first.status_code, second.status_code) == (201, 201), (first.text, second.text)
        final = (await client.get(f"{URL}/{invoice['id']}", headers=DEMO_HEADERS)).json()
        assert final["amount_paid"] == 1500 and len(final["transactions"]) == 2


async def test_every_change_moves_the_etag(gateway: tuple[httpx.AsyncClient, Runtime]) -> None:
    client, _runtime = gateway
    draft = await create(client, status="DRAFT", partial_payment=True)
    first = (await read(client, draft["id"])).headers["ETag"]
    assert first == f'"{draft["id"]}-1"'
    edited = await put(client, draft["id"], {"name": "Renamed"}, if_match=first)
    assert edited.status_code == 200, edited.text
    second = edited.headers["ETag"]
    assert second == f'"{draft["id"]}-2"'
    assert (await read(client, draft["id"])).headers["ETag"] == second

    sent = await send(client, draft["id"], second)
    assert sent.status_code == 200, sent.text
    third = sent.headers["ETag"]
    paid = await pay(client, draft["id"], "100.00", if_match=third)
    assert paid.status_code == 201, paid.text
    assert paid.headers["ETag"] == f'"{draft["id"]}-4"'
    assert (await read(client, draft["id"])).headers["ETag"] == paid.headers["ETag"]


async def test_a_stale_if_match_changes_nothing(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, _runtime = gateway
    draft = await create(client, status="DRAFT", partial_payment=True)
    stale = (await read(client, draft["id"])).headers["ETag"]
    assert (await put(client, draft["id"], {"name": "First"})).status_code == 200
    before = await read(client, draft["id"])
    current = before.headers["ETag"]

    precondition_failed(await put(client, draft["id"], {"name": "Lost"}, if_match=stale), current)
    patched = await client.patch(
        f"{URL}/{draft['id']}", json={"name": "Lost"}, headers=headers(stale)
    )
    precondition_failed(patched, current)
    sent = await send(client, draft["id"], stale)
    precondition_failed(sent, current)
    after = await read(client, draft["id"])
    assert after.json() == before.json() and after.headers["ETag"] == current

    opened = await send(client, draft["id"])
    assert opened.status_code == 200
    precondition_failed(
        await pay(client, draft["id"], "100.00", if_match=current), opened.headers["ETag"]
    )
    assert (await read(client, draft["id"])).json()["transactions"] == []


@pytest.mark.parametrize(
    "if_match",
    [
        "*",
        '"{id}-1"',
        'W/"{id}-1"',
        '"{id}-7", "{id}-1"',
    ],
)
async def test_if_match_that_names_the_current_version(
    gateway: tuple[httpx.AsyncClient, Runtime], if_match: str
) -> None:
    client, _runtime = gateway
    draft = await create(client, status="DRAFT")
    edited = await put(
        client, draft["id"], {"name": "Renamed"}, if_match=if_match.format(id=draft["id"])
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["name"] == "Renamed"
    assert edited.headers["ETag"] == f'"{draft["id"]}-2"'


@pytest.mark.parametrize(
    "if_match",
    ['"{id}-2"', '"other-1"', '"1"', '"{id}-01x"', '""', 'W/"{id}-0"'],
)
async def test_if_match_that_names_no_current_version(
    gateway: tuple[httpx.AsyncClient, Runtime], if_match: str
) -> None:
    client, _runtime = gateway
    draft = await create(client, status="DRAFT")
    refused = await put(
        client, draft["id"], {"name": "Renamed"}, if_match=if_match.format(id=draft["id"])
    )
    precondition_failed(refused, f'"{draft["id"]}-1"')
    assert (await read(client, draft["id"])).json()["name"] == draft["name"]


@pytest.mark.parametrize("if_match", ["{id}-1", "", '"{id}-1" "{id}-2"', '*, "{id}-1"', "W/*"])
async def test_malformed_if_match_is_a_bad_request(
    gateway: tuple[httpx.AsyncClient, Runtime], if_match: str
) -> None:
    client, _runtime = gateway
    draft = await create(client, status="DRAFT")
    refused = await put(client, draft["id"], {"name": "Renamed"}, if_match.format(id=draft["id"]))
    assert refused.status_code == 400, refused.text
    assert refused.json() == {
        "statusCode": 400,
        "message": ['If-Match must be * or a comma-separated list of entity tags ("...")'],
        "error": "Bad Request",
    }
    assert (await read(client, draft["id"])).json()["name"] == draft["name"]


async def test_if_match_on_a_missing_invoice_is_not_found(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, _runtime = gateway
    for if_match in ("*", '"inv_missing-1"'):
        missing = await put(client, "inv_missing", {"name": "x"}, if_match=if_match)
        assert missing.status_code == 404, missing.text
