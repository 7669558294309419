"""The catalog API names a shop in the reader's language where a client shows
the name it gives (``merchant_name``), as the pages and the snap API do."""

import pytest

from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.services.staff import staff_invite
from groupbuy.catalog.tests.factories import (
    make_branch,
    make_merchant,
    make_merchant_member,
    make_user,
)

pytestmark = pytest.mark.django_db

LANGUAGES = pytest.mark.parametrize(
    ("language", "shown"), [("en", "Fresh Fruit"), ("zh-hans", "鲜果铺")]
)
BRANCHES = {"en": "East Gate", "zh-hans": "东门店"}


@LANGUAGES
def test_a_branchs_merchant_name_follows_the_readers_language(client, language, shown):
    # given a branch of a shop with an English name
    merchant = make_merchant(name="鲜果铺", name_en="Fresh Fruit")
    make_branch(merchant=merchant, latitude="31.231000", longitude="121.474000")
    # when a client reading the language asks for the nearest branches
    answer = client.get(
        "/api/catalog/branches/nearest",
        {"latitude": 31.2304, "longitude": 121.4737},
        headers={"Accept-Language": language},
    )
    # then the branch names its shop as they read it; its record keeps both
    assert [branch["merchant_name"] for branch in answer.json()] == [shown]
    detail = client.get(
        f"/api/catalog/merchants/{merchant.public_id}",
        headers={"Accept-Language": language},
    ).json()
    assert (detail["name"], detail["name_en"]) == ("鲜果铺", "Fresh Fruit")


@LANGUAGES
def test_my_staff_invitations_name_the_shop_in_my_language(client, language, shown):
    # given an invitation to a branch of a shop, both with English names, to
    # someone reading the language
    owner = make_merchant_member(
        merchant=make_merchant(name="鲜果铺", name_en="Fresh Fruit")
    )
    branch = make_branch(merchant=owner.merchant, name="东门店", name_en="East Gate")
    invitee = make_user(preferred_language=language)
    staff_invite(
        actor=owner.user,
        merchant=owner.merchant,
        phone=invitee.phone,
        role="cashier",
        branch=branch,
    )
    # when they list their invitations
    secret = api_token_create(actor=invitee)[1]
    answer = client.get(
        "/api/catalog/staff-invitations",
        headers={"Authorization": f"Bearer {secret}", "Accept-Language": language},
    )
    # then the shop and the branch are named as they read them
    assert [
        (item["merchant_name"], item["branch_name"]) for item in answer.json()["items"]
    ] == [(shown, BRANCHES[language])]
