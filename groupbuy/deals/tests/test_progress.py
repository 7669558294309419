"""Progress pushes are coalesced: a few a second per deal, ending on the truth."""

from uuid import uuid4

import pytest
from django.test import override_settings

from groupbuy.deals import progress
from groupbuy.deals.services import deal_join
from groupbuy.deals.tests.factories import make_deal, make_user

pytestmark = [
    pytest.mark.django_db,
    # The production default; the test settings push every change at once.
    pytest.mark.usefixtures("default_rate"),
]


class FakeClock:
    def __init__(self, start: float):
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def default_rate(settings):
    settings.GROUPBUY_PROGRESS_PUSHES_PER_SECOND = progress.DEFAULT_PUSHES_PER_SECOND


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock(start=1_000_000.0)
    monkeypatch.setattr(progress, "_now", fake)
    return fake


@pytest.fixture
def timers(monkeypatch):
    """Collect trailing pushes instead of starting timer threads."""
    due: list[tuple[float, object, tuple]] = []
    monkeypatch.setattr(
        progress,
        "schedule_trailing",
        lambda delay, func, *args: due.append((progress._now() + delay, func, args)),
    )
    return due


def _fire_due(timers, clock) -> None:
    for when, func, args in sorted(timers, key=lambda timer: timer[0]):
        clock.now = max(clock.now, when)
        func(*args)
    timers.clear()


def test_a_burst_of_joins_sends_a_few_pushes_ending_with_the_final_state(
    django_capture_on_commit_callbacks, pushes, clock, timers
):
    # given an open deal and 50 shoppers joining within half a second
    deal = make_deal(stock=100, max_quantity_per_order=1)
    shoppers = [make_user() for _ in range(50)]
    # when they all join, 10 ms apart
    for shopper in shoppers:
        with django_capture_on_commit_callbacks(execute=True):
            deal_join(actor=shopper, deal=deal, quantity=1)
        clock.now += 0.01
    _fire_due(timers, clock)
    # then watchers got one push per quarter-second slot, not 50
    progress_events = [
        event for _id, event in pushes if event["type"] == "deal.progress"
    ]
    assert 2 <= len(progress_events) <= 3
    # and the last one is the final state
    assert progress_events[-1]["units_sold"] == 50


def test_a_change_after_the_slot_was_used_is_pushed_at_the_next_slot(
    django_capture_on_commit_callbacks, pushes, clock, timers
):
    # given a deal whose progress was just pushed
    deal = make_deal(stock=10)
    with django_capture_on_commit_callbacks(execute=True):
        deal_join(actor=make_user(), deal=deal, quantity=1)
    assert [event["units_sold"] for _id, event in pushes] == [1]
    # when two more join within the same quarter second
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            deal_join(actor=make_user(), deal=deal, quantity=1)
    # then nothing more is sent yet, and exactly one trailing push is due
    assert len(pushes) == 1
    assert len(timers) == 1
    _fire_due(timers, clock)
    assert [event["units_sold"] for _id, event in pushes] == [1, 3]


def test_the_trailing_push_stands_down_when_a_newer_push_took_its_slot(
    pushes, clock, timers
):
    # given a push now and a trailing one due at the next slot
    deal_x = "deal_x_" + uuid4().hex
    sent = []
    progress.progress_push(deal_x, send=sent.append)
    progress.progress_push(deal_x, send=sent.append)
    assert (sent, len(timers)) == ([deal_x], 1)
    # when a change arrives at the start of the next slot, before the timer
    clock.now = timers[0][0]
    progress.progress_push(deal_x, send=sent.append)
    _fire_due(timers, clock)
    # then the timer sends nothing more: the immediate push read a newer state
    assert sent == [deal_x, deal_x]


@override_settings(GROUPBUY_PROGRESS_PUSHES_PER_SECOND=0)
def test_a_rate_of_zero_pushes_every_change(clock, timers):
    deal_y, sent = "deal_y_" + uuid4().hex, []
    for _ in range(5):
        progress.progress_push(deal_y, send=sent.append)
    assert (len(sent), timers) == (5, [])


@override_settings(GROUPBUY_PROGRESS_PUSHES_PER_SECOND=2)
def test_the_rate_is_a_setting(clock, timers):
    # given two pushes per second, changes every 0.1 s for 2 s
    deal_z, sent = "deal_z_" + uuid4().hex, []
    for _ in range(20):
        progress.progress_push(deal_z, send=sent.append)
        clock.now += 0.1
    _fire_due(timers, clock)
    # then 4 or 5 were sent (one per half-second slot, plus the trailing one)
    assert 4 <= len(sent) <= 5
