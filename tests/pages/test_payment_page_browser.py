"""The payment page in headless Chromium at a phone's width (390 CSS pixels): a
screenshot of each state, axe-core's accessibility check, the strict CSP holding with
the copy buttons added, and the QR code read back to the payment URI.

axe-core comes from npm (tests/tools/axe, pinned by its lock file) and is installed
there with `npm ci` when missing. Screenshots are left in the test's tmp dir."""

from __future__ import annotations

import asyncio
import io
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from gateway.settings import Settings
from tests.apptest import seeded_gateway
from tests.browser import DevTools, chromium, devtools, needs_chromium, serving
from tests.pages.payment_states import (
    CRYPTO_URI,
    WALLET_ADDRESS,
    PaymentPages,
    make_payment_pages,
)

pytestmark = needs_chromium

AXE_DIR = Path(__file__).resolve().parents[1] / "tools" / "axe"
PHONE_WIDTH = 390
# Recorded before any script of the page runs: what the Content-Security-Policy refused.
WATCH_CSP = (
    "window.cspViolations = [];"
    "document.addEventListener('securitypolicyviolation', e =>"
    " window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
)
AXE_RUN = (
    "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map("
    "v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.html)})))"
)


@pytest.fixture(scope="session")
def axe_source() -> str:
    script = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        npm = shutil.which("npm")
        assert npm is not None, "npm is needed to install axe-core (apt-get install npm)"
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=AXE_DIR, check=True)
    return script.read_text()


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[str, PaymentPages]]:
    from gateway.db.migrate import upgrade

    database_url = f"sqlite+aiosqlite:///{tmp_path / 'pages.db'}"
    await asyncio.to_thread(upgrade, database_url)
    settings = Settings(database_url=database_url)
    async with seeded_gateway(settings) as (client, runtime):
        pages = await make_payment_pages(client, runtime)
    with serving(settings) as url:
        yield url, pages


async def _evaluate(browser: DevTools, expression: str) -> Any:
    result = await browser.call(
        "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
    )
    assert "exceptionDetails" not in result, result
    return result["result"].get("value")


async def _open(browser: DevTools, url: str) -> None:
    await browser.call("Page.navigate", url=url)
    await browser.wait_for(
        "document.readyState === 'complete' && document.body !== null", "the page to load"
    )


async def _screenshot(browser: DevTools, clip: dict[str, float]) -> Image.Image:
    shot = await browser.call(
        "Page.captureScreenshot", format="png", captureBeyondViewport=True, clip=clip
    )
    import base64

    return Image.open(io.BytesIO(base64.b64decode(shot["data"])))


async def _page_screenshot(browser: DevTools, path: Path) -> Image.Image:
    height = await _evaluate(browser, "document.documentElement.scrollHeight")
    image = await _screenshot(
        browser, {"x": 0, "y": 0, "width": PHONE_WIDTH, "height": height, "scale": 1}
    )
    image.save(path)
    return image


def _ink(image: Image.Image) -> float:
    """The share of pixels that are not (nearly) white."""
    grey = image.convert("L")
    histogram = grey.histogram()
    return sum(histogram[:200]) / (grey.width * grey.height)


async def _qr_text(browser: DevTools) -> str:
    box = await _evaluate(
        browser,
        "(() => { const r = document.querySelector('figure svg').getBoundingClientRect();"
        " return {x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height}; })()",
    )
    image = await _screenshot(browser, box | {"scale": 2})
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1, found
    return str(found[0].text)


async def test_payment_page_in_a_phone_browser(
    served: tuple[str, PaymentPages], axe_source: str, tmp_path: Path
) -> None:
    url, pages = served
    profile = tmp_path / "profile"
    profile.mkdir()
    states = {
        "open-crypto": pages.open_crypto,
        "open-bank-transfer": pages.open_bank,
        "partly-paid": pages.partly_paid,
        "paid": pages.paid,
        "void": pages.void,
        "uncollectible": pages.uncollectible,
    }
    with chromium(profile) as port:
        async with devtools(port) as browser:
            await browser.call(
                "Emulation.setDeviceMetricsOverride",
                width=PHONE_WIDTH,
                height=844,
                deviceScaleFactor=1,
                mobile=True,
            )
            await browser.call("Page.enable")
            await browser.call("Page.addScriptToEvaluateOnNewDocument", source=WATCH_CSP)
            for state, path in states.items():
                await _open(browser, url + path)
                shown = await _evaluate(browser, "document.body.innerText")

                image = await _page_screenshot(browser, tmp_path / f"{state}.png")
                assert image.width == PHONE_WIDTH, state
                assert image.height > 400, state
                assert 0.01 < _ink(image) < 0.6, state
                assert await _evaluate(browser, "document.documentElement.scrollWidth") <= (
                    PHONE_WIDTH
                ), f"{state}: the page scrolls sideways"

                assert await _evaluate(browser, "window.cspViolations") == [], state
                copyable = await _evaluate(
                    browser, "document.querySelectorAll('[data-copy]').length"
                )
                buttons = await _evaluate(
                    browser, "document.querySelectorAll('button.copy').length"
                )
                assert buttons == copyable, state

                await _evaluate(browser, axe_source)
                violations = await _evaluate(browser, AXE_RUN)
                serious = [v for v in violations if v["impact"] in ("serious", "critical")]
                assert serious == [], f"{state}: {serious}"

                if state == "open-crypto":
                    assert copyable == 1
                    assert WALLET_ADDRESS in shown
                    assert await _qr_text(browser) == CRYPTO_URI
                elif state == "open-bank-transfer":
                    assert copyable == 5  # holder, IBAN, BIC, bank, reference
                    assert "DE89370400440532013000" in shown
                elif state == "partly-paid":
                    assert "Partly paid: 40.00 USDC of 100.00 USDC received" in shown
                    assert await _qr_text(browser) == (
                        "ethereum:0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48@1/transfer"
                        f"?address={WALLET_ADDRESS}&uint256=60000000"
                    )
                elif state == "uncollectible":
                    assert copyable >= 1
                    assert "payment is still accepted" in shown
                    assert WALLET_ADDRESS in shown
                elif state == "void":
                    assert copyable == 0
                    assert "VOID: this invoice was cancelled on" in shown
                    assert "Nothing is due." in shown
                    assert WALLET_ADDRESS not in shown and "Amount due" not in shown
                    assert await _evaluate(browser, "document.querySelector('svg')") is None
                else:
                    assert copyable == 0
                    assert "This invoice is paid. Thank you." in shown
                    assert await _evaluate(browser, "document.querySelector('svg')") is None
