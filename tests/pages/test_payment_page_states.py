from __future__ import annotations

import html
import re
from datetime import date, timedelta

from gateway.domain.formatting import day
from gateway.settings import Settings
from tests.apptest import MovableClock, future, seeded_gateway
from tests.pages.payment_states import CRYPTO_URI, WALLET_ADDRESS, make_payment_pages


def _text(page: str) -> str:
    """The page's visible text, tags dropped and whitespace collapsed."""
    without_code = re.sub(r"<(script|style|svg|title)\b.*?</\1>", " ", page, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", without_code))
    return re.sub(r"\s+", " ", text).replace(" .", ".").strip()


async def test_each_state_reads_as_a_person_would(migrated_database_url: str) -> None:
    settings = Settings(database_url=migrated_database_url, public_base_url="http://gw.test")
    clock = MovableClock()
    async with seeded_gateway(settings, clock) as (client, runtime):
        pages = await make_payment_pages(client, runtime)
        due_day = day(date.fromisoformat(future()), None)

        crypto = await client.get(pages.open_crypto)
        assert crypto.status_code == 200
        text = _text(crypto.text)
        assert f"Awaiting payment: due on {due_day}" in text
        assert "Amount due 2,707.33 USDC" in text
        assert "In words: Two thousand seven hundred seven and 33/100 USDC" in text
        assert "Design sprint 2 \u00d7 1,250.50 USDC 2,501.00 USDC" in text
        assert "Sales tax (8.25%) 206.33 USDC" in text
        assert f"Wallet address {WALLET_ADDRESS} Network Ethereum Currency USDC" in text
        assert f'href="{CRYPTO_URI.replace("&", "&amp;")}"' in crypto.text
        assert 'role="img" aria-label="QR code with the payment request' in crypto.text
        assert "Bank transfer" not in text

        bank = await client.get(pages.open_bank)
        text = _text(bank.text)
        assert '<html lang="de">' in bank.text
        assert "Offener Betrag 1.250,50 USDC" in text
        assert "In Worten: Eintausendzweihundertfünfzig und 50/100 USDC" in text
        assert (
            "Banküberweisung Kontoinhaber My Business GmbH IBAN DE89370400440532013000 "
            "BIC COBADEFFXXX Bank Commerzbank Verwendungszweck INV-000002 "
            "Betrag 1.250,50 USDC"
        ) in text
        assert "Wallet-Adresse" not in text

        partly = _text((await client.get(pages.partly_paid)).text)
        assert "Partly paid: 40.00 USDC of 100.00 USDC received" in partly
        assert "Amount due 60.00 USDC" in partly
        assert "Paid so far 40.00 USDC" in partly
        assert "Partial payments are accepted." in partly
        assert "PARTIALLYPAID" not in partly

        paid_response = await client.get(pages.paid)
        paid = _text(paid_response.text)
        assert paid.startswith("Invoice INV-000004 Support, paid from")
        assert "Paid This invoice is paid. Thank you." in paid
        for hidden in ("Amount due", "How to pay", WALLET_ADDRESS, "IBAN", "<svg", "<script"):
            assert hidden not in paid_response.text

        void_response = await client.get(pages.void)
        assert void_response.status_code == 410
        void = _text(void_response.text)
        assert void.startswith("Invoice INV-000005 Support, void from")
        today = day(clock.now.date(), None)
        assert f"VOID: this invoice was cancelled on {today} and cannot be paid" in void
        assert "Nothing is due. Please contact" in void
        for hidden in ("Amount due", "How to pay", WALLET_ADDRESS, "IBAN", "<svg", "<script"):
            assert hidden not in void_response.text

        bad_debt = _text((await client.get(pages.uncollectible)).text)
        assert f"Unpaid since {day(date.fromisoformat(future()) + timedelta(days=1), None)}" in (
            bad_debt
        )
        assert "payment is still accepted" in bad_debt
        assert "Amount due 60.00 USDC" in bad_debt and WALLET_ADDRESS in bad_debt

        clock.now += timedelta(days=31)  # the whole due date has passed
        expired = await client.get(pages.open_bank)
        assert expired.status_code == 410
        assert "Dieser Zahlungslink ist abgelaufen" in expired.text
        # A void invoice's link says it is void, expired or not.
        assert "VOID: this invoice was cancelled" in (await client.get(pages.void)).text
