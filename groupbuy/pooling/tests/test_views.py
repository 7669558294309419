"""The pages: report a cart and ask to pool, answer, chat; and who may see them."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from groupbuy.catalog.models import Branch, Product
from groupbuy.core.audit import AuditEntry
from groupbuy.pooling import services
from groupbuy.pooling.models import (
    CartReport,
    ChatMessage,
    Pool,
    PoolRequest,
    Promotion,
)
from groupbuy.pooling.tests.factories import (
    auth,
    make_promotion,
    make_shop,
    make_user,
)

pytestmark = pytest.mark.django_db


def _ask(client, user, branch, promotion, amount):
    client.force_login(user)
    return client.post(
        f"/pooling/branches/{branch.public_id}/",
        {
            "promotion": promotion.public_id,
            "amount": amount,
            "minutes": 60,
            "max_group_size": 4,
        },
    )


def test_two_shoppers_pool_accept_and_chat_through_the_pages(
    client, shop, django_capture_on_commit_callbacks
):
    _merchant, branch, _owner, promotion = shop
    alice, bob = make_user(), make_user()
    for user, amount in ((alice, "180.00"), (bob, "120")):
        with django_capture_on_commit_callbacks(execute=True):
            response = _ask(client, user, branch, promotion, amount)
        assert response.status_code == 302
    pool = Pool.objects.get()
    client.force_login(alice)
    page = client.get(f"/pooling/pools/{pool.public_id}/")
    assert "¥30.00" in page.content.decode()  # alice's saving: 180 / 300 of ¥50
    # each member's answer is said in words, not as its stored code
    assert page.content.decode().count(">未答复</span>") == 2
    assert ">pending<" not in page.content.decode()
    for user in (alice, bob):
        client.force_login(user)
        client.post(f"/pooling/pools/{pool.public_id}/answer/", {"answer": "accept"})
    assert Pool.objects.get().state == Pool.State.CONFIRMED
    client.post(f"/pooling/pools/{pool.public_id}/chat/", {"body": "till 3"})
    message = ChatMessage.objects.get()
    assert message.body == "till 3"
    page = client.get(f"/pooling/pools/{pool.public_id}/").content.decode()
    assert 'id="pool-chat"' in page
    # each message says when it was sent, in the site's time zone
    sent = timezone.localtime(message.created_at).strftime("%H:%M")
    assert f'>{sent}</time> <span class="chat-body">till 3</span>' in page


def test_the_form_shows_the_reason_for_a_refusal(client, shop):
    _merchant, branch, _owner, promotion = shop
    Promotion.objects.filter(pk=promotion.pk).update(
        starts_at=timezone.now() + timedelta(days=1)
    )
    response = _ask(client, make_user(), branch, promotion, "100")
    assert response.status_code == 200
    assert PoolRequest.objects.count() == 0


def test_a_cart_above_what_the_api_allows_is_refused_on_its_field(client, shop):
    # given a shopper reading English on a shop's pool request page
    _merchant, branch, _owner, promotion = shop
    user = make_user(preferred_language="en")
    # when they ask to pool ¥99,999,999 (the API takes at most ¥1,000,000)
    response = _ask(client, user, branch, promotion, "99999999")
    # then the form says so on the amount, and nothing is written
    assert response.status_code == 200
    assert response.context["form"].errors["amount"] == ["At most ¥1,000,000.00."]
    assert "At most ¥1,000,000.00." in response.content.decode()
    assert PoolRequest.objects.count() == 0
    assert CartReport.objects.count() == 0
    # and ¥1,000,000 itself is taken
    assert _ask(client, user, branch, promotion, "1000000").status_code == 302
    assert PoolRequest.objects.get().amount_fen == 100_000_000


def test_items_priced_past_the_limit_are_refused(client, shop):
    # given an item promotion, and two bottles at ¥1,000,000 each on the form
    merchant, branch, owner, _promotion = shop
    other = make_promotion(
        merchant=merchant, owner=owner, kind="n_for_m", buy_n=3, pay_m=2
    )
    shampoo = Product.objects.create(name_zh="洗发水", name_en="Shampoo")
    client.force_login(make_user(preferred_language="en"))
    form = {
        "promotion": other.public_id,
        "product": shampoo.public_id,
        "minutes": 60,
        "max_group_size": 3,
    }
    url = f"/pooling/branches/{branch.public_id}/"
    # when the price is above the limit, the price field says so
    response = client.post(url, {**form, "unit_price": "1000000.01", "quantity": 1})
    assert response.context["form"].errors["unit_price"] == ["At most ¥1,000,000.00."]
    # when each is within it but together they are not, the form says why
    response = client.post(url, {**form, "unit_price": "1000000", "quantity": 2})
    assert response.status_code == 200
    assert "The amount can be at most ¥1,000,000.00." in response.content.decode()
    assert PoolRequest.objects.count() == 0


def test_an_item_promotion_pools_the_product_given_on_the_form(client, shop):
    merchant, branch, owner, _promotion = shop
    other = make_promotion(
        merchant=merchant, owner=owner, kind="n_for_m", buy_n=3, pay_m=2
    )
    shampoo = Product.objects.create(name_zh="洗发水", name_en="Shampoo")
    user = make_user()
    client.force_login(user)
    page = client.get(f"/pooling/branches/{branch.public_id}/").content.decode()
    assert f'value="{other.public_id}"' in page  # offered
    assert 'class="muted pools-items"' in page
    # without the product and its price the form says what is missing, writing nothing
    response = client.post(
        f"/pooling/branches/{branch.public_id}/",
        {"promotion": other.public_id, "minutes": 60, "max_group_size": 3},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"product", "unit_price"}
    assert PoolRequest.objects.count() == 0
    assert CartReport.objects.count() == 0
    # with them, the request pools two bottles at ¥39.90
    client.post(
        f"/pooling/branches/{branch.public_id}/",
        {
            "promotion": other.public_id,
            "product": shampoo.public_id,
            "unit_price": "39.90",
            "quantity": 2,
            "minutes": 60,
            "max_group_size": 3,
        },
    )
    request = PoolRequest.objects.get()
    assert (request.amount_fen, request.items) == (
        7_980,
        [{"product_id": shampoo.public_id, "unit_price_fen": 3_990, "quantity": 2}],
    )


def test_the_products_a_promotion_is_limited_to_are_offered_first(client, shop):
    merchant, branch, owner, _promotion = shop
    # a catalog larger than the form lists, the promotion's product sorting last
    Product.objects.bulk_create(
        Product(name_zh=f"商品{index:03d}", name_en=f"P{index}") for index in range(210)
    )
    late = Product.objects.create(name_zh="龟苓膏", name_en="Herbal jelly")
    offer = make_promotion(
        merchant=merchant, owner=owner, kind="n_for_m", buy_n=2, pay_m=1
    )
    offer.products.set([late])
    client.force_login(make_user())
    page = client.get(f"/pooling/branches/{branch.public_id}/").content.decode()
    assert f'value="{late.public_id}"' in page
    # and the promotion says which products it counts
    assert "龟苓膏</p>" in page


def test_a_spend_and_save_request_needs_the_amount(client, shop):
    _merchant, branch, _owner, promotion = shop
    client.force_login(make_user())
    response = client.post(
        f"/pooling/branches/{branch.public_id}/",
        {"promotion": promotion.public_id, "minutes": 60, "max_group_size": 3},
    )
    assert set(response.context["form"].errors) == {"amount"}
    assert PoolRequest.objects.count() == 0


def test_a_typed_place_too_far_from_the_shop_is_refused_on_the_form(client, shop):
    _merchant, branch, _owner, promotion = shop
    Branch.objects.filter(pk=branch.pk).update(latitude="31.23", longitude="121.47")
    user = make_user()
    client.force_login(user)
    page = client.get(f"/pooling/branches/{branch.public_id}/").content.decode()
    assert 'id="pool-locate"' in page and "pooling/locate.js" in page
    fields = {"promotion": promotion.public_id, "amount": "150", "minutes": 60}
    fields["max_group_size"] = 4
    far = client.post(
        f"/pooling/branches/{branch.public_id}/",
        {**fields, "latitude": "31.25", "longitude": "121.47"},
    )
    assert far.status_code == 200
    assert "超过您愿意步行的 1000 米" in far.content.decode()
    assert PoolRequest.objects.count() == 0
    assert CartReport.objects.count() == 0
    near = client.post(
        f"/pooling/branches/{branch.public_id}/",
        {**fields, "latitude": "31.235", "longitude": "121.47"},
    )
    assert near.status_code == 302
    assert PoolRequest.objects.get().longitude == Decimal("121.470000")


@pytest.mark.parametrize("who", ["stranger", "owner"])
def test_another_user_or_merchant_cannot_open_a_pool_page(client, shop, who):
    _merchant, branch, owner, promotion = shop
    users = [make_user(), make_user()]
    for user, amount in zip(users, (18_000, 12_000), strict=True):
        services.pool_request_create(
            actor=user,
            promotion=promotion,
            branch=branch,
            amount_fen=amount,
            deadline_at=timezone.now() + timedelta(hours=1),
        )
    [pool] = services.pools_match(branch_id=branch.pk, promotion_id=promotion.pk)
    client.force_login(owner if who == "owner" else make_user())
    assert client.get(f"/pooling/pools/{pool.public_id}/").status_code == 404
    client.post(f"/pooling/pools/{pool.public_id}/answer/", {"answer": "decline"})
    assert Pool.objects.get().state == Pool.State.PROPOSED


def test_a_signed_out_visitor_is_asked_to_sign_in_on_a_pool_page(client, shop):
    _merchant, branch, _owner, promotion = shop
    for amount in (18_000, 12_000):
        services.pool_request_create(
            actor=make_user(),
            promotion=promotion,
            branch=branch,
            amount_fen=amount,
            deadline_at=timezone.now() + timedelta(hours=1),
        )
    [pool] = services.pools_match(branch_id=branch.pk, promotion_id=promotion.pk)
    for path in (f"/pooling/pools/{pool.public_id}/", "/pooling/contacts/cnt_x/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_merchant_page_publishes_for_staff_only(client, shop):
    merchant, _branch, owner, _promotion = shop
    _other_merchant, _other_branch, other_owner = make_shop(name="Other")
    url = f"/pooling/merchant/{merchant.public_id}/promotions/"
    form = {"title": "满500减100", "kind": "threshold", "tiers": "500-100", "days": 3}
    for intruder in (make_user(), other_owner):
        client.force_login(intruder)
        assert client.post(url, form).status_code == 403
    client.force_login(owner)
    assert client.post(url, form).status_code == 302
    assert Promotion.objects.filter(
        title="满500减100", tiers=[[50_000, 10_000]]
    ).exists()
    bad = client.post(url, {**form, "tiers": "500-100, 300-50"})
    assert bad.status_code == 200
    assert Promotion.objects.count() == 2


def test_home_and_profile_pages(client, shop):
    client.force_login(make_user())
    assert client.get("/pooling/").status_code == 200
    response = client.post(
        "/pooling/profile/", {"max_group_size": 3, "max_walk_m": 400}
    )
    assert response.status_code == 302
    assert client.get("/pooling/profile/").status_code == 200


def test_pages_speak_chinese(client):
    client.force_login(make_user())
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/pooling/", headers={"accept-language": "zh-hans"})
    assert "一起拼单" in page.content.decode()


def test_a_branch_without_coordinates_promises_no_walking_check(client, shop):
    _merchant, branch, _owner, _promotion = shop
    Branch.objects.filter(pk=branch.pk).update(latitude=None, longitude=None)
    client.force_login(make_user())
    page = client.get(f"/pooling/branches/{branch.public_id}/").content.decode()
    assert 'id="pool-request-form"' in page
    assert 'id="pool-locate"' not in page


def test_the_request_form_starts_on_spend_and_save(client, shop):
    # given a buy-3-pay-2 promotion published before the shop's spend-and-save
    merchant, branch, owner, spend_and_save = shop
    Promotion.objects.filter(pk=spend_and_save.pk).delete()
    buy_3_pay_2 = make_promotion(
        merchant=merchant, owner=owner, kind="n_for_m", buy_n=3, pay_m=2
    )
    spend_and_save = make_promotion(merchant=merchant, owner=owner)
    client.force_login(make_user())
    # when a shopper opens the branch
    page = client.get(f"/pooling/branches/{branch.public_id}/").content.decode()
    # then both are offered in the order they were published, spend-and-save chosen
    first, second = (
        page.index(f'value="{promotion.public_id}"')
        for promotion in (buy_3_pay_2, spend_and_save)
    )
    assert first < second
    assert f'value="{spend_and_save.public_id}" selected' in page
    # and the list tells the form's script each promotion's kind
    assert f'data-promotion="{buy_3_pay_2.public_id}" data-kind="n_for_m"' in page


def test_a_shopper_withdraws_a_request_from_the_pools_page(client, shop):
    # given a request still looking (one shopper: nobody to pool with)
    _merchant, branch, _owner, promotion = shop
    shopper = make_user(preferred_language="en")
    _ask(client, shopper, branch, promotion, "180")
    pool_request = PoolRequest.objects.get(user=shopper)
    page = client.get("/pooling/").content.decode()
    assert f'action="/pooling/requests/{pool_request.public_id}/withdraw/"' in page
    # when they withdraw it, twice (a double tap)
    url = f"/pooling/requests/{pool_request.public_id}/withdraw/"
    for _ in range(2):
        response = client.post(url, follow=True)
        assert "we no longer look for a pool for it" in response.content.decode()
    # then it is withdrawn, audited once, and no longer listed
    pool_request.refresh_from_db()
    assert pool_request.state == PoolRequest.State.WITHDRAWN
    assert AuditEntry.objects.filter(action="pooling.request.withdrawn").count() == 1
    assert pool_request.public_id not in client.get("/pooling/").content.decode()


def test_a_suggested_request_is_not_withdrawn_from_the_page(
    client, shop, django_capture_on_commit_callbacks
):
    # given two requests matched into a pool
    _merchant, branch, _owner, promotion = shop
    first, second = make_user(preferred_language="en"), make_user()
    for user, amount in ((first, "180"), (second, "120")):
        with django_capture_on_commit_callbacks(execute=True):
            _ask(client, user, branch, promotion, amount)
    client.force_login(first)
    pool_request = PoolRequest.objects.get(user=first)
    assert pool_request.state == PoolRequest.State.SUGGESTED
    # then the page offers no withdrawal but the pool to answer, and a post
    # says why and changes nothing
    url = f"/pooling/requests/{pool_request.public_id}/withdraw/"
    home = client.get("/pooling/").content.decode()
    assert f'action="{url}"' not in home
    pool = Pool.objects.get()
    answer = f'href="/pooling/pools/{pool.public_id}/">Answer</a>'
    assert answer in home.split(f'id="request-{pool_request.public_id}"')[1]
    page = client.post(url, follow=True).content.decode()
    assert "Only a request still looking for a pool can be withdrawn." in page
    pool_request.refresh_from_db()
    assert pool_request.state == PoolRequest.State.SUGGESTED


@pytest.mark.parametrize("who", ["another shopper", "the merchant's owner"])
def test_only_its_shopper_withdraws_a_request(client, shop, who):
    _merchant, branch, owner, promotion = shop
    shopper = make_user()
    _ask(client, shopper, branch, promotion, "180")
    pool_request = PoolRequest.objects.get(user=shopper)
    client.force_login(make_user() if who == "another shopper" else owner)
    url = f"/pooling/requests/{pool_request.public_id}/withdraw/"
    assert client.post(url).status_code == 404
    client.logout()
    assert client.post(url).status_code == 302  # to sign in
    pool_request.refresh_from_db()
    assert pool_request.state == PoolRequest.State.OPEN


@pytest.mark.parametrize(
    ("tiers", "buy_n", "field", "why"),
    [
        ("2000000-100", "", "__all__", "a tier asks to spend at most ¥1,000,000.00"),
        (
            ", ".join(f"{n}00-{n}" for n in range(1, 22)),
            "",
            "__all__",
            "a promotion has at most 20 tiers",
        ),
        ("NaN-1", "", "tiers", "Write tiers as spend-save, e.g. 300-50."),
        ("Infinity-1", "", "tiers", "Write tiers as spend-save, e.g. 300-50."),
        ("1e40-1", "", "tiers", "Write tiers as spend-save, e.g. 300-50."),
        ("", "1000000000000", "buy_n", "At most 100."),
    ],
)
def test_the_promotion_form_refuses_amounts_no_shop_means(
    client, shop, tiers, buy_n, field, why
):
    """The API refused them by its schema; the page published a ¥2,000,000
    tier, answered 500 to "NaN" or "Infinity" and sent a twelve-digit n on."""
    merchant, _branch, owner, _promotion = shop
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])
    client.force_login(owner)
    kind = "n_for_m" if buy_n else "threshold"
    response = client.post(
        f"/pooling/merchant/{merchant.public_id}/promotions/",
        {
            "title": "Big",
            "kind": kind,
            "tiers": tiers,
            "buy_n": buy_n,
            "pay_m": "1" if buy_n else "",
            "days": 3,
        },
    )
    assert response.status_code == 200
    assert why in " ".join(response.context["form"].errors[field])
    assert Promotion.objects.count() == 1  # the shop's own, from before


def test_a_tier_with_three_decimals_is_refused_as_the_price_fields_refuse_it(
    client, shop
):
    """The page stored "200-20.555" as [20000, 2056]; the deal form refuses it."""
    # given
    merchant, _branch, owner, _promotion = shop
    client.force_login(owner)

    # when
    response = client.post(
        f"/pooling/merchant/{merchant.public_id}/promotions/",
        {"title": "三位小数", "kind": "threshold", "tiers": "200-20.555", "days": 3},
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors["tiers"] == ["最多保留两位小数（分）。"]
    assert not Promotion.objects.filter(title="三位小数").exists()


def test_the_publishing_form_sent_twice_publishes_once(client, shop):
    # given the form as the page shows it, with its one-time key
    merchant, _branch, owner, _promotion = shop
    client.force_login(owner)
    url = f"/pooling/merchant/{merchant.public_id}/promotions/"
    key = client.get(url).context["form"]["client_key"].value()
    form = {
        "title": "重复提交 dup",
        "kind": "threshold",
        "tiers": "200-20",
        "days": 3,
        "client_key": key,
    }

    # when it is sent twice (a double click, back and resend)
    first, second = client.post(url, form), client.post(url, form)

    # then one promotion is published, and both land on the list
    assert (first.status_code, second.status_code) == (302, 302)
    assert Promotion.objects.filter(title="重复提交 dup").count() == 1
    # and the next form shown carries a new key
    assert client.get(url).context["form"]["client_key"].value() not in ("", key)


def _hides_number(text: str, phone: str) -> bool:
    """No recognisable part of ``phone``: neither in full nor masked (what
    "+86137****5678" gave away: the network and the last four digits)."""
    national = phone.removeprefix("+86")
    return (
        national not in text
        and "+86" + national[:3] not in text
        and "****" + national[-4:] not in text
        and "****" not in text
    )


def test_no_part_of_another_members_number_shows_before_everyone_agrees(
    client, shop, django_capture_on_commit_callbacks
):
    _merchant, branch, _owner, promotion = shop
    alice, bob = make_user(), make_user()
    alice.phone, bob.phone = "+8615011112222", "+8613712345678"
    alice.save(update_fields=["phone"])
    bob.save(update_fields=["phone"])
    for user, amount in ((alice, "180.00"), (bob, "120")):
        with django_capture_on_commit_callbacks(execute=True):
            _ask(client, user, branch, promotion, amount)
    pool = Pool.objects.get()
    page_url = f"/pooling/pools/{pool.public_id}/"
    api_url = f"/api/pooling/pools/{pool.public_id}"

    def seen_by_alice() -> tuple[str, str]:
        client.force_login(alice)
        page = client.get(page_url).content.decode()
        api = client.get(api_url, headers=auth(alice)).content.decode()
        return page, api

    # the suggestion, then confirmed, then alice alone agreed: bob's number
    # stays hidden on the page and in the API; alice sees her own
    for step in ("suggested", "confirmed", "alice agreed"):
        if step == "confirmed":
            for user in (alice, bob):
                client.force_login(user)
                client.post(f"{page_url}answer/", {"answer": "accept"})
        if step == "alice agreed":
            client.force_login(alice)
            client.post(f"{page_url}phone/", {"agree": "1"})
        page, api = seen_by_alice()
        assert _hides_number(page, bob.phone), step
        assert _hides_number(api, bob.phone), step
        assert alice.phone in page
    client.force_login(alice)
    [suggestion] = client.get("/api/pooling/pools", headers=auth(alice)).json()["items"]
    assert [m["phone"] for m in suggestion["members"]] == [alice.phone, None]
    # once bob agrees too, both see each other's number in full
    client.force_login(bob)
    client.post(f"{page_url}phone/", {"agree": "1"})
    page, api = seen_by_alice()
    assert bob.phone in page and bob.phone in api


def test_the_branch_page_gives_its_opening_hours(client, shop):
    # given a branch open Monday and Tuesday, and a shopper reading English
    _merchant, branch, _owner, _promotion = shop
    hours = [
        {"day": day, "opens": "08:00", "closes": "22:00"} for day in ("mon", "tue")
    ]
    Branch.objects.filter(pk=branch.pk).update(opening_hours=hours)
    client.force_login(make_user(preferred_language="en"))
    # when they open the branch's page
    page = client.get(f"/pooling/branches/{branch.public_id}/").content.decode()
    # then it says when shoppers can go there, as the order and coupon pages do
    assert (
        '<span id="branch-hours">Opening hours: Mon–Tue 08:00–22:00; Wed–Sun closed'
        "</span>" in page
    )
    # and a branch that gave no hours says nothing of them
    Branch.objects.filter(pk=branch.pk).update(opening_hours=[])
    page = client.get(f"/pooling/branches/{branch.public_id}/").content.decode()
    assert 'id="branch-hours"' not in page


def test_the_promotions_page_names_branches_in_the_readers_language(client, shop):
    # given a branch with a Chinese and an English name, and a promotion there
    merchant, branch, owner, _promotion = shop
    branch.name, branch.name_en = "人民广场店", "Peoples Square"
    branch.save(update_fields=["name", "name_en"])
    make_promotion(merchant=merchant, branch=branch, owner=owner)
    url = f"/pooling/merchant/{merchant.public_id}/promotions/"
    for language, name, other in (
        ("en", "Peoples Square", "人民广场店"),
        ("zh-hans", "人民广场店", "Peoples Square"),
    ):
        owner.preferred_language = language
        owner.save(update_fields=["preferred_language"])
        client.force_login(owner)
        # when the owner opens the promotions page
        page = client.get(url).content.decode()
        # then the list and the form's branch choices name it in their language
        listed = page.split('id="promotion-table"')[1]
        assert f" · {name} · " in listed
        assert f'<option value="{branch.public_id}">{name}</option>' in page
        assert other not in page
    # and a shopper or another merchant's owner is refused the page
    _other_merchant, _other_branch, other_owner = make_shop(name="Other")
    for intruder in (make_user(), other_owner):
        client.force_login(intruder)
        refused = client.get(url)
        assert refused.status_code == 403
        assert "Peoples Square" not in refused.content.decode()


def _offered(page: str) -> list[str]:
    """The product select's choices, in order, by their text."""
    select = page.split('id="id_product"')[1].split("</select>")[0]
    return [
        name for name in re.findall(r'<option value="prd_[^"]*"[^>]*>([^<]*)<', select)
    ]


@pytest.mark.parametrize("search", ["", "Drink"])
def test_product_pickers_are_sorted_by_the_name_the_reader_reads(client, shop, search):
    # given products whose Chinese names sort otherwise than their English ones
    _merchant, branch, _owner, _promotion = shop
    for name_zh, name_en in (
        ("C100柠檬汁饮料", "C100 Lemon Juice Drink"),
        ("苹果汁饮料", "apple Drink"),  # lower case sorts among the others
        ("香蕉奶饮料", "Banana milk Drink"),
        ("茶饮料", ""),  # no English name: read, and sorted, by its Chinese one
    ):
        Product.objects.create(name_zh=name_zh, name_en=name_en)
    query = {"q": search} if search else {}
    for language, expected in (
        (
            "en",
            ["apple Drink", "Banana milk Drink", "C100 Lemon Juice Drink", "茶饮料"],
        ),
        ("zh-hans", ["C100柠檬汁饮料", "苹果汁饮料", "茶饮料", "香蕉奶饮料"]),
    ):
        if search:  # the tea has no "Drink" in its names
            expected = [name for name in expected if name != "茶饮料"]
        client.force_login(make_user(preferred_language=language))
        # when they open the pool request form and Who is buying it?
        for url in (f"/pooling/branches/{branch.public_id}/", "/pooling/buyers/"):
            page = client.get(url, query).content.decode()
            # then the products are in the order of the names they read
            assert _offered(page) == expected, (language, url)


def test_the_place_is_sent_hidden_and_said_as_using_your_location(client, shop):
    # given a branch with a place, and a shopper reading English
    _merchant, branch, _owner, promotion = shop
    Branch.objects.filter(pk=branch.pk).update(latitude="31.23", longitude="121.47")
    client.force_login(make_user(preferred_language="en"))
    url = f"/pooling/branches/{branch.public_id}/"
    # when they open the request form
    page = client.get(url).content.decode()
    # then no latitude or longitude box is shown, only hidden inputs for the
    # "Use my location" button to fill, and nothing says a place is used yet
    assert '<input type="hidden" name="latitude" id="id_latitude">' in page
    assert '<input type="hidden" name="longitude" id="id_longitude">' in page
    assert "latitude (optional)" not in page
    assert 'id="pool-locate"' in page
    assert '<span id="pool-location-status" role="status"' in page
    assert 'data-using="Using your location."></span>' in page
    assert 'id="pool-location-clear" hidden>Clear my location</button>' in page
    # and when a form sent with a place comes back refused (too far), it says
    # the place is used, with the button to clear it
    fields = {"promotion": promotion.public_id, "amount": "150", "minutes": 60}
    far = client.post(
        url, {**fields, "max_group_size": 4, "latitude": "31.25", "longitude": "121.47"}
    ).content.decode()
    assert "farther than the 1000 m you will walk" in far
    assert 'data-using="Using your location.">Using your location.</span>' in far
    assert 'id="pool-location-clear"' in far
    assert 'id="pool-location-clear" hidden' not in far
    assert 'name="latitude" value="31.25"' in far
    # and a place that is no place is said above the form, not lost with its
    # hidden field
    bad = client.post(
        url, {**fields, "max_group_size": 4, "latitude": "91", "longitude": "121.47"}
    ).content.decode()
    assert "Your location could not be read" in bad.split('id="form-errors"')[1]
    assert PoolRequest.objects.count() == 0


def test_a_dissolved_pool_quotes_no_saving_and_shows_each_member_a_way_on(
    client, shop, django_capture_on_commit_callbacks
):
    # given a pool of two shoppers reading English, the one asking ¥180 saving
    # ¥30 of its ¥50
    _merchant, branch, _owner, promotion = shop
    alice = make_user(preferred_language="en")
    bob = make_user(preferred_language="en")
    for user, amount in ((alice, "180.00"), (bob, "120")):
        with django_capture_on_commit_callbacks(execute=True):
            _ask(client, user, branch, promotion, amount)
    pool = Pool.objects.get()
    url = f"/pooling/pools/{pool.public_id}/"
    client.force_login(alice)
    assert "¥30.00" in client.get(url).content.decode()
    # when alice declines it
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{url}answer/", {"answer": "decline"})
    assert Pool.objects.get().state == Pool.State.DISSOLVED
    # then neither page quotes a saving, and both say it was dissolved
    pages = {}
    for user in (alice, bob):
        client.force_login(user)
        pages[user] = page = client.get(url).content.decode()
        assert "This pool was dissolved: nobody saves anything with it." in page
        assert "¥30.00" not in page and "¥50.00" not in page
        assert "saving" not in page and "saves ¥" not in page
        assert 'id="my-share"' not in page
        assert '<a href="/pooling/" id="pool-back">Back to Pools</a>' in page
    # alice, who declined, may ask to pool at the shop again
    ask_again = f'<a href="/pooling/branches/{branch.public_id}/" id="pool-ask-again">'
    assert ask_again + "Ask to pool at this shop again</a>" in pages[alice]
    assert "We keep looking" not in pages[alice]
    # bob, whose request went back to matching, is told it keeps looking
    assert PoolRequest.objects.get(user=bob).state == PoolRequest.State.OPEN
    assert "We keep looking for other shoppers to pool your cart with." in pages[bob]
    assert 'id="pool-request-withdraw"' in pages[bob]
    assert 'id="pool-request-withdraw"' not in pages[alice]
    assert 'id="pool-ask-again"' not in pages[bob]


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [("en", "Fresh Fruit", "鲜果铺"), ("zh-hans", "鲜果铺", "Fresh Fruit")],
)
def test_the_promotions_page_title_names_the_shop_as_read(
    client, language, shown, hidden
):
    # given the owner of a shop with an English name, reading the language
    merchant, _branch, owner = make_shop()
    merchant.name, merchant.name_en = "鲜果铺", "Fresh Fruit"
    merchant.save(update_fields=["name", "name_en"])
    owner.preferred_language = language
    owner.save(update_fields=["preferred_language"])
    client.force_login(owner)
    # when they open its promotions
    page = client.get(
        f"/pooling/merchant/{merchant.public_id}/promotions/",
        HTTP_ACCEPT_LANGUAGE=language,
    ).content.decode()
    # then the page's title names the shop as they read it
    title = page.split("<title>")[1].split("</title>")[0]
    assert shown in title and hidden not in title


@pytest.mark.parametrize(
    ("minutes", "said"),
    [("0", "At least 5 minutes."), ("2000", "At most 1440 minutes.")],
)
def test_a_refused_shopping_time_says_how_many_minutes(client, shop, minutes, said):
    # given a shopper who reads English, at a branch with a promotion
    _merchant, branch, _owner, promotion = shop
    user = make_user()
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    client.force_login(user)
    # when the time they will shop within is out of range
    response = client.post(
        f"/pooling/branches/{branch.public_id}/",
        {
            "promotion": promotion.public_id,
            "amount": "150",
            "minutes": minutes,
            "max_group_size": 4,
        },
    )
    # then the page says the limit in minutes (not Django's "Ensure this value
    # is greater than or equal to 5."), keeps what they typed, and asks nothing
    page = response.content.decode()
    assert response.status_code == 200
    assert said in page
    assert "Ensure this value" not in page
    assert re.search(rf'name="minutes" value="{minutes}"', page)
    assert PoolRequest.objects.count() == 0


def test_the_readers_own_place_is_marked_as_chinese_punctuates_it(
    client, shop, django_capture_on_commit_callbacks
):
    # given a pool of two
    _merchant, branch, _owner, promotion = shop
    alice, bob = make_user(), make_user()
    for user, amount in ((alice, "180.00"), (bob, "120")):
        with django_capture_on_commit_callbacks(execute=True):
            _ask(client, user, branch, promotion, amount)
    pool = Pool.objects.get()
    # when one of its members reads it in Chinese
    client.force_login(alice)
    page = client.get(f"/pooling/pools/{pool.public_id}/").content.decode()
    # then their own place is marked in full-width brackets, once
    assert len(re.findall(r"顾客 [AB]（您）", page)) == 1
    assert "(您)" not in page
