"""The CJK font is cut down once, parsed once per process, and every PDF still
embeds its own glyphs: one after the other, at the same time, byte for byte as
the whole face made them."""

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
def test_a_pdf_is_byte_for_byte_what_fpdf2s_add_font_makes_of_the_whole_face():
    # given a document made with fpdf2's own add_font of the whole face
    text = "海南香蕉 2 斤装 · 券号 0001 ×3 ¥12.50"
    expected = _whole_face_pdf(text)
    # when the same document is made twice as the coupons' PDFs are made
    # (the face's common characters, cut out once, parsed once)
    first, second = (_fixed_date_pdf(text) for _ in range(2))
    # then both are the same bytes: the same glyphs, widths, names and text
    assert first == expected
    assert second == expected


@needs_cjk_font
def test_a_line_with_a_rare_character_is_drawn_from_the_whole_face():
    # given names with characters outside GB 2312 (喆, 堃), as people have
    common, rare = "海南香蕉 2 斤装", "张喆的堃记果园"
    # when a PDF has a common line and that one
    pdf, _ = pdfs._document()
    pdfs._line(pdf, common)
    pdfs._line(pdf, rare)
    made = bytes(pdf.output())
    # then every glyph is embedded: the rare line's from the whole face
    assert set(pdf.fonts) == {pdf_fonts.COMMON, pdf_fonts.WHOLE}
    assert _embedded(made) == _expected(common + rare)


@needs_cjk_font
def test_the_common_characters_are_cut_out_once_into_the_data_directory(
    settings, tmp_path
):
    # given a new data directory
    settings.DATA_DIR = tmp_path
    # when two PDFs are made
    pdfs._document()
    (cut,) = (tmp_path / "fonts").iterdir()
    written = cut.stat().st_mtime_ns
    pdf, _ = pdfs._document()
    # then the second uses the file the first cut out, and nothing else is there
    assert pdf.fonts[pdf_fonts.COMMON].ttffile == cut
    assert [*(tmp_path / "fonts").iterdir()] == [cut]
    assert cut.stat().st_mtime_ns == written


@needs_cjk_font
def test_without_a_writable_data_directory_the_pdfs_use_the_whole_face(
    settings, tmp_path
):
    # given a data directory that is a file: nothing can be written in it
    settings.DATA_DIR = tmp_path / "a-file"
    settings.DATA_DIR.write_text("")
    # when a PDF is made
    made = _pdf_of("海南香蕉")
    # then it is drawn from the whole face, with its glyphs
    assert _embedded(made) == _expected("海南香蕉")


@needs_cjk_font
def test_the_font_is_parsed_once_and_each_pdf_has_its_own_subset():
    # when two documents are started
    one, _ = pdfs._document()
    other, _ = pdfs._document()
    # then they share what was parsed, and not what a document writes
    one, other = one.fonts[pdf_fonts.COMMON], other.fonts[pdf_fonts.COMMON]
    assert one.cmap is other.cmap
    assert one.ttfont is not other.ttfont
    assert one.subset is not other.subset
    assert one.cw is not other.cw


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
    pdfs._line(pdf, text)
    return bytes(pdf.output())


def _fixed_date_pdf(text: str) -> bytes:
    pdf, _ = pdfs._document()
    pdf.set_creation_date(datetime(2026, 12, 7, tzinfo=UTC))
    pdfs._line(pdf, text)
    return bytes(pdf.output())


def _whole_face_pdf(text: str) -> bytes:
    """What pdfs._document and _line did until 2026-12-07."""
    pdf = FPDF(format=(148, 210))
    pdf.set_creation_date(datetime(2026, 12, 7, tzinfo=UTC))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    font, number = _whole_face()
    pdf.add_font("cjk", fname=font, collection_font_number=number)
    pdf.set_font("cjk", size=11)
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _whole_face() -> tuple[str, int]:
    font = pdfs.cjk_font()
    return font, 2 if font.endswith(".ttc") and "Noto" in font else 0


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
    font, number = _whole_face()
    with ttLib.TTFont(font, fontNumber=number, lazy=True) as parsed:
        return parsed.getBestCmap()
