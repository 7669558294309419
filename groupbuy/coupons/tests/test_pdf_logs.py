"""A printable coupon or statement does not flood the log."""

from __future__ import annotations

import logging

import pytest

from groupbuy.coupons import pdfs


@pytest.mark.skipif(pdfs.cjk_font() is None, reason="no CJK font to subset")
def test_a_pdf_with_chinese_text_logs_nothing_of_its_font_subsetting(caplog):
    # given the site's logging, which speaks at INFO
    with caplog.at_level(logging.INFO):
        # when a PDF with Chinese text is written (its font is subset)
        pdf, unicode_ok = pdfs._document()
        pdf.cell(text="海南香蕉 2 斤装")
        assert unicode_ok and bytes(pdf.output()).startswith(b"%PDF")
    # then fontTools' report of every table it pruned is not in it
    assert not [r for r in caplog.records if r.name.startswith("fontTools")]
