from __future__ import annotations

from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.domain.tax import TaxComponent, TaxKind, TaxRule
from gateway.domain.totals import Line, PricedLine, TaxLine, Totals, invoice_totals

D = Decimal
HALF_CENT = D("0.005")
CENT = D("0.01")


def pct(name: str, rate: str, *, compound: bool = False) -> TaxComponent:
    return TaxComponent(name, D(rate), "PERCENTAGE", compound=compound)


def fixed(name: str, amount: str) -> TaxComponent:
    return TaxComponent(name, D(amount), "FIXED")


def one_line(price: str, quantity: str = "1") -> list[Line]:
    return [Line("prod_1", D(quantity), D(price))]


# -- examples ---------------------------------------------------------------------------------


def test_spec_example_exclusive_sales_tax() -> None:
    totals = invoice_totals(one_line("2500.00"), TaxRule((pct("Standard Sales Tax", "8.5"),)))
    assert totals == Totals(
        lines=(PricedLine("prod_1", D(1), D("2500.00"), D("2500.00")),),
        subtotal=D("2500.00"),
        subtotal_excluding_tax=D("2500.00"),
        tax_amount=D("212.50"),
        total=D("2712.50"),
        taxes=(TaxLine("Standard Sales Tax", D("212.50")),),
    )


def test_inclusive_tax_backs_out_the_net() -> None:
    totals = invoice_totals(one_line("108.50"), TaxRule((pct("VAT", "8.5"),), inclusive=True))
    assert totals.subtotal == D("108.50")
    assert totals.total == D("108.50")
    assert totals.subtotal_excluding_tax == D("100.00")
    assert totals.tax_amount == D("8.50")
    assert totals.taxes == (TaxLine("VAT", D("8.50")),)


def test_no_tax() -> None:
    totals = invoice_totals([Line("a", D(40), D("150.00")), Line("b", D(1), D("99.99"))], tax=None)
    assert [line.line_total for line in totals.lines] == [D("6000.00"), D("99.99")]
    assert totals.subtotal == totals.subtotal_excluding_tax == totals.total == D("6099.99")
    assert totals.tax_amount == D("0.00")
    assert totals.taxes == ()


def test_no_lines_total_zero() -> None:
    totals = invoice_totals([], TaxRule((pct("VAT", "20"),)))
    assert totals.total == totals.subtotal == totals.tax_amount == D("0.00")


def test_each_line_is_rounded_half_up_once_and_the_subtotal_sums_them() -> None:
    totals = invoice_totals(
        [
            Line("a", D("1.5"), D("33.33")),  # 49.995 -> 50.00
            Line("b", D("0.3333"), D("10.00")),  # 3.333 -> 3.33
            Line("c", D(3), D("0.335")),  # 1.005 -> 1.01
        ],
        None,
    )
    assert [line.line_total for line in totals.lines] == [D("50.00"), D("3.33"), D("1.01")]
    assert totals.subtotal == D("54.34")


def test_tax_is_on_the_subtotal_of_rounded_lines() -> None:
    lines = [Line("a", D(1), D("0.333")), Line("b", D(1), D("0.333"))]  # 0.33 + 0.33
    totals = invoice_totals(lines, TaxRule((pct("T", "50"),)))
    assert totals.subtotal == D("0.66")
    assert totals.tax_amount == D("0.33")


def test_non_compound_components_share_the_subtotal_base() -> None:
    rule = TaxRule((pct("GST", "5"), pct("QST", "9.975")))
    totals = invoice_totals(one_line("100.00"), rule)
    assert totals.taxes == (TaxLine("GST", D("5.00")), TaxLine("QST", D("9.98")))
    assert totals.tax_amount == D("14.98")
    assert totals.total == D("114.98")


def test_compound_component_is_charged_on_earlier_taxes_too() -> None:
    rule = TaxRule((pct("GST", "5"), pct("QST", "8.5", compound=True)))
    totals = invoice_totals(one_line("100.00"), rule)
    # QST on 105.00 = 8.925 -> 8.93
    assert totals.taxes == (TaxLine("GST", D("5.00")), TaxLine("QST", D("8.93")))
    assert totals.total == D("113.93")


def test_fixed_component_adds_its_amount_and_compounds_under_later_ones() -> None:
    rule = TaxRule((fixed("Eco fee", "10"), pct("VAT", "8.5"), pct("Levy", "5", compound=True)))
    totals = invoice_totals(one_line("100.00"), rule)
    # Levy on 100 + 10 + 8.50 = 118.50 -> 5.925 -> 5.93
    assert totals.taxes == (
        TaxLine("Eco fee", D("10.00")),
        TaxLine("VAT", D("8.50")),
        TaxLine("Levy", D("5.93")),
    )
    assert totals.total == D("124.43")


def test_inclusive_fixed_is_taken_off_the_gross_before_the_percentage() -> None:
    rule = TaxRule((fixed("Eco fee", "10"), pct("VAT", "8.5")), inclusive=True)
    totals = invoice_totals(one_line("118.50"), rule)
    assert totals.subtotal_excluding_tax == D("100.00")
    assert totals.taxes == (TaxLine("Eco fee", D("10.00")), TaxLine("VAT", D("8.50")))
    assert totals.total == D("118.50")


def test_inclusive_compound_chain_inverts_exactly() -> None:
    rule = TaxRule((pct("GST", "5"), pct("QST", "8.5", compound=True)), inclusive=True)
    totals = invoice_totals(one_line("113.93"), rule)
    assert totals.subtotal_excluding_tax == D("100.00")
    assert totals.taxes == (TaxLine("GST", D("5.00")), TaxLine("QST", D("8.93")))


def test_inclusive_rounding_remainder_goes_on_the_last_component() -> None:
    rule = TaxRule((pct("GST", "5"), pct("QST", "9.975")), inclusive=True)
    totals = invoice_totals(one_line("1.03"), rule)
    # net 1.03 / 1.14975 = 0.8958... -> 0.90; GST 0.045 -> 0.05; QST 0.0898 -> 0.09 would
    # make 1.04, so QST carries the -0.01 remainder.
    assert totals.subtotal_excluding_tax == D("0.90")
    assert totals.taxes == (TaxLine("GST", D("0.05")), TaxLine("QST", D("0.08")))
    assert totals.subtotal_excluding_tax + totals.tax_amount == totals.total == D("1.03")


def test_inclusive_fixed_above_the_gross_clamps_the_net_to_zero() -> None:
    rule = TaxRule((fixed("Fee", "10"), pct("VAT", "20", compound=True)), inclusive=True)
    totals = invoice_totals(one_line("5.00"), rule)
    assert totals.subtotal_excluding_tax == D("0.00")
    assert totals.taxes == (TaxLine("Fee", D("5.00")), TaxLine("VAT", D("0.00")))
    assert totals.tax_amount == totals.total == D("5.00")


def test_zero_rate_and_empty_rules() -> None:
    assert invoice_totals(one_line("10.00"), TaxRule(())).total == D("10.00")
    inclusive = invoice_totals(one_line("10.00"), TaxRule((), inclusive=True))
    assert inclusive.subtotal_excluding_tax == D("10.00")
    zero = invoice_totals(one_line("10.00"), TaxRule((pct("Zero", "0"),), inclusive=True))
    assert zero.taxes == (TaxLine("Zero", D("0.00")),)


def test_result_does_not_depend_on_the_callers_decimal_context() -> None:
    lines = one_line("123456789.99", "999.9999")
    expected = invoice_totals(lines, TaxRule((pct("VAT", "7.25"),)))
    with localcontext() as context:
        context.prec = 5
        assert invoice_totals(lines, TaxRule((pct("VAT", "7.25"),))) == expected
    assert expected.lines[0].line_total == D("123456777644.32")  # 123456777644.321001


@pytest.mark.parametrize(
    ("quantity", "price"),
    [("0", "1"), ("-1", "1"), ("1", "-0.01"), ("NaN", "1"), ("1", "Infinity")],
)
def test_line_rejects_non_positive_quantity_and_negative_price(quantity: str, price: str) -> None:
    with pytest.raises(ValueError):
        Line("p", D(quantity), D(price))


# -- properties -------------------------------------------------------------------------------

quantities = st.decimals(min_value=D("0.0001"), max_value=D(10_000), places=4)
prices = st.decimals(min_value=D(0), max_value=D(1_000_000), places=2)
lines_strategy = st.lists(
    st.builds(Line, product_id=st.just("prod"), quantity=quantities, unit_price=prices),
    min_size=1,
    max_size=8,
)


@st.composite
def component_specs(draw: st.DrawFn) -> list[tuple[TaxKind, Decimal, bool]]:
    specs: list[tuple[TaxKind, Decimal, bool]] = []
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        kind: TaxKind = draw(st.sampled_from(["PERCENTAGE", "PERCENTAGE", "FIXED"]))
        if kind == "PERCENTAGE":
            rate = draw(st.decimals(min_value=D(0), max_value=D(30), places=3))
        else:
            rate = draw(st.decimals(min_value=D(0), max_value=D(500), places=2))
        specs.append((kind, rate, draw(st.booleans())))
    return specs


def build(
    specs: list[tuple[TaxKind, Decimal, bool]], *, compound: bool | None = None
) -> tuple[TaxComponent, ...]:
    return tuple(
        TaxComponent(f"T{i}", rate, kind, compound=flag if compound is None else compound)
        for i, (kind, rate, flag) in enumerate(specs)
    )


def amounts(totals: Totals) -> list[Decimal]:
    return [
        totals.subtotal,
        totals.subtotal_excluding_tax,
        totals.tax_amount,
        totals.total,
        *(line.line_total for line in totals.lines),
        *(tax.amount for tax in totals.taxes),
    ]


fast = settings(deadline=None, max_examples=200)


@fast
@given(lines_strategy, component_specs())
def test_inclusive_net_plus_tax_is_the_gross(
    lines: list[Line], specs: list[tuple[TaxKind, Decimal, bool]]
) -> None:
    totals = invoice_totals(lines, TaxRule(build(specs), inclusive=True))
    assert totals.total == totals.subtotal
    assert totals.subtotal_excluding_tax + totals.tax_amount == totals.total
    assert sum(tax.amount for tax in totals.taxes) == totals.tax_amount


@fast
@given(lines_strategy, component_specs(), st.booleans())
def test_totals_are_never_negative_and_always_whole_cents(
    lines: list[Line], specs: list[tuple[TaxKind, Decimal, bool]], inclusive: bool
) -> None:
    totals = invoice_totals(lines, TaxRule(build(specs), inclusive=inclusive))
    for amount in amounts(totals):
        assert amount >= 0
        assert amount == amount.quantize(CENT)
        assert not amount.is_signed()


@fast
@given(lines_strategy, st.none() | component_specs())
def test_exclusive_total_is_subtotal_plus_tax(
    lines: list[Line], specs: list[tuple[TaxKind, Decimal, bool]] | None
) -> None:
    tax = None if specs is None else TaxRule(build(specs))
    totals = invoice_totals(lines, tax)
    assert totals.subtotal == sum(line.line_total for line in totals.lines)
    assert totals.subtotal_excluding_tax == totals.subtotal
    assert totals.total == totals.subtotal + totals.tax_amount
    assert totals.tax_amount == sum(tax.amount for tax in totals.taxes)


@fast
@given(lines_strategy)
def test_each_line_is_within_half_a_cent_of_exact(lines: list[Line]) -> None:
    for line in invoice_totals(lines, None).lines:
        assert abs(line.line_total - line.quantity * line.unit_price) <= HALF_CENT


@fast
@given(lines_strategy, component_specs())
def test_compound_never_taxes_less_than_non_compound(
    lines: list[Line], specs: list[tuple[TaxKind, Decimal, bool]]
) -> None:
    simple = invoice_totals(lines, TaxRule(build(specs, compound=False)))
    compound = invoice_totals(lines, TaxRule(build(specs, compound=True)))
    assert compound.tax_amount >= simple.tax_amount
    simple_in = invoice_totals(lines, TaxRule(build(specs, compound=False), inclusive=True))
    compound_in = invoice_totals(lines, TaxRule(build(specs, compound=True), inclusive=True))
    assert compound_in.subtotal_excluding_tax <= simple_in.subtotal_excluding_tax


@fast
@given(lines_strategy, component_specs())
def test_inclusive_net_taxed_exclusively_gives_back_the_gross(
    lines: list[Line], specs: list[tuple[TaxKind, Decimal, bool]]
) -> None:
    components = build(specs)
    inclusive = invoice_totals(lines, TaxRule(components, inclusive=True))
    net = inclusive.subtotal_excluding_tax
    if net == 0:
        return  # clamped: fixed amounts ate the whole gross
    again = invoice_totals([Line("net", D(1), net)], TaxRule(components))
    # Only the net's rounding (amplified by the compounding) and one rounding per component
    # separate the two.
    assert abs(again.total - inclusive.total) <= CENT * (len(components) + 3)
