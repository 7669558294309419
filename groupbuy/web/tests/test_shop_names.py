"""The pages that name a shop by one name name it in the reader's language:
its English name on English pages when it has one, else its Chinese name."""

import pytest
from django.urls import reverse

from groupbuy.accounts.models import MerchantMembership, User
from groupbuy.catalog.models import Branch
from groupbuy.catalog.services.staff import staff_invite
from groupbuy.deals.tests.factories import join_and_pay, make_deal, make_merchant

pytestmark = pytest.mark.django_db

LANGUAGES = pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [("en", "Fresh Fruit", "鲜果铺"), ("zh-hans", "鲜果铺", "Fresh Fruit")],
)


@pytest.fixture
def shop():
    merchant = make_merchant(name="鲜果铺")
    merchant.name_en = "Fresh Fruit"
    merchant.save(update_fields=["name_en"])
    return merchant


def _member(shop, role="owner") -> User:
    user = User.objects.create_user(
        f"+861391111{User.objects.count():04d}", "long-enough-pw"
    )
    MerchantMembership.objects.create(user=user, merchant=shop, role=role)
    return user


def _page(client, user, url, language) -> str:
    """Return the page as ``user`` reads it in ``language``."""
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    client.force_login(user)
    answer = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert answer.status_code == 200
    return answer.content.decode()


@LANGUAGES
def test_the_staff_invitations_page_names_shop_and_branch_as_read(
    client, shopper, shop, language, shown, hidden
):
    # given an invitation to a branch of a shop, both with English names
    branch = Branch.objects.create(
        merchant=shop, name="东门店", name_en="East Gate", address="1 Road"
    )
    staff_invite(
        actor=_member(shop),
        merchant=shop,
        phone=shopper.phone,
        role="cashier",
        branch=branch,
    )
    # when the invitee opens their invitations
    page = _page(client, shopper, reverse("web:staff_invitations"), language)
    # then the shop and the branch are named as they read them
    assert shown in page and hidden not in page
    assert ("East Gate" in page, "东门店" in page) == (
        (True, False) if language == "en" else (False, True)
    )


@LANGUAGES
def test_the_console_heads_its_pages_with_the_shop_as_read(
    client, shop, language, shown, hidden
):
    # given the owner of a shop with an English name
    owner = _member(shop)
    # when they open its console
    url = reverse("web:merchant_dashboard", args=[shop.public_id])
    page = _page(client, owner, url, language)
    # then its title and heading name the shop as they read it
    assert f'<h1 id="merchant-name">{shown}</h1>' in page
    assert f"<title>{shown} · " in page
    assert hidden not in page


@LANGUAGES
def test_the_console_chooser_names_each_shop_as_read(
    client, shop, language, shown, hidden
):
    # given someone working for two shops
    cashier = _member(shop, role="cashier")
    other = make_merchant(name="老店")
    MerchantMembership.objects.create(user=cashier, merchant=other, role="owner")
    # when they open the console to choose one
    page = _page(client, cashier, reverse("web:merchant_home"), language)
    # then each is named as they read it (the one without an English name in
    # Chinese)
    assert shown in page and hidden not in page
    assert "老店" in page


@LANGUAGES
def test_the_operators_pages_name_a_deals_shop_as_read(
    client, operator, shop, language, shown, hidden
):
    # given an open deal of a shop with an English name, and a paid order of it
    order = join_and_pay(make_deal(merchant=shop))
    # when an operator opens their home and the order
    home = _page(client, operator, reverse("web:operator_home"), language)
    url = reverse("web:operator_order", args=[order.public_id])
    order_page = _page(client, operator, url, language)
    # then both name the shop as they read it
    for page in (home, order_page):
        assert shown in page and hidden not in page


@LANGUAGES
def test_the_staff_page_names_each_branch_as_read(
    client, shopper, shop, language, shown, hidden
):
    # given a shop's branch East Gate, a cashier there and an invitation to it
    branch = Branch.objects.create(
        merchant=shop, name="东门店", name_en="East Gate", address="1 Road"
    )
    owner = _member(shop)
    cashier = _member(shop, role="cashier")
    MerchantMembership.objects.filter(user=cashier).update(branch=branch)
    staff_invite(
        actor=owner, merchant=shop, phone=shopper.phone, role="cashier", branch=branch
    )
    # when the owner opens the staff page
    url = reverse("web:merchant_staff", args=[shop.public_id])
    page = _page(client, owner, url, language)
    # then the branch is named as they read it: in the staff and invitation
    # lists, the branch table and the role forms' choices
    branch_shown, branch_hidden = (
        ("East Gate", "东门店") if language == "en" else ("东门店", "East Gate")
    )
    assert page.count(branch_shown) >= 4
    assert branch_hidden not in page
