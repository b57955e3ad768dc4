"""Discounts before tax: a line's own, then the invoice's allocated across the lines, then
the tax on what is left; each amount rounded once; never below zero."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.domain.discounts import Discount, DiscountType
from gateway.domain.errors import DiscountExceedsAmount
from gateway.domain.money import allocate, round_money
from gateway.domain.tax import TaxComponent, TaxRule
from gateway.domain.totals import Line, invoice_totals

D = Decimal
ZERO = D("0.00")
PERCENT = DiscountType.PERCENTAGE
FIXED = DiscountType.FIXED


def vat(rate: str, *, inclusive: bool = False) -> TaxRule:
    return TaxRule((TaxComponent("VAT", D(rate), "PERCENTAGE"),), inclusive=inclusive)


# -- examples ---------------------------------------------------------------------------------


def test_line_discount_then_invoice_discount_then_tax() -> None:
    lines = [
        Line("prod_1", D(3), D("10.00"), Discount(PERCENT, D(10))),
        Line(None, D(1), D("5.55")),
    ]
    totals = invoice_totals(lines, vat("20"), Discount(FIXED, D("1.00")))
    first, second = totals.lines
    assert (first.line_total, first.discount_amount) == (D("30.00"), D("3.00"))
    # 1.00 split 27.00 : 5.55 -> 0.8295.. and 0.1704..: 0.82 and 0.17, the cent left over
    # to the larger remainder (the first).
    assert (first.invoice_discount_amount, second.invoice_discount_amount) == (
        D("0.83"),
        D("0.17"),
    )
    assert (first.net_total, second.net_total) == (D("26.17"), D("5.38"))
    assert totals.subtotal == D("35.55")
    assert totals.discount_amount == D("4.00")
    assert totals.invoice_discount_amount == D("1.00")
    assert totals.subtotal_excluding_tax == D("31.55")
    assert totals.tax_amount == D("6.31")  # 20% of 31.55 = 6.31
    assert totals.total == D("37.86")


def test_percentage_discounts_round_once_half_up() -> None:
    # 33.335 off 100.01 at 33.3333%: 33.336666.. -> 33.34
    totals = invoice_totals([Line("p", D(1), D("100.01"), Discount(PERCENT, D("33.3333")))], None)
    assert totals.lines[0].discount_amount == D("33.34")
    assert totals.total == D("66.67")
    # Invoice 12.5% of 0.20 = 0.025 -> 0.03 (a half goes up)
    totals = invoice_totals([Line("p", D(1), D("0.20"))], None, Discount(PERCENT, D("12.5")))
    assert totals.discount_amount == D("0.03")
    assert totals.total == D("0.17")


def test_a_full_discount_makes_zero_not_less() -> None:
    totals = invoice_totals([Line("p", D(2), D("9.99"))], vat("19"), Discount(FIXED, D("19.98")))
    assert (totals.total, totals.tax_amount, totals.lines[0].net_total) == (ZERO, ZERO, ZERO)
    totals = invoice_totals([Line("p", D(1), D("5.00"), Discount(PERCENT, D(100)))], None)
    assert totals.total == ZERO


def test_tax_included_in_prices_applies_to_the_discounted_gross() -> None:
    totals = invoice_totals(
        [Line("p", D(1), D("120.00"))], vat("20", inclusive=True), Discount(PERCENT, D(50))
    )
    assert totals.total == D("60.00")
    assert (totals.subtotal_excluding_tax, totals.tax_amount) == (D("50.00"), D("10.00"))


def test_a_fixed_line_discount_larger_than_the_line_is_refused_with_its_path() -> None:
    with pytest.raises(DiscountExceedsAmount) as refused:
        invoice_totals(
            [Line("p", D(1), D("5.00")), Line(None, D(1), D("2.00"), Discount(FIXED, D("2.01")))],
            None,
        )
    assert refused.value.path == ("items", 1, "discount")
    assert refused.value.code == "DISCOUNT_EXCEEDS_AMOUNT"
    assert "2.01" in refused.value.message and "2.00" in refused.value.message


def test_a_fixed_invoice_discount_larger_than_the_discounted_lines_is_refused() -> None:
    lines = [Line("p", D(1), D("10.00"), Discount(FIXED, D("4.00")))]
    with pytest.raises(DiscountExceedsAmount) as refused:
        invoice_totals(lines, None, Discount(FIXED, D("6.01")))
    assert refused.value.path == ("discount",)
    assert invoice_totals(lines, None, Discount(FIXED, D("6.00"))).total == ZERO


def test_allocate_splits_whole_cents_by_largest_remainder() -> None:
    assert allocate(D("0.10"), [D("1.00")] * 3) == [D("0.04"), D("0.03"), D("0.03")]
    assert allocate(D("1.00"), [D("0.00"), D("3.00")]) == [D("0.00"), D("1.00")]
    assert allocate(D("0.05"), [D("0.00"), D("0.00")]) == [D("0.05"), D("0.00")]
    assert allocate(D("0.00"), []) == []


# -- properties -------------------------------------------------------------------------------

prices = st.decimals(min_value=D("0.01"), max_value=D("100000"), places=2)
quantities = st.decimals(min_value=D("0.0001"), max_value=D("1000"), places=4)
percentages = st.decimals(min_value=D("0.0001"), max_value=D(100), places=4)
amounts_off = st.decimals(min_value=D("0.01"), max_value=D("200000"), places=2)


@st.composite
def discounts(draw: st.DrawFn) -> Discount | None:
    kind = draw(st.sampled_from([None, PERCENT, FIXED]))
    if kind is None:
        return None
    return Discount(kind, draw(percentages if kind is PERCENT else amounts_off))


@st.composite
def invoices(draw: st.DrawFn) -> tuple[list[Line], TaxRule | None, Discount | None]:
    lines = draw(
        st.lists(
            st.builds(
                Line,
                st.sampled_from(["prod_1", None]),
                quantities,
                prices,
                discounts(),
            ),
            min_size=1,
            max_size=6,
        )
    )
    rate = draw(st.none() | st.decimals(min_value=D(0), max_value=D(30), places=3))
    tax = None if rate is None else vat(str(rate), inclusive=draw(st.booleans()))
    return lines, tax, draw(discounts())


def _whole_cents(amount: Decimal) -> bool:
    return amount == round_money(amount)


@settings(deadline=None, max_examples=300)
@given(invoices())
def test_totals_add_up_to_the_cent_and_are_never_negative(
    invoice: tuple[list[Line], TaxRule | None, Discount | None],
) -> None:
    lines, tax, discount = invoice
    try:
        totals = invoice_totals(lines, tax, discount)
    except DiscountExceedsAmount as refused:
        # Only a fixed discount larger than what it comes off is refused.
        if refused.path == ("discount",):
            assert discount is not None and discount.type is FIXED
        else:
            line = lines[int(refused.path[1])]
            assert line.discount is not None and line.discount.type is FIXED
            assert line.discount.value > round_money(line.quantity * line.unit_price)
        return
    # The sum of the lines is the subtotal; of their net totals, what is taxed.
    assert sum((line.line_total for line in totals.lines), ZERO) == totals.subtotal
    nets = sum((line.net_total for line in totals.lines), ZERO)
    assert nets == totals.subtotal - totals.discount_amount
    shares = sum((line.invoice_discount_amount for line in totals.lines), ZERO)
    assert shares == totals.invoice_discount_amount
    # Tax on the discounted amount: the same as one undiscounted line of that amount.
    assert invoice_totals([Line(None, D(1), nets)], tax).tax_amount == totals.tax_amount
    if tax is None or not tax.inclusive:
        assert totals.total == nets + totals.tax_amount
    else:
        assert totals.total == nets
    for line in totals.lines:
        assert line.net_total >= 0 and line.discount_amount >= 0
        assert line.invoice_discount_amount >= 0
        if line.discount is not None and line.discount.type is PERCENT:
            assert line.discount_amount == round_money(line.line_total * line.discount.value / 100)
    for amount in (
        totals.subtotal,
        totals.discount_amount,
        totals.tax_amount,
        totals.total,
        *(line.net_total for line in totals.lines),
        *(line.invoice_discount_amount for line in totals.lines),
    ):
        assert amount >= 0 and _whole_cents(amount)


@settings(deadline=None, max_examples=300)
@given(
    st.decimals(min_value=D(0), max_value=D("10000"), places=2),
    st.lists(st.decimals(min_value=D(0), max_value=D("10000"), places=2), min_size=1, max_size=8),
)
def test_allocation_adds_up_and_no_part_exceeds_its_weight(
    amount: Decimal, weights: list[Decimal]
) -> None:
    amount = min(amount, sum(weights, ZERO)) if sum(weights, ZERO) else amount
    parts = allocate(amount, weights)
    assert sum(parts, ZERO) == amount
    assert all(_whole_cents(part) and part >= 0 for part in parts)
    if sum(weights, ZERO):
        assert all(part <= weight for part, weight in zip(parts, weights, strict=True))
