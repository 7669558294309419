from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groupbuy.deals.models import DealOrder
from groupbuy.deals.services import (
    deal_close,
    deal_join,
    deal_order_cancel_unpaid,
    deal_settle,
)
from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_deal,
    make_user,
    pass_deadline,
    pay,
)
from groupbuy.escrow.models import PaymentIntent


def _order_url(order, name="web:order_detail") -> str:
    return reverse(name, args=[order.public_id])


def _status_fragment(client, order) -> str:
    """What the order page's status section fetches (htmx) when it updates."""
    return client.get(
        _order_url(order, "web:order_status"), HTTP_HX_REQUEST="true"
    ).content.decode()


def test_order_pages_require_login(db):
    order = deal_join(actor=make_user(), deal=make_deal(), quantity=1)
    for url in (reverse("web:order_list"), _order_url(order)):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def test_order_list_shows_only_my_orders(shopper_client, shopper):
    mine = deal_join(actor=shopper, deal=make_deal(), quantity=1)
    deal_join(actor=make_user(), deal=make_deal(), quantity=1)
    response = shopper_client.get(reverse("web:order_list"))
    assert response.status_code == 200
    assert [view.order.pk for view in response.context["views"]] == [mine.pk]


def test_order_list_says_how_many_units(shopper_client, shopper):
    # It read "2 × · ¥19.80", the price per unit missing after the ×.
    order = deal_join(actor=shopper, deal=make_deal(), quantity=2)
    row = shopper_client.get(reverse("web:order_list")).content.decode()
    assert f"2 units · ¥{order.amount_fen // 100}." in row
    assert "× ·" not in row


def test_order_list_filters_by_status_and_ignores_unknown(shopper_client, shopper):
    paid = join_and_pay(make_deal(), shopper=shopper)
    deal_join(actor=shopper, deal=make_deal(), quantity=1)
    by_status = shopper_client.get(reverse("web:order_list"), {"status": "paid"})
    unknown = shopper_client.get(reverse("web:order_list"), {"status": "weird"})
    assert [view.order.pk for view in by_status.context["views"]] == [paid.pk]
    assert len(unknown.context["views"]) == 2


def test_someone_elses_order_is_404(shopper_client):
    order = deal_join(actor=make_user(), deal=make_deal(), quantity=1)
    assert shopper_client.get(_order_url(order)).status_code == 404
    assert shopper_client.get(_order_url(order, "web:order_status")).status_code == 404


def test_a_group_buy_orders_timeline_gives_its_deadline(shopper_client, shopper):
    # given an order of a plain group buy
    order = deal_join(actor=shopper, deal=make_deal(), quantity=1)
    # when its shopper looks at it
    html = shopper_client.get(_order_url(order)).content.decode()
    # then the timeline names the deal's deadline as such (a team place's
    # names its team's instead)
    deadline = timezone.localtime(order.deal.deadline_at)
    assert (
        "<span>Group buy deadline</span>"
        f'<time id="order-deal-deadline" datetime="{deadline.isoformat()}">'
        f"{deadline:%Y-%m-%d %H:%M}</time>"
    ) in html
    assert 'id="order-team-deadline"' not in html


def test_unpaid_order_offers_the_pay_page(shopper_client, shopper):
    order = deal_join(actor=shopper, deal=make_deal(), quantity=1)
    html = shopper_client.get(_order_url(order)).content.decode()
    assert f'href="/escrow/sandbox/pay/{order.payment_intent.public_id}/"' in html
    assert 'id="order-waiting"' not in html


def _amount_label(html: str, element_id: str) -> str:
    return html.split(f'id="{element_id}">', 1)[1].split("<", 1)[0]


def test_an_unpaid_order_names_its_amount_a_price_not_paid(shopper_client, shopper):
    # given an order awaiting its payment
    deal = make_deal()
    order = deal_join(actor=shopper, deal=deal, quantity=1)
    # when its shopper opens its page and the deal's, then the amount is its
    # price up front (until 2026-12-07 "Paid up front" beside "Awaiting payment")
    detail = shopper_client.get(_order_url(order)).content.decode()
    assert _amount_label(detail, "order-amount-label") == "Price up front"
    assert "Paid up front" not in detail
    deal_page = shopper_client.get(f"/deals/{deal.public_id}/").content.decode()
    assert _amount_label(deal_page, "order-summary-amount-label") == "Price up front"
    # when it is paid, then both say it was paid
    pay(order)
    detail = shopper_client.get(_order_url(order)).content.decode()
    assert _amount_label(detail, "order-amount-label") == "Paid up front"
    assert "Price up front" not in detail
    deal_page = shopper_client.get(f"/deals/{deal.public_id}/").content.decode()
    assert _amount_label(deal_page, "order-summary-amount-label") == "Paid up front"


def test_an_order_that_ended_unpaid_does_not_say_it_was_paid(shopper_client, shopper):
    # given an order cancelled as its payment window ran out
    order = deal_join(actor=shopper, deal=make_deal(), quantity=1)
    deal_order_cancel_unpaid(order=order, reason=DealOrder.CancelReason.PAYMENT_EXPIRED)
    # when its shopper opens it, then its amount is a price, nothing paid
    detail = shopper_client.get(_order_url(order)).content.decode()
    assert _amount_label(detail, "order-amount-label") == "Price up front"
    assert "Paid up front" not in detail


def test_back_from_pay_page_waits_then_shows_paid(shopper_client, shopper):
    # given: the shopper confirmed on the pay page; the callback is on its way
    order = deal_join(actor=shopper, deal=make_deal(), quantity=1)
    PaymentIntent.objects.filter(pk=order.payment_intent_id).update(
        submitted_at=timezone.now()
    )
    # when
    waiting = shopper_client.get(_order_url(order)).content.decode()
    # then: the status section polls itself
    assert 'id="order-waiting"' in waiting
    # and its status is not "awaiting payment" beside it
    assert 'data-status="pending_payment">Payment being confirmed<' in waiting
    assert f'hx-get="/orders/{order.public_id}/status/"' in waiting
    assert 'hx-trigger="order-changed, every 2s"' in waiting
    # when the callback arrives
    pay(order)
    fragment = _status_fragment(shopper_client, order)
    # then: the fragment shows paid and stops polling (it still follows the socket)
    assert 'data-status="paid"' in fragment
    assert 'id="order-paid"' in fragment
    assert 'hx-trigger="order-changed"' in fragment
    assert "<html" not in fragment


def test_a_payment_that_arrives_after_the_order_was_cancelled_shows_its_refund(
    shopper_client, shopper
):
    # given: the payment window ran out while the shopper was paying
    order = deal_join(actor=shopper, deal=make_deal(), quantity=1)
    deal_order_cancel_unpaid(order=order, reason=DealOrder.CancelReason.PAYMENT_EXPIRED)
    # when the provider's success callback arrives after all
    pay(order)
    # then escrow refunded it in full, and the pages say so, not "nothing charged"
    assert order.status == DealOrder.Status.CANCELLED
    intent = PaymentIntent.objects.get(pk=order.payment_intent_id)
    assert intent.refunded_fen == order.amount_fen > 0
    detail = shopper_client.get(_order_url(order)).content.decode()
    refunded = f"¥{order.amount_fen // 100}.{order.amount_fen % 100:02d}"
    assert "nothing was charged" not in detail
    assert f"after this order was cancelled, so all of it, {refunded}" in detail
    assert f'id="order-refunded-amount">{refunded}<' in detail
    listed = shopper_client.get(reverse("web:order_list")).content.decode()
    assert '<span class="pill bad">Cancelled, payment refunded</span>' in listed
    api = shopper_client.get(f"/api/deals/orders/{order.public_id}").json()
    assert (api["status"], api["refunded_fen"]) == ("cancelled", 0)
    assert api["payment"]["refunded_fen"] == order.amount_fen


def test_an_order_cancelled_before_anything_was_paid_says_nothing_was_charged(
    shopper_client, shopper
):
    order = deal_join(actor=shopper, deal=make_deal(), quantity=1)
    deal_order_cancel_unpaid(order=order, reason=DealOrder.CancelReason.PAYMENT_EXPIRED)
    detail = shopper_client.get(_order_url(order)).content.decode()
    # one sentence with its reason (it was "…nothing was charged. Not paid in
    # time.", glued on, which read "。 未按时付款." in Chinese)
    assert (
        "This order was cancelled as it was not paid in time; nothing was charged.</p>"
        in detail
    )
    assert 'id="order-refunded-amount"' not in detail


def test_confirmed_and_refunded_states_after_close(db):
    # given: two buyers reach the first tier and the deal closes and settles
    deal = make_deal()
    first = join_and_pay(deal)
    join_and_pay(deal)
    deal_settle(deal=deal_close(deal=pass_deadline(deal)))
    # when
    client = Client()
    client.force_login(first.shopper)
    html = client.get(_order_url(first)).content.decode()
    # then
    assert 'data-status="confirmed"' in html
    assert 'id="order-confirmed"' in html
    assert 'id="order-cancel"' not in html
    assert 'id="order-charged">¥99.00<' in html


def test_closed_deal_hides_cancel_while_settling(db):
    deal = make_deal()
    order = join_and_pay(deal)
    join_and_pay(deal)
    deal_close(deal=pass_deadline(deal))
    client = Client()
    client.force_login(order.shopper)
    html = client.get(_order_url(order)).content.decode()
    assert 'data-status="paid"' in html
    assert 'id="order-cancel"' not in html


def test_failed_deal_shows_refund(db):
    deal = make_deal()
    order = join_and_pay(deal)
    deal_close(deal=pass_deadline(deal))
    client = Client()
    client.force_login(order.shopper)
    html = client.get(_order_url(order)).content.decode()
    assert 'data-status="refunded"' in html
    assert 'id="order-refunded"' in html
    assert "¥99.00" in html


def test_a_live_status_update_brings_the_new_amounts_along(db):
    # given a shopper looking at their paid order
    deal = make_deal()
    order = join_and_pay(deal)
    client = Client()
    client.force_login(order.shopper)
    page = client.get(_order_url(order)).content.decode()
    assert 'id="order-refunded-amount"' not in page
    # when the deal fails and the page's status section fetches itself again
    deal_close(deal=pass_deadline(deal))
    fragment = _status_fragment(client, order)
    # then the status says refunded and the amounts list, swapped out of band
    # (it sits outside the status section), shows the refund too
    assert 'id="order-refunded"' in fragment
    assert '<ul class="list" id="order-amounts" hx-swap-oob="true">' in fragment
    assert 'id="order-refunded-amount">¥99.00<' in fragment
    # and the full page carries the same list without the out-of-band marker
    page = client.get(_order_url(order)).content.decode()
    assert '<ul class="list" id="order-amounts">' in page
    assert "hx-swap-oob" not in page


def test_cancel_asks_for_confirmation_first(shopper_client, shopper):
    order = deal_join(actor=shopper, deal=make_deal(), quantity=1)
    response = shopper_client.get(_order_url(order, "web:order_cancel"))
    assert response.status_code == 200
    assert 'id="order-cancel-confirm"' in response.content.decode()
    order.refresh_from_db()
    assert order.status == DealOrder.Status.PENDING_PAYMENT


def test_cancel_paid_order_refunds_it(shopper_client, shopper):
    order = join_and_pay(make_deal(), shopper=shopper)
    response = shopper_client.post(_order_url(order, "web:order_cancel"))
    assert response.status_code == 302
    assert response["Location"] == _order_url(order)
    order.refresh_from_db()
    assert (order.status, order.refunded_fen) == (DealOrder.Status.REFUNDED, 9_900)


def test_cancel_after_close_is_refused_and_changes_nothing(shopper_client, shopper):
    deal = make_deal()
    order = join_and_pay(deal, shopper=shopper)
    join_and_pay(deal)
    pass_deadline(deal)
    response = shopper_client.post(_order_url(order, "web:order_cancel"))
    assert response.status_code == 409
    assert "orders can no longer be cancelled" in response.content.decode()
    order.refresh_from_db()
    assert order.status == DealOrder.Status.PAID


def test_cancel_someone_elses_order_is_404(shopper_client):
    order = deal_join(actor=make_user(), deal=make_deal(), quantity=1)
    response = shopper_client.post(_order_url(order, "web:order_cancel"))
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status == DealOrder.Status.PENDING_PAYMENT


def test_a_paid_order_its_shopper_cancelled_reads_cancelled_and_refunded(
    shopper_client, shopper
):
    # It read "Refunded", "Payment: Paid" under it, sat under the Refunded tab,
    # and its reason was glued on: "¥99.00 已退还给您。 买家取消."
    order = join_and_pay(make_deal(), shopper=shopper)
    shopper_client.post(_order_url(order, "web:order_cancel"))
    # the page
    page = shopper_client.get(_order_url(order)).content.decode()
    assert ">Cancelled, ¥99.00 refunded</span>" in page
    assert 'id="order-payment-status">Paid, then refunded<' in page
    assert "You cancelled this order: ¥99.00 is refunded to you.</p>" in page
    # the tabs
    tab = reverse("web:order_list")
    cancelled = shopper_client.get(tab, {"status": "cancelled"}).context["views"]
    refunded = shopper_client.get(tab, {"status": "refunded"}).context["views"]
    assert ([v.order.pk for v in cancelled], refunded) == ([order.pk], [])
    # the API: status as it was, shown_status beside it
    api = shopper_client.get(f"/api/deals/orders/{order.public_id}").json()
    assert (api["status"], api["shown_status"]) == ("refunded", "cancelled")
    listed = shopper_client.get("/api/deals/orders", {"status": "refunded"}).json()
    assert [item["id"] for item in listed["items"]] == [order.public_id]


def test_a_failed_deals_refund_reads_as_one_sentence(db):
    deal = make_deal()
    order = join_and_pay(deal)
    deal_close(deal=pass_deadline(deal))
    # the shopper's own language wins over the browser's
    order.shopper.preferred_language = "en"
    order.shopper.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(order.shopper)
    html = client.get(_order_url(order)).content.decode()
    assert (
        "The group buy did not reach its target: ¥99.00 is refunded to you.</p>" in html
    )
    assert "is refunded to you. The group buy" not in html


def test_the_shops_reason_for_a_refund_is_on_the_order_page_and_api(
    shopper_client, shopper
):
    # The shop's reason reached the shopper's inbox but not the order page nor
    # the order's API answer (only the merchant's).
    # given an order the shop refunded with a reason holding markup
    from groupbuy.catalog.tests.factories import make_merchant_member
    from groupbuy.deals.services import deal_order_refund

    order = join_and_pay(make_deal(), shopper=shopper)
    deal_order_refund(
        actor=make_merchant_member(merchant=order.deal.merchant).user,
        deal=order.deal,
        order_id=order.public_id,
        reason='Out of stock <script>alert("x")</script>',
    )
    # when the shopper opens it
    page = shopper_client.get(_order_url(order)).content.decode()
    api = shopper_client.get(f"/api/deals/orders/{order.public_id}").json()
    # then the page quotes the reason, escaped, under the outcome
    assert "The shop refunded this order: ¥99.00 is refunded to you.</p>" in page
    assert (
        '<p id="order-refund-reason">The shop says: “Out of stock '
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;”</p>" in page
    )
    assert "<script>alert" not in page
    # and the API gives it as written
    assert api["refund_reason"] == 'Out of stock <script>alert("x")</script>'
    assert (api["status"], api["cancel_reason"]) == ("refunded", "merchant")
