from __future__ import annotations

from decimal import Decimal

import pytest

from gateway.domain.tax import TaxComponent, TaxRule, tax_rule


def test_single_rate_rule_from_row_columns() -> None:
    rule = tax_rule("Standard Sales Tax", Decimal("8.5"), "PERCENTAGE", False, None)
    assert rule == TaxRule(
        components=(TaxComponent("Standard Sales Tax", Decimal("8.5"), "PERCENTAGE"),),
        inclusive=False,
    )


def test_empty_component_list_falls_back_to_the_row_columns() -> None:
    rule = tax_rule("Eco fee", Decimal("2.00"), "FIXED", True, [])
    assert rule == TaxRule((TaxComponent("Eco fee", Decimal("2.00"), "FIXED"),), inclusive=True)


def test_components_win_over_the_row_columns() -> None:
    rule = tax_rule(
        "Quebec",
        Decimal("14.975"),
        "PERCENTAGE",
        False,
        [
            {"name": "GST", "rate": "5", "type": "PERCENTAGE", "compound": False},
            {"name": "QST", "rate": 9.975, "type": "PERCENTAGE", "compound": True},
            {"name": "Fee", "rate": 2, "type": "FIXED"},
        ],
    )
    assert rule.components == (
        TaxComponent("GST", Decimal("5"), "PERCENTAGE", compound=False),
        TaxComponent("QST", Decimal("9.975"), "PERCENTAGE", compound=True),
        TaxComponent("Fee", Decimal("2"), "FIXED", compound=False),
    )
    assert rule.inclusive is False


@pytest.mark.parametrize(
    "components",
    [
        [{"name": "A", "rate": "5", "type": "PERCENT", "compound": False}],
        [{"name": "A", "rate": "abc", "type": "PERCENTAGE", "compound": False}],
        [{"name": "A", "rate": "-1", "type": "PERCENTAGE", "compound": False}],
        [{"name": "A", "rate": "NaN", "type": "PERCENTAGE", "compound": False}],
        [{"name": "A", "rate": True, "type": "PERCENTAGE", "compound": False}],
        [{"name": "A", "rate": None, "type": "PERCENTAGE", "compound": False}],
        [{"name": "A", "rate": "5", "type": "PERCENTAGE", "compound": "yes"}],
        [{"name": "", "rate": "5", "type": "PERCENTAGE"}],
        [{"rate": "5", "type": "PERCENTAGE"}],
        [{"name": "A", "type": "PERCENTAGE"}],
        [{"name": "A", "rate": "5"}],
        ["GST"],
    ],
)
def test_malformed_components_raise_value_error(components: list[dict[str, object]]) -> None:
    with pytest.raises(ValueError, match="tax component 0"):
        tax_rule("Tax", Decimal(5), "PERCENTAGE", False, components)


@pytest.mark.parametrize(
    ("name", "rate", "kind"),
    [
        ("Tax", Decimal(5), "percentage"),
        ("Tax", Decimal(-5), "PERCENTAGE"),
        ("Tax", Decimal("NaN"), "PERCENTAGE"),
        ("", Decimal(5), "PERCENTAGE"),
    ],
)
def test_malformed_single_rate_raises_value_error(name: str, rate: Decimal, kind: str) -> None:
    with pytest.raises(ValueError):
        tax_rule(name, rate, kind, False, None)


def test_inclusive_flag_must_be_a_boolean() -> None:
    with pytest.raises(ValueError):
        tax_rule("Tax", Decimal(5), "PERCENTAGE", "yes", None)  # type: ignore[arg-type]


@pytest.mark.parametrize("rate", [Decimal(-1), Decimal("Infinity"), Decimal("NaN")])
def test_component_rejects_bad_rates(rate: Decimal) -> None:
    with pytest.raises(ValueError):
        TaxComponent("Tax", rate, "PERCENTAGE")


def test_component_rejects_unknown_kind() -> None:
    with pytest.raises(ValueError):
        TaxComponent("Tax", Decimal(5), "OTHER")  # type: ignore[arg-type]
