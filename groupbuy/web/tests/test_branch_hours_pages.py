"""A branch's English name and opening hours on the pages: the owner's branch
form sets them, and buyers read them where they choose or read their pickup
branch (until 2026-12-06 English pages read "Pick up at 总店." with no times)."""

import pytest
from django.test import Client
from django.urls import reverse

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.models import Branch, Merchant
from groupbuy.catalog.tests.factories import make_merchant_member, make_user
from groupbuy.deals.models import DealOrder
from groupbuy.deals.tests.factories import make_deal

pytestmark = pytest.mark.django_db

WEEK = [
    {"day": day, "opens": "08:00", "closes": "22:00"}
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
]


def _client(language: str, user=None) -> Client:
    client = Client(headers={"accept-language": language})
    if user is not None:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
        client.force_login(user)
    return client


def _shop(**branch):
    merchant = Merchant.objects.create(name="鲜果超市", name_en="Fresh Fruit Mart")
    main = Branch.objects.create(
        merchant=merchant,
        name="总店",
        name_en="Main",
        address="1 Road",
        opening_hours=WEEK,
        **branch,
    )
    return merchant, main


def _deal_page(client, deal) -> str:
    response = client.get(reverse("web:deal_detail", args=[deal.public_id]))
    assert response.status_code == 200
    return response.content.decode()


# --- buyers -----------------------------------------------------------------------


def test_the_only_pickup_branch_is_named_in_english_with_its_hours():
    # given a shop with one branch, 总店 / Main, open every day 08:00–22:00
    merchant, _main = _shop()
    deal = make_deal(merchant=merchant)

    # when an English and a Chinese reader open the deal
    english = _deal_page(_client("en", make_user()), deal)
    chinese = _deal_page(_client("zh-hans", make_user()), deal)

    # then each reads the branch in their language, with its hours
    assert "Pick up at Main." in english
    assert 'id="join-pickup-hours">Opening hours: Mon–Sun 08:00–22:00</span>' in english
    assert "总店" in chinese and "星期一–星期日 08:00–22:00" in chinese


def test_the_pickup_choices_name_each_branch_with_its_hours():
    merchant, _main = _shop()
    Branch.objects.create(
        merchant=merchant,
        name="东门店",
        name_en="East gate",
        address="2 Road",
        opening_hours=[{"day": "sat", "opens": "10:00", "closes": "16:00"}],
    )
    deal = make_deal(merchant=merchant)

    english = _deal_page(_client("en", make_user()), deal)

    assert ">Main · 1 Road · Mon–Sun 08:00–22:00</option>" in english
    assert ">East gate · 2 Road · Mon–Fri closed; Sat 10:00–16:00; Sun closed<" in (
        english
    )


def test_the_order_page_shows_the_pickup_branchs_name_and_hours():
    # given a shopper who joined, collecting at 总店 / Main
    merchant, main = _shop()
    deal = make_deal(merchant=merchant)
    shopper = make_user()
    client = _client("en", shopper)
    client.post(reverse("web:deal_join", args=[deal.public_id]), {"quantity": "1"})
    order = DealOrder.objects.get()
    assert order.pickup_branch == main

    # when they read their order in English
    html = client.get(
        reverse("web:order_detail", args=[order.public_id])
    ).content.decode()

    # then
    assert 'id="order-pickup-branch">Main<br><span class="muted small">1 Road' in html
    assert 'id="order-pickup-hours">Opening hours: Mon–Sun 08:00–22:00</span>' in html


def test_the_deal_api_gives_each_pickup_branchs_names_and_hours(client):
    merchant, main = _shop()
    deal = make_deal(merchant=merchant)

    body = client.get(f"/api/deals/{deal.public_id}").json()

    [branch] = body["pickup_branches"]
    assert (branch["id"], branch["name"], branch["name_en"]) == (
        main.public_id,
        "总店",
        "Main",
    )
    assert branch["opening_hours"] == WEEK
    assert branch["opening_hours_summary"]


# --- the owner's branch form ------------------------------------------------------


def _form(**overrides):
    form = {"name": "总店", "name_en": "Main", "address": "1 Road"}
    for day in ("mon", "tue", "wed", "thu", "fri"):
        form[f"opens_{day}"], form[f"closes_{day}"] = "08:00", "22:00"
    form["opens_sat"], form["closes_sat"] = "18:00", "02:00"
    return {**form, **overrides}


def test_an_owner_sets_the_english_name_and_hours_on_the_branch_form():
    # given an owner
    member = make_merchant_member()
    client = _client("en", member.user)
    url = reverse("web:merchant_branch_create", args=[member.merchant.public_id])
    assert 'id="branch-hours"' in client.get(url).content.decode()

    # when they add a branch open weekdays and Saturday night, closed Sunday
    response = client.post(url, _form())

    # then it is stored as the week, and its edit page shows it again
    assert response.status_code == 302
    branch = Branch.objects.get(merchant=member.merchant)
    assert branch.name_en == "Main"
    assert [entry["day"] for entry in branch.opening_hours] == [
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
    ]
    assert branch.hours_summary == (
        "Mon–Fri 08:00–22:00; Sat 18:00–02:00 (next day); Sun closed"
    )
    edit = reverse(
        "web:merchant_branch_edit",
        args=[member.merchant.public_id, branch.public_id],
    )
    page = client.get(edit).content.decode()
    assert 'name="opens_sat" value="18:00"' in page
    assert 'name="name_en" value="Main"' in page


def test_hours_the_service_refuses_are_said_on_the_form_and_nothing_is_saved():
    member = make_merchant_member()
    client = _client("en", member.user)
    url = reverse("web:merchant_branch_create", args=[member.merchant.public_id])

    response = client.post(url, _form(opens_mon="09:00", closes_mon="09:00"))

    assert response.status_code == 200
    assert "Mon: the branch must close after it opens" in response.content.decode()
    assert not Branch.objects.exists()


@pytest.mark.parametrize("who", ["other_owner", "cashier", "shopper"])
def test_only_the_shops_owners_set_a_branchs_hours_on_the_form(who):
    # given a shop's branch, and someone who is not its owner
    member = make_merchant_member()
    branch = Branch.objects.create(merchant=member.merchant, name="总店", address="1")
    people = {
        "other_owner": lambda: make_merchant_member().user,
        "cashier": lambda: (
            make_merchant_member(
                merchant=member.merchant, role=MerchantMembership.Role.CASHIER
            ).user
        ),
        "shopper": make_user,
    }
    client = _client("en", people[who]())
    merchant_id = member.merchant.public_id

    # when they post hours to the branch's edit page and the new-branch page
    edited = client.post(
        reverse("web:merchant_branch_edit", args=[merchant_id, branch.public_id]),
        _form(),
    )
    added = client.post(
        reverse("web:merchant_branch_create", args=[merchant_id]), _form()
    )

    # then both are refused and nothing changed
    assert (edited.status_code, added.status_code) == (403, 403)
    branch.refresh_from_db()
    assert (branch.opening_hours, branch.name_en) == ([], "")
    assert Branch.objects.count() == 1
