"""Operators switch a misbehaving shop off, and on again: service, API, page."""

import pytest
from django.utils import translation

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.services import merchant_membership_add
from groupbuy.catalog.models import Merchant
from groupbuy.core.errors import DomainError
from groupbuy.core.models import AuditEntry
from groupbuy.deals.tests.factories import make_deal, make_merchant
from groupbuy.notify.models import Notification
from groupbuy.ops.shop_switching import (
    SWITCHED_OFF_KIND,
    SWITCHED_ON_KIND,
    merchant_switch_off,
    merchant_switch_on,
)
from groupbuy.ops.tests.factories import make_operator, make_person

pytestmark = pytest.mark.django_db


def _shop_with_owner(name="Fresh Mart"):
    merchant = make_merchant(name=name)
    owner = make_person()
    merchant_membership_add(actor=None, user=owner, merchant=merchant, role="owner")
    return merchant, owner


def _staff(merchant, role):
    person = make_person()
    merchant_membership_add(actor=None, user=person, merchant=merchant, role=role)
    return person


def _switch_audits(merchant):
    return list(
        AuditEntry.objects.filter(
            action__startswith="ops.merchant.switched", object_id=merchant.public_id
        )
        .order_by("id")
        .values_list("action", "data")
    )


def test_switching_a_shop_off_says_why_to_its_owners_and_in_the_audit_log():
    # given
    merchant, owner = _shop_with_owner()
    operator = make_operator()
    # when
    merchant_switch_off(
        actor=operator, merchant_id=merchant.public_id, reason="  Fake goods  "
    )
    # then
    merchant.refresh_from_db()
    assert merchant.is_active is False
    assert _switch_audits(merchant) == [
        ("ops.merchant.switched_off", {"reason": "Fake goods"})
    ]
    told = Notification.objects.get(kind=SWITCHED_OFF_KIND)
    assert told.recipient == owner
    assert told.text_in("en")[1] == (
        "The platform switched Fresh Mart off: “Fake goods”. Its group buys "
        "take no new joins; orders already made stay."
    )


def test_switching_off_a_shop_already_off_changes_nothing_and_tells_nobody_again():
    # given a shop switched off once
    merchant, _owner = _shop_with_owner()
    operator = make_operator()
    merchant_switch_off(actor=operator, merchant_id=merchant.public_id, reason="Spam")
    # when the form is sent again
    merchant_switch_off(actor=operator, merchant_id=merchant.public_id, reason="Spam")
    # then
    assert len(_switch_audits(merchant)) == 1
    assert Notification.objects.filter(kind=SWITCHED_OFF_KIND).count() == 1


def test_switching_off_needs_a_reason_and_changes_nothing_without_one():
    merchant, _owner = _shop_with_owner()
    with translation.override("en"), pytest.raises(DomainError) as refused:
        merchant_switch_off(
            actor=make_operator(), merchant_id=merchant.public_id, reason="   "
        )
    message = "Say why the shop is switched off: its owners read it."
    assert (refused.value.status, refused.value.code) == (400, "invalid")
    assert refused.value.fields == {"reason": [message]}
    merchant.refresh_from_db()
    assert merchant.is_active is True
    assert not Notification.objects.exists()


def test_a_reason_over_200_characters_is_refused():
    merchant, _owner = _shop_with_owner()
    with pytest.raises(DomainError) as refused:
        merchant_switch_off(
            actor=make_operator(), merchant_id=merchant.public_id, reason="x" * 201
        )
    assert refused.value.status == 400 and "reason" in refused.value.fields
    merchant.refresh_from_db()
    assert merchant.is_active is True


def test_switching_a_shop_on_again_is_audited_and_told_to_its_owners():
    # given
    merchant, owner = _shop_with_owner()
    operator = make_operator()
    merchant_switch_off(actor=operator, merchant_id=merchant.public_id, reason="Spam")
    # when (twice: the second changes nothing)
    merchant_switch_on(actor=operator, merchant_id=merchant.public_id)
    merchant_switch_on(actor=operator, merchant_id=merchant.public_id)
    # then
    merchant.refresh_from_db()
    assert merchant.is_active is True
    assert [action for action, _data in _switch_audits(merchant)] == [
        "ops.merchant.switched_off",
        "ops.merchant.switched_on",
    ]
    assert Notification.objects.get(kind=SWITCHED_ON_KIND).recipient == owner


def test_switching_on_a_shop_whose_name_another_took_meanwhile_is_refused():
    # given
    merchant, _owner = _shop_with_owner(name="Fresh Mart")
    operator = make_operator()
    merchant_switch_off(actor=operator, merchant_id=merchant.public_id, reason="Spam")
    make_merchant(name="fresh mart")
    # when
    with pytest.raises(DomainError) as refused:
        merchant_switch_on(actor=operator, merchant_id=merchant.public_id)
    # then
    assert (refused.value.status, refused.value.code) == (409, "merchant_exists")
    merchant.refresh_from_db()
    assert merchant.is_active is False


@pytest.mark.parametrize("who", ["shopper", "owner", "cashier", "other_owner"])
def test_only_operators_switch_a_shop(who):
    # given
    merchant, owner = _shop_with_owner()
    _other_merchant, other_owner = _shop_with_owner(name="Other Mart")
    actor = {
        "shopper": make_person(),
        "owner": owner,
        "cashier": _staff(merchant, MerchantMembership.Role.CASHIER),
        "other_owner": other_owner,
    }[who]
    # when
    with pytest.raises(DomainError) as refused:
        merchant_switch_off(actor=actor, merchant_id=merchant.public_id, reason="x")
    # then
    assert refused.value.status == 403
    assert Merchant.objects.get(pk=merchant.pk).is_active is True
    assert _switch_audits(merchant) == []


def test_an_unknown_shop_is_404():
    with pytest.raises(DomainError) as refused:
        merchant_switch_off(actor=make_operator(), merchant_id="mer_nope", reason="x")
    assert refused.value.status == 404


# The API


def _api(client, user, merchant, action, payload):
    client.force_login(user)
    return client.post(
        f"/api/operator/merchants/{merchant.public_id}/{action}",
        payload,
        content_type="application/json",
    )


def test_the_api_switches_a_shop_off_and_counts_its_open_deals(client):
    # given
    merchant, _owner = _shop_with_owner()
    make_deal(merchant=merchant)
    # when
    response = _api(client, make_operator(), merchant, "switch-off", {"reason": "Spam"})
    # then
    assert response.status_code == 200
    assert response.json() == {
        "merchant_id": merchant.public_id,
        "name": "Fresh Mart",
        "is_active": False,
        "open_deals": 1,
    }


@pytest.mark.parametrize("who", ["shopper", "owner", "cashier", "other_cashier"])
@pytest.mark.parametrize("action", ["switch-off", "switch-on"])
def test_the_api_refuses_anyone_but_an_operator_with_403_json(client, who, action):
    # given
    merchant, owner = _shop_with_owner()
    other_merchant, _other_owner = _shop_with_owner(name="Other Mart")
    actor = {
        "shopper": make_person(),
        "owner": owner,
        "cashier": _staff(merchant, MerchantMembership.Role.CASHIER),
        "other_cashier": _staff(other_merchant, MerchantMembership.Role.CASHIER),
    }[who]
    # when
    response = _api(client, actor, merchant, action, {"reason": "Spam"})
    # then
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert Merchant.objects.get(pk=merchant.pk).is_active is True
    assert _switch_audits(merchant) == []


def test_the_api_says_a_missing_reason_on_its_field(client):
    merchant, _owner = _shop_with_owner()
    response = _api(client, make_operator(), merchant, "switch-off", {"reason": ""})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["reason"]
    assert Merchant.objects.get(pk=merchant.pk).is_active is True


# The page


def test_the_page_switches_a_shop_off_and_says_what_it_did(client):
    # given
    merchant, _owner = _shop_with_owner()
    make_deal(merchant=merchant)
    client.force_login(make_operator())
    url = f"/operator/shops/{merchant.public_id}/"
    # when
    page = client.get(url)
    response = client.post(f"{url}switch-off/", {"reason": "Fake goods"}, follow=True)
    # then
    assert page.status_code == 200
    assert "1 group buy of this shop is open" in page.content.decode()
    assert response.status_code == 200
    text = response.content.decode()
    assert (
        "Fresh Mart is switched off: its group buys take no new joins and it "
        "cannot open new ones. Its owners are told why."
    ) in text
    assert 'id="merchant-switch-on"' in text
    assert "“Fake goods”" in text
    assert Merchant.objects.get(pk=merchant.pk).is_active is False


def test_the_page_keeps_the_form_and_says_a_missing_reason(client):
    merchant, _owner = _shop_with_owner()
    client.force_login(make_operator())
    response = client.post(
        f"/operator/shops/{merchant.public_id}/switch-off/", {"reason": ""}
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert Merchant.objects.get(pk=merchant.pk).is_active is True


@pytest.mark.parametrize("who", ["shopper", "owner", "cashier"])
@pytest.mark.parametrize("suffix", ["", "switch-off/", "switch-on/"])
def test_the_pages_are_for_operators_only(client, who, suffix):
    merchant, owner = _shop_with_owner()
    actor = {
        "shopper": make_person(),
        "owner": owner,
        "cashier": _staff(merchant, MerchantMembership.Role.CASHIER),
    }[who]
    client.force_login(actor)
    url = f"/operator/shops/{merchant.public_id}/{suffix}"
    response = client.post(url, {"reason": "x"}) if suffix else client.get(url)
    assert response.status_code == 403
    assert Merchant.objects.get(pk=merchant.pk).is_active is True
