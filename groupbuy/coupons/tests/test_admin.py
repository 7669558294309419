"""The operators' coupon list: its status filter and column say what the shopper
and the till see (``Coupon.shown_status``), not the status the sweep stores up
to ten minutes after a coupon's expiry."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from groupbuy.coupons.models import Coupon
from groupbuy.coupons.selectors import coupons_shown_as
from groupbuy.coupons.services import coupons_expire_due
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_station,
)
from groupbuy.escrow.tests.factories import make_user

pytestmark = pytest.mark.django_db
LIST = "/admin/coupons/coupon/"


@pytest.fixture
def coupons():
    """Three valid coupons: one with an hour left, one just past its expiry (the
    sweep not yet run) and one expiring at this very moment."""
    station = make_station()
    orders = confirmed_orders(station.merchant, quantities=(1, 1, 1))
    now = timezone.now()
    left, past, at_the_moment = (coupon_for(order) for order in orders)
    for coupon, expires_at in (
        (left, now + timedelta(hours=1)),
        (past, now - timedelta(seconds=1)),
        (at_the_moment, now),
    ):
        coupon.expires_at = expires_at
        coupon.save(update_fields=["expires_at"])
    return {"left": left, "past": past, "at the moment": at_the_moment, "now": now}


def _listed(client, status: str) -> set[str]:
    with translation.override("en"):
        response = client.get(LIST, {"status": status})
    assert response.status_code == 200
    return {coupon.public_id for coupon in response.context["cl"].result_list}


def test_the_filters_list_a_coupon_just_past_its_expiry_as_expired(client, coupons):
    # given three stored-valid coupons, one of them just past its expiry
    assert set(Coupon.objects.values_list("status", flat=True)) == {"valid"}
    operator = make_user(is_staff=True, is_superuser=True, preferred_language="en")
    client.force_login(operator)
    left, past = coupons["left"].public_id, coupons["past"].public_id
    # when the operator filters on valid and on expired
    valid = _listed(client, "valid") - {coupons["at the moment"].public_id}
    expired = _listed(client, "expired") - {coupons["at the moment"].public_id}
    # then the one past its expiry is under expired, as its shopper sees it
    assert (valid, expired) == ({left}, {past})
    assert _listed(client, "redeemed") == set()
    # and the rows say so: Valid for the one with time left, Expired for the
    # one past its expiry and the one whose moment has passed since
    with translation.override("en"):
        page = client.get(LIST).content.decode()
    assert page.count('<td class="field-shown_status_label">Expired</td>') == 2
    assert page.count('<td class="field-shown_status_label">Valid</td>') == 1
    # and the sweep, when it runs, stores what the filters already said
    coupons_expire_due()
    assert Coupon.objects.get(public_id=past).status == "expired"
    assert (_listed(client, "valid"), _listed(client, "expired")) == (
        {left},
        {past, coupons["at the moment"].public_id},
    )


def test_the_filter_agrees_with_the_shown_status_at_any_moment(coupons):
    # given the coupons, at the moment the third expires and a moment later
    now = coupons["now"]
    for moment in (now, now + timedelta(microseconds=1)):
        everyone = Coupon.objects.all()
        # when they are filtered by each status at that moment
        for status in Coupon.Status.values:
            listed = set(coupons_shown_as(everyone, status=status, now=moment))
            # then the filter lists exactly those shown with that status
            assert listed == {c for c in everyone if c.status_at(moment) == status}


def test_the_coupon_list_is_the_operators(client):
    # (no coupons needed: the admin turns a non-operator away before it lists)
    client.force_login(make_user())
    assert client.get(LIST, {"status": "expired"}).status_code == 302


def _change_page(client, coupon) -> str:
    operator = make_user(is_staff=True, is_superuser=True, preferred_language="en")
    client.force_login(operator)
    with translation.override("en"):
        response = client.get(f"{LIST}{coupon.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_coupon_page_shows_a_usable_coupons_code_read_only(client):
    # given a valid coupon
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    # when an operator opens it in the admin
    page = _change_page(client, coupon)
    # then its code is shown, and there is no field to edit it
    assert coupon.code in page
    assert 'name="code"' not in page


@pytest.mark.parametrize("dead", ["revoked", "expired", "redeemed"])
def test_the_coupon_page_hides_the_code_of_a_coupon_no_till_takes(client, dead):
    # given a coupon that can no longer be used (revoked, past its expiry
    # before the sweep, or used up)
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    changes = {
        "revoked": {"status": Coupon.Status.REVOKED},
        "expired": {"expires_at": timezone.now() - timedelta(seconds=1)},
        "redeemed": {"status": Coupon.Status.REDEEMED, "redeemed_quantity": 1},
    }[dead]
    Coupon.objects.filter(pk=coupon.pk).update(**changes)
    # when an operator opens it in the admin
    page = _change_page(client, coupon)
    # then its code is not there (until 2026-12-06 it was), as the API's is null
    assert coupon.code not in page
    assert 'name="code"' not in page
