"""Races on the demand counter: threads on SQLite, real row locks on PostgreSQL.

The in-memory SQLite test database reports a locked table at once instead of
waiting like the real database file does, so each racer retries on "locked"
(see ``helpers.run_together``); the PostgreSQL runs (``-m postgres``) wait on
each other's locks for real.
"""

from __future__ import annotations

import pytest

from groupbuy.catalog.tests.factories import make_operator, make_product, make_user
from groupbuy.notify.models import Notification
from groupbuy.snap.models import DemandRequest, DemandSignal
from groupbuy.snap.services import demand_record, snap_alternative_choose, snap_submit
from groupbuy.snap.tests.helpers import (
    FakeRecogniser,
    barcode_read,
    make_open_deal,
    name_guess,
    run_together,
    upload,
)

pytestmark = pytest.mark.django_db(transaction=True)


def concurrent_first_snaps_all_count():
    # given: several people snap a product nobody asked for yet, at once
    product = make_product()
    shoppers = [make_user() for _ in range(4)]
    # when
    run_together(lambda i: demand_record(actor=shoppers[i], product=product), 4)
    # then
    signal = DemandSignal.objects.get()
    assert signal.count == 3
    assert DemandRequest.objects.filter(signal=signal).count() == 4


def concurrent_snaps_past_the_threshold_alert_once(settings):
    # given: the next person passes the threshold, and several snap at once
    settings.GROUPBUY_DEMAND_THRESHOLD = 2
    operator = make_operator()
    product = make_product()
    demand_record(actor=make_user(), product=product)
    shoppers = [make_user() for _ in range(4)]
    # when
    run_together(lambda i: demand_record(actor=shoppers[i], product=product), 4)
    # then
    assert DemandSignal.objects.get().count == 4
    alerts = Notification.objects.filter(
        kind="snap.demand.threshold_passed", recipient=operator
    )
    assert alerts.count() == 1


def snaps_racing_a_launch_are_told_or_not_counted():
    # given: people asked; a deal opens while others snap
    product = make_product()
    early = make_user()
    demand_record(actor=early, product=product)
    racers = [make_user() for _ in range(3)]

    def snap_or_launch(index: int):
        if index == len(racers):
            return make_open_deal(product)
        return demand_record(actor=racers[index], product=product)

    # when
    run_together(snap_or_launch, 4)
    # then: everyone counted in the launched round was told, once
    signal = DemandSignal.objects.get(fulfilled_at__isnull=False)
    counted = set(signal.requests.values_list("user_id", flat=True))
    told = set(
        Notification.objects.filter(kind="snap.demand.deal_launched").values_list(
            "recipient_id", flat=True
        )
    )
    assert early.pk in counted
    assert told == counted
    assert not DemandRequest.objects.filter(
        signal=signal, notified_at__isnull=True
    ).exists()
    assert not DemandSignal.objects.filter(fulfilled_at__isnull=True).exists()


def corrections_racing_new_askers_keep_the_counters_right():
    # given three shoppers whose snaps named a product wrongly at once
    wrong, right = make_product(), make_product()
    recogniser = FakeRecogniser(
        barcode_read(wrong),
        name_guess(right, 0.6),
    )
    correcting = [make_user() for _ in range(3)]
    snaps = [
        snap_submit(actor=shopper, upload=upload(), recogniser=recogniser).snap
        for shopper in correcting
    ]
    asking = [make_user() for _ in range(3)]

    def correct_or_ask(index: int):
        if index < len(snaps):
            return snap_alternative_choose(
                actor=correcting[index], snap=snaps[index], product=right
            )
        return demand_record(actor=asking[index - len(snaps)], product=wrong)

    # when they correct them while three others ask for that product
    run_together(correct_or_ask, 6)
    # then each counter counts exactly the people asking for its product
    for product, people in ((wrong, asking), (right, correcting)):
        signal = DemandSignal.objects.get(product=product)
        assert set(signal.requests.values_list("user_id", flat=True)) == {
            person.pk for person in people
        }
        assert signal.count == len(people) - 1


def test_concurrent_first_snaps_all_count():
    concurrent_first_snaps_all_count()


def test_concurrent_snaps_past_the_threshold_alert_operators_once(settings):
    concurrent_snaps_past_the_threshold_alert_once(settings)


def test_snaps_racing_a_launch_are_told_or_not_counted():
    snaps_racing_a_launch_are_told_or_not_counted()


@pytest.mark.usefixtures("media_root")
def test_corrections_racing_new_askers_keep_the_counters_right():
    corrections_racing_new_askers_keep_the_counters_right()


@pytest.mark.postgres
def test_concurrent_first_snaps_all_count_on_postgres():
    concurrent_first_snaps_all_count()


@pytest.mark.postgres
def test_concurrent_snaps_past_the_threshold_alert_operators_once_on_postgres(
    settings,
):
    concurrent_snaps_past_the_threshold_alert_once(settings)


@pytest.mark.postgres
def test_snaps_racing_a_launch_are_told_or_not_counted_on_postgres():
    snaps_racing_a_launch_are_told_or_not_counted()


@pytest.mark.postgres
@pytest.mark.usefixtures("media_root")
def test_corrections_racing_new_askers_keep_the_counters_right_on_postgres():
    corrections_racing_new_askers_keep_the_counters_right()
