"""The font the manifest PDF embeds: a TrueType font with Hangul and Latin, found on the server.

A font named but not embedded is drawn by whatever the reader substitutes, so letters
overlap or go missing; an embedded one prints the same everywhere. The font is never
shipped with the product: it is the operator's ``CONSULAR_PDF_FONT``, or else the first
usable one of the system's font directories and of fontconfig's Korean fonts. The PDF
library embeds TrueType outlines only, so an OpenType font with PostScript (CFF) outlines,
such as Noto Sans CJK, does not do.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

logger = logging.getLogger(__name__)

# Sans-serif fonts with Hangul and Latin in TrueType outlines, best first, by file name:
# Debian's fonts-nanum and fonts-unfonts-core (fonts-baekmuk lacks the bullet of a mask).
PREFERRED = ("NanumGothic.ttf", "NanumBarunGothic.ttf", "UnDotum.ttf")
FONT_DIRECTORIES = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
)
# What the manifest prints besides its data: a font that lacks one of these draws boxes.
REQUIRED_CHARACTERS = "가힣한글AZaz09→·•"
INSTALL_HINT = (
    "install a TrueType font with Hangul on the server (Debian: apt-get install fonts-nanum), "
    "or set CONSULAR_PDF_FONT to such a font file (.ttf), for example "
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
)


class PdfFontMissing(RuntimeError):
    """No font to embed in the manifest PDF; the message says what to install or set."""


def _checked(path: Path) -> TTFont:
    """The font at ``path``, loaded, if it embeds and draws Hangul and Latin; else why not."""
    if not path.is_file():
        raise PdfFontMissing(f"{path} is not a file")
    try:
        font = TTFont(_font_name(path), str(path))
    except TTFError as exc:
        if "postscript outlines" in str(exc).lower():
            raise PdfFontMissing(
                f"{path} has PostScript (CFF) outlines, which cannot be embedded in the PDF; "
                "it needs TrueType outlines"
            ) from exc
        raise PdfFontMissing(f"{path} is not a TrueType font the PDF can embed ({exc})") from exc
    except OSError as exc:
        raise PdfFontMissing(f"{path} cannot be read ({exc.strerror or exc})") from exc
    except Exception as exc:  # a damaged font file fails in the parser in many ways
        raise PdfFontMissing(f"{path} is not a TrueType font the PDF can embed ({exc})") from exc
    missing = [c for c in REQUIRED_CHARACTERS if ord(c) not in font.face.charToGlyph]
    if missing:
        raise PdfFontMissing(f"{path} has no glyphs for {''.join(missing)!r}")
    return font


def _font_name(path: Path) -> str:
    # One registered name per file: the setting may name another file in the same process.
    return "Manifest-" + hashlib.sha256(str(path).encode()).hexdigest()[:12]


def _in_directories(directories: Iterable[str]) -> list[Path]:
    found: dict[str, list[Path]] = {}
    for directory in directories:
        for root, _, files in os.walk(Path(directory).expanduser()):
            for name in files:
                if name in PREFERRED:
                    found.setdefault(name, []).append(Path(root) / name)
    return [path for name in PREFERRED for path in sorted(found.get(name, []))]


def _from_fontconfig() -> list[Path]:
    """fontconfig's TrueType fonts with Hangul, regular styles first."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        listed = subprocess.run(
            [fc_list, "-f", "%{file}\t%{style}\n", ":lang=ko:fontformat=TrueType"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    fonts = {}
    for line in listed.splitlines():
        file, _, style = line.partition("\t")
        if file:
            fonts[file] = "Regular" in style.split(",")
    return [Path(file) for file in sorted(fonts, key=lambda f: (not fonts[f], f))]


def candidates(
    directories: Sequence[str] = FONT_DIRECTORIES, *, fontconfig: bool = True
) -> Iterator[Path]:
    """The system's fonts that may do, best first (each still to be checked)."""
    seen = set()
    for path in [*_in_directories(directories), *(_from_fontconfig() if fontconfig else [])]:
        if path not in seen:
            seen.add(path)
            yield path


def find_font(
    setting: str = "", directories: Sequence[str] = FONT_DIRECTORIES, *, fontconfig: bool = True
) -> TTFont:
    """The font to embed: the one ``setting`` names (CONSULAR_PDF_FONT), else the system's best.

    Raises ``PdfFontMissing`` with what to install or set when no font does.
    """
    if setting:
        try:
            return _checked(Path(setting).expanduser())
        except PdfFontMissing as exc:
            raise PdfFontMissing(
                f"CONSULAR_PDF_FONT cannot be used for the manifest PDF: {exc}; {INSTALL_HINT}"
            ) from exc
    for path in candidates(directories, fontconfig=fontconfig):
        try:
            return _checked(path)
        except PdfFontMissing:
            continue
    raise PdfFontMissing(f"no font with Hangul and Latin for the manifest PDF; {INSTALL_HINT}")


@lru_cache(maxsize=4)
def registered_font(setting: str) -> str:
    """The name of the embedded font, registered once per process (a failure is not kept)."""
    try:
        font = find_font(setting)
    except PdfFontMissing as exc:
        # The officer is told the server lacks a font; the operator reads which and why here.
        logger.error("%s", exc)
        raise
    logger.info("the manifest PDF embeds %s", font.face.filename)
    pdfmetrics.registerFont(font)
    return str(font.fontName)
