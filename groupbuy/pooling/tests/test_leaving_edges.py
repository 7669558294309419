"""Leaving a pool and ending a contact from the page and the API, and who may:
only a member (a side), never another shopper or a merchant."""

import pytest

from groupbuy.pooling.models import ContactRequest, Pool, PoolMember
from groupbuy.pooling.tests.factories import auth, make_shop, make_user
from groupbuy.pooling.tests.leaving import confirmed_pool, contact_between

pytestmark = pytest.mark.django_db

API = "/api/pooling"


@pytest.fixture
def pool_of_three(shop, monkeypatch):
    _merchant, branch, _owner, promotion = shop
    return confirmed_pool(
        monkeypatch, promotion=promotion, branch=branch, amounts=(16_000, 15_000, 5_000)
    )


def _intruder(who: str, shop):
    if who == "another shopper":
        return make_user()
    if who == "the shop's owner":
        return shop[2]
    return make_shop(name="Other Mart")[2]  # another merchant


def _post(client, path, user=None):
    headers = auth(user) if user is not None else {}
    return client.post(
        f"{API}{path}", {}, content_type="application/json", headers=headers
    )


def test_a_member_leaves_through_the_api_and_again_changes_nothing(
    client, pool_of_three
):
    pool, (_a, _b, c) = pool_of_three
    first = _post(client, f"/pools/{pool.public_id}/leave", c)
    again = _post(client, f"/pools/{pool.public_id}/leave", c)
    assert (first.status_code, again.status_code) == (200, 200)
    body = again.json()
    assert (body["state"], body["my_answer"], body["my_share_fen"]) == (
        "confirmed",
        "left",
        None,
    )
    assert [m["share_fen"] for m in body["members"]] == [2_581, 2_419, None]
    # their chat is theirs no more, in words a person understands (in English:
    # answers follow the saved language before the request's)
    c.preferred_language = "en"
    c.save(update_fields=["preferred_language"])
    history = client.get(
        f"{API}/pools/{pool.public_id}/messages",
        headers={**auth(c), "Accept-Language": "en"},
    )
    assert history.status_code == 403
    assert history.json()["message"] == "You left this pool."


@pytest.mark.parametrize(
    "who", ["another shopper", "the shop's owner", "another merchant"]
)
def test_nobody_but_a_member_leaves_a_pool(client, shop, pool_of_three, who):
    pool, _users = pool_of_three
    response = _post(client, f"/pools/{pool.public_id}/leave", _intruder(who, shop))
    assert response.status_code == 404
    assert not PoolMember.objects.filter(answer="left").exists()
    assert _post(client, f"/pools/{pool.public_id}/leave").status_code == 401


def test_a_suggestion_cannot_be_left_it_is_declined(client, shop):
    from groupbuy.pooling import services
    from groupbuy.pooling.tests.factories import make_request

    _merchant, branch, _owner, promotion = shop
    a, b = make_user(preferred_language="en"), make_user()
    for user, amount in ((a, 18_000), (b, 12_000)):
        make_request(user=user, promotion=promotion, branch=branch, amount_fen=amount)
    [pool] = services.pools_match(branch_id=branch.pk, promotion_id=promotion.pk)
    response = _post(client, f"/pools/{pool.public_id}/leave", a)
    assert response.status_code == 409
    assert response.json()["message"] == (
        "This pool is not confirmed yet: decline the suggestion instead."
    )


def test_the_page_asks_once_more_then_leaves(client, pool_of_three):
    # given the third member on their pool's page, in English
    pool, (_a, b, c) = pool_of_three
    client.force_login(c)
    client.cookies["django_language"] = "en"
    page = client.get(f"/pooling/pools/{pool.public_id}/").content.decode()
    # then leaving is asked once more, saying what happens to the others
    assert 'id="pool-leave"' in page and "Leave the pool…" in page
    assert "If the others still reach the saving without you" in page
    # when they confirm
    response = client.post(f"/pooling/pools/{pool.public_id}/leave/")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    # then the page says they left, with no chat, no share and no leave button
    assert "You left this pool: you no longer take part in it or its chat." in page
    assert 'id="chat-form"' not in page and 'id="pool-leave"' not in page
    assert 'data-me-left="true"' in page
    # their Pools list says they left it, not that it is confirmed
    pools = client.get("/pooling/").content.decode()
    assert 'class="pill bad pool-left">Left the pool<' in pools
    # and the others' page lists them as having left
    client.force_login(b)
    assert "pool-left" not in client.get("/pooling/").content.decode()
    page = client.get(f"/pooling/pools/{pool.public_id}/").content.decode()
    assert "Left the pool" in page and 'id="chat-form"' in page


@pytest.mark.parametrize(
    "who", ["another shopper", "the shop's owner", "another merchant"]
)
def test_nobody_else_leaves_a_pool_from_the_page(client, shop, pool_of_three, who):
    pool, _users = pool_of_three
    client.force_login(_intruder(who, shop))
    response = client.post(f"/pooling/pools/{pool.public_id}/leave/")
    assert response.status_code == 404
    assert Pool.objects.get(pk=pool.pk).state == Pool.State.CONFIRMED
    assert not PoolMember.objects.filter(answer="left").exists()


# --- ending a contact ------------------------------------------------------------


def test_a_side_ends_a_contact_through_the_api_the_history_stays_readable(client):
    contact, asker, planner, _owner = contact_between(accept=True)
    first = _post(client, f"/contacts/{contact.public_id}/end", asker)
    again = _post(client, f"/contacts/{contact.public_id}/end", asker)
    assert (first.status_code, again.status_code) == (200, 200)
    row = again.json()
    assert (row["state"], row["phone"], row["chat_open"]) == ("ended", None, False)
    for side in (asker, planner):
        history = client.get(
            f"{API}/contacts/{contact.public_id}/messages", headers=auth(side)
        )
        assert [m["body"] for m in history.json()] == ["hello"]
    planner.preferred_language = "en"
    planner.save(update_fields=["preferred_language"])
    refused = client.post(
        f"{API}/contacts/{contact.public_id}/messages",
        {"body": "still there?"},
        content_type="application/json",
        headers={**auth(planner), "Accept-Language": "en"},
    )
    assert refused.status_code == 409
    assert refused.json()["message"] == "This conversation was ended."


@pytest.mark.parametrize(
    "who", ["another shopper", "the shop's owner", "another merchant"]
)
def test_nobody_but_a_side_ends_a_contact(client, who):
    contact, _asker, _planner, owner = contact_between(accept=True)
    intruder = {
        "another shopper": make_user,
        "the shop's owner": lambda: owner,
        "another merchant": lambda: make_shop(name="Other Mart")[2],
    }[who]()
    assert _post(
        client, f"/contacts/{contact.public_id}/end", intruder
    ).status_code == (404)
    client.force_login(intruder)
    assert client.post(f"/pooling/contacts/{contact.public_id}/end/").status_code == 404
    assert ContactRequest.objects.get(pk=contact.pk).state == "accepted"


def test_the_contact_page_asks_once_more_then_shows_the_history_read_only(client):
    contact, asker, planner, _owner = contact_between(accept=True)
    client.force_login(planner)
    client.cookies["django_language"] = "en"
    path = f"/pooling/contacts/{contact.public_id}/"
    page = client.get(path).content.decode()
    assert "End the conversation…" in page and 'id="contact-end-confirm"' in page
    response = client.post(f"{path}end/")
    assert response.status_code == 302
    for side, other in ((planner, asker), (asker, planner)):
        client.force_login(side)
        page = client.get(path).content.decode()
        assert "This conversation was ended: the chat is closed." in page
        assert "hello" in page and 'id="chat-form"' not in page
        assert other.phone not in page
