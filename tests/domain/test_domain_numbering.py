from __future__ import annotations

import pytest

from gateway.domain.numbering import DEFAULT_FORMAT, format_invoice_number, validate_number_format


@pytest.mark.parametrize(
    ("fmt", "number", "expected"),
    [
        (DEFAULT_FORMAT, 1, "INV-000001"),
        (DEFAULT_FORMAT, 2, "INV-000002"),
        (DEFAULT_FORMAT, 1234567, "INV-1234567"),  # outgrows the width, never truncated
        ("{number}", 42, "42"),
        ("{number}/2025", 7, "7/2025"),
        ("ACME-{number:05}", 12, "ACME-00012"),
        ("{number:,}", 1234567, "1,234,567"),
        ("{number:_d}", 1234567, "1_234_567"),
        ("{number:x}", 255, "ff"),
        ("{number:#06X}", 255, "0X00FF"),
        ("{number:>8}", 3, "       3"),
        ("{number:*^7d}", 3, "***3***"),
        ("{{INV}}-{number}", 5, "{INV}-5"),
    ],
)
def test_formats(fmt: str, number: int, expected: str) -> None:
    validate_number_format(fmt)
    assert format_invoice_number(fmt, number) == expected


@pytest.mark.parametrize(
    "fmt",
    [
        "",  # no field
        "INV-0001",  # no field
        "{number}-{number}",  # two fields
        "{}",  # auto-numbered field
        "{0}",  # positional field
        "{num}",  # another name
        "{number}{other}",
        "{number.real}",  # attribute access
        "{number[0]}",  # index access
        "{number!r}",  # conversion
        "{number!s:>5}",
        "{number:.2f}",  # not an integer presentation
        "{number:e}",
        "{number:c}",
        "{number:s}",
        "{number:z}",
        "{number:,x}",  # Python refuses this combination
        "{number:{width}}",  # nested field
        "{number:021d}",  # too wide
        "{number",  # unbalanced
        "INV-}{number}",
        "X" * 60 + "{number}",  # too long
    ],
)
def test_invalid_formats(fmt: str) -> None:
    with pytest.raises(ValueError):
        validate_number_format(fmt)
    with pytest.raises(ValueError):
        format_invoice_number(fmt, 1)


def test_format_may_be_exactly_64_characters() -> None:
    fmt = "X" * (64 - len("{number}")) + "{number}"
    validate_number_format(fmt)
    assert format_invoice_number(fmt, 1) == "X" * 56 + "1"


def test_rendered_number_longer_than_64_characters_is_refused() -> None:
    fmt = "X" * 50 + "{number:010d}"
    validate_number_format(fmt)
    assert len(format_invoice_number(fmt, 1)) == 60
    with pytest.raises(ValueError, match="longer than 64"):
        format_invoice_number(fmt, 10**15)


def test_format_must_be_a_string() -> None:
    with pytest.raises(ValueError):
        validate_number_format(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("number", [0, -1, True, 1.0, "1"])
def test_sequence_number_must_be_a_positive_int(number: object) -> None:
    with pytest.raises(ValueError):
        format_invoice_number(DEFAULT_FORMAT, number)  # type: ignore[arg-type]
