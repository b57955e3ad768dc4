"""Finding the PDF fonts, and refusing to start without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.app import create_app
from gateway.cli import main
from gateway.delivery.fonts import PdfFontsMissing, find_pdf_fonts
from gateway.settings import Settings


def test_the_system_fonts_are_found() -> None:
    fonts = find_pdf_fonts(None)
    assert (fonts.sans.name, fonts.sans_bold.name, fonts.cjk.name, fonts.cjk_bold.name) == (
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "NotoSansCJK-Regular.ttc",
        "NotoSansCJK-Bold.ttc",
    )


def test_pdf_font_dir_is_searched_with_its_subdirectories(tmp_path: Path) -> None:
    system = find_pdf_fonts(None)
    (tmp_path / "latin").mkdir()
    (tmp_path / "cjk" / "noto").mkdir(parents=True)
    for path, where in (
        (system.sans, "latin"),
        (system.sans_bold, "latin"),
        (system.cjk, "cjk/noto"),
        (system.cjk_bold, "cjk/noto"),
    ):
        (tmp_path / where / path.name).symlink_to(path)
    fonts = find_pdf_fonts(str(tmp_path))
    assert fonts.sans == tmp_path / "latin" / "DejaVuSans.ttf"
    assert fonts.cjk_bold == tmp_path / "cjk" / "noto" / "NotoSansCJK-Bold.ttc"


def _missing_message(where: Path) -> str:
    return (
        f"PDF fonts not found under {where}: DejaVuSans.ttf, DejaVuSans-Bold.ttf, "
        "NotoSansCJK-Regular.ttc, NotoSansCJK-Bold.ttc (install Debian's fonts-dejavu-core "
        "and fonts-noto-cjk, or set PDF_FONT_DIR to a directory that holds them)"
    )


def test_missing_fonts_are_named(tmp_path: Path) -> None:
    with pytest.raises(PdfFontsMissing) as raised:
        find_pdf_fonts(str(tmp_path))
    assert str(raised.value) == _missing_message(tmp_path)


def test_settings_read_pdf_font_dir() -> None:
    assert Settings.from_env({"PDF_FONT_DIR": "/opt/fonts"}).pdf_font_dir == "/opt/fonts"
    assert Settings.from_env({}).pdf_font_dir is None


@pytest.mark.parametrize("command", [["worker", "--once"], ["serve", "--port", "1"]])
def test_serve_and_worker_refuse_to_start_without_fonts(
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PDF_FONT_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/gateway.db")
    assert main(command) == 2
    assert capsys.readouterr().err == f"invoice-gateway: {_missing_message(tmp_path)}\n"
    assert not (tmp_path / "gateway.db").exists()


async def test_the_app_does_not_start_without_fonts(tmp_path: Path) -> None:
    app = create_app(Settings(database_url="sqlite+aiosqlite://", pdf_font_dir=str(tmp_path)))
    with pytest.raises(PdfFontsMissing):
        async with app.router.lifespan_context(app):
            pass
