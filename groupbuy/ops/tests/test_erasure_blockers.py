"""Erasing a merchant's only owner waits until its shop can do without them."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone, translation

from groupbuy.accounts.models import MerchantMembership, User
from groupbuy.accounts.services import api_token_create, merchant_membership_add
from groupbuy.deals.models import Deal
from groupbuy.deals.tests.factories import make_deal, make_merchant
from groupbuy.escrow.models import LedgerAccount
from groupbuy.ops.models import ErasureRequest
from groupbuy.ops.services import erasure_request, erasures_perform_due
from groupbuy.payments.models import Payout

pytestmark = pytest.mark.django_db

# Asking to be erased takes the account's password.
WITH_PASSWORD = {"password": "long-enough-pw"}

OPEN_DEALS = (
    "Tea House has group buys that have not finished and no other owner: make "
    "someone else an owner of it, or close its group buys, before this account "
    "is deleted."
)


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {api_token_create(actor=user)[1]}"}


@pytest.fixture
def owner():
    return User.objects.create_user(
        "+8613955554444", "long-enough-pw", preferred_language="en"
    )


@pytest.fixture
def operator():
    return User.objects.create_user("+8613700000001", "long-enough-pw", is_staff=True)


@pytest.fixture
def shop(owner):
    return make_merchant(name="Tea House", owner=owner)


def test_the_only_owner_of_a_shop_with_an_open_deal_cannot_ask(client, owner, shop):
    # given
    make_deal(merchant=shop)

    # when
    answer = client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers={**bearer(owner), "Accept-Language": "en"},
    )

    # then
    assert answer.status_code == 409
    assert answer.json() == {
        "code": "erasure_blocked",
        "message": OPEN_DEALS,
        "fields": {},
        "blockers": [OPEN_DEALS],
    }
    assert not ErasureRequest.objects.exists()


def test_a_second_owner_whose_account_is_off_does_not_free_the_first(
    client, owner, shop
):
    # given a shop with an open deal and a second owner who cannot sign in
    make_deal(merchant=shop)
    MerchantMembership.objects.create(
        merchant=shop,
        user=User.objects.create_user(
            "+8613700000009", "long-enough-pw", is_active=False
        ),
        role=MerchantMembership.Role.OWNER,
    )

    # when the active owner asks to be erased
    answer = client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers={**bearer(owner), "Accept-Language": "en"},
    )

    # then it is refused as for an only owner
    assert (answer.status_code, answer.json()["blockers"]) == (409, [OPEN_DEALS])
    assert not ErasureRequest.objects.exists()


def test_the_data_page_says_what_to_do_first(client, owner, shop):
    # given
    make_deal(merchant=shop, starts_in=timedelta(hours=1))  # scheduled counts
    client.force_login(owner)

    # when
    answer = client.post(
        "/account/data/erasure/", WITH_PASSWORD, HTTP_ACCEPT_LANGUAGE="en"
    )

    # then
    assert answer.status_code == 302
    assert [str(m) for m in get_messages(answer.wsgi_request)] == [OPEN_DEALS]
    assert not ErasureRequest.objects.exists()


def test_the_operator_cannot_erase_now_and_the_job_holds_it(
    client, owner, shop, operator
):
    # given: a request made before the shop opened a deal
    request = erasure_request(actor=owner)
    make_deal(merchant=shop)
    client.force_login(operator)

    # when: the operator presses "erase now" on the page, then over the API
    page = client.post(
        f"/operator/erasures/{request.public_id}/perform/", HTTP_ACCEPT_LANGUAGE="en"
    )
    api = client.post(
        f"/api/ops/erasures/{request.public_id}/perform",
        headers={**bearer(operator), "Accept-Language": "en"},
    )

    # then
    with translation.override(page.wsgi_request.LANGUAGE_CODE):
        shown = translation.gettext(OPEN_DEALS.replace("Tea House", "%(merchant)s"))
    assert [str(m) for m in get_messages(page.wsgi_request)] == [
        shown % {"merchant": "Tea House"}
    ]
    assert (api.status_code, api.json()["code"]) == (409, "erasure_blocked")
    # and: once due, the job leaves it pending rather than erasing
    later = timezone.now() + timedelta(days=8)
    assert erasures_perform_due(now=later) == 0
    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.PENDING
    owner.refresh_from_db()
    assert owner.is_active and owner.phone == "+8613955554444"
    assert MerchantMembership.objects.filter(user=owner, merchant=shop).exists()
    # and: once the deal is closed and settled, the job erases
    Deal.objects.filter(merchant=shop).update(state=Deal.State.SETTLED)
    assert erasures_perform_due(now=later) == 1
    owner.refresh_from_db()
    assert not owner.is_active


def test_a_shop_owed_money_or_paying_out_keeps_its_only_owner(client, owner, shop):
    # given: no deals, but money waiting for the shop
    account = LedgerAccount.objects.create(
        kind=LedgerAccount.Kind.MERCHANT_PAYABLE, merchant=shop, balance_fen=500
    )
    headers = {**bearer(owner), "Accept-Language": "en"}

    owed = client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=headers,
    )

    assert owed.status_code == 409
    assert owed.json()["message"].startswith("Tea House is still owed money")
    # given: the money is on its way to the shop
    LedgerAccount.objects.filter(pk=account.pk).update(balance_fen=0)
    Payout.objects.create(
        merchant=shop,
        amount_fen=500,
        provider="sandbox",
        payee_account="acct",
        business_number="po-1",
    )

    paying = client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=headers,
    )

    assert paying.status_code == 409
    assert paying.json()["message"].startswith("Tea House has a payout on its way")
    assert not ErasureRequest.objects.exists()


def test_a_shop_with_another_owner_loses_only_this_person(
    client, owner, shop, operator
):
    # given
    partner = User.objects.create_user("+8613955553333", "long-enough-pw")
    merchant_membership_add(actor=None, user=partner, merchant=shop, role="owner")
    make_deal(merchant=shop)

    # when
    asked = client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=bearer(owner),
    )
    performed = client.post(
        f"/api/ops/erasures/{asked.json()['id']}/perform", headers=bearer(operator)
    )

    # then
    assert performed.status_code == 200, performed.content
    assert performed.json()["status"] == "completed"
    assert list(
        MerchantMembership.objects.filter(merchant=shop).values_list("user", "role")
    ) == [(partner.pk, "owner")]


def test_an_only_owner_of_a_shop_with_nothing_open_is_erased(client, owner, shop):
    # given: the shop's deals are all settled, nothing is owed
    deal = make_deal(merchant=shop)
    Deal.objects.filter(pk=deal.pk).update(state=Deal.State.SETTLED)

    asked = client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=bearer(owner),
    )

    assert asked.status_code == 202


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [("en", "Fresh Fruit", "鲜果铺"), ("zh-hans", "鲜果铺", "Fresh Fruit")],
)
def test_the_blockers_name_the_shop_in_the_owners_language(
    client, owner, language, shown, hidden
):
    # given a shop with an English name, an open deal, money owed and a payout
    owner.preferred_language = language
    owner.save(update_fields=["preferred_language"])
    shop = make_merchant(name="鲜果铺", owner=owner)
    shop.name_en = "Fresh Fruit"
    shop.save(update_fields=["name_en"])
    make_deal(merchant=shop)
    LedgerAccount.objects.create(
        kind=LedgerAccount.Kind.MERCHANT_PAYABLE, merchant=shop, balance_fen=500
    )
    Payout.objects.create(
        merchant=shop,
        amount_fen=500,
        provider="sandbox",
        payee_account="acct",
        business_number="po-2",
    )

    # when its only owner asks to be erased
    answer = client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers={**bearer(owner), "Accept-Language": language},
    )

    # then each blocker names the shop as the owner reads it
    blockers = answer.json()["blockers"]
    assert (answer.status_code, len(blockers)) == (409, 3)
    assert all(shown in blocker and hidden not in blocker for blocker in blockers)
