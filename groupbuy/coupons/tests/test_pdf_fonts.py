"""The CJK font is parsed once per process and every PDF still embeds its own
glyphs: one after the other, at the same time, byte for byte as before."""

from __future__ import annotations

import functools
import io
import re
import threading
import zlib
from datetime import UTC, datetime

import pytest
from fontTools import ttLib
from fontTools.cffLib import CFFFontSet
from fpdf import FPDF
from fpdf.fonts import TTFFont

from groupbuy.coupons import pdf_fonts, pdfs

needs_cjk_font = pytest.mark.skipif(pdfs.cjk_font() is None, reason="no CJK font")


def test_every_attribute_of_fpdf2s_font_is_known():
    # given fpdf2's font object, whose attributes the PDFs share or copy
    # then each is named as shared or per document: an fpdf2 that adds one
    # must be looked at before it is shared between documents by accident
    known = pdf_fonts.SHARED_ATTRIBUTES | pdf_fonts.PER_DOCUMENT_ATTRIBUTES
    assert set(TTFFont.__slots__) == known
    assert not pdf_fonts.SHARED_ATTRIBUTES & pdf_fonts.PER_DOCUMENT_ATTRIBUTES


@needs_cjk_font
def test_a_pdf_is_byte_for_byte_what_fpdf2s_add_font_makes():
    # given a document made with fpdf2's own add_font, which parses the font
    text = "海南香蕉 2 斤装 · Serial 0001"
    expected = _fixed_date_pdf(text, shared=False)
    # when the same document is made twice with the font parsed once
    first, second = (_fixed_date_pdf(text, shared=True) for _ in range(2))
    # then both are the same bytes: the same font subset, widths and text
    assert first == expected
    assert second == expected


@needs_cjk_font
def test_the_font_is_parsed_once_and_each_pdf_has_its_own_subset():
    # when two documents are started
    one, _ = pdfs._document()
    other, _ = pdfs._document()
    # then they share what was parsed, and not what a document writes
    assert one.fonts["cjk"].cmap is other.fonts["cjk"].cmap
    assert one.fonts["cjk"].ttfont is not other.fonts["cjk"].ttfont
    assert one.fonts["cjk"].subset is not other.fonts["cjk"].subset
    assert one.fonts["cjk"].cw is not other.fonts["cjk"].cw


@needs_cjk_font
def test_pdfs_made_one_after_the_other_each_embed_the_glyphs_they_use():
    # given the font already used (and subset) by an earlier PDF
    texts = ["海南香蕉 2 斤装", "东北大米 5 公斤", "云南小粒咖啡豆"]
    # when PDFs with different Chinese texts are made one after the other
    made = [_pdf_of(text) for text in texts]
    # then each embeds exactly the glyphs of its own text, mapped back to it
    for text, pdf in zip(texts, made, strict=True):
        assert _embedded(pdf) == _expected(text)


@needs_cjk_font
def test_pdfs_made_at_the_same_time_each_embed_their_own_glyphs():
    # given eight threads, as the ASGI server runs views, and a fresh process
    pdf_fonts._parsed.clear()
    texts = ["海南香蕉", "东北大米", "云南咖啡", "新疆红枣", "宁夏枸杞", "福建铁观音"]
    texts += ["西湖龙井", "阳澄湖大闸蟹"]
    start = threading.Barrier(len(texts))
    made: dict[str, bytes] = {}

    def make(text: str) -> None:
        start.wait()
        made[text] = _pdf_of(f"{text} ×2")

    # when each makes a PDF with its own Chinese text at once
    threads = [threading.Thread(target=make, args=(text,)) for text in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then every PDF embeds its own glyphs and no other's
    assert sorted(made) == sorted(texts)
    for text, pdf in made.items():
        assert _embedded(pdf) == _expected(f"{text} ×2")


def _pdf_of(text: str) -> bytes:
    pdf, unicode_ok = pdfs._document()
    assert unicode_ok
    pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def _fixed_date_pdf(text: str, *, shared: bool) -> bytes:
    pdf = FPDF(format=(148, 210))
    pdf.set_creation_date(datetime(2026, 12, 7, tzinfo=UTC))
    pdf.add_page()
    font = pdfs.cjk_font()
    number = 2 if font.endswith(".ttc") and "Noto" in font else 0
    if shared:
        pdf_fonts.add_shared_font(
            pdf, family="cjk", path=font, collection_font_number=number
        )
    else:
        pdf.add_font("cjk", fname=font, collection_font_number=number)
    pdf.set_font("cjk", size=11)
    pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def _embedded(pdf: bytes) -> tuple[set[str], set[str]]:
    """The characters a PDF's text maps back to (its ToUnicode map) and the
    glyphs its embedded CFF font holds."""
    characters: set[str] = set()
    glyphs: set[str] = set()
    for match in re.finditer(rb"stream\n(.*?)\nendstream", pdf, re.S):
        data = _inflate(match.group(1))
        if mappings := re.search(rb"beginbfchar\n(.*?)endbfchar", data, re.S):
            for code in re.findall(rb"<[0-9A-F]+> <([0-9A-F]+)>", mappings[1]):
                characters.add(bytes.fromhex(code.decode()).decode("utf-16-be"))
        elif data.startswith(b"\x01\x00"):  # a bare CFF font (FontFile3)
            cff = CFFFontSet()
            cff.decompile(io.BytesIO(data), None)
            glyphs.update(cff[cff.fontNames[0]].charset)
    characters.discard("\0")
    return characters, glyphs


def _inflate(data: bytes) -> bytes:
    try:
        return zlib.decompress(data)
    except zlib.error:
        return data


def _expected(text: str) -> tuple[set[str], set[str]]:
    characters = set(text) | {" "}  # fpdf2 reserves the space in every subset
    cmap = _font_cmap()
    return characters, {".notdef"} | {cmap[ord(each)] for each in characters}


@functools.cache
def _font_cmap() -> dict[int, str]:
    """The font's own character map, read by fontTools apart from fpdf2."""
    font = pdfs.cjk_font()
    number = 2 if font.endswith(".ttc") and "Noto" in font else 0
    with ttLib.TTFont(font, fontNumber=number, lazy=True) as parsed:
        return parsed.getBestCmap()
