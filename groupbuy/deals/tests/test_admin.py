"""The admin pages for deals, orders and the escrow ledger render, and the
operator actions go through the services."""

import pytest
from django.test import Client

from groupbuy.core.models import AuditEntry
from groupbuy.core.money import format_fen
from groupbuy.deals.models import Deal
from groupbuy.deals.tests.factories import join_and_pay, make_deal, make_user
from groupbuy.notify.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_for_operator():
    operator = make_user(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(operator)
    return client


def test_every_deals_and_escrow_admin_page_renders(admin_client_for_operator):
    deal = make_deal()
    order = join_and_pay(deal)
    intent = order.payment_intent
    pages = [
        "/admin/deals/deal/",
        f"/admin/deals/deal/{deal.pk}/change/",
        "/admin/deals/dealorder/",
        f"/admin/deals/dealorder/{order.pk}/change/",
        "/admin/escrow/ledgeraccount/",
        "/admin/escrow/ledgertransaction/",
        "/admin/escrow/paymentintent/",
        f"/admin/escrow/paymentintent/{intent.pk}/change/",
        "/admin/escrow/refund/",
        "/admin/escrow/providerevent/",
    ]
    for page in pages:
        assert admin_client_for_operator.get(page).status_code == 200, page


def test_admin_stop_action_asks_the_reason_then_stops_through_the_service(
    django_capture_on_commit_callbacks,
):
    # given an English-reading operator and an open deal with a paid order
    admin_client_for_operator = Client()
    admin_client_for_operator.force_login(
        make_user(is_staff=True, is_superuser=True, preferred_language="en")
    )
    deal = make_deal()
    order = join_and_pay(deal, shopper=make_user(preferred_language="en"))
    # when an operator picks the stop action, then a page asks the reason and
    # nothing is stopped yet
    picked = {"action": "stop_and_refund", "_selected_action": [deal.pk]}
    asked = admin_client_for_operator.post("/admin/deals/deal/", picked)
    assert asked.status_code == 200
    html = asked.content.decode()
    assert 'name="reason"' in html and 'name="apply"' in html
    assert deal.title in html
    deal.refresh_from_db()
    assert deal.state == Deal.State.OPEN
    # a reason too long is refused on the page, nothing stopped
    too_long = admin_client_for_operator.post(
        "/admin/deals/deal/", {**picked, "apply": "1", "reason": "x" * 201}
    )
    assert too_long.status_code == 200
    assert "Keep the reason to at most 200 characters." in too_long.content.decode()
    deal.refresh_from_db()
    assert deal.state == Deal.State.OPEN
    # when they confirm with a reason
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_for_operator.post(
            "/admin/deals/deal/",
            {**picked, "apply": "1", "reason": "  Counterfeit   goods "},
        )
    assert response.status_code == 302
    deal.refresh_from_db()
    order.refresh_from_db()
    # then the deal is stopped by the platform with the reason, everyone refunded
    # (a failed deal ends settled, with no final price)
    assert (deal.state, deal.final_price_fen, order.status) == (
        Deal.State.SETTLED,
        None,
        "refunded",
    )
    assert (deal.stopped_by, deal.stop_reason) == ("platform", "Counterfeit goods")
    entry = AuditEntry.objects.get(action="deals.deal.stopped")
    assert entry.data == {"reason": "Counterfeit goods", "by": "platform"}
    assert entry.actor.is_staff
    note = Notification.objects.get(recipient=order.shopper, kind="deals.deal.stopped")
    assert note.body.endswith("The platform says: “Counterfeit goods”")
    # and stopping it again is refused with a message, nothing changed
    again = admin_client_for_operator.post(
        "/admin/deals/deal/",
        {**picked, "apply": "1", "reason": "again"},
        follow=True,
    )
    assert "This group buy has already closed." in again.content.decode()
    deal.refresh_from_db()
    assert deal.stop_reason == "Counterfeit goods"


def test_admin_refund_action_asks_first_then_returns_what_is_held():
    # (an operator who reads English: the message is read on the next page)
    admin_client_for_operator = Client()
    admin_client_for_operator.force_login(
        make_user(is_staff=True, is_superuser=True, preferred_language="en")
    )
    # given two paid orders, and a payment with nothing held
    first, second = join_and_pay(make_deal()), join_and_pay(make_deal())
    intents = [first.payment_intent, second.payment_intent]
    selected = {
        "action": "refund_what_is_held",
        "_selected_action": [intent.pk for intent in intents],
    }
    # when the operator chooses the action
    asked = admin_client_for_operator.post(
        "/admin/escrow/paymentintent/", selected, headers={"Accept-Language": "en"}
    )
    # then nothing is refunded yet: a page lists each payment and what goes back
    assert asked.status_code == 200
    page = asked.content.decode()
    assert 'id="refund-question"' in page and 'name="post" value="yes"' in page
    total = 0
    for intent in intents:
        intent.refresh_from_db()
        assert intent.refunded_fen == 0
        assert intent.public_id in page
        total += intent.amount_fen
    assert format_fen(total) in page
    # when they confirm
    done = admin_client_for_operator.post(
        "/admin/escrow/paymentintent/",
        {**selected, "post": "yes"},
        headers={"Accept-Language": "en"},
        follow=True,
    )
    # then each is refunded what it held, and the page says so
    for intent in intents:
        intent.refresh_from_db()
        assert intent.refunded_fen == intent.amount_fen
    said = [str(message) for message in done.context["messages"]]
    assert said == [
        f"Refunded {format_fen(total)} to the payers of 2 payments: "
        f"{intents[0].public_id}, {intents[1].public_id}."
    ]
    # and choosing it again has nothing left to refund
    again = admin_client_for_operator.post(
        "/admin/escrow/paymentintent/", selected, headers={"Accept-Language": "en"}
    )
    assert 'id="refund-nothing"' in again.content.decode()


def test_an_admin_action_refused_names_the_deal_with_the_readers_colon():
    # given a Chinese-reading operator and a draft deal
    operator = Client()
    operator.force_login(
        make_user(is_staff=True, is_superuser=True, preferred_language="zh-hans")
    )
    deal = make_deal(is_open=False)
    # when they close it from the admin, which a draft cannot be
    done = operator.post(
        "/admin/deals/deal/",
        {"action": "close_now", "_selected_action": [deal.pk]},
        headers={"Accept-Language": "zh-hans"},
        follow=True,
    )
    # then the refusal names the deal with a Chinese colon, not ": "
    (said,) = [str(message) for message in done.context["messages"]]
    assert said.startswith(f"{deal}：")
