"""The payouts API: who may read a merchant's payouts and schedule, who may set
the schedule, and who may approve a payout."""

from __future__ import annotations

import pytest
from django.test import Client

from groupbuy.accounts.services import api_token_create
from groupbuy.accounts.tests.helpers import password_confirmed_session
from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.core.models import AuditEntry
from groupbuy.escrow.tests.factories import make_user
from groupbuy.payments.models import Payout, PayoutSchedule
from groupbuy.payments.tests.test_payouts import _merchant_with_payable, _payable

pytestmark = pytest.mark.django_db

SCHEDULE = {
    "enabled": True,
    "provider": "alipay",
    "payee_account": "merchant@example.com",
    "payee_name": "Fresh Mart Ltd",
    "minimum_fen": 20_000,
}


def _auth(user):
    """Bearer headers for ``user``, who reads English: the API answers a token
    user in their saved language, and these tests compare English."""
    if user.preferred_language != "en":
        user.preferred_language = "en"
        user.save(update_fields=["preferred_language"])
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def _member(merchant, role):
    return make_merchant_member(merchant=merchant, role=role).user


def _confirmed_session(user):
    """A browser signed in as ``user`` with the password just confirmed: only
    such a session changes where payouts go (test_payout_reauthentication.py)."""
    from django.test import Client

    session = Client()
    session.force_login(user)
    answer = session.post(
        "/api/me/reauthenticate",
        {"password": "test-password-1"},
        content_type="application/json",
    )
    assert answer.status_code == 200
    return session


def _schedule_url(merchant):
    return f"/api/payments/merchants/{merchant.public_id}/payout-schedule"


def _confirmed_operator_client():
    """A signed-in operator's browser session, password confirmed: a one-off
    payout needs it (an API token may not approve one). Reads English."""
    operator = make_user(is_staff=True, preferred_language="en")
    client = Client()
    password_confirmed_session(client, operator)
    return client


def test_owner_sets_the_schedule_and_reads_it_back(client, fake_alipay):
    # given
    merchant = _merchant_with_payable(100)
    owner = _member(merchant, "owner")
    # when
    before = client.get(_schedule_url(merchant), headers=_auth(owner)).json()
    put = _confirmed_session(owner).put(
        _schedule_url(merchant), SCHEDULE, content_type="application/json"
    )
    after = client.get(_schedule_url(merchant), headers=_auth(owner)).json()
    # then
    assert before["is_set"] is False
    assert "alipay" in before["providers"]
    assert put.status_code == 200
    assert after["is_set"] is True
    assert (after["payee_account"], after["minimum_fen"]) == (
        "merchant@example.com",
        20_000,
    )
    assert AuditEntry.objects.filter(action="payments.payout_schedule.set").count() == 1


def test_cashiers_other_merchants_and_shoppers_cannot_see_or_set_the_schedule(
    client, fake_alipay
):
    # given
    merchant = _merchant_with_payable(100)
    other_owner = _member(_merchant_with_payable(100), "owner")
    cashier = _member(merchant, "cashier")
    # when / then: each 403 forbidden, as every owners-only endpoint of a
    # merchant answers (until 2026-12-05 the cashier had a 404 "There is no
    # such merchant.", the others until 2026-12-06); nothing written
    for user, status, code in [
        (cashier, 403, "forbidden"),
        (other_owner, 403, "forbidden"),
        (make_user(), 403, "forbidden"),
    ]:
        headers = _auth(user)
        got = client.get(_schedule_url(merchant), headers=headers)
        put = client.put(
            _schedule_url(merchant),
            SCHEDULE,
            content_type="application/json",
            headers=headers,
        )
        assert (got.status_code, got.json()["code"]) == (status, code)
        assert (put.status_code, put.json()["code"]) == (status, code)
    assert not PayoutSchedule.objects.exists()


def test_bad_schedules_are_refused_with_their_field(client, fake_alipay):
    merchant = _merchant_with_payable(100)
    headers = _auth(_member(merchant, "owner"))
    for change, status in [
        ({"payee_account": ""}, 400),
        ({"minimum_fen": 99}, 422),
        ({"minimum_fen": 10**20}, 422),
        ({"provider": "wechat"}, 400),  # not switched on here
        ({"provider": "nonesuch"}, 400),
    ]:
        response = client.put(
            _schedule_url(merchant),
            {**SCHEDULE, **change},
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == status, (change, response.json())
        assert response.json()["message"]
    assert not PayoutSchedule.objects.exists()


def test_operator_approves_a_payout_and_the_merchant_owner_sees_it(
    client, fake_alipay, django_capture_on_commit_callbacks
):
    # given
    merchant = _merchant_with_payable(30_000)
    operator = make_user(is_staff=True)
    owner = _member(merchant, "owner")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        session = Client()
        password_confirmed_session(session, operator)
        created = session.post(
            "/api/payments/operator/payouts",
            {
                "merchant_id": merchant.public_id,
                "amount_fen": 12_000,
                "provider": "alipay",
                "payee_account": "merchant@example.com",
            },
            content_type="application/json",
        )
    listed = client.get(
        f"/api/payments/merchants/{merchant.public_id}/payouts",
        headers=_auth(owner),
    ).json()
    everyone = client.get("/api/payments/operator/payouts", headers=_auth(operator))
    money = client.get(
        f"/api/escrow/merchants/{merchant.public_id}/money", headers=_auth(owner)
    ).json()
    # then
    assert created.status_code == 201
    assert created.json()["amount_fen"] == 12_000
    assert [item["id"] for item in listed["items"]] == [created.json()["id"]]
    assert listed["total"] == 1
    assert everyone.json()["items"][0]["merchant_id"] == merchant.public_id
    assert _payable(merchant) == 18_000
    # the owner reads their account in full, the operator's list masked
    assert listed["items"][0]["payee_account"] == "merchant@example.com"
    assert everyone.json()["items"][0]["payee_account"] == "m****@example.com"
    assert created.json()["payee_account"] == "merchant@example.com"
    as_operator = client.get(
        f"/api/payments/merchants/{merchant.public_id}/payouts",
        headers=_auth(operator),
    ).json()
    assert as_operator["items"][0]["payee_account"] == "m****@example.com"
    sent = next(
        line for line in money["lines"]["items"] if line["label"] == "Payout sent"
    )
    assert sent["memo"] == created.json()["id"]


def test_an_approval_sent_again_with_its_key_returns_the_first_payout(
    client, fake_alipay
):
    # given an operator's approval with an idempotency key
    merchant = _merchant_with_payable(30_000)
    session = _confirmed_operator_client()
    approval = {
        "merchant_id": merchant.public_id,
        "amount_fen": 12_000,
        "provider": "alipay",
        "payee_account": "merchant@example.com",
        "idempotency_key": "retry-7f3a",
    }

    def send(**changes):
        return session.post(
            "/api/payments/operator/payouts",
            {**approval, **changes},
            content_type="application/json",
        )

    # when it is sent, and sent again after a lost answer
    first, again = send(), send()
    # then both answers are the one payout, paid out once
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert Payout.objects.count() == 1
    assert _payable(merchant) == 18_000
    # and the key sent with another amount is refused, not a second payout
    reused = send(amount_fen=1_000)
    assert reused.status_code == 409
    assert reused.json()["code"] == "idempotency_key_reused"
    assert first.json()["id"] in reused.json()["message"]
    # a key longer than 64 characters is a 422, and nothing is written
    assert send(idempotency_key="k" * 65).status_code == 422
    assert Payout.objects.count() == 1


def test_a_payout_above_the_payable_is_refused_and_writes_nothing(client, fake_alipay):
    merchant = _merchant_with_payable(5_000)
    response = _confirmed_operator_client().post(
        "/api/payments/operator/payouts",
        {
            "merchant_id": merchant.public_id,
            "amount_fen": 5_001,
            "provider": "alipay",
            "payee_account": "merchant@example.com",
        },
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json() == {
        "code": "payout_above_balance",
        "message": (
            f"{merchant.name_en} has ¥50.00 to pay out; ¥50.01 is more than that."
        ),
        "fields": {"amount_fen": ["At most ¥50.00."]},
        "available_fen": 5_000,
    }
    assert not Payout.objects.exists()
    assert _payable(merchant) == 5_000


FORBIDDEN = {
    "code": "forbidden",
    "message": "Only operators may do this.",
    "fields": {},
}


@pytest.mark.parametrize("who", ["shopper", "owner", "other_owner"])
def test_only_operators_approve_or_list_all_payouts(client, fake_alipay, who):
    # given a merchant owed money, and someone signed in who is no operator
    merchant = _merchant_with_payable(30_000)
    user = {
        "shopper": make_user,
        "owner": lambda: _member(merchant, "owner"),
        "other_owner": lambda: _member(_merchant_with_payable(100), "owner"),
    }[who]()
    headers = _auth(user)
    body = {
        "merchant_id": merchant.public_id,
        "amount_fen": 1_000,
        "provider": "alipay",
        "payee_account": "me@example.com",
    }
    # when
    responses = [
        client.post(
            "/api/payments/operator/payouts",
            body,
            content_type="application/json",
            headers=headers,
        ),
        client.get("/api/payments/operator/payouts", headers=headers),
        client.get("/api/payments/operator/payables", headers=headers),
    ]
    # then each is a 403 as every other operator endpoint answers, not a 404
    assert [(r.status_code, r.json()) for r in responses] == [(403, FORBIDDEN)] * 3
    assert not Payout.objects.exists()
    assert _payable(merchant) == 30_000


def test_another_merchants_payouts_are_a_403_as_its_other_money_is(client, fake_alipay):
    # given a merchant, another merchant's owner and a shopper
    merchant = _merchant_with_payable(30_000)
    other_owner = _member(_merchant_with_payable(100), "owner")
    for outsider in (other_owner, make_user()):
        # when they ask for its payouts and, alike, its sales
        answers = [
            client.get(
                f"/api/{path}/merchants/{merchant.public_id}/{what}",
                headers=_auth(outsider),
            )
            for path, what in (("payments", "payouts"), ("deals", "sales"))
        ]
        # then both are the same 403 (the payouts were a 404 "There is no such
        # merchant." until 2026-12-06), no payout given
        assert [(a.status_code, a.json()["code"]) for a in answers] == [
            (403, "forbidden"),
            (403, "forbidden"),
        ]
        assert answers[0].json()["message"] == answers[1].json()["message"]
        assert "items" not in answers[0].json()
    unknown = client.get(
        "/api/payments/merchants/mer_none/payouts", headers=_auth(other_owner)
    )
    assert unknown.status_code == 404


def test_operators_list_what_each_merchant_is_owed_largest_first(client, fake_alipay):
    # given two merchants owed money, one with a daily payout, and one owed nothing
    small = _merchant_with_payable(1_000)
    large = _merchant_with_payable(30_000)
    PayoutSchedule.objects.create(
        merchant=large, provider="alipay", payee_account="large@example.com"
    )
    nothing = _merchant_with_payable(500)
    _confirmed_operator_client().post(
        "/api/payments/operator/payouts",
        {
            "merchant_id": nothing.public_id,
            "amount_fen": 500,
            "provider": "alipay",
            "payee_account": "merchant@example.com",
        },
        content_type="application/json",
    )
    # when an operator lists the payables
    listing = client.get(
        "/api/payments/operator/payables", headers=_auth(make_user(is_staff=True))
    )
    # then the owed merchants come largest first, with their payout account
    assert listing.status_code == 200
    items = listing.json()["items"]
    assert [(i["merchant_id"], i["payable_fen"]) for i in items] == [
        (large.public_id, 30_000),
        (small.public_id, 1_000),
    ]
    assert (items[0]["daily_payout"], items[0]["payee_account"]) == (
        True,
        "large@example.com",
    )
    assert (items[1]["daily_payout"], items[1]["provider"]) == (False, "")


@pytest.mark.parametrize("who", ["shopper", "owner", "cashier"])
def test_nobody_but_operators_lists_the_payables(client, fake_alipay, who):
    merchant = _merchant_with_payable(1_000)
    user = make_user() if who == "shopper" else _member(merchant, who)
    listing = client.get("/api/payments/operator/payables", headers=_auth(user))
    assert (listing.status_code, listing.json()) == (403, FORBIDDEN)


def test_an_operator_reads_the_schedules_account_masked_and_keeps_it(
    client, fake_alipay
):
    # given a shop whose owner set a daily payout
    merchant = _merchant_with_payable(100)
    owner = _member(merchant, "owner")
    _confirmed_session(owner).put(
        _schedule_url(merchant), SCHEDULE, content_type="application/json"
    )
    operator = make_user(is_staff=True)
    # when an operator reads it, then sends it back with another minimum
    read = client.get(_schedule_url(merchant), headers=_auth(operator)).json()
    put = client.put(
        _schedule_url(merchant),
        {**SCHEDULE, "payee_account": read["payee_account"], "minimum_fen": 30_000},
        content_type="application/json",
        headers=_auth(operator),
    )
    # then the operator read the account masked, and the masked account sent
    # back kept the owner's, which the owner still reads whole
    assert read["payee_account"] == "m****@example.com"
    assert put.status_code == 200
    assert put.json()["payee_account"] == "m****@example.com"
    schedule = PayoutSchedule.objects.get()
    assert (schedule.payee_account, schedule.minimum_fen) == (
        "merchant@example.com",
        30_000,
    )
    mine = client.get(_schedule_url(merchant), headers=_auth(owner)).json()
    assert mine["payee_account"] == "merchant@example.com"


@pytest.mark.parametrize(
    ("language", "shown"), [("en", "Fresh Fruit"), ("zh-hans", "鲜果铺")]
)
def test_the_payables_name_each_shop_in_the_operators_language(client, language, shown):
    # given a shop with an English name that is owed money
    merchant = _merchant_with_payable(1_000)
    merchant.name, merchant.name_en = "鲜果铺", "Fresh Fruit"
    merchant.save(update_fields=["name", "name_en"])
    operator = make_user(is_staff=True, preferred_language=language)
    # when an operator reading the language lists the payables
    listing = client.get(
        "/api/payments/operator/payables",
        headers={
            "Authorization": f"Bearer {api_token_create(actor=operator)[1]}",
            "Accept-Language": language,
        },
    )
    # then
    assert [item["merchant_name"] for item in listing.json()["items"]] == [shown]
