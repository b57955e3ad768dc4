"""GET /api/v0/invoices: the documented query names filter, the earlier spellings still
work, and an unknown parameter or a bad value is a 400 that says which."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from sqlmodel import update

from gateway.db.tables import Customer, Invoice
from gateway.runtime import Runtime
from gateway.services.demo import CUSTOMER_ID, DEMO_APP_ID
from tests.apptest import DEMO_HEADERS, basic_invoice

URL = "/api/v0/invoices"
OTHER_CUSTOMER = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
ACCEPTED = (
    "skip, take, status, customer, from_date, to_date, due_from, due_to, "
    "customer_id, start_date, end_date"
)
TODAY = date.today()


def due(days: int) -> date:
    return TODAY + timedelta(days=days)


@pytest.fixture
async def invoices(gateway: tuple[httpx.AsyncClient, Runtime]) -> dict[str, str]:
    """first: OPEN, demo customer, created 2024-01-10, due in 10 days;
    second: DRAFT, demo customer, created 2024-02-10, due in 20 days;
    third: OPEN, another customer, created 2024-03-10, due in 30 days."""
    client, runtime = gateway
    async with runtime.sessions() as session:
        session.add(
            Customer(
                id=OTHER_CUSTOMER, app_id=DEMO_APP_ID, name="Jane Roe", email="jane@example.com"
            )
        )
        await session.commit()
    plan = {
        "first": (CUSTOMER_ID, "OPEN", 10, datetime(2024, 1, 10, 12, tzinfo=UTC)),
        "second": (CUSTOMER_ID, "DRAFT", 20, datetime(2024, 2, 10, 23, 59, tzinfo=UTC)),
        "third": (OTHER_CUSTOMER, "OPEN", 30, datetime(2024, 3, 10, tzinfo=UTC)),
    }
    ids: dict[str, str] = {}
    for label, (customer_id, status, days, created) in plan.items():
        body = basic_invoice(customer_id=customer_id, status=status, due_date=due(days).isoformat())
        response = await client.post(URL, json=body, headers=DEMO_HEADERS)
        assert response.status_code == 201, response.text
        ids[label] = response.json()["id"]
        async with runtime.sessions() as session:
            stmt = update(Invoice).where(Invoice.id == ids[label]).values(date_created=created)  # type: ignore[arg-type]
            await session.exec(stmt)
            await session.commit()
    return ids


async def listed(client: httpx.AsyncClient, query: str) -> list[str]:
    response = await client.get(f"{URL}?{query}", headers=DEMO_HEADERS)
    assert response.status_code == 200, response.text
    return [invoice["id"] for invoice in response.json()]


def labels(ids: dict[str, str], found: list[str]) -> list[str]:
    names = {invoice_id: label for label, invoice_id in ids.items()}
    return [names[invoice_id] for invoice_id in found]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["third", "second", "first"]),
        ("status=OPEN", ["third", "first"]),
        ("status=DRAFT", ["second"]),
        ("status=PAID", []),
        (f"customer={OTHER_CUSTOMER}", ["third"]),
        (f"customer={CUSTOMER_ID.upper()}", ["second", "first"]),
        ("from_date=2024-02-10", ["third", "second"]),
        ("to_date=2024-02-10", ["second", "first"]),
        ("from_date=2024-02-11&to_date=2024-03-10", ["third"]),
        (f"due_from={due(20)}", ["third", "second"]),
        (f"due_to={due(20)}", ["second", "first"]),
        (f"due_from={due(11)}&due_to={due(29)}", ["second"]),
        ("skip=1", ["second", "first"]),
        ("take=1", ["third"]),
        ("skip=1&take=1", ["second"]),
        ("skip=3", []),
        (f"status=OPEN&customer={CUSTOMER_ID}&from_date=2024-01-10", ["first"]),
    ],
)
async def test_each_documented_name_filters(
    client: httpx.AsyncClient, invoices: dict[str, str], query: str, expected: list[str]
) -> None:
    assert labels(invoices, await listed(client, query)) == expected


@pytest.mark.parametrize(
    ("alias", "name", "value"),
    [
        ("customer_id", "customer", OTHER_CUSTOMER),
        ("start_date", "from_date", "2024-02-10"),
        ("end_date", "to_date", "2024-02-10"),
    ],
)
async def test_each_earlier_spelling_still_filters(
    client: httpx.AsyncClient, invoices: dict[str, str], alias: str, name: str, value: str
) -> None:
    by_alias = await listed(client, f"{alias}={value}")
    assert by_alias == await listed(client, f"{name}={value}")
    assert len(by_alias) < len(invoices)


async def test_the_documented_name_wins_over_its_alias(
    client: httpx.AsyncClient, invoices: dict[str, str]
) -> None:
    found = await listed(client, f"customer={OTHER_CUSTOMER}&customer_id={CUSTOMER_ID}")
    assert labels(invoices, found) == ["third"]


async def test_the_total_is_counted_with_the_filters(
    client: httpx.AsyncClient, invoices: dict[str, str]
) -> None:
    response = await client.get(f"{URL}?status=OPEN&take=1", headers=DEMO_HEADERS)
    assert response.headers["X-Total-Count"] == "2"
    assert len(response.json()) == 1


@pytest.mark.parametrize(
    ("query", "messages"),
    [
        ("foo=1", [f"foo is not an accepted query parameter; accepted: {ACCEPTED}"]),
        (
            "page=2&status=OPEN&limit=5",
            [
                f"page is not an accepted query parameter; accepted: {ACCEPTED}",
                f"limit is not an accepted query parameter; accepted: {ACCEPTED}",
            ],
        ),
        ("Status=OPEN", [f"Status is not an accepted query parameter; accepted: {ACCEPTED}"]),
    ],
)
async def test_an_unknown_parameter_is_a_400_naming_it(
    client: httpx.AsyncClient, query: str, messages: list[str]
) -> None:
    response = await client.get(f"{URL}?{query}", headers=DEMO_HEADERS)
    assert (response.status_code, response.json()) == (
        400,
        {"statusCode": 400, "message": messages, "error": "Bad Request"},
    )


STATUSES = "DRAFT, OPEN, PAID, PASTDUE, PARTIALLYPAID, VOID, UNCOLLECTIBLE"


@pytest.mark.parametrize(
    ("query", "messages"),
    [
        ("status=open", [f"status must be one of the following values: {STATUSES}"]),
        ("customer=42", ["customer must be a valid UUID"]),
        ("customer_id=42", ["customer_id must be a valid UUID"]),
        ("from_date=2024-02-30", ["from_date must be a valid date in YYYY-MM-DD format"]),
        ("start_date=10-01-2024", ["start_date must be a valid date in YYYY-MM-DD format"]),
        ("to_date=2024-1-1", ["to_date must be a valid date in YYYY-MM-DD format"]),
        ("end_date=tomorrow", ["end_date must be a valid date in YYYY-MM-DD format"]),
        ("due_from=x", ["due_from must be a valid date in YYYY-MM-DD format"]),
        ("due_to=2024-02-30", ["due_to must be a valid date in YYYY-MM-DD format"]),
        ("skip=-1", ["skip must be an integer number"]),
        ("skip=1000001", ["skip must not be greater than 1000000"]),
        ("take=0", ["take must not be less than 1"]),
        ("take=101", ["take must not be greater than 100"]),
        ("take=ten", ["take must be an integer number"]),
        (
            "status=x&customer=y&from_date=z",
            [
                f"status must be one of the following values: {STATUSES}",
                "customer must be a valid UUID",
                "from_date must be a valid date in YYYY-MM-DD format",
            ],
        ),
    ],
)
async def test_a_bad_value_is_a_400_naming_the_parameter(
    client: httpx.AsyncClient, query: str, messages: list[str]
) -> None:
    response = await client.get(f"{URL}?{query}", headers=DEMO_HEADERS)
    assert (response.status_code, response.json()) == (
        400,
        {"statusCode": 400, "message": messages, "error": "Bad Request"},
    )
