"""The CJK font of the printable PDFs: cut down once, parsed once per process.

fpdf2's ``FPDF.add_font`` parses the whole font for every document: for Noto
Sans CJK (65,535 glyphs) it decompiles the character map, the glyph order and
the widths of every glyph, about 0.3 s of CPU each time. What it derives from
them (``cmap``, ``glyph_ids``, widths, the PDF font descriptor) never changes,
so it is worked out once per process here and shared; each document gets its
own copy of the parts a document changes:

- ``ttfont``, a fresh lazily opened fontTools font: fpdf2 subsets it *in
  place* when it writes the PDF, then closes it, so it can never be shared;
- ``subset`` (the glyphs this document uses), ``missing_glyphs``,
  ``biggest_size_pt``, the HarfBuzz font and ``cw`` (a ``defaultdict`` that
  grows on every lookup of a character the font lacks).

Every attribute of fpdf2's ``TTFFont`` is named below as shared or per
document; a version of fpdf2 that adds one fails
``test_pdf_fonts.py::test_every_attribute_of_fpdf2s_font_is_known`` rather than
sharing it silently. Another test checks that a document made here is byte for
byte the document ``add_font`` makes.

Parsing once is not enough: when fpdf2 writes a PDF, fontTools subsets the
document's copy of the face, reading every glyph's offset, width and charstring
subroutine: 0.3-0.4 s of CPU for 65,535 glyphs whatever the few the PDF uses.
So the face's common characters (Latin, punctuation and symbols, and the 7,445
characters of GB 2312, its 6,763 hanzi among them: 7,656 glyphs) are cut out
once into ``DATA_DIR/fonts/`` (about 3.5 s, at the first PDF a data directory
ever makes), and the family ``cjk`` draws from that. A line with a character
outside it is drawn with the whole face (family ``cjk-whole``, added to the
document only then). The glyphs are the same glyphs: a PDF whose text is all
common is byte for byte the PDF the whole face makes (tested).
"""

from __future__ import annotations

import copy
import hashlib
import logging
import os
import tempfile
import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import fontTools
from django.conf import settings
from fontTools import subset, ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

logger = logging.getLogger(__name__)

COMMON = "cjk"
WHOLE = "cjk-whole"
# Part of the cut font's file name: a change to what is cut out makes a new one.
COMMON_CHARACTERS_VERSION = 1
# Latin with its accents, general punctuation, currency, arrows, maths and
# other symbols, CJK punctuation and kana, full-width forms.
COMMON_RANGES = ((0x20, 0x2FF), (0x2000, 0x2BFF), (0x3000, 0x30FF), (0xFF00, 0xFFEF))
# The tables fpdf2's output drops from every subset it embeds (output.py).
UNUSED_TABLES = ["FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta"]

# Read-only once parsed: shared by every document of the process.
SHARED_ATTRIBUTES = frozenset(
    {
        "type",
        "name",
        "desc",
        "glyph_ids",
        "sp",
        "ss",
        "up",
        "ut",
        "ttffile",
        "emphasis",
        "scale",
        "cmap",
        "unicode_range",
        "palette_index",
        "is_compressed",
        "is_cff",
        "is_cid_keyed",
        "is_symbol",
        "cff_ros",
        "collection_font_number",
    }
)
# Written while a document is made or output: one of each per document.
PER_DOCUMENT_ATTRIBUTES = frozenset(
    {
        "i",
        "fontkey",
        "ttfont",
        "_hbfont",
        "cw",
        "subset",
        "missing_glyphs",
        "biggest_size_pt",
        "color_font",
    }
)

_parsed: dict[tuple[str, int], TTFFont] = {}
_parsing = threading.Lock()


def add_shared_font(
    pdf: FPDF, *, family: str, path: str | Path, collection_font_number: int = 0
) -> None:
    """Make ``family`` drawable in ``pdf`` as ``pdf.add_font`` would, without
    parsing the font again if this process has parsed it before."""
    parsed = _parsed_font(str(path), collection_font_number)
    if parsed is None:
        pdf.add_font(family, fname=path, collection_font_number=collection_font_number)
        return
    font = copy.copy(parsed)  # shares every attribute; the next lines replace
    font.i = len(pdf.fonts) + 1
    font.fontkey = family.lower()
    font.ttfont = _open(parsed.ttffile, collection_font_number)
    font._hbfont = None
    font.cw = defaultdict(parsed.cw.default_factory, parsed.cw)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.color_font = None
    font.subset = SubsetMap(font)
    pdf.fonts[font.fontkey] = font
    if font.is_cff and font.is_cid_keyed:
        # What add_font does for a CID-keyed CFF font such as Noto CJK.
        pdf._set_min_pdf_version("1.6")


def _parsed_font(path: str, collection_font_number: int) -> TTFFont | None:
    """The process's parsed font, or None where it cannot be shared: a colour
    font (its Type 3 drawing belongs to one document) or a WOFF file (fpdf2
    converts what it opened)."""
    key = (path, collection_font_number)
    with _parsing:  # one parse even when the first PDFs are asked for at once
        if key not in _parsed:
            scratch = FPDF()
            scratch.add_font("shared", fname=path, collection_font_number=key[1])
            parsed = scratch.fonts["shared"]
            parsed.ttfont.close()  # each document opens its own
            _parsed[key] = parsed
    parsed = _parsed[key]
    if parsed.color_font is not None or parsed.is_compressed:
        return None
    return parsed


def _open(path: Path, collection_font_number: int) -> ttLib.TTFont:
    # The arguments TTFFont.__init__ opens the font with: the embedded subset
    # is then the one add_font would embed (the byte-for-byte test checks it).
    return ttLib.TTFont(
        path, recalcTimestamp=False, fontNumber=collection_font_number, lazy=True
    )


@dataclass(frozen=True)
class CjkFace:
    """A CJK face (``collection_font_number`` of ``path``) and, when it could
    be made, the file of its common characters."""

    path: str
    collection_font_number: int
    common: Path | None


def cjk_face(path: str, collection_font_number: int) -> CjkFace:
    return CjkFace(
        path, collection_font_number, _common_file(path, collection_font_number)
    )


def add_cjk_font(pdf: FPDF, face: CjkFace) -> None:
    """Add the family ``cjk``: the face's common characters, or the whole face
    where they could not be cut out."""
    if face.common:
        add_shared_font(pdf, family=COMMON, path=face.common)
    else:
        add_shared_font(
            pdf,
            family=COMMON,
            path=face.path,
            collection_font_number=face.collection_font_number,
        )


def set_cjk_font_for(pdf: FPDF, face: CjkFace, text: str) -> None:
    """Draw ``text`` next with the common characters if they hold all of it,
    else with the whole face, at the current size."""
    family = COMMON
    common = face.common and _parsed_font(str(face.common), 0)
    if common and not _covers(common, text):
        if WHOLE not in pdf.fonts:
            add_shared_font(
                pdf,
                family=WHOLE,
                path=face.path,
                collection_font_number=face.collection_font_number,
            )
        family = WHOLE
    if pdf.font_family != family:
        pdf.set_font(family, size=pdf.font_size_pt)


def _covers(font: TTFFont, text: str) -> bool:
    return all(ord(character) in font.cmap for character in text if character != "\n")


def common_characters() -> set[int]:
    characters = {code for low, high in COMMON_RANGES for code in range(low, high + 1)}
    for first in range(0xA1, 0xF8):  # GB 2312's two-byte rows
        for second in range(0xA1, 0xFF):
            try:
                characters.add(ord(bytes((first, second)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return characters


def _common_file(path: str, collection_font_number: int) -> Path | None:
    """The face's common characters, cut out at first use into the data
    directory (named after the face's file, size and time, fontTools' version
    and what is cut out: a new font or fontTools makes a new one)."""
    source = Path(path)
    stat = source.stat()
    key = (
        f"{source.resolve()}|{collection_font_number}|{stat.st_size}|"
        f"{stat.st_mtime_ns}|{fontTools.version}|{COMMON_CHARACTERS_VERSION}"
    )
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    name = f"{source.stem}-{collection_font_number}-common-{digest}.otf"
    target = Path(settings.DATA_DIR) / "fonts" / name
    if target.is_file():
        return target
    with _cutting:  # one cut per process; two processes each write a whole file
        if not target.is_file():
            try:
                _cut_common(source, collection_font_number, target)
            except OSError:
                logger.warning("cannot write %s: PDFs use the whole font", target)
                return None
    return target


def _cut_common(source: Path, collection_font_number: int, target: Path) -> None:
    options = subset.Options(
        notdef_outline=True,  # as fpdf2 subsets: an empty box for a missing glyph
        recommended_glyphs=True,
        layout_features=[],
        name_IDs=["*"],  # the name fpdf2 reads for the PDF's font name
        name_languages=["*"],
        name_legacy=True,
    )
    options.drop_tables += UNUSED_TABLES
    with ttLib.TTFont(
        source, fontNumber=collection_font_number, lazy=True, recalcTimestamp=False
    ) as font:
        present = font.getBestCmap()
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=common_characters() & present.keys())
        subsetter.subset(font)
        # The whole face's bounding box, which fpdf2 writes as the PDF's
        # FontBBox: the cut-out face then describes itself as the whole one.
        font.recalcBBoxes = False
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=target.parent, suffix=".otf.part", delete=False
        ) as part:
            try:
                font.save(part)
            except BaseException:
                os.unlink(part.name)
                raise
    os.chmod(part.name, 0o644)  # as the font it was cut from: anyone may read it
    os.replace(part.name, target)  # whole or not at all, for other processes


_cutting = threading.Lock()
