"""The CJK font of the printable PDFs, parsed once per process.

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
"""

from __future__ import annotations

import copy
import threading
from collections import defaultdict
from pathlib import Path

from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

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
