"""A merchant's owner sets a daily payout; the daily job pays the payable out once
a day when it reaches the minimum, never while a payout is on its way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.catalog.services import merchant_active_set
from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.core.errors import DomainError
from groupbuy.escrow.tests.factories import make_user
from groupbuy.payments.models import Payout, PayoutSchedule
from groupbuy.payments.payouts import (
    payout_create,
    payout_schedule_set,
    payouts_schedule_run,
)
from groupbuy.payments.tests.test_payouts import _merchant_with_payable, _payable

pytestmark = pytest.mark.django_db


def _owner(merchant):
    return make_merchant_member(merchant=merchant, role="owner").user


def _schedule(merchant, *, minimum_fen=10_000, actor=None):
    return payout_schedule_set(
        actor=actor or _owner(merchant),
        merchant=merchant,
        enabled=True,
        provider_name="alipay",
        payee_account="merchant@example.com",
        payee_name="Fresh Mart Ltd",
        minimum_fen=minimum_fen,
    )


def test_the_daily_run_pays_the_whole_payable_once_a_day(
    fake_alipay, django_capture_on_commit_callbacks
):
    # given a merchant whose owner asked for daily payouts
    merchant = _merchant_with_payable(25_000)
    _schedule(merchant)
    # when the job runs, and runs again the same day
    with django_capture_on_commit_callbacks(execute=True):
        assert payouts_schedule_run() == 1
    assert payouts_schedule_run() == 0
    # then the whole payable went out once, to the account named
    payout = Payout.objects.get()
    assert (payout.status, payout.amount_fen) == ("succeeded", 25_000)
    assert fake_alipay.transfers == {
        payout.business_number: ("merchant@example.com", "250.00")
    }
    assert _payable(merchant) == 0


def test_nothing_is_paid_below_the_minimum_or_while_a_payout_is_on_its_way(
    fake_alipay, django_capture_on_commit_callbacks
):
    small = _merchant_with_payable(9_999)
    _schedule(small)
    waiting = _merchant_with_payable(50_000)
    _schedule(waiting)
    fake_alipay.fail_next.append({"code": "20000", "msg": "Service Unavailable"})
    with django_capture_on_commit_callbacks(execute=True):
        assert payouts_schedule_run() == 1  # `waiting`, left pending by the outage
    tomorrow = timezone.now() + timedelta(days=1)
    assert payouts_schedule_run(now=tomorrow) == 0
    assert not Payout.objects.filter(merchant=small).exists()
    assert Payout.objects.get(merchant=waiting).status == "pending"


@pytest.mark.parametrize("who", ["cashier", "other merchant's owner", "shopper"])
def test_only_the_owner_or_an_operator_sets_where_the_money_goes(fake_alipay, who):
    merchant = _merchant_with_payable(5_000)
    if who == "cashier":
        actor = make_merchant_member(merchant=merchant, role="cashier").user
    elif who == "shopper":
        actor = make_user()
    else:
        actor = _owner(_merchant_with_payable(1))
    # each the owners' refusal, 403, as every owners-only action answers
    with pytest.raises(DomainError) as refused:
        _schedule(merchant, actor=actor)
    assert refused.value.status == 403
    assert not PayoutSchedule.objects.exists()
    _schedule(merchant, actor=make_user(is_staff=True))
    assert PayoutSchedule.objects.get().payee_account == "merchant@example.com"


def test_the_owner_sets_the_schedule_on_the_payouts_page(client, fake_alipay):
    merchant = _merchant_with_payable(5_000)
    url = f"/payments/merchant/{merchant.public_id}/payouts/"
    client.force_login(_owner(merchant))
    refused = client.post(
        url,
        {
            "enabled": "on",
            "provider": "alipay",
            "payee_account": "",
            "payee_name": "Fresh Mart Ltd",
            "minimum_fen": "50",
        },
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    # the reason is on the account field, and what was typed is still there
    assert 'id="id_payee_account_error"' in page
    assert 'value="Fresh Mart Ltd"' in page and 'value="50"' in page
    assert not PayoutSchedule.objects.exists()
    saved = client.post(
        url,
        {
            "enabled": "on",
            "provider": "alipay",
            "payee_account": "merchant@example.com",
            "minimum_fen": "50.50",
            "password": "test-password-1",
        },
    )
    assert saved.status_code == 302
    assert PayoutSchedule.objects.get().minimum_fen == 5_050
    # a payout: its owner reads where it went
    payout = payout_create(
        actor=make_user(is_staff=True),
        merchant=merchant,
        amount_fen=1_000,
        provider_name="alipay",
        payee_account="payout-to@example.com",
    )
    page = client.get(url).content.decode()
    assert f'id="payout-{payout.public_id}"' in page
    assert "payout-to@example.com" in page
    # the shop's money is its owners': a cashier neither sees the payouts nor
    # posts the schedule
    client.force_login(make_merchant_member(merchant=merchant, role="cashier").user)
    assert client.get(url).status_code == 403
    assert client.post(url, {"payee_account": "mine"}).status_code == 403
    assert PayoutSchedule.objects.get().payee_account == "merchant@example.com"


def test_an_operator_reads_the_shops_payouts_page_with_accounts_masked(
    client, fake_alipay
):
    # given a shop paid out daily to an account, and a payout made to another
    merchant = _merchant_with_payable(5_000)
    _schedule(merchant)
    payout = payout_create(
        actor=make_user(is_staff=True),
        merchant=merchant,
        amount_fen=1_000,
        provider_name="alipay",
        payee_account="payout-to@example.com",
    )
    url = f"/payments/merchant/{merchant.public_id}/payouts/"
    # when an operator opens the shop's payouts page
    client.force_login(make_user(is_staff=True, preferred_language="en"))
    page = client.get(url, headers={"Accept-Language": "en"}).content.decode()
    # then neither account is there in full: the payout's and the daily
    # payout's are told by what is enough to recognise them
    assert f'id="payout-{payout.public_id}"' in page
    assert "payout-to@example.com" not in page
    assert "p****@example.com" in page
    assert "merchant@example.com" not in page
    assert "m****@example.com" in page
    # and the operator may still change the schedule without retyping the
    # account, which stays as it was
    saved = client.post(
        url,
        {
            "enabled": "on",
            "provider": "alipay",
            "payee_account": "",
            "payee_name": "Fresh Mart Ltd",
            "minimum_fen": "80",
        },
    )
    assert saved.status_code == 302
    schedule = PayoutSchedule.objects.get()
    assert (schedule.payee_account, schedule.minimum_fen) == (
        "merchant@example.com",
        8_000,
    )


def test_the_page_refuses_another_shops_owner_and_cashier(client, fake_alipay):
    # given a shop paid out daily to an account
    merchant = _merchant_with_payable(5_000)
    _schedule(merchant)
    url = f"/payments/merchant/{merchant.public_id}/payouts/"
    other = _merchant_with_payable(1)
    for reader in (
        _owner(other),
        make_merchant_member(merchant=other, role="cashier").user,
    ):
        # when another shop's owner or cashier opens it
        client.force_login(reader)
        answer = client.get(url)
        # then they are refused and read no account
        assert answer.status_code == 403
        assert "example.com" not in answer.content.decode()


def test_every_owner_is_told_by_text_when_the_account_paid_to_changes(
    fake_alipay, django_capture_on_commit_callbacks
):
    from groupbuy.notify.models import Notification

    # given a shop of two owners, paid out daily to its account
    merchant = _merchant_with_payable(5_000)
    owner, partner = _owner(merchant), _owner(merchant)
    _schedule(merchant, actor=owner)
    Notification.objects.all().delete()
    # when someone signed in as the owner (a phone left unlocked, a stolen
    # session) sends the money to another account
    with django_capture_on_commit_callbacks(execute=True):
        payout_schedule_set(
            actor=owner,
            merchant=merchant,
            enabled=True,
            provider_name="alipay",
            payee_account="thief@example.net",
            minimum_fen=10_000,
        )
    # then each owner, the one who changed it too, is told where it goes now,
    # in the inbox and by SMS
    told = Notification.objects.filter(kind="payments.payout_account.changed")
    assert sorted(n.recipient_id for n in told) == sorted([owner.pk, partner.pk])
    for notification in told:
        assert "t****@example.net" in notification.body
        assert sorted(d.channel for d in notification.deliveries.all()) == [
            "in_app",
            "sms",
        ]


def test_changing_only_the_minimum_tells_nobody(
    fake_alipay, django_capture_on_commit_callbacks
):
    from groupbuy.notify.models import Notification

    # given a shop paid out daily to its account
    merchant = _merchant_with_payable(5_000)
    owner = _owner(merchant)
    _schedule(merchant, actor=owner)
    Notification.objects.all().delete()
    # when its owner raises the minimum, the account unchanged
    with django_capture_on_commit_callbacks(execute=True):
        _schedule(merchant, actor=owner, minimum_fen=50_000)
    # then nobody is told
    assert not Notification.objects.exists()


def test_the_daily_run_holds_the_payable_of_a_shop_an_operator_switched_off(
    fake_alipay, django_capture_on_commit_callbacks
):
    # given a shop with a daily payout, switched off by an operator (its
    # shoppers may yet need refunds the platform pays from what it owes it)
    merchant = _merchant_with_payable(25_000)
    _schedule(merchant)
    merchant_active_set(
        actor=make_user(is_staff=True), merchant=merchant, is_active=False
    )
    # when the job runs
    with django_capture_on_commit_callbacks(execute=True):
        made = payouts_schedule_run()
    # then nothing went out
    assert made == 0
    assert not Payout.objects.exists()
    assert fake_alipay.transfers == {}
    assert _payable(merchant) == 25_000


def test_the_operator_sees_why_each_daily_payout_waits(client, fake_alipay):
    # given four shops with a daily payout from ¥100: one switched off, one
    # below its minimum, one with a payout on its way, one to be paid
    operator = make_user(is_staff=True, preferred_language="en")
    held = _merchant_with_payable(25_000)
    small = _merchant_with_payable(9_999)
    waiting = _merchant_with_payable(50_000)
    paid = _merchant_with_payable(30_000)
    for merchant in (held, small, waiting, paid):
        _schedule(merchant)
    merchant_active_set(actor=operator, merchant=held, is_active=False)
    # (sent to the provider only after commit, which a test never reaches)
    payout_create(
        actor=operator,
        merchant=waiting,
        amount_fen=10_000,
        provider_name="alipay",
        payee_account="merchant@example.com",
    )
    client.force_login(operator)
    # when the operator lists the payables, on the API and on the page
    items = client.get("/api/payments/operator/payables").json()["items"]
    page = client.get("/payments/operator/payouts/").content.decode()
    # then each says why its daily payout waits, if it does
    assert {i["merchant_id"]: i["daily_payout_held"] for i in items} == {
        held.public_id: "shop_switched_off",
        small.public_id: "below_minimum",
        waiting.public_id: "payout_on_its_way",
        paid.public_id: "",
    }
    assert "Held: the shop is switched off" in page
    assert "Waits: below the minimum" in page
    assert "Waits: a payout is still on its way" in page
