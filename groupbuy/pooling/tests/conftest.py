"""Fixtures several pooling test modules share (a module may define its own)."""

import pytest

from groupbuy.pooling.tests.factories import make_promotion, make_shop


@pytest.fixture
def shop():
    """A merchant with a branch, its owner, and a promotion running there."""
    merchant, branch, owner = make_shop()
    promotion = make_promotion(merchant=merchant, owner=owner)
    return merchant, branch, owner, promotion
