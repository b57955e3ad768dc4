"""Invoice PDFs in four scripts: rendered to PNG by poppler's pdftoppm (the page has ink)
and read back with pypdf (the names are there, as written)."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from tests.delivery.test_invoice_pdf import a_view, pdf_text, render

SCRIPTS = {
    "cyrillic": ("Счёт за март", "Ольга Иванова", "Разработка сайта"),
    "greek": ("Τιμολόγιο Μαρτίου", "Γιώργος Παπαδόπουλος", "Σχεδίαση ιστοσελίδας"),
    "cjk": ("東京オフィス請求書", "山田太郎", "ウェブ開発"),
    "arabic": ("فاتورة شركة الرياض", "شركة الرياض", "تصميم الموقع"),
}


def font_names(data: bytes) -> set[str]:
    page = PdfReader(io.BytesIO(data)).pages[0]
    fonts = page["/Resources"]["/Font"]
    # "/MPDFAA+DejaVuSansBook": the subset tag before the "+" differs per document.
    return {str(font.get_object()["/BaseFont"]).split("+", 1)[1] for font in fonts.values()}


def png_of(pdf: bytes, where: Path) -> Image.Image:
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm is not None, "pdftoppm (poppler-utils) is needed: scripts/test installs it"
    (where / "invoice.pdf").write_bytes(pdf)
    subprocess.run(
        [pdftoppm, "-r", "50", "-png", "-singlefile", "invoice.pdf", "invoice"],
        cwd=where,
        check=True,
        timeout=60,
    )
    return Image.open(where / "invoice.png").convert("L")


def ink(image: Image.Image) -> int:
    """How many pixels are darker than light grey."""
    histogram = image.histogram()
    return sum(histogram[:192])


@pytest.mark.parametrize("script", SCRIPTS)
def test_names_in_any_script_print_and_read_back(
    script: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    name, customer, product = SCRIPTS[script]
    view = a_view(name=name, product_name=product, customer_name=customer)
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        data = render(view, None)
    # fpdf2 names every character a font had no glyph for; none may be missing.
    assert [r.getMessage() for r in caplog.records if "missing" in r.getMessage()] == []

    page = png_of(data, tmp_path)
    assert page.size == (414, 585)  # A4 at 50 dpi
    assert ink(page) > 2000, "the page came out blank"
    # The names drew: the same invoice without them has visibly less ink.
    (tmp_path / "unnamed").mkdir()
    unnamed = png_of(
        render(a_view(name="", product_name="", customer_name=""), None), tmp_path / "unnamed"
    )
    assert ink(page) - ink(unnamed) > 100

    lines = pdf_text(data).splitlines()
    # Arabic comes back in logical (reading) order: fpdf2 maps each shaped glyph back
    # to the characters it stands for.
    assert name in lines
    assert customer in lines
    assert any(line.startswith(f"{product} 2 ") for line in lines), lines

    expected_fonts = {"DejaVuSansBook", "DejaVuSansBold"}
    if script == "cjk":
        expected_fonts |= {"NotoSansCJKJP", "NotoSansCJKJPBold"}
    assert font_names(data) == expected_fonts


def test_a_latin_invoice_does_not_carry_the_cjk_font() -> None:
    assert font_names(render(a_view(), None)) == {"DejaVuSansBook", "DejaVuSansBold"}


def test_mixed_scripts_in_one_name(tmp_path: Path) -> None:
    name = "Счёт № 7 — 東京 — Αθήνα — الرياض"
    data = render(a_view(name=name), None)
    assert name in pdf_text(data).splitlines()
    assert ink(png_of(data, tmp_path)) > 2000


def test_poppler_reads_the_cjk_text_without_help(tmp_path: Path) -> None:
    """pypdf needs its NULs removed (tests.delivery.test_invoice_pdf.pdf_text); poppler
    reads the same document as written."""
    pdftotext = shutil.which("pdftotext")
    assert pdftotext is not None, "pdftotext (poppler-utils) is needed: scripts/test installs it"
    name, customer, _product = SCRIPTS["cjk"]
    (tmp_path / "invoice.pdf").write_bytes(render(a_view(name=name, customer_name=customer), None))
    done = subprocess.run(
        [pdftotext, "invoice.pdf", "-"], cwd=tmp_path, check=True, capture_output=True, timeout=60
    )
    lines = done.stdout.decode().splitlines()
    assert name in lines
    assert customer in lines
