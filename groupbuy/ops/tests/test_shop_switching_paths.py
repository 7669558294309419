"""Every way of switching a shop off or on goes through ops' switch (owners
told, audited): the operator API keeps the catalog's same-name rule, and the
Django admin's merchant page switches by its actions, its Active box read-only.
"""

from pathlib import Path

import pytest

from groupbuy.accounts.services import merchant_membership_add
from groupbuy.catalog.models import Merchant
from groupbuy.catalog.tests.factories import make_merchant
from groupbuy.core.models import AuditEntry
from groupbuy.notify.models import Notification
from groupbuy.ops.shop_switching import (
    SWITCHED_OFF_KIND,
    SWITCHED_ON_KIND,
    merchant_switch_off,
)
from groupbuy.ops.tests.factories import make_operator, make_person

pytestmark = pytest.mark.django_db


def _shop_with(role="owner", name="Fresh Mart", **fields):
    merchant = make_merchant(name=name, **fields)
    person = make_person()
    merchant_membership_add(actor=None, user=person, merchant=merchant, role=role)
    return merchant, person


def _switch_on(client, merchant, user, **extra):
    client.force_login(user)
    return client.post(
        f"/api/operator/merchants/{merchant.public_id}/switch-on",
        extra,
        content_type="application/json",
    )


# The operator API (moved from the catalog's PATCH, which now refuses a switch)


def test_switching_a_shop_on_whose_name_was_taken_meanwhile_is_a_409(client):
    # given a closed "Fresh Mart", and another shop that took the name since
    closed = make_merchant(name="Fresh Mart", is_active=False)
    taken = make_merchant(name="FRESH MART")
    operator = make_operator()
    # when an operator switches the closed one on again
    response = _switch_on(client, closed, operator)
    # then it is refused as a rename to that name is, and it stays closed
    assert response.status_code == 409
    message = f"A merchant named “FRESH MART” already exists ({taken.public_id})."
    assert response.json() == {
        "code": "merchant_exists",
        "message": message,
        "fields": {"name": [message]},
        "merchant_id": taken.public_id,
        "merchant_name": "FRESH MART",
    }
    closed.refresh_from_db()
    assert closed.is_active is False
    assert not AuditEntry.objects.filter(action="ops.merchant.switched_on").exists()
    # and renamed to a free name first, or confirmed, it is switched on
    Merchant.objects.filter(pk=closed.pk).update(name="Fresh Mart Old Town")
    renamed = _switch_on(client, closed, operator)
    assert (renamed.status_code, renamed.json()["name"]) == (
        200,
        "Fresh Mart Old Town",
    )
    Merchant.objects.filter(pk=closed.pk).update(name="Fresh Mart", is_active=False)
    confirmed = _switch_on(client, closed, operator, allow_same_name=True)
    assert confirmed.status_code == 200, confirmed.json()
    active = Merchant.objects.filter(is_active=True, name__iexact="fresh mart")
    assert active.count() == 2


def test_only_an_operator_switches_a_shop_on_or_confirms_a_same_name(client):
    # given a switched-off shop with its owner and cashier, another shop's
    # owner and a shopper, and another shop open under its name
    closed, owner = _shop_with()
    cashier = make_person()
    merchant_membership_add(actor=None, user=cashier, merchant=closed, role="cashier")
    merchant_switch_off(
        actor=make_operator(), merchant_id=closed.public_id, reason="Fake goods"
    )
    make_merchant(name=closed.name)
    _other, other_owner = _shop_with(name="Green Grocer")
    for user in (owner, cashier, other_owner, make_person()):
        # when they switch it on, or confirm a same name
        for extra in ({}, {"allow_same_name": True}):
            response = _switch_on(client, closed, user, **extra)
            # then they are refused
            assert response.status_code == 403, response.json()
    closed.refresh_from_db()
    assert closed.is_active is False
    assert not Notification.objects.filter(kind=SWITCHED_ON_KIND).exists()


# The Django admin


def _change_form(merchant, **changes) -> dict:
    form = {
        "name": merchant.name,
        "name_en": merchant.name_en,
        "description": merchant.description,
        "branches-TOTAL_FORMS": "0",
        "branches-INITIAL_FORMS": "0",
    }
    form.update(changes)
    return form


def _admin(client, user=None):
    client.force_login(user or make_operator(is_superuser=True))
    return "/admin/catalog/merchant/"


def test_the_admin_shows_active_read_only_and_saving_leaves_it(client):
    # given an open shop with its owner, and an operator in the admin
    merchant, _owner = _shop_with()
    url = f"{_admin(client)}{merchant.pk}/change/"
    # when they open it, and save it renamed with the Active box unticked
    page = client.get(url).content.decode()
    response = client.post(url, _change_form(merchant, name="Fresh Mart 2"))
    # then the box is not a field, the rename is saved and the shop stays open
    assert 'name="is_active"' not in page
    assert response.status_code == 302
    merchant.refresh_from_db()
    assert (merchant.name, merchant.is_active) == ("Fresh Mart 2", True)
    assert not Notification.objects.filter(kind=SWITCHED_OFF_KIND).exists()


def test_the_admin_switch_off_asks_the_reason_then_tells_the_owners(client):
    # given an open shop with its owner, and an operator in the admin
    merchant, owner = _shop_with()
    url = _admin(client)
    picked = {"action": "switch_off", "_selected_action": [merchant.pk]}
    # when they pick "Switch off…"
    asked = client.post(url, picked)
    # then a page asks the reason, and nothing is switched yet
    assert asked.status_code == 200
    assert (
        "Why is the shop switched off? (its owners read it)" in asked.content.decode()
    )
    merchant.refresh_from_db()
    assert merchant.is_active is True
    # when they apply it without a reason
    empty = client.post(url, {**picked, "apply": "1", "reason": ""})
    # then the page asks again, and still nothing is switched
    assert empty.status_code == 200
    merchant.refresh_from_db()
    assert merchant.is_active is True
    # when they give one
    done = client.post(url, {**picked, "apply": "1", "reason": "Fake goods"})
    # then the shop is off, its owner told why, and the audit log says so
    assert done.status_code == 302
    merchant.refresh_from_db()
    assert merchant.is_active is False
    told = Notification.objects.get(kind=SWITCHED_OFF_KIND)
    assert told.recipient == owner
    assert "Fake goods" in str(told.body)
    assert list(
        AuditEntry.objects.filter(action="ops.merchant.switched_off").values_list(
            "object_id", "data"
        )
    ) == [(merchant.public_id, {"reason": "Fake goods"})]


def test_the_admin_switches_a_shop_on_under_a_taken_name_only_when_confirmed(client):
    # given a switched-off "Fresh Mart" with its owner, and another shop that
    # took the name since
    closed, owner = _shop_with()
    operator = make_operator(is_superuser=True)
    merchant_switch_off(actor=operator, merchant_id=closed.public_id, reason="x")
    taken = make_merchant(name="FRESH MART")
    url = _admin(client, operator)
    picked = {"action": "switch_on", "_selected_action": [closed.pk]}
    # when an operator switches it on from the admin
    response = client.post(url, picked)
    # then the admin says the name is taken, asks to confirm, and it stays off
    assert response.status_code == 200
    page = response.content.decode()
    assert f"A merchant named “FRESH MART” already exists ({taken.public_id})." in page
    assert 'name="allow_same_name"' in page
    closed.refresh_from_db()
    assert closed.is_active is False
    # and with the same name confirmed, it is switched on and its owner told
    response = client.post(url, {**picked, "allow_same_name": "1"})
    assert response.status_code == 302
    closed.refresh_from_db()
    assert closed.is_active is True
    assert Notification.objects.get(kind=SWITCHED_ON_KIND).recipient == owner
    assert AuditEntry.objects.filter(action="ops.merchant.switched_on").count() == 1


def test_the_admin_switch_on_of_a_free_name_needs_no_confirmation(client):
    # given a switched-off shop whose name nobody took
    closed, owner = _shop_with()
    operator = make_operator(is_superuser=True)
    merchant_switch_off(actor=operator, merchant_id=closed.public_id, reason="x")
    url = _admin(client, operator)
    # when an operator switches it on from the admin
    response = client.post(
        url, {"action": "switch_on", "_selected_action": [closed.pk]}
    )
    # then it is on at once and its owner told
    assert response.status_code == 302
    assert "1 shop switched." in client.get(url).content.decode()
    closed.refresh_from_db()
    assert closed.is_active is True
    assert Notification.objects.get(kind=SWITCHED_ON_KIND).recipient == owner


@pytest.mark.parametrize("action", ["switch_off", "switch_on"])
def test_an_owner_cannot_switch_their_shop_in_the_admin(client, action):
    # given a shop's owner who somehow reaches the admin (staff flag off: the
    # admin turns them away) and the shop in the other state
    merchant, owner = _shop_with(is_active=action == "switch_off")
    # when they post the action
    client.force_login(owner)
    response = client.post(
        "/admin/catalog/merchant/",
        {
            "action": action,
            "_selected_action": [merchant.pk],
            "apply": "1",
            "reason": "mine",
            "allow_same_name": "1",
        },
    )
    # then they are sent to the admin's login, and nothing changes
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    was_active = merchant.is_active
    merchant.refresh_from_db()
    assert merchant.is_active is was_active
    assert not Notification.objects.filter(kind__startswith="ops.merchant").exists()


def test_the_admin_switch_on_of_a_shop_already_on_changes_and_tells_nothing(client):
    # given an open shop with its owner
    merchant, _owner = _shop_with()
    url = _admin(client)
    # when an operator switches it on from the admin
    response = client.post(
        url, {"action": "switch_on", "_selected_action": [merchant.pk]}, follow=True
    )
    # then nothing is switched, said, told or audited
    assert response.status_code == 200
    assert "shop switched" not in response.content.decode()
    assert not Notification.objects.filter(kind=SWITCHED_ON_KIND).exists()
    assert not AuditEntry.objects.filter(action="ops.merchant.switched_on").exists()


# The catalog's store of the switch, called by nothing but ops' switch


def test_only_ops_switch_stores_a_shop_switched_off_or_on():
    # given every module of the project but the tests
    root = Path(__file__).resolve().parents[2]
    modules = [
        path
        for path in root.rglob("*.py")
        if "tests" not in path.relative_to(root).parts
    ]
    # when looking for calls of the catalog's store of the switch
    callers = sorted(
        str(path.relative_to(root))
        for path in modules
        if "merchant_active_set(" in path.read_text()
    )
    # then only its own definition and ops' switch call it: no other path
    # switches a shop without telling its owners and recording why
    assert callers == ["catalog/services/merchants.py", "ops/shop_switching.py"]
