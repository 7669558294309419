"""An owner adds stock to a selling deal, stops it, or closes it early."""

from collections import Counter

import pytest

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.services import merchant_membership_add
from groupbuy.core.errors import DomainError
from groupbuy.core.models import AuditEntry
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.services import (
    deal_add_stock,
    deal_close_now,
    deal_join,
    deal_stop,
)
from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_deal,
    make_merchant,
    make_user,
)
from groupbuy.deals.tests.racing import race
from groupbuy.notify.models import Notification

State, Status = Deal.State, DealOrder.Status


def _owned_deal(**extra):
    owner = make_user()
    merchant = make_merchant(owner=owner)
    return owner, make_deal(merchant=merchant, **extra)


@pytest.mark.django_db
def test_an_owner_adds_stock_and_watchers_get_it(
    pushes, django_capture_on_commit_callbacks
):
    # given an open deal with 10 units, 2 reserved
    owner, deal = _owned_deal(stock=10)
    join_and_pay(deal, quantity=2)
    pushes.clear()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        deal = deal_add_stock(actor=owner, deal=deal, units=5)
    # then
    assert (deal.stock, deal.sold) == (15, 2)
    deal.refresh_from_db()
    assert deal.stock == 15
    entry = AuditEntry.objects.get(action="deals.deal.stock_added")
    assert entry.data == {"units": 5, "previous_stock": 10, "stock": 15}
    assert entry.actor == owner
    assert [(deal_id, event["stock"]) for deal_id, event in pushes] == [
        (deal.public_id, 15)
    ]


@pytest.mark.django_db
def test_adding_stock_is_refused_to_cashiers_strangers_and_closed_deals():
    owner, deal = _owned_deal(stock=10)
    cashier = make_user()
    merchant_membership_add(
        actor=None,
        user=cashier,
        merchant=deal.merchant,
        role=MerchantMembership.Role.CASHIER,
    )
    for actor in (cashier, make_user()):
        with pytest.raises(DomainError) as refused:
            deal_add_stock(actor=actor, deal=deal, units=1)
        assert refused.value.status == 403
    for units in (0, -3, 100_001, True, "5"):
        with pytest.raises(DomainError) as refused:
            deal_add_stock(actor=owner, deal=deal, units=units)
        assert refused.value.code == "invalid"
    deal_stop(actor=owner, deal=deal)
    with pytest.raises(DomainError) as refused:
        deal_add_stock(actor=owner, deal=deal, units=1)
    assert refused.value.code == "deal_closed"
    deal.refresh_from_db()
    assert deal.stock == 10
    assert not AuditEntry.objects.filter(action="deals.deal.stock_added").exists()


@pytest.mark.django_db(transaction=True)
def test_stock_added_while_shoppers_join_is_neither_lost_nor_oversold(
    file_database,
):
    # given 2 units, 6 shoppers and the owner adding 3 units at the same moment
    owner, deal = _owned_deal(stock=2, tiers=[(1, 9_900)])
    shoppers = [make_user() for _ in range(6)]
    calls = [lambda s=s: deal_join(actor=s, deal=deal, quantity=1) for s in shoppers]
    calls.append(lambda: deal_add_stock(actor=owner, deal=deal, units=3))
    # when
    outcomes = race(calls)
    # then every unit is accounted for: 5 in stock, as many sold as joins
    deal.refresh_from_db()
    assert deal.stock == 5
    assert outcomes["ok"] - 1 == deal.sold
    assert 2 <= deal.sold <= 5
    assert set(outcomes) <= {"ok", "sold_out"}
    assert outcomes == Counter({"ok": deal.sold + 1, "sold_out": 6 - deal.sold})


@pytest.mark.django_db
def test_an_owner_stops_a_deal_and_everyone_is_refunded_with_the_reason_audited():
    owner, deal = _owned_deal()
    orders = [join_and_pay(deal) for _ in range(3)]
    deal = deal_stop(actor=owner, deal=deal, reason="Supplier  let us down")
    assert deal.state == State.SETTLED
    assert deal.has_failed
    for order in orders:
        order.refresh_from_db()
        assert order.status == Status.REFUNDED
    entry = AuditEntry.objects.get(action="deals.deal.stopped")
    assert entry.data == {"reason": "Supplier let us down", "by": "merchant"}
    assert (deal.stopped_by, deal.stop_reason) == ("merchant", "Supplier let us down")
    # stopping again is refused, changes nothing and audits nothing
    with pytest.raises(DomainError) as refused:
        deal_stop(actor=owner, deal=deal, reason="again")
    assert (refused.value.status, refused.value.code) == (409, "deal_closed")
    assert AuditEntry.objects.filter(action="deals.deal.stopped").count() == 1
    deal.refresh_from_db()
    assert deal.stop_reason == "Supplier let us down"


@pytest.mark.django_db
def test_closing_or_stopping_a_deal_no_longer_open_is_refused():
    # given a settled deal, a deal closed now, and a draft
    owner, settled = _owned_deal()
    join_and_pay(settled)
    settled = deal_close_now(actor=owner, deal=settled)
    assert settled.state == State.SETTLED
    draft = make_deal(merchant=settled.merchant, is_open=False)
    # when the owner closes or stops them, then each is refused, unchanged
    for deal, code in ((settled, "deal_closed"), (draft, "deal_not_open")):
        for service in (deal_close_now, deal_stop):
            with pytest.raises(DomainError) as refused:
                service(actor=owner, deal=deal)
            assert (refused.value.status, refused.value.code) == (409, code)
        deal.refresh_from_db()
        assert deal.stopped_by == ""
    assert not AuditEntry.objects.filter(action="deals.deal.stopped").exists()


@pytest.mark.django_db
def test_the_shoppers_of_a_stopped_deal_are_told_who_stopped_it_and_why(
    django_capture_on_commit_callbacks,
):
    # given a paid order of the shop's deal and one of a deal the platform stops
    owner, deal = _owned_deal()
    order = join_and_pay(deal, shopper=make_user(preferred_language="en"))
    other = make_deal()
    other_order = join_and_pay(other, shopper=make_user(preferred_language="en"))
    # when the owner stops theirs with a reason, an operator the other without
    with django_capture_on_commit_callbacks(execute=True):
        deal_stop(actor=owner, deal=deal, reason=" Supplier <b>out</b> of stock ")
        deal_stop(actor=make_user(is_staff=True), deal=other)
    # then each shopper reads who stopped it (and the shop's words), not "Not
    # enough people joined"
    order.refresh_from_db()
    assert (order.cancel_reason, order.refund_reason) == (
        "deal_stopped",
        "Supplier <b>out</b> of stock",
    )
    note = Notification.objects.get(recipient=order.shopper, kind="deals.deal.stopped")
    assert note.title == "Group buy stopped: Jasmine tea 500 g"
    assert note.body == (
        "The shop stopped this group buy. ¥99.00 is refunded to you in full. "
        "The shop says: “Supplier <b>out</b> of stock”"
    )
    assert note.data["reason"] == "Supplier <b>out</b> of stock"
    assert note.data["stopped_by"] == "merchant"
    note = Notification.objects.get(
        recipient=other_order.shopper, kind="deals.deal.stopped"
    )
    assert note.body == (
        "The platform stopped this group buy. ¥99.00 is refunded to you in full."
    )
    other_order.refresh_from_db()
    assert (other_order.cancel_reason, other_order.refund_reason) == (
        "deal_stopped",
        "",
    )
    assert not Notification.objects.filter(kind="deals.deal.failed").exists()


@pytest.mark.django_db
def test_a_stop_reason_longer_than_200_characters_is_refused():
    owner, deal = _owned_deal()
    with pytest.raises(DomainError) as refused:
        deal_stop(actor=owner, deal=deal, reason="x" * 201)
    assert (refused.value.code, list(refused.value.fields)) == ("invalid", ["reason"])
    deal.refresh_from_db()
    assert deal.state == State.OPEN


@pytest.mark.django_db
def test_an_owner_closes_early_at_the_tier_reached_but_a_cashier_cannot():
    owner, deal = _owned_deal()
    cashier = make_user()
    merchant_membership_add(
        actor=None, user=cashier, merchant=deal.merchant, role="cashier"
    )
    for _ in range(2):
        join_and_pay(deal)
    with pytest.raises(DomainError) as refused:
        deal_close_now(actor=cashier, deal=deal)
    assert refused.value.status == 403
    with pytest.raises(DomainError):
        deal_stop(actor=cashier, deal=deal)
    deal = deal_close_now(actor=owner, deal=deal)
    deal.refresh_from_db()
    assert deal.final_price_fen == 9_900
    assert deal.state in (State.SUCCEEDED, State.SETTLED)


@pytest.mark.django_db(transaction=True)
def test_two_stops_at_once_audit_one_stop(file_database):
    # given an open deal with a paid order, and its owner pressing stop twice
    owner, deal = _owned_deal()
    order = join_and_pay(deal)
    # when both stops run at the same moment
    outcomes = race(
        [lambda: deal_stop(actor=owner, deal=deal, reason="twice") for _ in range(2)]
    )
    # then one closed it, the other is told it already closed; refunded once
    assert outcomes == Counter({"ok": 1, "deal_closed": 1})
    assert AuditEntry.objects.filter(action="deals.deal.stopped").count() == 1
    order.refresh_from_db()
    assert order.status == Status.REFUNDED


@pytest.mark.django_db
def test_stock_is_not_added_past_the_most_a_deal_holds():
    # given a deal 10 units under the most a deal holds
    owner, deal = _owned_deal(stock=999_990)
    # when the owner adds 11
    with pytest.raises(DomainError) as refusal:
        deal_add_stock(actor=owner, deal=deal, units=11)
    # then it is refused on the units and the stock is as it was
    assert (refusal.value.status, list(refusal.value.fields)) == (400, ["units"])
    deal.refresh_from_db()
    assert deal.stock == 999_990
    assert not AuditEntry.objects.filter(action="deals.deal.stock_added").exists()
    # and 10 are added
    assert deal_add_stock(actor=owner, deal=deal, units=10).stock == 1_000_000


@pytest.mark.django_db
def test_an_unpaid_order_of_a_stopped_deal_is_told_who_stopped_it_and_why(
    django_capture_on_commit_callbacks,
):
    # given an unpaid order of the shop's deal and one of a deal the platform
    # stops
    owner, deal = _owned_deal()
    order = deal_join(actor=make_user(preferred_language="en"), deal=deal, quantity=1)
    other = make_deal()
    other_order = deal_join(
        actor=make_user(preferred_language="en"), deal=other, quantity=1
    )
    # when the owner stops theirs with a reason, an operator the other without
    with django_capture_on_commit_callbacks(execute=True):
        deal_stop(actor=owner, deal=deal, reason="Supplier out of stock")
        deal_stop(actor=make_user(is_staff=True), deal=other)
    # then the order is cancelled as stopped and keeps the shop's words
    order.refresh_from_db()
    assert (order.status, order.cancel_reason, order.refund_reason) == (
        "cancelled",
        "deal_stopped",
        "Supplier out of stock",
    )
    # (told under its own kind, not as a deal that closed)
    note = Notification.objects.get(recipient=order.shopper)
    assert note.kind == "deals.order.deal_stopped"
    assert note.body == (
        "The shop stopped this group buy before you paid, so your order was "
        "released. Nothing was charged. The shop says: “Supplier out of stock”"
    )
    assert (note.data["stopped_by"], note.data["reason"]) == (
        "merchant",
        "Supplier out of stock",
    )
    other_order.refresh_from_db()
    assert (other_order.cancel_reason, other_order.refund_reason) == (
        "deal_stopped",
        "",
    )
    note = Notification.objects.get(recipient=other_order.shopper)
    assert note.kind == "deals.order.deal_stopped"
    assert note.body == (
        "The platform stopped this group buy before you paid, so your order was "
        "released. Nothing was charged."
    )
    assert note.data["stopped_by"] == "platform"


@pytest.mark.django_db
def test_an_unpaid_order_of_a_deal_closed_early_is_released_as_before(
    django_capture_on_commit_callbacks,
):
    owner, deal = _owned_deal()
    order = deal_join(actor=make_user(preferred_language="en"), deal=deal, quantity=1)
    with django_capture_on_commit_callbacks(execute=True):
        deal_close_now(actor=owner, deal=deal)
    order.refresh_from_db()
    assert (order.cancel_reason, order.refund_reason) == ("deal_closed", "")
    note = Notification.objects.get(recipient=order.shopper)
    assert note.kind == "deals.order.deal_closed"
    assert "stopped" not in note.body
    assert "stopped_by" not in note.data
