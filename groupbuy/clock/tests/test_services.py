"""The server's clock judges deadlines: how late, in milliseconds."""

from datetime import UTC, datetime, timedelta

import pytest

from groupbuy.clock.services import deadline_event, epoch_ms, late_by_ms

DEADLINE = datetime(2026, 12, 2, 5, 0, 0, tzinfo=UTC)
DEADLINE_NS = int(DEADLINE.timestamp()) * 1_000_000_000


def test_a_deadline_not_reached_is_late_by_nothing():
    assert late_by_ms(DEADLINE, now_ns=DEADLINE_NS - 1) == 0
    assert late_by_ms(DEADLINE, now_ns=DEADLINE_NS - 5_000_000_000) == 0


def test_a_passed_deadline_is_late_by_whole_milliseconds():
    assert late_by_ms(DEADLINE, now_ns=DEADLINE_NS) == 0
    assert late_by_ms(DEADLINE, now_ns=DEADLINE_NS + 999_999) == 0
    assert late_by_ms(DEADLINE, now_ns=DEADLINE_NS + 1_000_000) == 1
    assert late_by_ms(DEADLINE, now_ns=DEADLINE_NS + 1_234_567_891) == 1234


def test_sub_millisecond_deadlines_count():
    deadline = DEADLINE + timedelta(microseconds=500)
    assert late_by_ms(deadline, now_ns=DEADLINE_NS + 1_400_000) == 0
    assert late_by_ms(deadline, now_ns=DEADLINE_NS + 1_500_000) == 1


def test_the_moment_a_service_judged_by_can_be_given():
    now = DEADLINE + timedelta(seconds=2, microseconds=345_999)
    assert late_by_ms(DEADLINE, now=now) == 2345
    assert late_by_ms(DEADLINE, now=DEADLINE - timedelta(microseconds=1)) == 0


def test_without_now_the_servers_clock_is_used():
    assert late_by_ms(datetime.now(UTC) - timedelta(seconds=3)) >= 3000
    assert late_by_ms(datetime.now(UTC) + timedelta(seconds=3)) == 0


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        late_by_ms(datetime(2026, 12, 2, 5, 0, 0))
    with pytest.raises(ValueError):
        epoch_ms(datetime(2026, 12, 2, 5, 0, 0))


def test_the_deadline_event_carries_absolute_epoch_ms_and_its_send_time():
    event = deadline_event(deal_id="deal_abc", deadline=DEADLINE, reason="extended")
    sent_ms = event.pop("sent_ms")
    assert event == {
        "type": "deal.deadline",
        "deal_id": "deal_abc",
        "deadline_ms": 1796187600000,
        "reason": "extended",
    }
    assert abs(sent_ms - datetime.now(UTC).timestamp() * 1000) < 5_000
