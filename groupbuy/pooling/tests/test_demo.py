"""Demo data for pooled orders."""

import pytest

pytestmark = pytest.mark.django_db


def test_demo_data_publishes_its_promotions_once_however_often_loaded():
    import io

    from groupbuy.demo_data import load_demo
    from groupbuy.pooling.demo import load_demo_data
    from groupbuy.pooling.models import Promotion

    load_demo()
    for _ in range(2):
        load_demo_data(stdout=io.StringIO())
    assert sorted(Promotion.objects.values_list("kind", flat=True)) == [
        "n_for_m",
        "threshold",
    ]
