"""The patent's counter, the operator prompt and the launch notice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from groupbuy.catalog.services import category_update, product_update
from groupbuy.catalog.tests.factories import (
    make_category,
    make_operator,
    make_product,
    make_user,
)
from groupbuy.core.models import AuditEntry
from groupbuy.deals.models import Deal
from groupbuy.deals.services import deal_open
from groupbuy.deals.signals import deal_opened
from groupbuy.deals.tests.factories import pass_deadline
from groupbuy.notify.models import Notification
from groupbuy.snap import deal_lookup, selectors
from groupbuy.snap.models import DemandRequest, DemandSignal
from groupbuy.snap.personal_data import SnapPersonalData
from groupbuy.snap.services import demand_fulfil, demand_record
from groupbuy.snap.services.demand import demand_thresholds_apply
from groupbuy.snap.tests.helpers import make_open_deal

pytestmark = pytest.mark.django_db


def _threshold_notifications():
    return Notification.objects.filter(kind="snap.demand.threshold_passed")


# --- The counter ----------------------------------------------------------------


def test_first_request_creates_the_counter_at_zero():
    # given
    product = make_product()
    shopper = make_user()
    # when
    outcome = demand_record(actor=shopper, product=product)
    # then
    signal = DemandSignal.objects.get()
    assert signal.product == product
    assert signal.count == 0
    assert signal.requester_count == 1
    assert outcome.signal == signal
    assert outcome.is_new_requester is True
    request = DemandRequest.objects.get()
    assert (request.signal, request.user, request.snap_count) == (signal, shopper, 1)
    assert request.first_snapped_at == request.last_snapped_at
    assert request.notified_at is None
    assert AuditEntry.objects.filter(action="snap.demand.requested").count() == 1


def test_each_further_distinct_requester_adds_one():
    # given
    product = make_product()
    demand_record(actor=make_user(), product=product)
    # when
    demand_record(actor=make_user(), product=product)
    outcome = demand_record(actor=make_user(), product=product)
    # then
    assert outcome.count == 2
    assert DemandSignal.objects.get().count == 2
    assert DemandRequest.objects.count() == 3


def test_repeated_snaps_by_one_person_count_once():
    # given
    product = make_product()
    shopper = make_user()
    first_at = timezone.now() - timedelta(hours=3)
    demand_record(actor=shopper, product=product, snapped_at=first_at)
    demand_record(actor=make_user(), product=product)
    # when
    later = timezone.now()
    outcome = demand_record(actor=shopper, product=product, snapped_at=later)
    demand_record(actor=shopper, product=product, snapped_at=later)
    # then
    assert outcome.is_new_requester is False
    assert DemandSignal.objects.get().count == 1
    request = DemandRequest.objects.get(user=shopper)
    assert request.snap_count == 3
    assert request.first_snapped_at == first_at
    assert request.last_snapped_at == later
    assert AuditEntry.objects.filter(action="snap.demand.requested").count() == 2


def test_anonymous_snaps_are_not_counted():
    # given
    product = make_product()
    # when
    outcome = demand_record(actor=AnonymousUser(), product=product)
    none_outcome = demand_record(actor=None, product=product)
    # then
    assert outcome is None and none_outcome is None
    assert not DemandSignal.objects.exists()
    assert not DemandRequest.objects.exists()


def test_a_product_with_an_open_deal_is_not_counted():
    # given
    product = make_product()
    make_open_deal(product)
    # when
    outcome = demand_record(actor=make_user(), product=product)
    # then
    assert outcome is None
    assert not DemandSignal.objects.exists()
    assert not DemandRequest.objects.exists()


def test_counters_are_per_product():
    # given
    kettle, lamp = make_product(), make_product()
    shopper = make_user()
    # when
    demand_record(actor=shopper, product=kettle)
    demand_record(actor=shopper, product=lamp)
    demand_record(actor=make_user(), product=lamp)
    # then
    assert DemandSignal.objects.get(product=kettle).count == 0
    assert DemandSignal.objects.get(product=lamp).count == 1


# --- The threshold ----------------------------------------------------------------


def test_the_default_threshold_prompts_operators_once(settings):
    # given: threshold 2, so the third distinct person (counter 2) passes it
    settings.GROUPBUY_DEMAND_THRESHOLD = 2
    product = make_product()
    operator = make_operator()
    make_operator(is_active=False)
    demand_record(actor=make_user(), product=product)
    demand_record(actor=make_user(), product=product)
    assert not _threshold_notifications().exists()
    assert DemandSignal.objects.get().threshold_passed_at is None
    # when
    demand_record(actor=make_user(), product=product)
    demand_record(actor=make_user(), product=product)
    # then
    signal = DemandSignal.objects.get()
    assert signal.count == 3
    assert signal.threshold_passed_at is not None
    assert signal.operators_alerted_at == signal.threshold_passed_at
    notification = _threshold_notifications().get()
    assert notification.recipient == operator
    assert notification.data == {
        "signal": signal.public_id,
        "product": product.public_id,
    }
    assert notification.url == deal_lookup.launch_url(product=product)
    assert AuditEntry.objects.filter(action="snap.demand.threshold_passed").count() == 1


def test_shoppers_are_not_prompted(settings):
    # given
    settings.GROUPBUY_DEMAND_THRESHOLD = 0
    shopper = make_user()
    # when
    demand_record(actor=shopper, product=make_product())
    # then
    assert not Notification.objects.filter(recipient=shopper).exists()


def test_every_operator_is_prompted(settings):
    # given
    settings.GROUPBUY_DEMAND_THRESHOLD = 0
    operators = [make_operator(), make_operator()]
    # when
    demand_record(actor=make_user(), product=make_product())
    # then
    assert sorted(n.recipient_id for n in _threshold_notifications()) == sorted(
        o.pk for o in operators
    )


def test_a_category_threshold_overrides_the_default(settings):
    # given
    settings.GROUPBUY_DEMAND_THRESHOLD = 50
    make_operator()
    category = make_category(demand_threshold=1)
    product = make_product(category=category)
    demand_record(actor=make_user(), product=product)
    assert not _threshold_notifications().exists()
    # when
    outcome = demand_record(actor=make_user(), product=product)
    # then
    assert outcome.threshold == 1
    assert _threshold_notifications().count() == 1


def test_a_subcategory_inherits_its_parents_threshold(settings):
    # given
    settings.GROUPBUY_DEMAND_THRESHOLD = 50
    make_operator()
    parent = make_category(demand_threshold=1)
    child = make_category(parent=parent)
    product = make_product(category=child)
    # when
    demand_record(actor=make_user(), product=product)
    outcome = demand_record(actor=make_user(), product=product)
    # then
    assert outcome.threshold == 1
    assert _threshold_notifications().count() == 1


def test_a_subcategorys_own_threshold_wins(settings):
    # given
    settings.GROUPBUY_DEMAND_THRESHOLD = 1
    make_operator()
    parent = make_category(demand_threshold=1)
    child = make_category(parent=parent, demand_threshold=3)
    product = make_product(category=child)
    # when
    for _ in range(3):
        outcome = demand_record(actor=make_user(), product=product)
    # then
    assert (outcome.count, outcome.threshold) == (2, 3)
    assert not _threshold_notifications().exists()


# --- The launch ------------------------------------------------------------------


def test_launching_a_deal_notifies_each_requester_once_and_fulfils_the_signal():
    # given
    product = make_product(name_en="Desk lamp")
    alice, bob = make_user(), make_user()
    demand_record(actor=alice, product=product)
    demand_record(actor=bob, product=product)
    demand_record(actor=alice, product=product)
    # when: deal_open sends deal_opened, which snap listens to
    deal = make_open_deal(product)
    # then
    launched = Notification.objects.filter(kind="snap.demand.deal_launched")
    assert sorted(n.recipient_id for n in launched) == sorted([alice.pk, bob.pk])
    assert {n.url for n in launched} == {f"/deals/{deal.public_id}/"}
    assert {n.data["deal"] for n in launched} == {deal.public_id}
    signal = DemandSignal.objects.get()
    assert signal.fulfilled_at is not None
    assert signal.fulfilled_deal == deal
    assert not DemandRequest.objects.filter(notified_at__isnull=True).exists()
    entry = AuditEntry.objects.get(action="snap.demand.fulfilled")
    assert entry.data == {
        "product": product.public_id,
        "deal": deal.public_id,
        "notified": 2,
    }


def test_the_launch_notice_goes_in_app_and_by_the_preferred_channel():
    # given
    product = make_product()
    by_sms = make_user(contact_channel="sms")
    by_email = make_user(contact_channel="email", email="a@example.com")
    demand_record(actor=by_sms, product=product)
    demand_record(actor=by_email, product=product)
    # when
    make_open_deal(product)

    # then
    def channels(user):
        notification = Notification.objects.get(recipient=user)
        return sorted(notification.deliveries.values_list("channel", flat=True))

    assert channels(by_sms) == ["in_app", "sms"]
    assert channels(by_email) == ["email", "in_app"]


def test_the_launch_notice_is_in_the_requesters_language():
    # given
    product = make_product(name_zh="台灯", name_en="Desk lamp")
    english = make_user(preferred_language="en")
    chinese = make_user(preferred_language="zh-hans")
    demand_record(actor=english, product=product)
    demand_record(actor=chinese, product=product)
    # when
    make_open_deal(product)
    # then
    assert Notification.objects.get(recipient=english).title == (
        "A group buy for Desk lamp has launched"
    )
    assert "台灯" in Notification.objects.get(recipient=chinese).title


def test_the_launch_signal_sent_twice_notifies_once():
    # given
    product = make_product()
    shopper = make_user()
    demand_record(actor=shopper, product=product)
    deal = make_open_deal(product)
    # when
    deal_opened.send(sender=Deal, deal=deal, actor=None)
    again = demand_fulfil(actor=None, deal=deal)
    # then
    assert again is None
    assert Notification.objects.filter(recipient=shopper).count() == 1
    assert AuditEntry.objects.filter(action="snap.demand.fulfilled").count() == 1


def test_opening_the_same_deal_twice_notifies_once():
    # given
    product = make_product()
    shopper = make_user()
    demand_record(actor=shopper, product=product)
    deal = make_open_deal(product)
    # when
    deal_open(actor=None, deal=deal)
    # then
    assert Notification.objects.filter(recipient=shopper).count() == 1


def test_a_second_deal_for_the_product_notifies_nobody_again():
    # given
    product = make_product()
    shopper = make_user()
    demand_record(actor=shopper, product=product)
    make_open_deal(product)
    # when
    make_open_deal(product)
    # then
    assert Notification.objects.filter(recipient=shopper).count() == 1
    assert DemandSignal.objects.count() == 1


def test_launching_a_deal_nobody_asked_for_changes_nothing():
    # when
    make_open_deal(make_product())
    # then
    assert not DemandSignal.objects.exists()
    assert not Notification.objects.exists()
    assert not AuditEntry.objects.filter(action="snap.demand.fulfilled").exists()


def test_a_draft_deal_tells_nobody_yet():
    # given
    product = make_product()
    shopper = make_user()
    demand_record(actor=shopper, product=product)
    # when
    make_open_deal(product, is_open=False)
    # then
    assert not Notification.objects.exists()
    assert DemandSignal.objects.get().fulfilled_at is None


def test_snaps_while_a_deal_is_open_are_not_counted_or_notified():
    # given
    product = make_product()
    early = make_user()
    demand_record(actor=early, product=product)
    deal = make_open_deal(product)
    # when: someone snaps while the deal is open, and the signal comes again
    late = make_user()
    outcome = demand_record(actor=late, product=product)
    deal_opened.send(sender=Deal, deal=deal, actor=None)
    # then
    assert outcome is None
    assert not DemandRequest.objects.filter(user=late).exists()
    assert not Notification.objects.filter(recipient=late).exists()
    assert Notification.objects.filter(recipient=early).count() == 1


def test_after_a_deal_ends_a_new_counter_starts():
    # given
    product = make_product()
    shopper = make_user()
    demand_record(actor=shopper, product=product)
    pass_deadline(make_open_deal(product))
    # when: the deal is over, and the same person snaps the product again
    outcome = demand_record(actor=shopper, product=product)
    # then
    assert DemandSignal.objects.filter(product=product).count() == 2
    assert outcome.signal.fulfilled_at is None
    assert outcome.count == 0
    assert outcome.is_new_requester is True


# --- A requester's account erased ------------------------------------------------


def test_an_erased_requester_is_counted_no_more():
    # given three people asking for one product (counter 2), one alone for another
    product, other = make_product(), make_product()
    people = [make_user() for _ in range(3)]
    for person in people:
        demand_record(actor=person, product=product)
    demand_record(actor=people[0], product=other)
    # when the first person's account is erased
    SnapPersonalData().erase(people[0])
    # then the counter counts the two left; the signal nobody else asked goes
    signal = DemandSignal.objects.get(product=product)
    assert (signal.count, signal.requester_count) == (1, 2)
    assert set(signal.requests.values_list("user_id", flat=True)) == {
        people[1].pk,
        people[2].pk,
    }
    assert not DemandSignal.objects.filter(product=other).exists()


def test_an_erased_requester_of_a_launched_deal_leaves_its_count_as_history():
    product = make_product()
    people = [make_user(), make_user()]
    for person in people:
        demand_record(actor=person, product=product)
    make_open_deal(product)

    SnapPersonalData().erase(people[0])

    signal = DemandSignal.objects.get(product=product)
    assert signal.count == 1 and signal.fulfilled_at is not None
    assert not DemandRequest.objects.filter(user=people[0]).exists()


def test_a_counter_an_erasure_takes_under_its_threshold_waits_past_it_no_more(
    settings,
):
    # given: threshold 1, two people asking (counter 1): past it, operators told
    settings.GROUPBUY_DEMAND_THRESHOLD = 1
    make_operator()
    product = make_product()
    people = [make_user(), make_user()]
    for person in people:
        demand_record(actor=person, product=product)
    assert selectors.demand_alert_count() == 1
    # when one of them is erased
    SnapPersonalData().erase(people[0])
    # then the product no longer waits for a deal past its threshold
    signal = DemandSignal.objects.get(product=product)
    assert (signal.count, signal.threshold_passed_at) == (0, None)
    assert signal.operators_alerted_at is not None
    assert selectors.demand_alert_count() == 0
    # and when another person asks, it passes again without a second alert
    demand_record(actor=make_user(), product=product)
    signal.refresh_from_db()
    assert signal.threshold_passed_at is not None
    assert selectors.demand_alert_count() == 1
    assert _threshold_notifications().count() == 1


def test_a_signal_nobody_asks_for_any_more_goes_though_operators_were_told(
    settings,
):
    settings.GROUPBUY_DEMAND_THRESHOLD = 0
    make_operator()
    product, person = make_product(), make_user()
    demand_record(actor=person, product=product)
    assert _threshold_notifications().count() == 1

    SnapPersonalData().erase(person)

    # no counter says one person asks; the alert stays in the inbox
    assert not DemandSignal.objects.filter(product=product).exists()
    assert selectors.demand_alert_count() == 0
    assert _threshold_notifications().count() == 1


# --- A threshold changed --------------------------------------------------------


@pytest.fixture
def run_jobs_enqueued(django_capture_on_commit_callbacks):
    """Run a change and what it does after its commit (jobs run at once here)."""

    def run(change) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            change()

    return run


def test_lowering_a_categorys_threshold_alerts_for_products_already_past_it(
    settings, run_jobs_enqueued
):
    # given threshold 5 and three people asking (counter 2): not past it
    settings.GROUPBUY_DEMAND_THRESHOLD = 5
    operator = make_operator()
    category = make_category()
    product = make_product(category=category)
    for _ in range(3):
        demand_record(actor=make_user(), product=product)
    assert selectors.demand_alert_count() == 0
    # when an operator lowers the category's threshold to 2
    run_jobs_enqueued(
        lambda: category_update(actor=operator, category=category, demand_threshold=2)
    )
    # then the product is past it at once and the operators are told
    assert selectors.demand_alert_count() == 1
    assert _threshold_notifications().count() == 1
    # and raising it again takes it off the list; lowering again tells no one twice
    run_jobs_enqueued(
        lambda: category_update(actor=operator, category=category, demand_threshold=4)
    )
    assert selectors.demand_alert_count() == 0
    assert AuditEntry.objects.filter(action="snap.demand.under_threshold").count() == 1
    run_jobs_enqueued(
        lambda: category_update(actor=operator, category=category, demand_threshold=1)
    )
    assert selectors.demand_alert_count() == 1
    assert _threshold_notifications().count() == 1


def test_moving_a_product_to_a_category_with_a_lower_threshold_alerts(
    settings, run_jobs_enqueued
):
    settings.GROUPBUY_DEMAND_THRESHOLD = 5
    operator = make_operator()
    product = make_product()
    for _ in range(2):
        demand_record(actor=make_user(), product=product)

    run_jobs_enqueued(
        lambda: product_update(
            actor=operator, product=product, category=make_category(demand_threshold=1)
        )
    )

    assert selectors.demand_alert_count() == 1
    assert _threshold_notifications().get().data["product"] == product.public_id


def test_the_sweep_follows_the_default_threshold_and_leaves_met_demand_alone(
    settings,
):
    # given two products asked for by two people each, one of them launched
    settings.GROUPBUY_DEMAND_THRESHOLD = 5
    make_operator()
    waiting, launched = make_product(), make_product()
    for product in (waiting, launched):
        for _ in range(2):
            demand_record(actor=make_user(), product=product)
    make_open_deal(launched)
    # when the default threshold is lowered (a restart) and the sweep runs
    settings.GROUPBUY_DEMAND_THRESHOLD = 1
    assert demand_thresholds_apply() == {"passed": 1, "fell_back": 0}
    # then only the product still waiting is past it; the launched one is history
    assert DemandSignal.objects.get(product=waiting).threshold_passed_at is not None
    assert DemandSignal.objects.get(product=launched).threshold_passed_at is None
    assert demand_thresholds_apply() == {"passed": 0, "fell_back": 0}
