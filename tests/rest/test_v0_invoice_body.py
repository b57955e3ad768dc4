from __future__ import annotations

import copy
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.domain.create_invoice import CreateInvoiceCommand, ItemRequest, check_dates
from gateway.domain.errors import DueDateInPast, InvalidInput, SendDateAfterDueDate
from gateway.domain.status import DeliveryMethod, InvoiceStatus, PaymentMethod
from gateway.rest.v0_invoice_body import parse_create_invoice, parse_update_invoice
from tests.spec_examples import SPEC_EXAMPLES

CUSTOMER = "550e8400-e29b-41d4-a716-446655440000"
WALLET = "abcd1234-5678-90ef-ghij-klmnopqrstuv"  # the spec's wallet id: not a UUID
TAX = "tax_550e8400-e29b-41d4-a716-446655440123"
DELIVERY_VALUES = "EMAIL, MANUALLY"
METHOD_VALUES = "CRYPTO, BANK_TRANSFER, CREDIT_CARD, CASH, MOBILE_MONEY"
ABSENT = object()  # marks a field to delete from the body


def future(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def basic() -> dict[str, Any]:
    """The spec's "Basic Invoice Creation" body, due date moved into the future."""
    return {
        "name": "Website Development Services",
        "email": "client@example.com",
        "customer_id": CUSTOMER,
        "walletId": WALLET,
        "items": [{"product_id": "prod_123456789", "quantity": 1}],
        "due_date": future(30),
        "delivery": "EMAIL",
        "payment_link": True,
        "payment_methods": ["CRYPTO", "BANK_TRANSFER"],
        "status": "OPEN",
        "partial_payment": False,
    }


def with_(**changes: object) -> dict[str, Any]:
    body = basic()
    for key, value in changes.items():
        if value is ABSENT:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def messages(payload: object) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        parse_create_invoice(payload)
    assert caught.value.status_code == 400
    return caught.value.messages


# -- valid bodies -----------------------------------------------------------------------------


@pytest.mark.parametrize("example", sorted(SPEC_EXAMPLES))
def test_every_spec_example_parses(example: str) -> None:
    body = SPEC_EXAMPLES[example]
    command = parse_create_invoice(copy.deepcopy(body))
    assert command.name == body["name"]
    assert command.wallet_id == WALLET
    assert command.customer_id == CUSTOMER
    assert [item.product_id for item in command.items] == [i["product_id"] for i in body["items"]]
    assert command.payment_methods == tuple(PaymentMethod(m) for m in body["payment_methods"])
    check_dates(command.due_date, command.send_date, date.today())


def test_comprehensive_example_maps_every_field() -> None:
    body = SPEC_EXAMPLES["curl-comprehensive"]
    assert parse_create_invoice(body) == CreateInvoiceCommand(
        name="Q1 2024 Services Invoice",
        email="finance@clientcompany.com",
        customer_id=CUSTOMER,
        wallet_id=WALLET,
        items=(
            ItemRequest("prod_consulting_001", Decimal(40)),
            ItemRequest("prod_development_002", Decimal(80)),
            ItemRequest("prod_maintenance_003", Decimal(1)),
        ),
        due_date=date.fromisoformat(body["due_date"]),
        delivery=DeliveryMethod.EMAIL,
        payment_link=True,
        payment_methods=(
            PaymentMethod.CRYPTO,
            PaymentMethod.BANK_TRANSFER,
            PaymentMethod.CREDIT_CARD,
        ),
        status=InvoiceStatus.OPEN,
        partial_payment=True,
        address="123 Corporate Blvd, Suite 500, Business City, BC 12345",
        phone_number="+1-555-987-6543",
        send_date=date.fromisoformat(body["send_date"]),
        logo="https://mycompany.com/assets/logo.png",
        tax_id=TAX,
    )


def test_optional_fields_may_be_absent_or_null() -> None:
    nulls = {"address": None, "phone_number": None, "send_date": None, "logo": None}
    command = parse_create_invoice({**basic(), **nulls, "taxId": None})
    assert command.address is None
    assert command.phone_number is None
    assert command.send_date is None
    assert command.logo is None
    assert command.tax_id is None
    assert parse_create_invoice(basic()) == command


def test_unknown_fields_are_ignored() -> None:
    assert parse_create_invoice({**basic(), "extra": {"x": [1]}, "app_id": "evil"}) == (
        parse_create_invoice(basic())
    )


def test_customer_id_is_case_insensitive_and_lowercased() -> None:
    command = parse_create_invoice(with_(customer_id=CUSTOMER.upper()))
    assert command.customer_id == CUSTOMER


@pytest.mark.parametrize(
    "customer_id",
    [
        "00000000-0000-0000-0000-000000000000",  # nil
        "6ba7b810-9dad-11d1-80b4-00c04fd430c8",  # v1
        "0190b8c4-7f0e-7c3a-9b1e-2f4d5a6b7c8d",  # v7
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
    ],
)
def test_any_uuid_version_is_a_customer_id(customer_id: str) -> None:
    assert parse_create_invoice(with_(customer_id=customer_id)).customer_id == customer_id


def test_payment_methods_drop_duplicates_keeping_order() -> None:
    command = parse_create_invoice(
        with_(payment_methods=["CASH", "CRYPTO", "CASH", "CRYPTO", "MOBILE_MONEY"])
    )
    assert command.payment_methods == (
        PaymentMethod.CASH,
        PaymentMethod.CRYPTO,
        PaymentMethod.MOBILE_MONEY,
    )


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        (1, Decimal(1)),
        (2.5, Decimal("2.5")),
        (0.0001, Decimal("0.0001")),
        (1.1, Decimal("1.1")),  # via str(): not 1.100000000000000088817841970012523
        (1_000_000, Decimal(1_000_000)),
        (1_000_000.0, Decimal(1_000_000)),
        (Decimal("1.50000"), Decimal("1.5")),  # trailing zeros are not places
        (Decimal("1E+2"), Decimal(100)),
    ],
)
def test_quantities(quantity: object, expected: Decimal) -> None:
    command = parse_create_invoice(with_(items=[{"product_id": "p", "quantity": quantity}]))
    assert command.items[0].quantity == expected


def test_strings_are_not_trimmed_and_may_be_at_the_limit() -> None:
    command = parse_create_invoice(
        with_(name=" " + "n" * 199, address="a" * 500, phone_number="p" * 64, logo="")
        | {"logo": "https://example.com/" + "l" * (2048 - 20)}
    )
    assert command.name == " " + "n" * 199
    assert command.address == "a" * 500
    assert command.logo is not None and len(command.logo) == 2048


def test_optional_strings_may_be_empty() -> None:
    command = parse_create_invoice(with_(address="", phone_number=""))
    assert command.address == ""
    assert command.phone_number == ""


def test_one_hundred_items_are_allowed() -> None:
    items = [{"product_id": f"p{i}", "quantity": 1} for i in range(100)]
    assert len(parse_create_invoice(with_(items=items)).items) == 100


@pytest.mark.parametrize(
    "email",
    [
        "client@example.com",
        "first.last+tag@sub.example.co.uk",
        "o'brien@example.ie",
        "UPPER@EXAMPLE.COM",
        "x@xn--p1ai.xn--p1ai",
        "a_b-c@my-host.io",
    ],
)
def test_valid_emails(email: str) -> None:
    assert parse_create_invoice(with_(email=email)).email == email


@pytest.mark.parametrize(
    "email",
    [
        "plainaddress",
        "@example.com",
        "user@",
        "user@example",
        "user@example.c",
        "user@.example.com",
        "user@example..com",
        "user@-example.com",
        "user@example-.com",
        ".user@example.com",
        "user.@example.com",
        "us..er@example.com",
        "user name@example.com",
        "user@exa mple.com",
        "user@example.com ",
        "user@example.com\n",
        "a@b@example.com",
        "user@example.123",
        "üser@example.com",
        "x" * 65 + "@example.com",
        "user@" + ("a" * 60 + ".") * 5 + "com",  # domain over 253
    ],
)
def test_invalid_emails(email: str) -> None:
    assert messages(with_(email=email)) == ["email must be an email"]


@pytest.mark.parametrize(
    "logo",
    [
        "https://example.com/logo.png",
        "http://example.com",
        "HTTPS://EXAMPLE.COM/x.png?size=2#top",
        "https://cdn.example.com:8443/a/b.svg",
        "http://localhost/logo.png",
        "http://192.0.2.1/logo.png",
        "http://[2001:db8::1]/logo.png",
        "https://user@example.com/logo.png",
        "https://example.com/ünïcode.png",
    ],
)
def test_valid_logos(logo: str) -> None:
    assert parse_create_invoice(with_(logo=logo)).logo == logo


@pytest.mark.parametrize(
    "logo",
    [
        "",
        "example.com/logo.png",
        "//example.com/logo.png",
        "ftp://example.com/logo.png",
        "javascript:alert(1)",
        "data:image/png;base64,AAAA",
        "https://",
        "https:///logo.png",
        "https://exa mple.com/logo.png",
        "https://example.com/lo go.png",
        " https://example.com/logo.png",
        "https://example.com/logo.png\n",
        "https://exa\tmple.com/",
        "https://example.com:99999/logo.png",
        "https://example.com:port/logo.png",
        "http://[::1/logo.png",
        "https://-bad-.com/logo.png",
        "https://bücher.de/logo.png",
        "https://exa_mple.com/logo.png",
    ],
)
def test_invalid_logos(logo: str) -> None:
    assert messages(with_(logo=logo)) == ["logo must be a URL address"]


@pytest.mark.parametrize(
    "value",
    [
        "prod_123456789",
        "tax_550e8400-e29b-41d4-a716-446655440123",
        WALLET,
        "a",
        "A" * 64,
        "0",
        "-_-",
    ],
)
def test_identifiers(value: str) -> None:
    command = parse_create_invoice(
        with_(walletId=value, taxId=value, items=[{"product_id": value, "quantity": 1}])
    )
    assert command.wallet_id == command.tax_id == command.items[0].product_id == value


@pytest.mark.parametrize(
    "value", ["A" * 65, "prod 1", "prod/1", "prod.1", "prod:1", "prüd", "prod\n", "prod\x00"]
)
def test_bad_identifiers(value: str) -> None:
    assert messages(
        with_(walletId=value, taxId=value, items=[{"product_id": value, "quantity": 1}])
    ) == [
        "walletId must be a valid identifier",
        "items.0.product_id must be a valid identifier",
        "taxId must be a valid identifier",
    ]


# -- every message ----------------------------------------------------------------------------

CASES: list[tuple[dict[str, object], list[str]]] = [
    # name
    ({"name": ABSENT}, ["name should not be empty", "name must be a string"]),
    ({"name": None}, ["name should not be empty", "name must be a string"]),
    ({"name": ""}, ["name should not be empty"]),
    ({"name": 5}, ["name must be a string"]),
    ({"name": ["x"]}, ["name must be a string"]),
    ({"name": "n" * 201}, ["name must be shorter than or equal to 200 characters"]),
    ({"name": "a\x00b"}, ["name must not contain null or surrogate characters"]),
    ({"name": "a\ud800b"}, ["name must not contain null or surrogate characters"]),
    # email
    ({"email": ABSENT}, ["email should not be empty", "email must be an email"]),
    ({"email": ""}, ["email should not be empty", "email must be an email"]),
    ({"email": 42}, ["email must be an email"]),
    ({"email": "not-an-email"}, ["email must be an email"]),
    (
        {"email": "a" * 310 + "@example.com"},
        ["email must be shorter than or equal to 320 characters"],
    ),
    # customer_id
    (
        {"customer_id": ABSENT},
        ["customer_id should not be empty", "customer_id must be a valid UUID"],
    ),
    ({"customer_id": ""}, ["customer_id should not be empty", "customer_id must be a valid UUID"]),
    ({"customer_id": 123}, ["customer_id must be a valid UUID"]),
    ({"customer_id": WALLET}, ["customer_id must be a valid UUID"]),
    ({"customer_id": "550e8400e29b41d4a716446655440000"}, ["customer_id must be a valid UUID"]),
    ({"customer_id": "{" + CUSTOMER + "}"}, ["customer_id must be a valid UUID"]),
    ({"customer_id": "urn:uuid:" + CUSTOMER}, ["customer_id must be a valid UUID"]),
    ({"customer_id": CUSTOMER + "\n"}, ["customer_id must be a valid UUID"]),
    ({"customer_id": " " + CUSTOMER}, ["customer_id must be a valid UUID"]),
    # walletId
    ({"walletId": ABSENT}, ["walletId should not be empty", "walletId must be a string"]),
    ({"walletId": None}, ["walletId should not be empty", "walletId must be a string"]),
    ({"walletId": ""}, ["walletId should not be empty", "walletId must be a valid identifier"]),
    ({"walletId": 7}, ["walletId must be a string"]),
    ({"walletId": "wallet id"}, ["walletId must be a valid identifier"]),
    # items
    ({"items": ABSENT}, ["items should not be empty", "items must be an array"]),
    ({"items": None}, ["items should not be empty", "items must be an array"]),
    ({"items": ""}, ["items should not be empty", "items must be an array"]),
    ({"items": []}, ["items should not be empty"]),
    ({"items": {"product_id": "p", "quantity": 1}}, ["items must be an array"]),
    ({"items": "prod_1"}, ["items must be an array"]),
    (
        {"items": [{"product_id": "p", "quantity": 1}] * 101},
        ["items must contain no more than 100 elements"],
    ),
    ({"items": ["prod_1"]}, ["items.0 must be an object"]),
    ({"items": [[1]]}, ["items.0 must be an object"]),
    (
        {"items": [{"quantity": 1}]},
        ["items.0.product_id should not be empty", "items.0.product_id must be a string"],
    ),
    (
        {"items": [{"product_id": "", "quantity": 1}]},
        [
            "items.0.product_id should not be empty",
            "items.0.product_id must be a valid identifier",
        ],
    ),
    ({"items": [{"product_id": 1, "quantity": 1}]}, ["items.0.product_id must be a string"]),
    (
        {"items": [{"product_id": "p"}]},
        ["items.0.quantity should not be empty", "items.0.quantity must be a positive number"],
    ),
    (
        {"items": [{"product_id": "p", "quantity": None}]},
        ["items.0.quantity should not be empty", "items.0.quantity must be a positive number"],
    ),
    (
        {"items": [{"product_id": "p", "quantity": ""}]},
        ["items.0.quantity should not be empty", "items.0.quantity must be a positive number"],
    ),
    (
        {"items": [{"product_id": "p", "quantity": 0}]},
        ["items.0.quantity must be a positive number"],
    ),
    (
        {"items": [{"product_id": "p", "quantity": -1}]},
        ["items.0.quantity must be a positive number"],
    ),
    (
        {"items": [{"product_id": "p", "quantity": -0.0}]},
        ["items.0.quantity must be a positive number"],
    ),
    (
        {"items": [{"product_id": "p", "quantity": "2"}]},
        ["items.0.quantity must be a positive number"],
    ),
    (
        {"items": [{"product_id": "p", "quantity": True}]},
        ["items.0.quantity must be a positive number"],
    ),
    (
        {"items": [{"product_id": "p", "quantity": float("nan")}]},
        ["items.0.quantity must be a positive number"],
    ),
    (
        {"items": [{"product_id": "p", "quantity": float("inf")}]},
        ["items.0.quantity must be a positive number"],
    ),
    (
        {"items": [{"product_id": "p", "quantity": [1]}]},
        ["items.0.quantity must be a positive number"],
    ),
    (
        {"items": [{"product_id": "p", "quantity": 1_000_000.0001}]},
        ["items.0.quantity must not be greater than 1000000"],
    ),
    (
        {"items": [{"product_id": "p", "quantity": 10**30}]},
        ["items.0.quantity must not be greater than 1000000"],
    ),
    (
        {"items": [{"product_id": "p", "quantity": 1.00001}]},
        ["items.0.quantity must have at most 4 decimal places"],
    ),
    (
        {"items": [{"product_id": "p", "quantity": 0.1 + 0.2}]},  # 0.30000000000000004
        ["items.0.quantity must have at most 4 decimal places"],
    ),
    (
        {"items": [{"product_id": "p", "quantity": 1e-05}]},
        ["items.0.quantity must have at most 4 decimal places"],
    ),
    (
        {
            "items": [
                {"product_id": "ok", "quantity": 1},
                {"product_id": "p 2", "quantity": 0},
                {},
            ]
        },
        [
            "items.1.product_id must be a valid identifier",
            "items.1.quantity must be a positive number",
            "items.2.product_id should not be empty",
            "items.2.product_id must be a string",
            "items.2.quantity should not be empty",
            "items.2.quantity must be a positive number",
        ],
    ),
    # due_date
    (
        {"due_date": ABSENT},
        ["due_date should not be empty", "due_date must be a valid date in YYYY-MM-DD format"],
    ),
    (
        {"due_date": ""},
        ["due_date should not be empty", "due_date must be a valid date in YYYY-MM-DD format"],
    ),
    *(
        ({"due_date": bad}, ["due_date must be a valid date in YYYY-MM-DD format"])
        for bad in [
            "2024-02-30",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "0000-01-01",
            "2024-2-15",
            "24-02-15",
            "2024/02/15",
            "20240215",
            "2024-02-15T00:00:00.000Z",
            "2024-02-15 ",
            " 2024-02-15",
            "2024-02-15\n",
            "\uff12\uff10\uff12\uff14-02-15",  # fullwidth digits
            "tomorrow",
            20240215,
            ["2024-02-15"],
        ]
    ),
    # delivery
    (
        {"delivery": ABSENT},
        [
            "delivery should not be empty",
            f"delivery must be one of the following values: {DELIVERY_VALUES}",
        ],
    ),
    ({"delivery": "email"}, [f"delivery must be one of the following values: {DELIVERY_VALUES}"]),
    ({"delivery": "FAX"}, [f"delivery must be one of the following values: {DELIVERY_VALUES}"]),
    ({"delivery": 1}, [f"delivery must be one of the following values: {DELIVERY_VALUES}"]),
    ({"delivery": ["EMAIL"]}, [f"delivery must be one of the following values: {DELIVERY_VALUES}"]),
    # payment_link
    (
        {"payment_link": ABSENT},
        ["payment_link should not be empty", "payment_link must be a boolean value"],
    ),
    ({"payment_link": "true"}, ["payment_link must be a boolean value"]),
    ({"payment_link": 1}, ["payment_link must be a boolean value"]),
    # payment_methods
    (
        {"payment_methods": ABSENT},
        ["payment_methods should not be empty", "payment_methods must be an array"],
    ),
    ({"payment_methods": []}, ["payment_methods should not be empty"]),
    ({"payment_methods": "CRYPTO"}, ["payment_methods must be an array"]),
    ({"payment_methods": {"CRYPTO": True}}, ["payment_methods must be an array"]),
    *(
        (
            {"payment_methods": bad},
            [f"each value in payment_methods must be one of the following values: {METHOD_VALUES}"],
        )
        for bad in [["PAYPAL"], ["CRYPTO", "crypto"], [None], [["CRYPTO"]], ["CRYPTO", 1, "X"]]
    ),
    # status
    (
        {"status": ABSENT},
        ["status should not be empty", "status must be one of the following values: DRAFT, OPEN"],
    ),
    *(
        ({"status": bad}, ["status must be one of the following values: DRAFT, OPEN"])
        for bad in ["PAID", "PASTDUE", "PARTIALLYPAID", "open", 0]
    ),
    # partial_payment
    (
        {"partial_payment": ABSENT},
        ["partial_payment should not be empty", "partial_payment must be a boolean value"],
    ),
    ({"partial_payment": "false"}, ["partial_payment must be a boolean value"]),
    ({"partial_payment": 0}, ["partial_payment must be a boolean value"]),
    # optional fields
    ({"address": 12}, ["address must be a string"]),
    ({"address": "a" * 501}, ["address must be shorter than or equal to 500 characters"]),
    ({"address": "x\x00"}, ["address must not contain null or surrogate characters"]),
    ({"phone_number": 5551234567}, ["phone_number must be a string"]),
    ({"phone_number": "5" * 65}, ["phone_number must be shorter than or equal to 64 characters"]),
    ({"send_date": "2024-02-30"}, ["send_date must be a valid date in YYYY-MM-DD format"]),
    ({"send_date": ""}, ["send_date must be a valid date in YYYY-MM-DD format"]),
    ({"send_date": 1}, ["send_date must be a valid date in YYYY-MM-DD format"]),
    ({"logo": "not a url"}, ["logo must be a URL address"]),
    ({"logo": 1}, ["logo must be a URL address"]),
    (
        {"logo": "https://example.com/" + "l" * 2029},
        ["logo must be shorter than or equal to 2048 characters"],
    ),
    ({"taxId": 1}, ["taxId must be a string"]),
    ({"taxId": ""}, ["taxId must be a valid identifier"]),
    ({"taxId": "tax 1"}, ["taxId must be a valid identifier"]),
]


@pytest.mark.parametrize(("changes", "expected"), CASES)
def test_each_problem_has_its_message(changes: dict[str, object], expected: list[str]) -> None:
    assert messages(with_(**changes)) == expected


@pytest.mark.parametrize("payload", [None, [], [basic()], "{}", 1, 1.5, True, b"{}"])
def test_body_must_be_an_object(payload: object) -> None:
    assert messages(payload) == ["request body must be a JSON object"]


def test_empty_object_reports_every_required_field() -> None:
    assert messages({}) == [
        "name should not be empty",
        "name must be a string",
        "email should not be empty",
        "email must be an email",
        "customer_id should not be empty",
        "customer_id must be a valid UUID",
        "walletId should not be empty",
        "walletId must be a string",
        "items should not be empty",
        "items must be an array",
        "due_date should not be empty",
        "due_date must be a valid date in YYYY-MM-DD format",
        "delivery should not be empty",
        f"delivery must be one of the following values: {DELIVERY_VALUES}",
        "payment_link should not be empty",
        "payment_link must be a boolean value",
        "payment_methods should not be empty",
        "payment_methods must be an array",
        "status should not be empty",
        "status must be one of the following values: DRAFT, OPEN",
        "partial_payment should not be empty",
        "partial_payment must be a boolean value",
    ]


def test_many_problems_are_reported_at_once_in_field_order() -> None:
    assert messages(
        with_(
            name=1,
            customer_id="nope",
            items=[],
            due_date="2024-02-31",
            payment_methods=["CRYPTO", "GOLD"],
            status="PAID",
            logo="ftp://x",
            taxId=3,
        )
    ) == [
        "name must be a string",
        "customer_id must be a valid UUID",
        "items should not be empty",
        "due_date must be a valid date in YYYY-MM-DD format",
        f"each value in payment_methods must be one of the following values: {METHOD_VALUES}",
        "status must be one of the following values: DRAFT, OPEN",
        "logo must be a URL address",
        "taxId must be a string",
    ]


def test_spec_validation_error_example() -> None:
    body = with_(due_date="15/02/2024", customer_id="123", items=[])
    assert sorted(messages(body)) == sorted(
        [
            "due_date must be a valid date in YYYY-MM-DD format",
            "customer_id must be a valid UUID",
            "items should not be empty",
        ]
    )


def test_input_is_not_mutated() -> None:
    body = SPEC_EXAMPLES["curl-comprehensive"]
    before = copy.deepcopy(body)
    parse_create_invoice(body)
    assert body == before


# -- dates against today ----------------------------------------------------------------------

TODAY = date(2025, 6, 15)


@pytest.mark.parametrize(
    ("due", "send"),
    [
        (TODAY, None),
        (TODAY, TODAY),
        (date(2025, 7, 1), date(2025, 7, 1)),
        (date(2025, 7, 1), date(2025, 6, 20)),
        (date(2025, 7, 1), date(2025, 1, 1)),  # a send date in the past is fine
    ],
)
def test_dates_accepted(due: date, send: date | None) -> None:
    check_dates(due, send, TODAY)


def test_due_date_in_the_past() -> None:
    with pytest.raises(DueDateInPast) as caught:
        check_dates(date(2025, 6, 14), None, TODAY)
    assert caught.value.message == "Due date cannot be in the past"


def test_send_date_after_due_date() -> None:
    with pytest.raises(SendDateAfterDueDate) as caught:
        check_dates(date(2025, 7, 1), date(2025, 7, 2), TODAY)
    assert caught.value.message == "Send date cannot be after due date"


def test_due_date_is_checked_first() -> None:
    with pytest.raises(DueDateInPast):
        check_dates(date(2025, 6, 1), date(2025, 6, 30), TODAY)


# -- nothing but InvalidInput -----------------------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.sampled_from(["", "EMAIL", "OPEN", "CRYPTO", CUSTOMER, WALLET, "2030-01-01", "x@y.io"])
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=30,
)
FIELDS = [*basic(), "address", "phone_number", "send_date", "logo", "taxId"]
item_like = st.fixed_dictionaries(
    {},
    optional={"product_id": json_values, "quantity": json_values | st.decimals()},
)


def parses_or_invalid(payload: object) -> None:
    try:
        command = parse_create_invoice(payload)
    except InvalidInput as error:
        assert error.messages
        assert all(isinstance(message, str) and message for message in error.messages)
    else:
        assert isinstance(command, CreateInvoiceCommand)


fuzz = settings(deadline=None, max_examples=300)


@fuzz
@given(json_values)
def test_arbitrary_json_raises_only_invalid_input(payload: object) -> None:
    parses_or_invalid(payload)


@fuzz
@given(st.dictionaries(st.sampled_from(FIELDS), json_values))
def test_arbitrary_field_values_raise_only_invalid_input(payload: dict[str, object]) -> None:
    parses_or_invalid(payload)


@fuzz
@given(
    st.dictionaries(
        st.sampled_from(FIELDS),
        json_values | st.lists(item_like, max_size=4) | st.just(ABSENT),
        max_size=4,
    )
)
def test_valid_body_with_arbitrary_changes_raises_only_invalid_input(
    changes: dict[str, object],
) -> None:
    parses_or_invalid(with_(**changes))


@pytest.mark.parametrize("status", ["OPEN", "PAID", None, "", ["DRAFT"], 1])
def test_an_update_may_only_say_draft_and_is_refused_for_that_alone(status: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_update_invoice({"status": status, "name": "", "items": []})
    assert caught.value.messages == ["status must be DRAFT here; send the invoice to open it"]


def test_an_update_saying_draft_changes_only_its_other_fields() -> None:
    command = parse_update_invoice({"status": "DRAFT", "name": "New"})
    assert command.changes() == {"name": "New"}
    assert parse_update_invoice({}).changes() == {}
