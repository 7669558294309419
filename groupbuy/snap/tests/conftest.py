"""Fixtures of snap's platform tests (the recognition tests need none)."""

from __future__ import annotations

import pytest


@pytest.fixture
def media_root(settings, tmp_path):
    """Store uploads in a directory of this test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def fresh_recogniser():
    """Make the process's engine notice the catalog this test made."""
    from groupbuy.snap.engine import get_recogniser

    get_recogniser().invalidate()
    yield
    get_recogniser().invalidate()
