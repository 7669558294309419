"""The shop's own details in the merchant console: its owners rename the shop and
set its English name from the staff and branches page; nobody else may.

Until 2026-12-06 only the API (PATCH /api/merchants/{id}) could change them: no
console page did, so an owner had no way to correct the shop's name.
"""

import pytest
from django.test import Client
from django.urls import reverse

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.models import Merchant
from groupbuy.catalog.tests.factories import (
    make_merchant,
    make_merchant_member,
    make_user,
)
from groupbuy.core.models import AuditEntry

pytestmark = pytest.mark.django_db
Role = MerchantMembership.Role


def _member(role=Role.OWNER, merchant=None):
    fields = {"merchant": merchant} if merchant is not None else {}
    membership = make_merchant_member(
        user=make_user(preferred_language="en"), role=role, **fields
    )
    client = Client()
    client.force_login(membership.user)
    return membership.merchant, client


def _url(merchant) -> str:
    return reverse("web:merchant_profile", args=[merchant.public_id])


def test_the_owner_renames_the_shop_and_sets_its_english_name():
    # given an owner on the staff and branches page, which leads to the details
    merchant, owner = _member(merchant=make_merchant(name="旧名超市", name_en=""))
    staff_page = owner.get(reverse("web:merchant_staff", args=[merchant.public_id]))
    assert f'href="{_url(merchant)}"' in staff_page.content.decode()
    page = owner.get(_url(merchant))
    assert page.status_code == 200
    assert page.context["form"].initial == {"name": "旧名超市", "name_en": ""}
    # when they save a new name and an English one
    response = owner.post(
        _url(merchant), {"name": " 鲜邻超市 ", "name_en": "Fresh Neighbour"}
    )
    # then the shop has them, the page says so, and the change is recorded
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "web:merchant_staff", args=[merchant.public_id]
    )
    merchant.refresh_from_db()
    assert (merchant.name, merchant.name_en) == ("鲜邻超市", "Fresh Neighbour")
    followed = owner.get(response["Location"])
    assert [str(m) for m in followed.context["messages"]] == [
        "The shop's details are saved."
    ]
    assert AuditEntry.objects.filter(action="catalog.merchant.updated").count() == 1


def test_a_name_another_shop_has_is_refused_on_its_field_and_what_was_typed_kept():
    # given another shop named 鲜邻超市
    make_merchant(name="鲜邻超市")
    merchant, owner = _member(merchant=make_merchant(name="旧名超市"))
    # when the owner takes that name
    response = owner.post(_url(merchant), {"name": "鲜邻超市", "name_en": "Fresh"})
    # then it is refused on the name, with what they typed kept; nothing changes
    assert response.status_code == 409
    form = response.context["form"]
    assert form.errors["name"][0].startswith("A merchant named “鲜邻超市” already")
    assert (form["name"].value(), form["name_en"].value()) == ("鲜邻超市", "Fresh")
    assert Merchant.objects.get(pk=merchant.pk).name == "旧名超市"


def test_an_empty_name_is_refused_on_its_field():
    merchant, owner = _member(merchant=make_merchant(name="旧名超市"))
    response = owner.post(_url(merchant), {"name": "  ", "name_en": "Old"})
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == ["This field is required."]
    assert Merchant.objects.get(pk=merchant.pk).name == "旧名超市"


def test_only_the_shops_owners_may_open_or_send_the_page():
    # given a shop, its cashier, another shop's owner, a shopper and nobody
    merchant, _owner = _member(merchant=make_merchant(name="旧名超市"))
    _same, cashier = _member(role=Role.CASHIER, merchant=merchant)
    _other, other_owner = _member()
    shopper = Client()
    shopper.force_login(make_user(preferred_language="en"))
    # then the cashier and the outsiders are refused, and nothing changes
    for refused in (cashier, other_owner, shopper):
        assert refused.get(_url(merchant)).status_code in (403, 404)
        answer = refused.post(_url(merchant), {"name": "Taken over", "name_en": ""})
        assert answer.status_code in (403, 404)
    anonymous = Client().post(_url(merchant), {"name": "Taken over", "name_en": ""})
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert Merchant.objects.get(pk=merchant.pk).name == "旧名超市"
    # and the cashier's console does not lead there
    home = cashier.get(reverse("web:merchant_dashboard", args=[merchant.public_id]))
    assert _url(merchant) not in home.content.decode()
