"""Demo data for pooled orders."""

import pytest

pytestmark = pytest.mark.django_db


def test_demo_data_publishes_one_promotion_however_often_loaded():
    import io

    from groupbuy.demo_data import load_demo
    from groupbuy.pooling.demo import load_demo_data
    from groupbuy.pooling.models import Promotion

    load_demo()
    for _ in range(2):
        load_demo_data(stdout=io.StringIO())
    assert Promotion.objects.count() == 1
