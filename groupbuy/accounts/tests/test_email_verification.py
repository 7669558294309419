"""An e-mail address is proved by a signed link confirmed while signed in, and a
proved address receives what was shared with it before the account had it."""

import re
from datetime import timedelta

import pytest
from django.core import mail

from groupbuy.accounts.models import User
from groupbuy.accounts.services import email_verification, user_update_profile
from groupbuy.accounts.services.tokens import api_token_create
from groupbuy.notify import senders
from groupbuy.notify.invitations import notification_invite
from groupbuy.notify.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "Bo@Example.com"


@pytest.fixture(autouse=True)
def no_websocket_pushes(monkeypatch):
    monkeypatch.setattr(senders, "publish", lambda *args: None)


def member(phone="+8613800138001", email=ADDRESS, **extra) -> User:
    return User.objects.create_user(
        phone, "long-enough-pw", email=email, preferred_language="en", **extra
    )


def invite_by_email(address=ADDRESS) -> Notification:
    return notification_invite(
        actor=None,
        address=address,
        kind="sharing.share.received",
        title="Ann shared rice with you",
        body="Look",
        url="/sharing/",
    )


def link_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/account/email/verify/[^\s]+/)", message.body)[
        1
    ]


def test_a_confirmed_address_receives_what_was_shared_with_it(client):
    # given an invitation e-mailed to an address before its owner had an account
    invitation = invite_by_email()
    bo = member()
    assert Notification.objects.get(pk=invitation.pk).recipient is None
    # when Bo asks for a link from the profile page, opens it and confirms
    client.force_login(bo)
    assert client.post("/account/email/verification/").status_code == 302
    (message,) = [m for m in mail.outbox if m.to == [ADDRESS]]
    page = client.get(link_path(message))
    assert page.status_code == 200 and ADDRESS in page.content.decode()
    assert User.objects.get(pk=bo.pk).email_verified_at is None  # GET changes nothing
    assert client.post(link_path(message)).status_code == 302
    # then the address is confirmed and the invitation is in Bo's inbox
    assert User.objects.get(pk=bo.pk).email_verified_at is not None
    assert Notification.objects.get(pk=invitation.pk).recipient_id == bo.pk
    assert "is confirmed" in client.get("/me/").content.decode()


@pytest.mark.parametrize("outsider", ["another user", "another merchant"])
def test_a_link_works_only_for_the_account_it_was_sent_to(client, outsider):
    # given a link sent to Bo, and another account with the same address
    invitation = invite_by_email()
    bo = member()
    email_verification.email_verification_send(actor=bo)
    path = link_path(mail.outbox[-1])
    intruder = member(phone="+8613800138002")
    if outsider == "another merchant":
        from groupbuy.accounts.models import MerchantMembership
        from groupbuy.catalog.models import Merchant

        merchant = Merchant.objects.create(name="Other shop")
        MerchantMembership.objects.create(
            user=intruder, merchant=merchant, role=MerchantMembership.Role.OWNER
        )
    # when the other account opens it
    client.force_login(intruder)
    refused = client.post(path)
    # then it is refused and nothing is attached to anyone
    assert refused.status_code == 403
    assert "another account" in refused.content.decode()
    assert User.objects.get(pk=intruder.pk).email_verified_at is None
    assert Notification.objects.get(pk=invitation.pk).recipient is None


def test_a_stale_tampered_or_expired_link_does_nothing(client, monkeypatch):
    bo = member()
    email_verification.email_verification_send(actor=bo)
    path = link_path(mail.outbox[-1])
    client.force_login(bo)
    # tampered
    assert client.post(path[:-3] + "xx/").status_code == 400
    # expired
    monkeypatch.setattr(email_verification, "LINK_VALID_FOR", timedelta(seconds=-1))
    assert client.post(path).status_code == 400
    monkeypatch.undo()
    # stale: the address changed since the link was sent
    user_update_profile(actor=User.objects.get(pk=bo.pk), email="bo@other.example")
    assert client.post(path).status_code == 400
    assert User.objects.get(pk=bo.pk).email_verified_at is None


def test_changing_the_address_asks_for_a_new_proof():
    bo = member()
    email_verification.email_verification_send(actor=bo)
    token = link_path(mail.outbox[-1]).split("/")[-2]
    bo = email_verification.email_verify(actor=User.objects.get(pk=bo.pk), token=token)
    assert bo.email_verified_at is not None
    user_update_profile(actor=bo, email=ADDRESS)  # the same address: still proved
    assert User.objects.get(pk=bo.pk).email_verified_at is not None
    user_update_profile(actor=bo, email="bo@new.example")
    assert User.objects.get(pk=bo.pk).email_verified_at is None


def test_over_the_api_with_a_clear_answer_for_each_refusal(client):
    bo = member()
    _token, secret = api_token_create(actor=bo)
    headers = {"Authorization": f"Bearer {secret}"}
    sent = client.post("/api/me/email/verification", headers=headers)
    assert sent.status_code == 202
    again = client.post("/api/me/email/verification", headers=headers)
    assert again.status_code == 429 and again.json()["code"] == "too_soon"
    assert int(again["Retry-After"]) > 0
    token = link_path(mail.outbox[-1]).split("/")[-2]
    bad = client.post(
        "/api/me/email/verify",
        {"token": "nonsense"},
        content_type="application/json",
        headers=headers,
    )
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_link")
    done = client.post(
        "/api/me/email/verify",
        {"token": token},
        content_type="application/json",
        headers=headers,
    )
    assert done.status_code == 200 and done.json()["email_verified"] is True
    twice = client.post("/api/me/email/verification", headers=headers)
    assert twice.status_code == 409
    # nobody signed in: 401
    assert client.post("/api/me/email/verification").status_code == 401


def test_no_address_no_link(client):
    bo = member(email="")
    client.force_login(bo)
    client.post("/account/email/verification/")
    assert mail.outbox == []
