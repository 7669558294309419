"""The join benchmark's lock timer: off by default, one line per committed join."""

import pytest
from django.test import override_settings

from groupbuy.deals.services import deal_join
from groupbuy.deals.tests.factories import make_deal, make_user

pytestmark = pytest.mark.django_db


def test_a_committed_join_records_how_long_it_held_the_deal_lock(
    tmp_path, django_capture_on_commit_callbacks
):
    timings = tmp_path / "locks.txt"
    deal = make_deal()
    with (
        override_settings(GROUPBUY_LOCK_TIMING_FILE=str(timings)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        deal_join(actor=make_user(), deal=deal, quantity=1)
    lines = timings.read_text().splitlines()
    assert len(lines) == 1
    assert 0 < float(lines[0]) < 10_000


def test_without_the_setting_nothing_is_recorded(
    tmp_path, django_capture_on_commit_callbacks
):
    deal = make_deal()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        deal_join(actor=make_user(), deal=deal, quantity=1)
    assert all("record" not in repr(callback) for callback in callbacks)
    assert list(tmp_path.iterdir()) == []
