"""Kinds of notification a person keeps to the inbox: no SMS, e-mail or push."""

from __future__ import annotations

import pytest
from django.test import Client

from groupbuy.accounts.services import api_token_create, user_update_profile
from groupbuy.core.errors import DomainError
from groupbuy.escrow.tests.factories import make_user
from groupbuy.notify.models import Delivery
from groupbuy.notify.services import notification_enqueue

pytestmark = pytest.mark.django_db


def _channels(user, kind: str) -> set[str]:
    notification = notification_enqueue(
        recipient=user, kind=kind, title="t", body="b", idempotency_key=f"{kind}:1"
    )
    return set(
        Delivery.objects.filter(notification=notification).values_list(
            "channel", flat=True
        )
    )


def test_a_kind_kept_to_the_inbox_sends_no_sms_the_others_still_do():
    user = make_user(contact_channel="sms")
    user_update_profile(actor=user, inbox_only_kinds=["pooling.invitation"])
    assert "sms" not in _channels(user, "pooling.invitation")
    assert "sms" in _channels(user, "deals.order.paid")


def test_an_unknown_kind_is_refused_with_its_name_and_nothing_changes():
    user = make_user()
    with pytest.raises(DomainError) as refused:
        user_update_profile(actor=user, inbox_only_kinds=["pooling.invitation", "x.y"])
    assert refused.value.status == 400 and "x.y" in refused.value.message
    user.refresh_from_db()
    assert user.inbox_only_kinds == []


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_kind_is_refused_with_a_message_that_says_so(blank):
    # given a client that sent an empty entry among the kinds
    user = make_user()
    # when
    with pytest.raises(DomainError) as refused:
        user_update_profile(actor=user, inbox_only_kinds=["pooling.invitation", blank])
    # then it is told the entry is empty, not "Unknown kinds of notification: ."
    message = "A kind of notification cannot be empty."
    assert (refused.value.status, refused.value.code) == (400, "invalid_kinds")
    assert refused.value.message == message
    assert refused.value.fields == {"inbox_only_kinds": [message]}
    user.refresh_from_db()
    assert user.inbox_only_kinds == []


def test_the_page_keeps_the_unticked_kinds_to_the_inbox():
    user = make_user(preferred_language="en")
    client = Client()
    client.force_login(user)
    page = client.get("/me/notifications/").content.decode()
    assert 'value="pooling.invitation" id="kind-poolinginvitation" checked' in page
    # when they untick everything but paid orders
    client.post("/me/notifications/", {"by_channel": ["deals.order.paid", "bogus"]})
    user.refresh_from_db()
    assert "pooling.invitation" in user.inbox_only_kinds
    assert "deals.order.paid" not in user.inbox_only_kinds
    assert "bogus" not in user.inbox_only_kinds
    page = client.get("/me/notifications/").content.decode()
    assert 'value="pooling.invitation" id="kind-poolinginvitation">' in page


def test_the_api_sets_and_shows_them_for_the_caller_only(client):
    user, other = make_user(), make_user()
    _token, secret = api_token_create(actor=user)
    headers = {"Authorization": f"Bearer {secret}"}
    response = client.patch(
        "/api/me",
        {"inbox_only_kinds": ["sharing.share.received"]},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200
    assert response.json()["inbox_only_kinds"] == ["sharing.share.received"]
    bad = client.patch(
        "/api/me",
        {"inbox_only_kinds": ["nope"]},
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 400 and "nope" in bad.json()["message"]
    other.refresh_from_db()
    assert other.inbox_only_kinds == []
    anonymous = client.patch(
        "/api/me", {"inbox_only_kinds": []}, content_type="application/json"
    )
    assert anonymous.status_code == 401


def _listed_kinds(user) -> set[str]:
    client = Client()
    client.force_login(user)
    page = client.get("/me/notifications/")
    return {kind for kind, _label, _by_channel in page.context["kinds"]}


STAFF_KINDS = {
    "catalog.staff.answered",
    "catalog.staff.role_changed",
    "coupons.expiry.waiting",
    "deals.shop.tier_reached",
    "deals.shop.succeeded",
    "deals.shop.failed",
    "deals.shop.stopped",
    "deals.shop.stopped_by_owner",
    "deals.shop.product_stopped",
    "deals.shop.product_resumed",
    "demands.offer_declined",
    "demands.match",
    "demands.offer_withdrawn_by_platform",
    "payments.payout_account.changed",
}
OPERATOR_KINDS = {
    "payments.statement.differences",
    "snap.demand.threshold_passed",
    "snap.classifier.retrained",
    "snap.classifier.failed",
    "ops.shop_application.submitted",
}


def test_the_page_lists_only_the_kinds_that_can_reach_the_person():
    from groupbuy.accounts.models import MerchantMembership
    from groupbuy.core.plugins import notification_kinds
    from groupbuy.escrow.tests.factories import make_merchant

    # given a shopper, a shop's owner and an operator
    shopper = make_user(preferred_language="en")
    owner = make_user(preferred_language="en")
    MerchantMembership.objects.create(
        user=owner, merchant=make_merchant(), role=MerchantMembership.Role.OWNER
    )
    operator = make_user(preferred_language="en", is_staff=True)
    everyone = set(notification_kinds()) - STAFF_KINDS - OPERATOR_KINDS
    # when / then
    assert _listed_kinds(shopper) == everyone
    assert {"deals.order.paid", "catalog.staff.invited"} <= everyone
    assert _listed_kinds(owner) == everyone | STAFF_KINDS
    assert _listed_kinds(operator) == everyone | OPERATOR_KINDS


def test_saving_the_page_leaves_the_kinds_not_shown_as_they_were():
    # given a former operator who kept the recogniser's news to the inbox
    user = make_user(preferred_language="en")
    user_update_profile(
        actor=user, inbox_only_kinds=["snap.classifier.retrained", "teams.expired"]
    )
    client = Client()
    client.force_login(user)
    # when they tick every kind shown
    client.post("/me/notifications/", {"by_channel": sorted(_listed_kinds(user))})
    # then only the shown one changed
    user.refresh_from_db()
    assert user.inbox_only_kinds == ["snap.classifier.retrained"]
