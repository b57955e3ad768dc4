"""The PDF's logo: a data URL is embedded, a web address is never fetched."""

from __future__ import annotations

import base64
import io
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from PIL import Image
from pypdf import PdfReader

from gateway.db.tables import App
from gateway.delivery.logo import MAX_LOGO_BYTES, logo_image
from gateway.runtime import Runtime
from gateway.services.demo import DEMO_APP_ID
from gateway.settings import Settings
from tests.apptest import DEMO_HEADERS, basic_invoice, seeded_gateway
from tests.delivery.test_invoice_pdf import a_view, render


def data_url(width: int, height: int, kind: str = "PNG") -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format=kind)
    mime = "image/png" if kind == "PNG" else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(buffer.getvalue()).decode()}"


def images(pdf: bytes) -> list[tuple[int, int, str]]:
    """(width, height, filter) of each image XObject on the first page."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    found = []
    for xobject in page["/Resources"].get("/XObject", {}).values():
        obj = xobject.get_object()
        if obj["/Subtype"] == "/Image":
            found.append((int(obj["/Width"]), int(obj["/Height"]), str(obj.get("/Filter"))))
    return found


def test_the_apps_logo_is_embedded() -> None:
    assert images(render(a_view(), None, app_logo=data_url(40, 20))) == [(40, 20, "/FlateDecode")]


def test_the_invoices_own_data_url_logo_comes_first() -> None:
    pdf = render(a_view(logo=data_url(30, 10, "JPEG")), None, app_logo=data_url(40, 20))
    assert images(pdf) == [(30, 10, "/DCTDecode")]


def test_no_logo_no_image() -> None:
    assert images(render(a_view(), None)) == []


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        body = base64.b64decode(data_url(8, 8).split(",", 1)[1])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[str]]]:
    """A logo server on 127.0.0.1 that records every request it gets."""
    hits: list[str] = []
    handler = type("Recorder", (_Recorder,), {"hits": hits})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def test_a_web_address_logo_is_not_fetched(recorder: tuple[str, list[str]]) -> None:
    base, hits = recorder
    pdf = render(a_view(logo=f"{base}/invoice-logo.png"), None, app_logo=f"{base}/app-logo.png")
    assert images(pdf) == []
    assert hits == []
    # The server does record what reaches it.
    assert httpx.get(f"{base}/probe.png", timeout=5).status_code == 200
    assert hits == ["/probe.png"]


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "https://example.com/logo.png",
        "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
        "data:image/png;base64,bm90IGFuIGltYWdl",  # "not an image"
        "data:image/png;base64,***",
        data_url(10, 10, "JPEG").replace("image/jpeg", "image/png"),  # not what it says
        data_url(5000, 1),  # wider than any logo
        "data:image/png;base64," + "A" * (MAX_LOGO_BYTES * 2),
    ],
)
def test_logos_that_are_not_shown(url: str | None) -> None:
    assert logo_image(url) is None


def test_a_good_logo_is_read() -> None:
    image = logo_image(data_url(40, 20))
    assert image is not None
    assert image.size == (40, 20)


# --------------------------------------------------------------------------- the endpoint


@pytest.fixture
async def gateway(migrated_database_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    settings = Settings(database_url=migrated_database_url, public_base_url="https://pay.example")
    async with seeded_gateway(settings) as pair:
        yield pair


async def test_the_download_carries_the_apps_logo(
    gateway: tuple[httpx.AsyncClient, Runtime],
) -> None:
    client, runtime = gateway
    async with runtime.sessions() as session:
        app = await session.get(App, DEMO_APP_ID)
        assert app is not None
        app.logo = data_url(48, 24)
        session.add(app)
        await session.commit()
    created = (
        await client.post("/api/v0/invoices", json=basic_invoice(), headers=DEMO_HEADERS)
    ).json()
    response = await client.get(f"/api/v0/invoices/{created['id']}/pdf", headers=DEMO_HEADERS)
    assert response.status_code == 200
    assert images(response.content) == [(48, 24, "/FlateDecode")]
