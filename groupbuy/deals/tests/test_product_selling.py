"""A shop's owners hear that an operator stopped selling the product of their
open group buys (which then take no new joins), and that it is sold again
(deals/product_selling.py). Until 2026-12-07 nobody told them."""

from datetime import timedelta

import pytest
from django.db import transaction

from groupbuy.accounts.models import User
from groupbuy.accounts.services import merchant_membership_add
from groupbuy.catalog.services import product_selling_resume, product_selling_stop
from groupbuy.deals.tests.factories import (
    make_deal,
    make_merchant,
    make_product,
    make_user,
)
from groupbuy.notify.models import Delivery, Notification

pytestmark = pytest.mark.django_db

KINDS = ("deals.shop.product_stopped", "deals.shop.product_resumed")


def _operator():
    return make_user(is_staff=True)


def _told(user) -> list[tuple[str, str, str]]:
    notes = Notification.objects.filter(recipient=user, kind__in=KINDS)
    return [(note.kind, *note.text_in("en")) for note in notes.order_by("pk")]


@pytest.fixture
def shops():
    """A product with two open group buys at one shop (two owners and a
    cashier), one at another, a draft at a third; and a fourth shop's open
    group buy of another product."""
    product = make_product(name_zh="龙井茶", name_en="Longjing tea")
    owner = make_user(preferred_language="en")
    busy = make_merchant(name="Tea House", owner=owner)
    other_owner = make_user(preferred_language="zh-hans")
    merchant_membership_add(actor=None, user=other_owner, merchant=busy, role="owner")
    cashier = make_user(preferred_language="en")
    merchant_membership_add(actor=None, user=cashier, merchant=busy, role="cashier")
    first = make_deal(merchant=busy, product=product, title="Longjing")
    later = make_deal(
        merchant=busy,
        product=product,
        title="Longjing, next week",
        starts_in=timedelta(days=2),
        deadline_in=timedelta(days=9),
    )
    corner_owner = make_user(preferred_language="en")
    corner = make_merchant(name="Corner", owner=corner_owner)
    single = make_deal(merchant=corner, product=product)
    drafter = make_user(preferred_language="en")
    make_deal(
        merchant=make_merchant(name="Drafts", owner=drafter),
        product=product,
        is_open=False,
    )
    bystander = make_user(preferred_language="en")
    make_deal(merchant=make_merchant(name="Elsewhere", owner=bystander))
    return {
        "product": product,
        "owner": owner,
        "other_owner": other_owner,
        "cashier": cashier,
        "busy_deals": [first, later],
        "corner_owner": corner_owner,
        "single": single,
        "drafter": drafter,
        "bystander": bystander,
    }


def test_each_shop_with_an_open_group_buy_is_told_once_of_a_stop(shops):
    # when an operator stops selling the product
    product_selling_stop(actor=_operator(), product=shops["product"])
    # then each owner of a shop running open group buys of it reads it once,
    # naming the product and what it means for those group buys
    assert _told(shops["owner"]) == [
        (
            "deals.shop.product_stopped",
            "“Longjing tea” is no longer sold",
            "The platform stopped selling “Longjing tea”, so your 2 open group "
            "buys of it take no new joins. Their orders stay, and each closes at "
            "its deadline as usual.",
        )
    ]
    assert _told(shops["corner_owner"]) == [
        (
            "deals.shop.product_stopped",
            "“Longjing tea” is no longer sold",
            "The platform stopped selling “Longjing tea”, so your open group buy "
            "of it takes no new joins. Its orders stay, and it closes at its "
            "deadline as usual.",
        )
    ]
    assert len(_told(shops["other_owner"])) == 1
    # and not a cashier, a shop with a draft only, nor one selling something else
    for user in ("cashier", "drafter", "bystander"):
        assert _told(shops[user]) == []
    # linked to the one group buy, or to the shop's list of them; never by SMS
    note = Notification.objects.get(recipient=shops["owner"])
    merchant_id = shops["single"].merchant.public_id  # the other shop
    busy_id = shops["busy_deals"][0].merchant.public_id
    assert note.url == f"/merchant/{busy_id}/deals/"
    assert note.data == {
        "product_id": shops["product"].public_id,
        "merchant_id": busy_id,
        "deal_ids": [deal.public_id for deal in shops["busy_deals"]],
    }
    corner = Notification.objects.get(recipient=shops["corner_owner"])
    assert corner.url == (f"/merchant/{merchant_id}/deals/{shops['single'].public_id}/")
    assert not Delivery.objects.filter(
        notification__kind__in=KINDS, channel="sms"
    ).exists()


def test_selling_again_tells_the_same_shops_and_repeats_tell_nobody(shops):
    # given a stopped product
    operator = _operator()
    product_selling_stop(actor=operator, product=shops["product"])
    # when it is stopped again, sold again, and sold again once more
    product_selling_stop(actor=operator, product=shops["product"])
    product_selling_resume(actor=operator, product=shops["product"])
    product_selling_resume(actor=operator, product=shops["product"])
    # then each change was told once
    assert [kind for kind, _title, _body in _told(shops["owner"])] == list(KINDS)
    assert _told(shops["corner_owner"])[1] == (
        "deals.shop.product_resumed",
        "“Longjing tea” is sold again",
        "The platform sells “Longjing tea” again: your open group buy of it "
        "takes joins again.",
    )
    assert Notification.objects.filter(kind__in=KINDS).count() == 6
    assert _told(shops["cashier"]) == []


def test_an_owner_whose_account_is_switched_off_is_not_told(shops):
    # given the busy shop's second owner's account is switched off
    User.objects.filter(pk=shops["other_owner"].pk).update(is_active=False)
    # when an operator stops selling the product
    product_selling_stop(actor=_operator(), product=shops["product"])
    # then the shop's other owner is told, the switched-off one not
    assert len(_told(shops["owner"])) == 1
    assert _told(shops["other_owner"]) == []


def test_the_other_owner_reads_it_in_chinese(shops):
    # when
    product_selling_stop(actor=_operator(), product=shops["product"])
    # then
    note = Notification.objects.get(recipient=shops["other_owner"])
    title, _body = note.text_in("zh-hans")
    assert "龙井茶" in title


def test_a_product_with_no_open_group_buy_tells_nobody():
    # given a product no shop runs a group buy of
    product = make_product(name_en="Oolong")
    operator = _operator()
    # when it is stopped and sold again
    product_selling_stop(actor=operator, product=product)
    product_selling_resume(actor=operator, product=product)
    # then
    assert not Notification.objects.filter(kind__in=KINDS).exists()


def test_nothing_is_told_unless_the_stop_commits(
    shops, django_capture_on_commit_callbacks
):
    # when the stop is rolled back
    with pytest.raises(RuntimeError), transaction.atomic():
        product_selling_stop(actor=_operator(), product=shops["product"])
        raise RuntimeError("rolled back")
    # then nobody was told
    assert not Notification.objects.filter(kind__in=KINDS).exists()
    # and when it commits, the messages are handed over only then
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        product_selling_stop(actor=_operator(), product=shops["product"])
        pending = Delivery.objects.filter(notification__kind__in=KINDS)
        assert {delivery.status for delivery in pending} == {"pending"}
    assert callbacks
