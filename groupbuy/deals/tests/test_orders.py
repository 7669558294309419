"""Paying, declining, expiring and cancelling orders."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.core.errors import DomainError
from groupbuy.core.models import AuditEntry
from groupbuy.deals.models import DealOrder
from groupbuy.deals.services import (
    deal_join,
    deal_order_cancel,
    deal_order_payment_retry,
    deal_orders_expire_unpaid,
)
from groupbuy.deals.tests.factories import (
    decline,
    make_deal,
    make_user,
    pass_deadline,
    pay,
)
from groupbuy.escrow import ledger
from groupbuy.escrow.models import LedgerAccount, LedgerTransaction
from groupbuy.notify.models import Notification

pytestmark = pytest.mark.django_db
Status = DealOrder.Status


def _held(user) -> int:
    account = LedgerAccount.objects.filter(kind="shopper_held", user=user).first()
    return ledger.account_balance_fen(account)


def test_captured_payment_marks_the_order_paid_and_tells_the_shopper(
    django_capture_on_commit_callbacks, pushes
):
    # given
    deal = make_deal()
    shopper = make_user(preferred_language="en")
    order = deal_join(actor=shopper, deal=deal, quantity=2)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        outcome = pay(order)
    # then
    assert outcome == "captured"
    assert order.status == Status.PAID
    assert order.paid_at is not None
    assert _held(shopper) == 19_800
    notification = Notification.objects.get(recipient=shopper)
    assert notification.kind == "deals.order.paid"
    assert notification.title == "Payment received: Jasmine tea 500 g"
    assert notification.url == f"/orders/{order.public_id}/"
    assert notification.data["amount_fen"] == 19_800
    progress = [event for _id, event in pushes if event["type"] == "deal.progress"]
    assert progress[-1]["participants"] == 1


def test_a_shopper_told_in_chinese_reads_the_message_in_english_after_switching(
    django_capture_on_commit_callbacks, pushes
):
    # given a shopper whose profile was in Chinese when they paid
    deal = make_deal()
    shopper = make_user(preferred_language="zh-hans")
    order = deal_join(actor=shopper, deal=deal, quantity=2)
    with django_capture_on_commit_callbacks(execute=True):
        pay(order)
    notification = Notification.objects.get(recipient=shopper)
    # then it was sent in Chinese (the SMS and e-mail use this) and is kept in
    # English for when they read the site in English
    assert notification.title == "已收到付款：Jasmine tea 500 g"
    assert notification.text_in("en") == (
        "Payment received: Jasmine tea 500 g",
        "¥198.00 is held safely until the group buy closes. If more people join, "
        "you pay less and the difference comes back to you.",
    )
    assert notification.text_in("zh-hans") == (notification.title, notification.body)


def test_a_payment_for_a_deal_whose_price_cannot_drop_promises_no_refund(
    django_capture_on_commit_callbacks,
):
    # given a one-tier deal and a deal whose last units the shopper takes
    one_tier = make_deal(tiers=[(1, 9_900)], list_price_fen=12_900)
    sold_out = make_deal(stock=2, tiers=[(1, 9_900), (2, 8_900)])
    shopper = make_user(preferred_language="en")
    for deal in (one_tier, sold_out):
        order = deal_join(actor=shopper, deal=deal, quantity=2)
        # when they pay
        with django_capture_on_commit_callbacks(execute=True):
            pay(order)
        # then they are told what is held, and no price drop is promised
        told = Notification.objects.get(
            kind="deals.order.paid", data__order_id=order.public_id
        )
        assert told.body == "¥198.00 is held safely until the group buy closes."


def test_declined_payment_keeps_the_order_and_its_units_for_another_try(
    django_capture_on_commit_callbacks,
):
    # given
    deal = make_deal()
    order = deal_join(actor=make_user(), deal=deal, quantity=3)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        assert decline(order) == "failed"
    # then the order still waits for payment and holds its units
    order.refresh_from_db()
    deal.refresh_from_db()
    assert (order.status, order.cancel_reason) == (Status.PENDING_PAYMENT, "")
    assert deal.sold == 3
    assert LedgerTransaction.objects.count() == 0


def test_retry_after_a_decline_gives_the_same_order_a_new_payment_that_pays_it(
    django_capture_on_commit_callbacks,
):
    # given an order whose payment was declined
    shopper = make_user()
    order = deal_join(actor=shopper, deal=make_deal(), quantity=2)
    declined = order.payment_intent
    with django_capture_on_commit_callbacks(execute=True):
        decline(order)
    # when the shopper tries again and this payment succeeds
    order = deal_order_payment_retry(actor=shopper, order=order)
    with django_capture_on_commit_callbacks(execute=True):
        assert pay(order) == "captured"
    # then the same order is paid by the new intent, for the same amount
    assert order.payment_intent_id != declined.pk
    assert order.payment_intent.amount_fen == order.amount_fen == 19_800
    assert order.status == Status.PAID
    assert _held(shopper) == 19_800
    assert AuditEntry.objects.filter(
        action="deals.order.payment_retried", object_id=order.public_id
    ).exists()


def test_retry_is_refused_while_the_payment_is_open_and_for_someone_else():
    # given
    shopper = make_user()
    order = deal_join(actor=shopper, deal=make_deal(), quantity=1)
    # when / then: nothing was declined, so there is nothing to retry
    with pytest.raises(DomainError) as refused:
        deal_order_payment_retry(actor=shopper, order=order)
    assert refused.value.code == "payment_not_declined"
    decline(order)
    with pytest.raises(DomainError) as hidden:
        deal_order_payment_retry(actor=make_user(), order=order)
    assert hidden.value.status == 404
    order.refresh_from_db()
    assert order.payment_intent.status == "failed"  # no new intent was made


def test_retry_is_refused_once_the_payment_window_has_ended(settings):
    # given an order declined and joined longer ago than the window
    settings.GROUPBUY_PAYMENT_WINDOW_MINUTES = 15
    shopper = make_user()
    order = deal_join(actor=shopper, deal=make_deal(), quantity=1)
    decline(order)
    DealOrder.objects.filter(pk=order.pk).update(
        joined_at=timezone.now() - timedelta(minutes=16)
    )
    order.refresh_from_db()
    # when / then
    with pytest.raises(DomainError) as refused:
        deal_order_payment_retry(actor=shopper, order=order)
    assert refused.value.code == "payment_window_over"
    # and the expiry job releases the declined order's units
    assert deal_orders_expire_unpaid() == 1
    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == (Status.CANCELLED, "payment_expired")


def test_an_expired_unpaid_order_tells_its_shopper(settings):
    # given
    settings.GROUPBUY_PAYMENT_WINDOW_MINUTES = 15
    shopper = make_user(preferred_language="en")
    order = deal_join(actor=shopper, deal=make_deal(), quantity=1)
    DealOrder.objects.filter(pk=order.pk).update(
        joined_at=timezone.now() - timedelta(minutes=16)
    )
    # when
    deal_orders_expire_unpaid()
    # then
    notification = Notification.objects.get(recipient=shopper)
    assert notification.kind == "deals.order.expired"
    assert notification.title == "Order released: Jasmine tea 500 g"
    assert notification.url == f"/orders/{order.public_id}/"


def test_a_cancelled_order_sends_no_expiry_notice():
    shopper = make_user()
    order = deal_join(actor=shopper, deal=make_deal(), quantity=1)
    deal_order_cancel(actor=shopper, order=order)
    assert not Notification.objects.filter(kind="deals.order.expired").exists()


def test_unpaid_orders_expire_after_the_payment_window(settings):
    # given one order past the 15-minute window, one fresh, one paid long ago
    settings.GROUPBUY_PAYMENT_WINDOW_MINUTES = 15
    deal = make_deal()
    stale = deal_join(actor=make_user(), deal=deal, quantity=2)
    fresh = deal_join(actor=make_user(), deal=deal, quantity=1)
    paid = deal_join(actor=make_user(), deal=deal, quantity=1)
    pay(paid)
    long_ago = timezone.now() - timedelta(minutes=16)
    DealOrder.objects.filter(pk__in=[stale.pk, paid.pk]).update(joined_at=long_ago)
    # when
    expired = deal_orders_expire_unpaid()
    # then
    assert expired == 1
    statuses = dict(DealOrder.objects.values_list("public_id", "status"))
    assert statuses == {
        stale.public_id: Status.CANCELLED,
        fresh.public_id: Status.PENDING_PAYMENT,
        paid.public_id: Status.PAID,
    }
    stale.refresh_from_db()
    assert stale.cancel_reason == "payment_expired"
    assert stale.payment_intent.status == "cancelled"
    deal.refresh_from_db()
    assert deal.sold == 2
    assert deal_orders_expire_unpaid() == 0


def test_payment_arriving_after_expiry_is_refunded_in_full():
    # given an order cancelled by the payment window while its payer was paying
    deal = make_deal()
    shopper = make_user()
    order = deal_join(actor=shopper, deal=deal, quantity=1)
    DealOrder.objects.filter(pk=order.pk).update(
        joined_at=timezone.now() - timedelta(hours=1)
    )
    deal_orders_expire_unpaid()
    # when the money lands anyway
    outcome = pay(order)
    # then it goes straight back
    assert outcome == "captured_refunded"
    assert order.status == Status.CANCELLED
    intent = order.payment_intent
    intent.refresh_from_db()
    assert (intent.status, intent.refunded_fen) == ("succeeded", 9_900)
    assert _held(shopper) == 0
    assert not Notification.objects.filter(kind="deals.order.paid").exists()


def test_cancelling_an_unpaid_order_releases_its_units():
    deal = make_deal()
    shopper = make_user()
    order = deal_join(actor=shopper, deal=deal, quantity=2)
    order = deal_order_cancel(actor=shopper, order=order)
    assert (order.status, order.cancel_reason) == (Status.CANCELLED, "shopper")
    assert order.payment_intent.status == "cancelled"
    deal.refresh_from_db()
    assert deal.sold == 0


def test_cancelling_a_paid_order_refunds_it_in_full(
    django_capture_on_commit_callbacks,
):
    deal = make_deal()
    shopper = make_user()
    order = deal_join(actor=shopper, deal=deal, quantity=2)
    pay(order)
    with django_capture_on_commit_callbacks(execute=True):
        order = deal_order_cancel(actor=shopper, order=order)
    assert (order.status, order.refunded_fen) == (Status.REFUNDED, 19_800)
    assert _held(shopper) == 0
    assert ledger.balance_totals_by_kind()["refunds_paid"] == 19_800
    deal.refresh_from_db()
    assert deal.sold == 0
    # and cancelling again changes nothing
    again = deal_order_cancel(actor=shopper, order=order)
    assert again.refunded_fen == 19_800
    assert ledger.balance_totals_by_kind()["refunds_paid"] == 19_800


def test_cancelling_after_the_deadline_is_refused_and_changes_nothing():
    deal = make_deal()
    shopper = make_user()
    order = deal_join(actor=shopper, deal=deal, quantity=1)
    pay(order)
    pass_deadline(deal)
    with pytest.raises(DomainError) as caught:
        deal_order_cancel(actor=shopper, order=order)
    assert (caught.value.code, caught.value.status) == ("deadline_passed", 409)
    assert caught.value.message == (
        "The deadline has passed; orders can no longer be cancelled."
    )
    order.refresh_from_db()
    assert order.status == Status.PAID
    assert _held(shopper) == 9_900


def test_nobody_else_can_cancel_my_order():
    deal = make_deal()
    order = deal_join(actor=make_user(), deal=deal, quantity=1)
    with pytest.raises(DomainError) as caught:
        deal_order_cancel(actor=make_user(), order=order)
    assert caught.value.status == 404
    order.refresh_from_db()
    assert order.status == Status.PENDING_PAYMENT
