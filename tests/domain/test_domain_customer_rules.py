from __future__ import annotations

import pytest

from gateway.domain.customer_rules import checked_create, checked_update
from gateway.domain.customers import CreateCustomerCommand, UpdateCustomerCommand, email_key
from gateway.domain.errors import InvalidInput

PHONE_MESSAGE = r"phone_number must match /^[+]?[1-9]\d{1,14}$/ regular expression"


def create(**overrides: object) -> CreateCustomerCommand:
    values: dict[str, object] = {"first_name": "Jane", "last_name": "Doe", "phone_number": "+1555"}
    values.update(overrides)
    return CreateCustomerCommand(**values)  # type: ignore[arg-type]


def messages(command: CreateCustomerCommand) -> list[str]:
    with pytest.raises(InvalidInput) as raised:
        checked_create(command)
    return raised.value.messages


@pytest.mark.parametrize("phone", ["+15551234567", "15", "+123456789012345", "99"])
def test_phone_numbers_in_e164_shape_pass(phone: str) -> None:
    assert checked_create(create(phone_number=phone)).phone_number == phone


@pytest.mark.parametrize(
    "phone", ["+1-555-123-4567", "0123", "1", "+1234567890123456", "+", "١٢٣", "12\n"]
)
def test_other_phone_numbers_do_not(phone: str) -> None:
    assert messages(create(phone_number=phone)) == [PHONE_MESSAGE]


def test_a_long_phone_number_is_too_long_and_an_empty_one_empty() -> None:
    assert messages(create(phone_number="1" * 21)) == [
        "phone_number must be shorter than or equal to 20 characters"
    ]
    assert messages(create(phone_number="")) == ["phone_number should not be empty", PHONE_MESSAGE]


def test_names_and_email() -> None:
    assert messages(create(first_name="", last_name="x" * 101, email="nope")) == [
        "first_name should not be empty",
        "last_name must be shorter than or equal to 100 characters",
        "email must be an email",
    ]
    assert messages(create(first_name="a\x00b", email=f"{'a' * 250}@x.com")) == [
        "first_name must not contain null or surrogate characters",
        "email must be shorter than or equal to 255 characters",
    ]


def test_an_update_checks_only_what_it_gives() -> None:
    assert checked_update(UpdateCustomerCommand(email=None)).changes() == {"email": None}
    with pytest.raises(InvalidInput) as raised:
        checked_update(UpdateCustomerCommand(last_name=""))
    assert raised.value.messages == ["last_name should not be empty"]


def test_the_email_key_is_the_address_in_lower_case() -> None:
    assert email_key("Jane.Doe@Example.COM") == "jane.doe@example.com"
    assert email_key(None) is None
