"""A branch's English name and weekly opening hours: the rules (catalog.hours,
the branch services) and the API (until 2026-12-06 a branch had neither, so
buyers told "pick up at 总店" had no times, and English pages read 总店)."""

import pytest
from django.utils import translation

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.hours import clean_opening_hours, hours_summary
from groupbuy.catalog.services import branch_create, branch_update
from groupbuy.catalog.tests.factories import (
    make_branch,
    make_merchant_member,
    make_user,
)


def _day(day, opens, closes):
    return {"day": day, "opens": opens, "closes": closes}


WEEK = [_day(d, "08:00", "22:00") for d in ("mon", "tue", "wed", "thu", "fri")] + [
    _day("sat", "09:00", "21:00"),
    _day("sun", "09:00", "21:00"),
]


# --- catalog.hours ----------------------------------------------------------------


def test_the_summary_puts_days_with_the_same_hours_together_in_english():
    with translation.override("en"):
        assert hours_summary(WEEK) == "Mon–Fri 08:00–22:00; Sat–Sun 09:00–21:00"


def test_the_summary_is_in_the_readers_language():
    with translation.override("zh-hans"):
        summary = hours_summary(WEEK)
    assert summary.startswith("星期一–星期五 08:00–22:00")
    assert "星期六–星期日 09:00–21:00" in summary


def test_days_not_given_are_closed_and_overnight_says_next_day():
    # given a night market open Friday to 02:00 and Saturday all day
    hours = [_day("fri", "18:00", "02:00"), _day("sat", "00:00", "24:00")]
    with translation.override("en"):
        summary = hours_summary(hours)
    assert summary == (
        "Mon–Thu closed; Fri 18:00–02:00 (next day); Sat 00:00–24:00; Sun closed"
    )


def test_no_hours_given_says_nothing():
    assert hours_summary([]) == ""


def test_hours_are_stored_in_week_order_with_two_digit_hours():
    cleaned = clean_opening_hours(
        [_day("sun", "9:00", "18:00"), _day("mon", "08:00", "24:00")]
    )
    assert cleaned == [_day("mon", "08:00", "24:00"), _day("sun", "09:00", "18:00")]


@pytest.mark.parametrize(
    "hours, message",
    [
        ([_day("mon", "08:00", "08:00")], "Mon: the branch must close after it opens"),
        ([_day("mon", "8h", "22:00")], "Mon: write times as HH:MM"),
        ([_day("mon", "24:00", "23:00")], "Mon: write times as HH:MM"),
        ([_day("mon", "08:00", "25:00")], "Mon: write times as HH:MM"),
        ([_day("mon", "08:00", "")], "Mon: give both the opening and the closing"),
        ([_day("mon", "08:00", "20:00")] * 2, "Mon is given twice"),
        ([_day("someday", "08:00", "20:00")], "Each day is one of mon, tue"),
    ],
)
@pytest.mark.django_db
def test_hours_that_cannot_be_read_are_refused_on_opening_hours(hours, message):
    # given an owner's branch
    member = make_merchant_member()
    branch = make_branch(merchant=member.merchant)

    # when they set hours that cannot be stored
    with translation.override("en"), pytest.raises(CatalogError) as refused:
        branch_update(actor=member.user, branch=branch, opening_hours=hours)

    # then the refusal is on opening_hours, and nothing changed
    assert list(refused.value.fields) == ["opening_hours"]
    assert refused.value.fields["opening_hours"][0].startswith(message)
    branch.refresh_from_db()
    assert branch.opening_hours == []


# --- services ---------------------------------------------------------------------


@pytest.mark.django_db
def test_an_owner_opens_a_branch_with_an_english_name_and_hours():
    member = make_merchant_member()

    branch = branch_create(
        actor=member.user,
        merchant=member.merchant,
        name="总店",
        name_en=" Main  store ",
        address="1 Road",
        opening_hours=WEEK,
    )

    branch.refresh_from_db()
    assert (branch.name_en, branch.opening_hours) == ("Main store", WEEK)
    with translation.override("en"):
        assert branch.display_name == "Main store"
    with translation.override("zh-hans"):
        assert branch.display_name == "总店"


@pytest.mark.django_db
def test_a_branch_without_an_english_name_shows_its_name_on_english_pages():
    branch = make_branch(name="总店")
    with translation.override("en"):
        assert branch.display_name == "总店"


# --- API --------------------------------------------------------------------------


def _headers(user):
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def _english_owner():
    member = make_merchant_member(user=make_user(preferred_language="en"))
    return member


@pytest.mark.django_db
def test_the_api_adds_a_branch_with_hours_and_answers_both_names(client):
    # given an owner
    member = _english_owner()

    # when they add a branch with an English name and hours
    response = client.post(
        f"/api/catalog/merchants/{member.merchant.public_id}/branches",
        {"name": "总店", "name_en": "Main", "address": "1 Road", "opening_hours": WEEK},
        content_type="application/json",
        headers=_headers(member.user),
    )

    # then the answer has both names, the week and its summary in English
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["name_en"]) == ("总店", "Main")
    assert body["opening_hours"] == WEEK
    assert body["opening_hours_summary"] == "Mon–Fri 08:00–22:00; Sat–Sun 09:00–21:00"
    # and the public merchant reading shows them too
    listed = client.get(f"/api/catalog/merchants/{member.merchant.public_id}").json()
    assert listed["branches"][0]["opening_hours"] == WEEK


@pytest.mark.django_db
def test_the_api_refuses_a_close_equal_to_the_opening_on_the_field(client):
    member = _english_owner()
    response = client.post(
        f"/api/catalog/merchants/{member.merchant.public_id}/branches",
        {
            "name": "总店",
            "address": "1 Road",
            "opening_hours": [_day("mon", "09:00", "09:00")],
        },
        content_type="application/json",
        headers=_headers(member.user),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == ["opening_hours"]
    assert not member.merchant.branches.exists()


@pytest.mark.django_db
def test_the_api_patches_hours_and_null_clears_them(client):
    member = _english_owner()
    branch = make_branch(merchant=member.merchant, name_en="Main")
    url = f"/api/catalog/branches/{branch.public_id}"

    changed = client.patch(
        url,
        {"opening_hours": [_day("sun", "10:00", "16:00")]},
        content_type="application/json",
        headers=_headers(member.user),
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["opening_hours_summary"] == "Mon–Sat closed; Sun 10:00–16:00"
    assert changed.json()["name_en"] == "Main"  # not named: kept

    cleared = client.patch(
        url,
        {"opening_hours": None, "name_en": None},
        content_type="application/json",
        headers=_headers(member.user),
    )
    assert cleared.status_code == 200
    branch.refresh_from_db()
    assert (branch.opening_hours, branch.name_en) == ([], "")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_owner", "cashier", "shopper"])
def test_only_the_shops_owners_add_or_change_a_branchs_hours(client, who):
    # given a shop's branch and someone who is not its owner
    member = _english_owner()
    branch = make_branch(merchant=member.merchant)
    people = {
        "other_owner": lambda: make_merchant_member().user,
        "cashier": lambda: (
            make_merchant_member(
                merchant=member.merchant, role=MerchantMembership.Role.CASHIER
            ).user
        ),
        "shopper": make_user,
    }
    intruder = people[who]()

    # when they add a branch with hours, or change this one's
    added = client.post(
        f"/api/catalog/merchants/{member.merchant.public_id}/branches",
        {"name": "新店", "address": "2 Road", "opening_hours": WEEK},
        content_type="application/json",
        headers=_headers(intruder),
    )
    changed = client.patch(
        f"/api/catalog/branches/{branch.public_id}",
        {"opening_hours": WEEK, "name_en": "Mine"},
        content_type="application/json",
        headers=_headers(intruder),
    )

    # then both are refused and nothing changed
    assert added.status_code in (403, 404)
    assert changed.status_code in (403, 404)
    assert member.merchant.branches.count() == 1
    branch.refresh_from_db()
    assert (branch.opening_hours, branch.name_en) == ([], "")


@pytest.mark.django_db
def test_a_branch_inserted_by_the_release_before_hours_has_none():
    # given a branch, and the release before opening hours, which inserts
    # branches naming no opening_hours (nor name_en) during a rolling deploy
    from tests.support.rolling_deploys import insert_copy_without

    branch = make_branch(
        opening_hours=[{"day": "mon", "opens": "08:00", "closes": "22:00"}]
    )
    # when it inserts one
    old = insert_copy_without(
        branch, column="opening_hours", public_id="br_old_release", name="Old Gate"
    )
    # then the database gives it no hours, as the new code writes "none given"
    assert old.opening_hours == []
