"""The pooling API: the whole flow, refusals as clear 4xx, and who may do what."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from groupbuy.catalog.models import Branch
from groupbuy.core.models import AuditEntry
from groupbuy.pooling import savings, services
from groupbuy.pooling.models import (
    CartReport,
    ChatMessage,
    Pool,
    PoolRequest,
    Promotion,
)
from groupbuy.pooling.tests import factories
from groupbuy.pooling.tests.factories import (
    auth,
    make_promotion,
    make_request,
)

pytestmark = pytest.mark.django_db

API = "/api/pooling"


def make_user(**extra):
    """A user reading English: the API answers a token user in their saved
    language, and these tests compare its English messages."""
    return factories.make_user(**{"preferred_language": "en", **extra})


def make_shop(**kwargs):
    merchant, branch, owner = factories.make_shop(**kwargs)
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])
    return merchant, branch, owner


def _post(client, path, data, user=None):
    headers = auth(user) if user else {}
    return client.post(
        f"{API}{path}", data, content_type="application/json", headers=headers
    )


def _get(client, path, user=None):
    return client.get(f"{API}{path}", headers=auth(user) if user else {})


@pytest.fixture
def world():
    merchant, branch, owner = make_shop()
    _other_merchant, other_branch, other_owner = make_shop(name="Other Mart")
    promotion = make_promotion(merchant=merchant, owner=owner)
    return {
        "merchant": merchant,
        "branch": branch,
        "owner": owner,
        "other_owner": other_owner,
        "other_branch": other_branch,
        "promotion": promotion,
        "stranger": make_user(),
    }


@pytest.fixture
def pool(world):
    users = [make_user(), make_user()]
    for user, amount in zip(users, (18_000, 12_000), strict=True):
        make_request(
            user=user,
            promotion=world["promotion"],
            branch=world["branch"],
            amount_fen=amount,
        )
    [pool] = services.pools_match(
        branch_id=world["branch"].pk, promotion_id=world["promotion"].pk
    )
    return pool, users


def _promotion_payload(world, **overrides):
    now = timezone.now()
    return {
        "merchant_id": world["merchant"].public_id,
        "branch_id": world["branch"].public_id,
        "title": "满200减20",
        "kind": "threshold",
        "tiers": [[20_000, 2_000], [30_000, 5_000]],
        "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(days=1)).isoformat(),
        **overrides,
    }


def test_owner_publishes_and_anyone_reads_a_branchs_promotions(client, world):
    response = _post(client, "/promotions", _promotion_payload(world), world["owner"])
    assert response.status_code == 201, response.json()
    listed = _get(client, f"/branches/{world['branch'].public_id}/promotions").json()
    assert {p["title"] for p in listed["items"]} == {"满300减50", "满200减20"}
    assert (listed["total"], listed["page"], listed["pages"]) == (2, 1, 1)
    other = _get(client, f"/branches/{world['other_branch'].public_id}/promotions")
    assert (other.json()["items"], other.json()["total"]) == ([], 0)


def test_a_branchs_promotions_come_a_page_at_a_time(client, world):
    # given the branch's promotion and two more
    for title in ("满200减20", "满500减100"):
        payload = _promotion_payload(world, title=title)
        assert _post(client, "/promotions", payload, world["owner"]).status_code == 201
    url = f"/branches/{world['branch'].public_id}/promotions"
    # when they are read 2 at a time
    first = _get(client, f"{url}?page_size=2").json()
    second = _get(client, f"{url}?page=2&page_size=2").json()
    # then in the order they were published, across two pages
    assert (first["total"], first["pages"], len(first["items"])) == (3, 2, 2)
    assert [p["title"] for p in second["items"]] == ["满500减100"]
    refused = _get(client, f"{url}?page_size=101")
    assert (refused.status_code, list(refused.json()["fields"])) == (
        422,
        ["page_size"],
    )


@pytest.mark.parametrize("who", ["stranger", "other_owner"])
def test_another_user_or_merchant_cannot_publish(client, world, who):
    response = _post(client, "/promotions", _promotion_payload(world), world[who])
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert Promotion.objects.count() == 1


def test_tiers_that_do_not_increase_are_422_with_fields(client, world):
    payload = _promotion_payload(world, tiers=[[30_000, 5_000], [20_000, 6_000]])
    response = _post(client, "/promotions", payload, world["owner"])
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_promotion"
    assert "tiers" in response.json()["fields"]


def test_saving_calculator(client, world):
    response = _post(
        client,
        f"/promotions/{world['promotion'].public_id}/saving",
        {"lines": [{"unit_price_fen": 16_000, "quantity": 2}]},
    )
    assert response.json() == {"eligible_fen": 32_000, "saving_fen": 5_000}


def test_profile_is_my_own(client, world):
    user = world["stranger"]
    response = client.put(
        f"{API}/profile",
        {"max_group_size": 3, "max_walk_m": 500, "is_discoverable": True},
        content_type="application/json",
        headers=auth(user),
    )
    assert response.json()["max_group_size"] == 3
    assert _get(client, "/profile", world["other_owner"]).json()["max_group_size"] == 4
    assert _get(client, "/profile").status_code == 401


def test_negative_cart_is_422_and_writes_nothing(client, world):
    now = timezone.now()
    response = _post(
        client,
        "/carts",
        {
            "branch_id": world["branch"].public_id,
            "amount_fen": -100,
            "window_start_at": now.isoformat(),
            "window_end_at": (now + timedelta(hours=1)).isoformat(),
        },
        world["stranger"],
    )
    assert response.status_code == 422
    assert CartReport.objects.count() == 0


def test_a_request_for_an_item_promotion_pools_its_items(client, world):
    promotion = make_promotion(
        merchant=world["merchant"],
        owner=world["owner"],
        kind="n_for_m",
        buy_n=3,
        pay_m=2,
    )
    request = {
        "promotion_id": promotion.public_id,
        "branch_id": world["branch"].public_id,
        "amount_fen": 10_000,
        "deadline_at": (timezone.now() + timedelta(hours=1)).isoformat(),
    }
    # an amount alone says nothing about the items: refused, nothing written
    refused = _post(client, "/requests", request, world["stranger"])
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid"
    assert "items" in refused.json()["message"]
    assert PoolRequest.objects.count() == 0
    line = {"product_id": "prd_shampoo", "unit_price_fen": 3_900, "quantity": 1}
    created = _post(
        client, "/requests", {**request, "items": [line]}, world["stranger"]
    )
    assert created.status_code == 201
    assert (created.json()["amount_fen"], created.json()["items"]) == (3_900, [line])


def test_a_request_from_farther_than_i_walk_is_409_and_a_near_one_is_kept(
    client, world
):
    branch = world["branch"]
    Branch.objects.filter(pk=branch.pk).update(latitude="31.23", longitude="121.47")

    def ask(latitude):
        return _post(
            client,
            "/requests",
            {
                "promotion_id": world["promotion"].public_id,
                "branch_id": branch.public_id,
                "amount_fen": 10_000,
                "deadline_at": (timezone.now() + timedelta(hours=1)).isoformat(),
                "latitude": latitude,
                "longitude": 121.47,
            },
            world["stranger"],
        )

    far = ask(31.25)  # ~2.2 km; the default profile walks 1000 m
    assert far.status_code == 409
    assert far.json()["code"] == "too_far"
    assert PoolRequest.objects.count() == 0
    assert ask(31.235).status_code == 201
    assert PoolRequest.objects.get().latitude == Decimal("31.235000")


def test_request_for_another_merchants_branch_is_409(client, world):
    response = _post(
        client,
        "/requests",
        {
            "promotion_id": world["promotion"].public_id,
            "branch_id": world["other_branch"].public_id,
            "amount_fen": 10_000,
            "deadline_at": (timezone.now() + timedelta(hours=1)).isoformat(),
        },
        world["stranger"],
    )
    assert response.status_code == 409
    assert response.json()["code"] == "wrong_branch"
    assert PoolRequest.objects.count() == 0


def test_two_shoppers_request_get_matched_accept_and_chat(
    client, world, django_capture_on_commit_callbacks
):
    alice, bob = make_user(), make_user()
    for user, amount in ((alice, 18_000), (bob, 12_000)):
        with django_capture_on_commit_callbacks(execute=True):
            response = _post(
                client,
                "/requests",
                {
                    "promotion_id": world["promotion"].public_id,
                    "branch_id": world["branch"].public_id,
                    "amount_fen": amount,
                    "deadline_at": (timezone.now() + timedelta(hours=1)).isoformat(),
                },
                user,
            )
        assert response.status_code == 201, response.json()
    # the online step matched them when the second request arrived
    [suggestion] = _get(client, "/pools", alice).json()["items"]
    assert suggestion["my_share_fen"] == 3_000
    assert suggestion["saving_fen"] == 5_000
    # no part of the other's number before everyone agreed; one's own in full
    assert [m["phone"] for m in suggestion["members"]] == [alice.phone, None]
    pool_id = suggestion["id"]
    for user in (alice, bob):
        answered = _post(client, f"/pools/{pool_id}/answer", {"accept": True}, user)
        assert answered.status_code == 200
    assert answered.json()["state"] == "confirmed"
    posted = _post(client, f"/pools/{pool_id}/messages", {"body": "till 3"}, bob)
    assert posted.status_code == 201
    assert posted.json()["is_mine"] is True
    history = _get(client, f"/pools/{pool_id}/messages", alice).json()
    assert [(m["author"], m["body"]) for m in history] == [("Shopper B", "till 3")]
    # an app tells its reader's own messages from the others' as the page does
    assert [m["is_mine"] for m in history] == [False]
    [seen_by_bob] = _get(client, f"/pools/{pool_id}/messages", bob).json()
    assert seen_by_bob["is_mine"] is True
    assert seen_by_bob["author_key"] == posted.json()["author_key"]


@pytest.mark.parametrize("who", ["stranger", "other_owner", "owner"])
def test_another_user_or_merchant_cannot_see_or_touch_a_pool(client, world, pool, who):
    pool_obj, _users = pool
    intruder = world[who]
    pool_id = pool_obj.public_id
    assert _get(client, "/pools", intruder).json()["items"] == []
    refusals = [
        _get(client, f"/pools/{pool_id}", intruder),
        _post(client, f"/pools/{pool_id}/answer", {"accept": True}, intruder),
        _post(client, f"/pools/{pool_id}/phone", {"agree": True}, intruder),
        _get(client, f"/pools/{pool_id}/messages", intruder),
        _post(client, f"/pools/{pool_id}/messages", {"body": "hi"}, intruder),
    ]
    assert [r.status_code for r in refusals] == [404] * 5
    assert Pool.objects.get(pk=pool_obj.pk).state == Pool.State.PROPOSED
    assert not pool_obj.members.exclude(answer="pending").exists()


@pytest.mark.parametrize("who", ["stranger", "other_owner", "owner"])
def test_another_user_or_merchant_cannot_see_or_withdraw_a_request(client, world, who):
    user = make_user()
    request = make_request(
        user=user, promotion=world["promotion"], branch=world["branch"], amount_fen=5
    )
    assert _get(client, "/requests", world[who]).json()["items"] == []
    response = _post(client, f"/requests/{request.public_id}/withdraw", {}, world[who])
    assert response.status_code == 404
    assert PoolRequest.objects.get(pk=request.pk).state == "open"
    mine = _post(client, f"/requests/{request.public_id}/withdraw", {}, user)
    assert mine.json()["state"] == "withdrawn"


def test_signed_out_is_401_everywhere(client, world, pool):
    pool_id = pool[0].public_id
    for response in (
        _get(client, "/pools"),
        _get(client, f"/pools/{pool_id}"),
        _post(client, f"/pools/{pool_id}/answer", {"accept": True}),
        _post(client, "/requests", {}),
        _post(client, "/carts", {}),
        _post(client, "/promotions", {}),
    ):
        assert response.status_code == 401


def test_my_requests_and_pools_come_a_page_at_a_time(client, world):
    user = make_user()
    branches = [world["branch"]] + [
        Branch.objects.create(merchant=world["merchant"], name=f"B{i}", address="x")
        for i in range(4)
    ]
    for branch in branches:  # one standing request per shop
        make_request(
            user=user, promotion=world["promotion"], branch=branch, amount_fen=5
        )
    first = client.get(
        "/api/pooling/requests", {"page_size": 2}, headers=auth(user)
    ).json()
    assert (first["total"], first["pages"], len(first["items"])) == (5, 3, 2)
    last = client.get(
        "/api/pooling/requests", {"page_size": 2, "page": 3}, headers=auth(user)
    ).json()
    assert len(last["items"]) == 1
    seen = {r["id"] for r in first["items"]} | {r["id"] for r in last["items"]}
    assert len(seen) == 3  # no request on two pages
    too_big = client.get("/api/pooling/pools", {"page_size": 1000}, headers=auth(user))
    assert too_big.status_code == 422


def _chat_of(pool_obj, users, count):
    """``count`` messages in a confirmed pool's chat, a second apart, oldest
    first; returns their ids."""
    pool_obj.state = Pool.State.CONFIRMED
    pool_obj.save(update_fields=["state"])
    start = timezone.now() - timedelta(hours=1)
    ids = []
    for number in range(count):
        message = ChatMessage.objects.create(
            pool=pool_obj, author=users[number % len(users)], body=f"m{number}"
        )
        ChatMessage.objects.filter(pk=message.pk).update(
            created_at=start + timedelta(seconds=number)
        )
        ids.append(message.public_id)
    return ids


def test_a_long_pool_chat_comes_a_page_at_a_time_back_to_its_first_message(
    client, pool
):
    pool_obj, users = pool
    ids = _chat_of(pool_obj, users, 120)
    url = f"/pools/{pool_obj.public_id}/messages"
    last = _get(client, url, users[0]).json()
    assert [m["id"] for m in last] == ids[-50:]  # the last 50, oldest first
    before = _get(client, f"{url}?before={ids[-50]}", users[1]).json()
    assert [m["id"] for m in before] == ids[20:70]
    first = _get(client, f"{url}?before={ids[20]}&limit=100", users[0]).json()
    assert [m["id"] for m in first] == ids[:20]
    assert _get(client, f"{url}?before={ids[0]}", users[0]).json() == []


def test_messages_before_a_message_of_another_chat_or_none_are_refused(
    client, world, pool
):
    pool_obj, users = pool
    _chat_of(pool_obj, users, 3)
    url = f"/pools/{pool_obj.public_id}/messages"
    others = [make_user(), make_user()]
    for user in others:
        make_request(
            user=user,
            promotion=world["promotion"],
            branch=world["branch"],
            amount_fen=15_000,
        )
    [other_pool] = services.pools_match(
        branch_id=world["branch"].pk, promotion_id=world["promotion"].pk
    )
    elsewhere = ChatMessage.objects.create(pool=other_pool, author=others[0], body="x")
    for before in (elsewhere.public_id, "msg_nothing"):
        refused = _get(client, f"{url}?before={before}", users[0])
        assert refused.status_code == 404
        assert refused.json()["code"] == "not_found"
    assert _get(client, f"{url}?limit=0", users[0]).status_code == 422
    assert _get(client, f"{url}?limit=201", users[0]).status_code == 422


def test_chat_times_are_written_in_utc_to_the_millisecond_like_every_time(
    client, pool, monkeypatch
):
    # given a confirmed pool's chat with a message sent at a moment with microseconds
    pool_obj, users = pool
    [message_id] = _chat_of(pool_obj, users, 1)
    sent_at = timezone.now().replace(microsecond=123456)
    ChatMessage.objects.filter(public_id=message_id).update(created_at=sent_at)
    monkeypatch.setattr(timezone, "now", lambda: sent_at)
    url = f"/pools/{pool_obj.public_id}/messages"
    # when
    history = _get(client, url, users[0]).json()
    posted = _post(client, url, {"body": "till 3"}, users[1]).json()
    # then they read as a deal's times do: "Z" and milliseconds, not "+00:00"
    written = sent_at.strftime("%Y-%m-%dT%H:%M:%S.123Z")
    assert [m["created_at"] for m in history] == [written]
    assert posted["created_at"] == written


def test_a_message_sent_twice_with_its_key_is_stored_and_announced_once(
    client, pool, django_capture_on_commit_callbacks
):
    # given a confirmed pool's chat, and a member whose Send was clicked twice
    pool_obj, users = pool
    _chat_of(pool_obj, users, 0)
    url = f"/pools/{pool_obj.public_id}/messages"
    sent = {"body": "Meet at till 3", "client_key": "3f2c9a"}
    # when both requests arrive
    with django_capture_on_commit_callbacks(execute=False) as announced:
        first = _post(client, url, sent, users[0])
        second = _post(client, url, sent, users[0])
    # then one message is stored, both answers are it, and it is pushed once
    assert [first.status_code, second.status_code] == [201, 201]
    assert second.json() == first.json()
    assert list(ChatMessage.objects.values_list("body", flat=True)) == [
        "Meet at till 3"
    ]
    assert len(announced) == 1
    # the same key from the other member, or another key, is another message
    _post(client, url, sent, users[1])
    _post(client, url, {**sent, "client_key": "77ab01"}, users[0])
    _post(client, url, {"body": "no key"}, users[0])
    _post(client, url, {"body": "no key"}, users[0])
    assert ChatMessage.objects.count() == 5
    # a key longer than a key is refused like any malformed field
    too_long = _post(client, url, {**sent, "client_key": "k" * 65}, users[0])
    assert too_long.status_code == 422
    assert ChatMessage.objects.count() == 5


def test_a_promotion_already_over_is_refused_on_its_end(client, world):
    # given a window that ended years ago
    payload = _promotion_payload(
        world,
        starts_at="2020-01-01T00:00:00+08:00",
        ends_at="2020-01-02T00:00:00+08:00",
    )
    world["owner"].preferred_language = "en"
    world["owner"].save(update_fields=["preferred_language"])

    # when the owner publishes it
    response = _post(client, "/promotions", payload, world["owner"])

    # then it is refused on ends_at, and nothing is stored
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_promotion"
    assert response.json()["fields"] == {
        "ends_at": ["the promotion must end in the future"]
    }
    assert Promotion.objects.count() == 1


def test_an_end_before_the_start_is_filed_under_ends_at(client, world):
    # given an end a day before the start, and tiers that are fine
    now = timezone.now()
    payload = _promotion_payload(
        world,
        starts_at=(now + timedelta(days=2)).isoformat(),
        ends_at=(now + timedelta(days=1)).isoformat(),
    )
    world["owner"].preferred_language = "en"
    world["owner"].save(update_fields=["preferred_language"])

    # when
    response = _post(client, "/promotions", payload, world["owner"])

    # then the refusal names the end, not the tiers
    assert response.status_code == 422
    assert response.json()["fields"] == {
        "ends_at": ["the promotion must end after it starts"]
    }


@pytest.mark.parametrize("when", ["over", "not_begun"])
def test_the_saving_of_a_promotion_not_running_is_refused(client, world, when):
    # given a promotion that ended an hour ago, or begins in an hour
    now = timezone.now()
    window = {
        "over": (now - timedelta(days=1), now - timedelta(hours=1)),
        "not_begun": (now + timedelta(hours=1), now + timedelta(days=1)),
    }[when]
    promotion = world["promotion"]
    Promotion.objects.filter(pk=promotion.pk).update(
        starts_at=window[0], ends_at=window[1]
    )

    # when a basket that would reach its ¥300 tier asks what it saves
    response = _post(
        client,
        f"/promotions/{promotion.public_id}/saving",
        {"lines": [{"unit_price_fen": 16_000, "quantity": 2}]},
    )

    # then it is refused as asking to pool for it is, and no saving is quoted
    assert response.status_code == 409
    assert response.json()["code"] == "promotion_not_running"
    assert "saving_fen" not in response.json()


def test_publishing_again_with_the_same_client_key_stores_one(client, world):
    # given a promotion published with a client key
    payload = _promotion_payload(world, title="重复提交 dup", client_key="k-1")
    first = _post(client, "/promotions", payload, world["owner"])

    # when the same request is sent again
    again = _post(client, "/promotions", payload, world["owner"])

    # then the same promotion answers, once stored and audited
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert Promotion.objects.filter(title="重复提交 dup").count() == 1
    assert (
        AuditEntry.objects.filter(
            action="pooling.promotion.published", object_id=first.json()["id"]
        ).count()
        == 1
    )
    # and with another key, it publishes another
    other = _post(
        client, "/promotions", {**payload, "client_key": "k-2"}, world["owner"]
    )
    assert other.json()["id"] != first.json()["id"]


def test_the_kinds_of_promotion_are_listed_in_the_schema_and_the_refusal(client, world):
    # given the API's description
    document = client.get("/api/openapi.json").json()
    kind = document["components"]["schemas"]["PromotionIn"]["properties"]["kind"]
    world["owner"].preferred_language = "en"
    world["owner"].save(update_fields=["preferred_language"])

    # when a client guesses another kind
    response = _post(
        client,
        "/promotions",
        _promotion_payload(world, kind="buy_n_pay_m"),
        world["owner"],
    )

    # then the document lists the three, and so does the 422
    assert kind["enum"] == list(savings.KINDS)
    assert response.status_code == 422
    assert response.json()["fields"]["kind"] == [
        "Give one of: 'threshold', 'n_for_m' or 'second_item'."
    ]


def test_a_carts_kinds_are_listed_in_the_schema_and_another_is_refused_on_kind(
    client, world
):
    # given the API's description
    document = client.get("/api/openapi.json").json()
    kind = document["components"]["schemas"]["CartIn"]["properties"]["kind"]
    now = timezone.now()

    # when a client reports a cart of a kind there is not
    response = _post(
        client,
        "/carts",
        {
            "branch_id": world["branch"].public_id,
            "kind": "wishlist",
            "amount_fen": 10_000,
            "window_start_at": now.isoformat(),
            "window_end_at": (now + timedelta(hours=1)).isoformat(),
        },
        world["stranger"],
    )

    # then the document lists the two kinds, and the 422 names them on kind
    assert kind["enum"] == CartReport.Kind.values == ["purchase", "intended"]
    assert kind["default"] == "intended"
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"] == {
        "kind": ["Give one of: 'purchase' or 'intended'."]
    }
    assert CartReport.objects.count() == 0


@pytest.mark.parametrize(
    ("rule", "field", "message"),
    [
        (
            {"kind": "n_for_m", "buy_n": 2, "pay_m": 2},
            "pay_m",
            "buy n pay m needs m of at least 1 and less than n",
        ),
        (
            {"kind": "second_item", "second_item_percent": 100},
            "second_item_percent",
            "the second item costs 0 to 99 percent of its price",
        ),
        (
            {"kind": "threshold", "tiers": [[20_000, 2_000], [10_000, 5_000]]},
            "tiers",
            "each tier must ask more and save more than the one before",
        ),
    ],
)
def test_a_promotions_rule_is_refused_on_the_field_it_is_about(
    client, world, rule, field, message
):
    # given an owner reading English
    world["owner"].preferred_language = "en"
    world["owner"].save(update_fields=["preferred_language"])
    published = Promotion.objects.count()

    # when they publish a rule that cannot work
    response = _post(
        client, "/promotions", _promotion_payload(world, **rule), world["owner"]
    )

    # then it is refused on that field, not on kind, and nothing is published
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_promotion"
    assert response.json()["fields"] == {field: [message]}
    assert Promotion.objects.count() == published


def test_a_dissolved_pool_gives_no_saving(client, world, pool):
    # given a suggested pool of two whose members each save something
    pool_obj, (alice, bob) = pool
    path = f"/pools/{pool_obj.public_id}"
    before = _get(client, path, bob).json()
    assert before["saving_fen"] == 5_000 and before["my_share_fen"] > 0
    assert all(member["share_fen"] > 0 for member in before["members"])
    # when alice declines it
    declined = _post(client, f"{path}/answer", {"accept": False}, alice)
    # then her answer and both members' reads say nobody saves with it
    assert declined.status_code == 200
    answers = [declined.json()] + [
        _get(client, path, user).json() for user in (alice, bob)
    ]
    for answer in answers:
        assert answer["state"] == "dissolved"
        assert (answer["saving_fen"], answer["my_share_fen"]) == (None, None)
        assert [member["share_fen"] for member in answer["members"]] == [None, None]
        # what they asked to spend stays theirs to read
        assert sorted(m["amount_fen"] for m in answer["members"]) == [12_000, 18_000]
