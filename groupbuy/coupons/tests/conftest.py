from pathlib import Path

import pytest

from groupbuy.deals.tests.conftest import file_database  # noqa: F401 - shared fixture


@pytest.fixture(scope="session", autouse=True)
def cut_cjk_font_once_per_machine():
    """The PDFs' cut-down CJK font in this process's data directory before the
    first coupon test, cut once per machine, not once per pytest process
    (tests/support/fonts.py); test_pdf_fonts.py cuts one itself."""
    from django.conf import settings

    from tests.support.fonts import seed_cut_cjk_font

    seed_cut_cjk_font(Path(settings.DATA_DIR))
