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


def test_the_first_demo_shopper_who_asks_to_pool_is_matched_with_the_waiting_one(
    django_capture_on_commit_callbacks,
):
    import io
    from datetime import timedelta

    from django.utils import timezone

    from groupbuy.accounts.models import User
    from groupbuy.demo_data import SHOPPER, SHOPPER_2, load_demo
    from groupbuy.pooling import services
    from groupbuy.pooling.demo import WAITING_FEN, load_demo_data
    from groupbuy.pooling.models import PoolRequest

    load_demo()
    for _ in range(2):  # make demo runs again: one waiting request
        load_demo_data(stdout=io.StringIO())
    (waiting,) = PoolRequest.objects.filter(state=PoolRequest.State.OPEN)
    assert (waiting.user.phone, waiting.amount_fen) == (SHOPPER_2.phone, WAITING_FEN)
    # when the first shopper asks to pool ¥50 at the same branch
    with django_capture_on_commit_callbacks(execute=True):
        mine = services.pool_request_create(
            actor=User.objects.get(phone=SHOPPER.phone),
            promotion=waiting.promotion,
            branch=waiting.branch,
            amount_fen=5_000,
            deadline_at=timezone.now() + timedelta(hours=1),
        )
    # then both are suggested one pool
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.state == waiting.state == PoolRequest.State.SUGGESTED
