"""A shop ends a running promotion early: its pools and requests close, and
the shoppers are told, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from groupbuy.accounts.services import merchant_membership_add
from groupbuy.catalog.models import Branch
from groupbuy.core.audit import AuditEntry
from groupbuy.core.errors import DomainError
from groupbuy.notify.models import Notification
from groupbuy.pooling import services
from groupbuy.pooling.models import Pool, PoolRequest
from groupbuy.pooling.tests.factories import (
    auth,
    make_promotion,
    make_request,
    make_shop,
    make_user,
)

pytestmark = pytest.mark.django_db


def _ask(user, shop, amount_fen, capture):
    _merchant, branch, _owner, promotion = shop
    with capture(execute=True):
        return make_request(
            user=user, promotion=promotion, branch=branch, amount_fen=amount_fen
        )


def test_ending_dissolves_its_suggestions_closes_its_requests_and_tells_them(
    shop, django_capture_on_commit_callbacks
):
    # given a suggested pool of two and a third request still looking
    _merchant, branch, owner, promotion = shop
    first, second, third = make_user(), make_user(), make_user()
    _ask(first, shop, 18_000, django_capture_on_commit_callbacks)
    _ask(second, shop, 12_000, django_capture_on_commit_callbacks)
    _ask(third, shop, 9_000, django_capture_on_commit_callbacks)
    pool = Pool.objects.get()
    assert pool.state == Pool.State.PROPOSED
    # when the owner ends the promotion, twice
    for _ in range(2):
        services.promotion_end(actor=owner, promotion=promotion)
    # then it is over, its pool dissolved and every request closed
    promotion.refresh_from_db()
    assert not promotion.is_running()
    pool.refresh_from_db()
    assert pool.state == Pool.State.DISSOLVED
    states = set(PoolRequest.objects.values_list("state", flat=True))
    assert states == {PoolRequest.State.EXPIRED}
    # and each shopper is told once, the audit says it once
    told = Notification.objects.filter(kind="pooling.promotion_ended")
    assert sorted(n.recipient_id for n in told) == sorted(
        u.pk for u in (first, second, third)
    )
    assert AuditEntry.objects.filter(action="pooling.promotion.ended").count() == 1
    # and nobody can ask to pool for it any more
    with pytest.raises(DomainError):
        make_request(
            user=make_user(), promotion=promotion, branch=branch, amount_fen=15_000
        )


def test_a_confirmed_pool_stays_and_says_the_till_gives_it_only_before_the_end(
    client, shop, django_capture_on_commit_callbacks
):
    # given a confirmed pool of two, each reading English
    _merchant, _branch, owner, promotion = shop
    first = make_user(preferred_language="en")
    second = make_user(preferred_language="en")
    _ask(first, shop, 18_000, django_capture_on_commit_callbacks)
    _ask(second, shop, 12_000, django_capture_on_commit_callbacks)
    pool = Pool.objects.get()
    for user in (first, second):
        services.pool_answer(actor=user, pool=pool, accept=True)
    api = f"/api/pooling/pools/{pool.public_id}"
    assert client.get(api, headers=auth(first)).json()["promotion_ended_at"] is None
    # when the owner ends the promotion early
    ended = services.promotion_end(actor=owner, promotion=promotion).ends_at
    # then the pool stays confirmed, its chat open
    pool.refresh_from_db()
    assert pool.state == Pool.State.CONFIRMED
    # and its members are told plainly what the till now gives: the saving
    # only to a basket paid before the end, not "ask at the till"
    at = timezone.localtime(ended)
    told = Notification.objects.get(kind="pooling.promotion_ended", recipient=first)
    assert told.text_in("en")[1] == (
        f"The shop ended this promotion early, at {at:%H:%M}: the till gives its "
        "saving only to baskets paid before then. Your pool's chat stays open."
    )
    # and the pool's page and the API say the same
    client.force_login(first)
    page = client.get(
        f"/pooling/pools/{pool.public_id}/", headers={"Accept-Language": "en"}
    ).content.decode()
    assert (
        f"This promotion ended at {at:%Y-%m-%d %H:%M}: the till gives its saving "
        "only to baskets paid before then."
    ) in page
    assert 'id="pool-chat"' in page
    body = client.get(api, headers=auth(first)).json()
    assert body["state"] == "confirmed"
    # (the API gives times to the millisecond)
    to_ms = ended.replace(microsecond=ended.microsecond // 1000 * 1000)
    assert parse_datetime(body["promotion_ended_at"]) == to_ms


def test_only_those_who_may_publish_it_end_it(client, shop):
    merchant, _branch, _owner, promotion = shop
    other_branch = Branch.objects.create(merchant=merchant, name="East", address="2")
    cashier_elsewhere = make_user()
    merchant_membership_add(
        actor=None,
        user=cashier_elsewhere,
        merchant=merchant,
        role="cashier",
        branch=other_branch,
    )
    _other_merchant, _b, other_owner = make_shop(name="Other")
    for outsider in (make_user(), other_owner, cashier_elsewhere):
        with pytest.raises(DomainError) as refused:
            services.promotion_end(actor=outsider, promotion=promotion)
        assert refused.value.status == 403
        response = client.post(
            f"/api/pooling/promotions/{promotion.public_id}/end",
            headers=auth(outsider),
        )
        assert response.status_code == 403, response.json()
    anonymous = client.post(f"/api/pooling/promotions/{promotion.public_id}/end")
    assert anonymous.status_code == 401
    # and on the page, a cashier of another branch gets the refusal page
    client.force_login(cashier_elsewhere)
    page = f"/pooling/merchant/{merchant.public_id}/promotions/"
    assert client.post(f"{page}{promotion.public_id}/end/").status_code == 403
    promotion.refresh_from_db()
    assert promotion.is_running()


def test_the_owner_ends_it_on_the_promotions_page_and_by_the_api(client, shop):
    merchant, _branch, owner, promotion = shop
    page_url = f"/pooling/merchant/{merchant.public_id}/promotions/"
    end_url = f"{page_url}{promotion.public_id}/end/"
    # (pages follow the saved language before the browser's)
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])
    client.force_login(owner)
    page = client.get(page_url, headers={"Accept-Language": "en"}).content.decode()
    assert f'action="{end_url}"' in page
    # the confirmation says what becomes of the pools already confirmed
    assert "Confirmed pools stay, and their shoppers are told your till" in page
    response = client.post(end_url, follow=True)
    assert response.status_code == 200
    promotion.refresh_from_db()
    assert promotion.ends_at <= timezone.now()
    # an ended promotion offers no End now; the API answers it as it is
    assert f'action="{end_url}"' not in client.get(page_url).content.decode()
    api = client.post(
        f"/api/pooling/promotions/{promotion.public_id}/end", headers=auth(owner)
    )
    assert api.status_code == 200
    # through another merchant's console it is not found; a shopper is refused
    other, _b, other_owner = make_shop(name="Other")
    client.force_login(other_owner)
    other_url = f"/pooling/merchant/{other.public_id}/promotions/"
    assert client.post(f"{other_url}{promotion.public_id}/end/").status_code == 404
    client.force_login(make_user())
    assert client.post(end_url).status_code == 403


def _cashier_and_promotions(shop):
    """A promotion for every branch, one for the cashier's branch, the cashier."""
    merchant, branch, owner, everywhere = shop
    at_their_branch = make_promotion(merchant=merchant, branch=branch, owner=owner)
    cashier = make_user()
    merchant_membership_add(
        actor=None, user=cashier, merchant=merchant, role="cashier", branch=branch
    )
    return cashier, everywhere, at_their_branch


def test_a_cashier_is_offered_end_now_only_where_they_may_end(client, shop):
    # given a promotion for every branch, one for a cashier's branch, and the
    # cashier of that branch
    merchant, _branch, owner, _promotion = shop
    cashier, everywhere, at_their_branch = _cashier_and_promotions(shop)
    page_url = f"/pooling/merchant/{merchant.public_id}/promotions/"
    # when the cashier opens the promotions page, and the owner does
    client.force_login(cashier)
    cashiers_page = client.get(page_url).content.decode()
    client.force_login(owner)
    owners_page = client.get(page_url).content.decode()
    # then the cashier is offered to end only their branch's, the owner both
    assert f'action="{page_url}{at_their_branch.public_id}/end/"' in cashiers_page
    assert f'action="{page_url}{everywhere.public_id}/end/"' not in cashiers_page
    assert cashiers_page.count("promotion-end-confirm") == 1
    assert owners_page.count("promotion-end-confirm") == 2


def test_ending_is_refused_with_what_ending_needs(client, shop):
    # given a cashier and a promotion for every branch
    merchant = shop[0]
    cashier, everywhere, _at_their_branch = _cashier_and_promotions(shop)
    end_url = (
        f"/pooling/merchant/{merchant.public_id}/promotions/{everywhere.public_id}/end/"
    )
    # when the cashier tries to end it, on the page and through the service
    with translation.override("en"):
        client.force_login(cashier)
        refused = client.post(end_url)
    # (a request leaves its reader's language active: the service speaks English)
    with translation.override("en"), pytest.raises(DomainError) as by_the_service:
        services.promotion_end(actor=cashier, promotion=everywhere)
    # then both say who may end it, not who may publish
    said = (
        "Only the merchant's owners, or a cashier of the promotion's own branch, "
        "may end this promotion."
    )
    assert refused.status_code == 403
    with translation.override(refused.wsgi_request.LANGUAGE_CODE):
        shown = translation.gettext(said)
    assert shown.replace("'", "&#x27;") in refused.content.decode()
    assert "publish" not in refused.content.decode()
    assert (by_the_service.value.status, by_the_service.value.message) == (403, said)
    everywhere.refresh_from_db()
    assert everywhere.is_running()


def test_ending_a_promotion_not_started_withdraws_it_on_the_page_and_the_api(
    client, shop
):
    # given a promotion published to start tomorrow
    merchant, _branch, owner, _running = shop
    now = timezone.now()
    tomorrow = services.promotion_publish(
        actor=owner,
        merchant=merchant,
        branch=None,
        title="Tomorrow",
        kind="threshold",
        tiers=[(30_000, 5_000)],
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=2),
    )
    page_url = f"/pooling/merchant/{merchant.public_id}/promotions/"
    end_url = f"{page_url}{tomorrow.public_id}/end/"
    # when its owner opens the page, it offers to withdraw it, saying it never runs
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])
    client.force_login(owner)
    page = client.get(page_url, headers={"Accept-Language": "en"}).content.decode()
    assert f'action="{end_url}"' in page
    assert "It has not started: withdrawn, it never runs." in page
    # and withdrawing it there
    response = client.post(end_url, headers={"Accept-Language": "en"}, follow=True)
    assert "Promotion withdrawn: it will not run." in response.content.decode()
    # then its window is empty, at the moment it was withdrawn: never running,
    # and not ending before it starts
    tomorrow.refresh_from_db()
    assert tomorrow.starts_at == tomorrow.ends_at
    assert now <= tomorrow.ends_at <= timezone.now()
    assert not tomorrow.is_running()
    # and the API answers the same window again, changing nothing
    api = client.post(
        f"/api/pooling/promotions/{tomorrow.public_id}/end", headers=auth(owner)
    )
    assert api.status_code == 200
    body = api.json()
    assert body["starts_at"] == body["ends_at"]
    assert abs(parse_datetime(body["ends_at"]) - tomorrow.ends_at) < timedelta(
        milliseconds=1
    )
    assert (
        AuditEntry.objects.filter(
            action="pooling.promotion.withdrawn", object_id=tomorrow.public_id
        ).count()
        == 1
    )
    assert f'action="{end_url}"' not in client.get(page_url).content.decode()


def test_a_shopper_still_looking_is_sent_to_the_branch_page(
    shop, django_capture_on_commit_callbacks
):
    # given a shopper still looking for a pool at the branch
    _merchant, branch, owner, promotion = shop
    looking = make_user()
    _ask(looking, shop, 9_000, django_capture_on_commit_callbacks)
    # when the shop ends the promotion
    services.promotion_end(actor=owner, promotion=promotion)
    # then the notice links to the branch's page, where its other promotions run
    told = Notification.objects.get(kind="pooling.promotion_ended")
    assert told.recipient_id == looking.pk
    assert told.url == f"/pooling/branches/{branch.public_id}/"


def test_a_suggested_pool_it_dissolves_sends_its_members_to_the_branch_page(
    shop, django_capture_on_commit_callbacks
):
    # given a pool of two suggested, not yet answered
    _merchant, branch, owner, promotion = shop
    first, second = make_user(), make_user()
    _ask(first, shop, 18_000, django_capture_on_commit_callbacks)
    _ask(second, shop, 12_000, django_capture_on_commit_callbacks)
    assert Pool.objects.get().state == Pool.State.PROPOSED
    # when the shop ends the promotion
    services.promotion_end(actor=owner, promotion=promotion)
    # then both are sent where the shop's other promotions may run, not to a
    # pool that no longer pools anything
    told = Notification.objects.filter(kind="pooling.promotion_ended")
    assert sorted(n.recipient_id for n in told) == sorted([first.pk, second.pk])
    assert {n.url for n in told} == {f"/pooling/branches/{branch.public_id}/"}


def test_the_pool_page_says_whether_it_knows_the_promotion_ended(client, shop):
    # given a confirmed pool's page; its script compares this with the state
    # its socket gets on joining, and refreshes when the promotion ended since
    from groupbuy.pooling.tests.leaving import confirmed_pool

    _merchant, branch, owner, promotion = shop
    with pytest.MonkeyPatch.context() as patch:
        pool, (first, _second) = confirmed_pool(
            patch, promotion=promotion, branch=branch, amounts=(18_000, 12_000)
        )
    client.force_login(first)
    url = f"/pooling/pools/{pool.public_id}/"
    assert 'data-promotion-ended="false"' in client.get(url).content.decode()
    services.promotion_end(actor=owner, promotion=promotion)
    assert 'data-promotion-ended="true"' in client.get(url).content.decode()


def test_an_erased_member_of_a_confirmed_pool_is_told_nothing(shop, monkeypatch):
    # given a confirmed pool of two whose first member has since erased their
    # account (their seat stays, their request withdrawn)
    from groupbuy.ops.services import erasure_perform, erasure_request
    from groupbuy.pooling.tests.leaving import confirmed_pool

    _merchant, branch, owner, promotion = shop
    _pool, (erased, staying) = confirmed_pool(
        monkeypatch, promotion=promotion, branch=branch, amounts=(18_000, 12_000)
    )
    erasure_perform(actor=None, request=erasure_request(actor=erased))
    # when the shop ends the promotion
    services.promotion_end(actor=owner, promotion=promotion)
    # then only the member still there is told: the erased person gets no
    # inbox row, and so no text and no e-mail
    told = Notification.objects.filter(kind="pooling.promotion_ended")
    assert [notice.recipient_id for notice in told] == [staying.pk]
    assert not Notification.objects.filter(
        recipient=erased, deliveries__isnull=False
    ).exists()


def test_a_member_who_left_a_confirmed_pool_is_not_told_of_its_chat(shop, monkeypatch):
    # given a confirmed pool of three the third left (the two others still
    # reach the tier, so it carries on without them; their request withdrawn)
    from groupbuy.pooling.tests.leaving import confirmed_pool

    _merchant, branch, owner, promotion = shop
    pool, (first, second, leaver) = confirmed_pool(
        monkeypatch, promotion=promotion, branch=branch, amounts=(16_000, 15_000, 5_000)
    )
    services.pool_leave(actor=leaver, pool=pool)
    # when the shop ends the promotion
    services.promotion_end(actor=owner, promotion=promotion)
    # then only the two still in are told (of the pool and its chat): the one
    # who left has no stake in it any more and nothing looking for them
    told = Notification.objects.filter(kind="pooling.promotion_ended")
    assert sorted(notice.recipient_id for notice in told) == sorted(
        [first.pk, second.pk]
    )


def test_a_member_who_left_and_asked_again_is_told_as_one_still_looking(
    shop, monkeypatch
):
    # given a member who left a confirmed pool and asked to pool there again
    from groupbuy.pooling.tests.leaving import confirmed_pool

    _merchant, branch, owner, promotion = shop
    pool, (_first, _second, leaver) = confirmed_pool(
        monkeypatch, promotion=promotion, branch=branch, amounts=(16_000, 15_000, 5_000)
    )
    services.pool_leave(actor=leaver, pool=pool)
    make_request(user=leaver, promotion=promotion, branch=branch, amount_fen=4_000)
    # when the shop ends the promotion
    services.promotion_end(actor=owner, promotion=promotion)
    # then they are told once, as one still looking: sent to the branch's
    # page, with no word of the pool's chat
    told = Notification.objects.get(kind="pooling.promotion_ended", recipient=leaver)
    assert told.url == f"/pooling/branches/{branch.public_id}/"
    assert "chat" not in told.text_in("en")[1]
