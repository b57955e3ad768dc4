"""The fonts invoice PDFs are set in, found on disk once per process.

DejaVu Sans writes Latin, Greek, Cyrillic and Arabic (among others); Noto Sans CJK is
the fallback for Chinese, Japanese and Korean. Both are embedded (subset) in every PDF
that uses them, so a reader needs no fonts of its own. Debian ships them as
fonts-dejavu-core and fonts-noto-cjk.

`serve` and `worker` refuse to start without them (PdfFontsMissing): an invoice whose
names print as "????" is worse than a gateway that says at deploy time what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")

_SANS = "DejaVuSans.ttf"
_SANS_BOLD = "DejaVuSans-Bold.ttf"
_CJK = "NotoSansCJK-Regular.ttc"
_CJK_BOLD = "NotoSansCJK-Bold.ttc"
_PACKAGES = "Debian's fonts-dejavu-core and fonts-noto-cjk"


class PdfFontsMissing(ValueError):
    pass


@dataclass(frozen=True)
class PdfFonts:
    sans: Path
    sans_bold: Path
    cjk: Path
    cjk_bold: Path


def font_dirs(font_dir: str | None) -> tuple[Path, ...]:
    """PDF_FONT_DIR when set, else the system's font directories."""
    return (Path(font_dir),) if font_dir else tuple(Path(d) for d in DEFAULT_FONT_DIRS)


@lru_cache(maxsize=8)
def find_pdf_fonts(font_dir: str | None) -> PdfFonts:
    """The four font files under `font_dir` (with its subdirectories), or under the
    system's font directories when it is None. Raises PdfFontsMissing naming what is not
    there and where it was looked for."""
    dirs = font_dirs(font_dir)
    wanted = (_SANS, _SANS_BOLD, _CJK, _CJK_BOLD)
    found: dict[str, Path] = {}
    for directory in dirs:
        if not directory.is_dir():
            continue
        for path in sorted(directory.rglob("*")):
            if path.name in wanted and path.name not in found and path.is_file():
                found[path.name] = path
    missing = [name for name in wanted if name not in found]
    if missing:
        where = ", ".join(str(d) for d in dirs)
        raise PdfFontsMissing(
            f"PDF fonts not found under {where}: {', '.join(missing)} (install {_PACKAGES}, "
            "or set PDF_FONT_DIR to a directory that holds them)"
        )
    return PdfFonts(found[_SANS], found[_SANS_BOLD], found[_CJK], found[_CJK_BOLD])


@lru_cache(maxsize=8)
def characters_of(path: Path) -> frozenset[int]:
    """The code points a font (the first face of a collection) has glyphs for."""
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() in (".ttc", ".otc"):
        font = TTCollection(path, lazy=True).fonts[0]
    else:
        font = TTFont(path, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()
