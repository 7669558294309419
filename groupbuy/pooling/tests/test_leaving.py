"""Leaving a confirmed pool, and ending a contact's conversation: who is told,
what becomes of the others' requests, whose sockets close."""

from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from groupbuy.core.models import AuditEntry
from groupbuy.notify.models import Notification
from groupbuy.pooling import selectors, services
from groupbuy.pooling.errors import PoolingError
from groupbuy.pooling.live import contact_group, pool_group
from groupbuy.pooling.models import (
    ContactMessage,
    ContactRequest,
    Pool,
    PoolMember,
    PoolRequest,
)
from groupbuy.pooling.personal_data import PoolingPersonalData
from groupbuy.pooling.services import contacts as contact_services
from groupbuy.pooling.services import leaving
from groupbuy.pooling.tests.factories import make_request, make_user
from groupbuy.pooling.tests.leaving import confirmed_pool, contact_between
from groupbuy.realtime.access import ACCESS_ENDED

pytestmark = pytest.mark.django_db


@pytest.fixture
def sockets_ended(monkeypatch) -> list[dict]:
    ended: list[dict] = []
    record = lambda **kwargs: ended.append(kwargs)  # noqa: E731
    monkeypatch.setattr(leaving, "sockets_end", record)
    monkeypatch.setattr(contact_services, "sockets_end", record)
    return ended


def _told(kind: str):
    return Notification.objects.filter(kind=kind).order_by("id")


def _states(users, pool):
    return [
        PoolRequest.objects.get(memberships__pool=pool, user=user).state
        for user in users
    ]


def test_a_pool_that_still_reaches_its_tier_carries_on_with_the_saving_shared_again(
    shop, monkeypatch, sockets_ended
):
    # given three shoppers pooled at 满300减50: ¥160 + ¥150 + ¥50
    _merchant, branch, _owner, promotion = shop
    pool, (a, b, c) = confirmed_pool(
        monkeypatch, promotion=promotion, branch=branch, amounts=(16_000, 15_000, 5_000)
    )
    # when the third leaves
    pool = services.pool_leave(actor=c, pool=pool)
    # then the two others still reach ¥300: the pool carries on, the ¥50 now
    # split between them alone, in proportion to their carts
    assert pool.state == Pool.State.CONFIRMED
    assert (pool.amount_fen, pool.threshold_fen, pool.saving_fen) == (
        31_000,
        30_000,
        5_000,
    )
    shares = dict(
        PoolMember.objects.filter(pool=pool).values_list("user_id", "share_fen")
    )
    assert (shares[a.pk], shares[b.pk]) == (2_581, 2_419)
    assert PoolMember.objects.get(pool=pool, user=c).answer == "left"
    assert _states([a, b, c], pool) == ["pooled", "pooled", "withdrawn"]
    # the two others are told, each their own saving; the one who left is not
    told = _told("pooling.member_left")
    assert [n.recipient_id for n in told] == [a.pk, b.pk]
    assert told[0].text_in("en")[0] == "Shopper C left your pool"
    assert told[0].text_in("en")[1] == (
        "The others still reach the ¥300.00 tier: your saving is now ¥25.81."
    )
    # only the one who left has their sockets on the pool closed
    assert sockets_ended == [
        {
            "user_public_id": c.public_id,
            "reason": ACCESS_ENDED,
            "groups": [pool_group(pool.public_id)],
        }
    ]
    actions = list(
        AuditEntry.objects.filter(object_id=pool.public_id)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["pooling.pool.left", "pooling.pool.reshared"]


def test_a_pool_that_no_longer_reaches_its_tier_is_dissolved_and_the_others_matched(
    shop, monkeypatch, sockets_ended
):
    # given three shoppers pooled at 满300减50: ¥120 + ¥100 + ¥80
    _merchant, branch, _owner, promotion = shop
    pool, (a, b, c) = confirmed_pool(
        monkeypatch, promotion=promotion, branch=branch, amounts=(12_000, 10_000, 8_000)
    )
    # when the first leaves
    pool = services.pool_leave(actor=a, pool=pool)
    # then ¥180 reach no tier: the pool is dissolved, and the others' requests
    # go back to matching (nobody else is looking here, so they stay open)
    assert pool.state == Pool.State.DISSOLVED
    assert _states([a, b, c], pool) == ["withdrawn", "open", "open"]
    told = _told("pooling.member_left")
    assert [n.recipient_id for n in told] == [b.pk, c.pk]
    assert told[0].text_in("en")[0] == "Shopper A left your pool"
    assert "We keep looking for other shoppers" in told[0].text_in("en")[1]
    assert [e["user_public_id"] for e in sockets_ended] == [a.public_id]
    assert AuditEntry.objects.filter(
        object_id=pool.public_id, action="pooling.pool.dissolved"
    ).exists()


def test_a_request_past_its_deadline_is_not_matched_again(
    shop, monkeypatch, sockets_ended
):
    # given a pool of two whose second member's deadline has passed since
    _merchant, branch, _owner, promotion = shop
    pool, (a, b) = confirmed_pool(
        monkeypatch, promotion=promotion, branch=branch, amounts=(18_000, 12_000)
    )
    PoolRequest.objects.filter(user=b).update(
        deadline_at=timezone.now() - timedelta(minutes=1)
    )
    # when the first leaves
    services.pool_leave(actor=a, pool=pool)
    # then the pool is dissolved and the second's request expires, as they read
    assert _states([a, b], pool) == ["withdrawn", "expired"]
    [told] = _told("pooling.member_left")
    assert "deadline has passed, so we stopped looking" in told.text_in("en")[1]


def test_leaving_twice_changes_nothing_more(shop, monkeypatch, sockets_ended):
    _merchant, branch, _owner, promotion = shop
    pool, (_a, _b, c) = confirmed_pool(
        monkeypatch, promotion=promotion, branch=branch, amounts=(16_000, 15_000, 5_000)
    )
    services.pool_leave(actor=c, pool=pool)
    again = services.pool_leave(actor=c, pool=pool)
    assert again.state == Pool.State.CONFIRMED
    assert _told("pooling.member_left").count() == 2
    assert len(sockets_ended) == 1
    assert (
        AuditEntry.objects.filter(
            object_id=pool.public_id, action="pooling.pool.left"
        ).count()
        == 1
    )


def test_a_suggestion_is_declined_not_left_and_a_stranger_is_refused(shop):
    # given a pool suggested, not yet confirmed
    _merchant, branch, _owner, promotion = shop
    a, b = make_user(), make_user()
    for user, amount in ((a, 18_000), (b, 12_000)):
        make_request(user=user, promotion=promotion, branch=branch, amount_fen=amount)
    [pool] = services.pools_match(branch_id=branch.pk, promotion_id=promotion.pk)
    with pytest.raises(PoolingError) as not_yet:
        services.pool_leave(actor=a, pool=pool)
    assert (not_yet.value.code, not_yet.value.status) == ("not_confirmed", 409)
    with pytest.raises(PoolingError) as stranger:
        services.pool_leave(actor=make_user(), pool=pool)
    assert stranger.value.status == 404
    assert not PoolMember.objects.filter(answer="left").exists()


def test_one_who_left_no_longer_chats_or_sees_the_numbers(
    shop, monkeypatch, sockets_ended
):
    # given a pool of three where everyone agreed to show their number
    _merchant, branch, _owner, promotion = shop
    pool, (a, b, c) = confirmed_pool(
        monkeypatch, promotion=promotion, branch=branch, amounts=(16_000, 15_000, 5_000)
    )
    for user in (a, b, c):
        services.pool_phone_consent(actor=user, pool=pool, agree=True)
    # when the third leaves
    services.pool_leave(actor=c, pool=pool)
    # then they may not post nor change their consent
    for refused in (
        lambda: services.chat_post(actor=c, pool=pool, body="still here?"),
        lambda: services.pool_phone_consent(actor=c, pool=pool, agree=False),
    ):
        with pytest.raises(PoolingError) as left:
            refused()
        assert (left.value.code, left.value.status) == ("left_pool", 403)
    # the others still chat and see each other's numbers, no longer theirs
    services.chat_post(actor=a, pool=pool, body="till 3")
    seen = selectors.pool_view(pool=pool, viewer=a)
    assert seen["phones_shown"] is True
    assert [m["phone"] for m in seen["members"]] == [a.phone, b.phone, None]
    theirs = selectors.pool_view(pool=pool, viewer=c)
    assert theirs["me_left"] is True
    assert [m["phone"] for m in theirs["members"]] == [None, None, c.phone]


# --- ending a contact's conversation -------------------------------------------


def _accepted_contact():
    contact, asker, planner, _owner = contact_between(accept=True)
    return contact, asker, planner


def test_either_side_ends_a_conversation_the_other_is_told(sockets_ended):
    # given an accepted contact with a message
    contact, asker, planner = _accepted_contact()
    # when the one asked ends it
    contact = services.contact_end(actor=planner, contact=contact)
    # then it is ended, audited, the asker told, the planner's sockets closed
    assert contact.state == ContactRequest.State.ENDED
    assert AuditEntry.objects.filter(
        object_id=contact.public_id, action="pooling.contact.ended", actor=planner
    ).exists()
    [told] = _told("pooling.contact_ended")
    assert told.recipient_id == asker.pk
    assert told.text_in("en")[0] == "A shopper ended your conversation about Tea"
    assert "茶" in told.text_in("zh-hans")[0]
    assert sockets_ended == [
        {
            "user_public_id": planner.public_id,
            "reason": ACCESS_ENDED,
            "groups": [contact_group(contact.public_id)],
        }
    ]
    # and neither side may write; both still read what was written, without
    # the other's number
    for side in (asker, planner):
        with pytest.raises(PoolingError) as closed:
            services.contact_chat_post(actor=side, contact=contact, body="hi?")
        assert closed.value.code == "contact_ended"
        row = selectors.contact_row(contact=contact, viewer=side)
        assert (row["phone"], row["chat_open"], row["is_ended"]) == (None, False, True)
    history = selectors.contact_chat_history(contact=contact)
    assert [m["body"] for m in history] == ["hello"]
    assert ContactMessage.objects.count() == 1


def test_ending_twice_changes_nothing_and_only_an_accepted_one_ends(sockets_ended):
    contact, asker, planner = _accepted_contact()
    services.contact_end(actor=asker, contact=contact)
    services.contact_end(actor=asker, contact=contact)
    services.contact_end(actor=planner, contact=contact)
    assert _told("pooling.contact_ended").count() == 1
    assert len(sockets_ended) == 1
    declined, asker, _planner, _owner = contact_between(accept=False)
    with pytest.raises(PoolingError) as refused:
        services.contact_end(actor=asker, contact=declined)
    assert (refused.value.code, refused.value.status) == ("not_accepted", 409)
    with pytest.raises(PoolingError) as stranger:
        services.contact_end(actor=make_user(), contact=contact)
    assert stranger.value.status == 404


def test_a_leave_after_the_promotion_ended_expires_the_others_requests(
    shop, monkeypatch, sockets_ended
):
    # given a confirmed pool of two whose promotion the shop has since ended
    # (found by the property test: they went back to looking for a promotion
    # over, for which nothing is matched)
    _merchant, branch, owner, promotion = shop
    pool, (a, b) = confirmed_pool(
        monkeypatch, promotion=promotion, branch=branch, amounts=(18_000, 12_000)
    )
    services.promotion_end(actor=owner, promotion=promotion)
    # when one leaves
    services.pool_leave(actor=a, pool=pool)
    # then the other's request expires, and they are not told we keep looking
    assert _states([a, b], pool) == ["withdrawn", "expired"]
    [told] = _told("pooling.member_left")
    assert "We keep looking" not in told.text_in("en")[1]


def test_a_leave_never_matches_an_erased_member_again(shop, monkeypatch):
    # given a confirmed pool of two whose first member has erased their
    # account (their seat stays), and another shopper looking for a pool
    # (found by the property test: the leave put the erased person's request
    # back to looking, and it was suggested to this shopper)
    _merchant, branch, _owner, promotion = shop
    pool, (erased, leaver) = confirmed_pool(
        monkeypatch, promotion=promotion, branch=branch, amounts=(12_000, 18_000)
    )
    looking = make_user()
    make_request(user=looking, promotion=promotion, branch=branch, amount_fen=18_000)
    PoolingPersonalData().erase(erased)
    # when the other member leaves, so that the pool falls short of its tier
    with TestCase.captureOnCommitCallbacks(execute=True):
        pool = services.pool_leave(actor=leaver, pool=pool)
    # then the pool is dissolved, the erased person's request is not looking
    # again and suggested to nobody, and they are told nothing
    assert pool.state == Pool.State.DISSOLVED
    assert _states([erased, leaver], pool) == ["withdrawn", "withdrawn"]
    assert PoolRequest.objects.get(user=looking).state == "open"
    assert not PoolMember.objects.filter(
        user=erased, pool__state=Pool.State.PROPOSED
    ).exists()
    assert not _told("pooling.member_left").exists()


def test_one_who_asked_again_meanwhile_keeps_only_the_newer_request_looking(
    shop, monkeypatch
):
    # given a confirmed pool of two at 满300减50, ¥120 + ¥180, whose first
    # member has since asked to pool a second cart, ¥200, there (found by the
    # property test: the leave reopened the first request, the batch pooled
    # the person's two requests together, and the database refused the pool)
    _merchant, branch, _owner, promotion = shop
    pool, (asker, leaver) = confirmed_pool(
        monkeypatch, promotion=promotion, branch=branch, amounts=(12_000, 18_000)
    )
    first = PoolRequest.objects.get(user=asker)
    newer = make_request(
        user=asker, promotion=promotion, branch=branch, amount_fen=20_000
    )
    # when the other member leaves, so that the pool falls short of its tier
    with TestCase.captureOnCommitCallbacks(execute=True):
        pool = services.pool_leave(actor=leaver, pool=pool)
    # then the pool is dissolved; the request it held is withdrawn, the newer
    # one still looks (alone: nothing to pool it with), and the person is told
    assert pool.state == Pool.State.DISSOLVED
    first.refresh_from_db()
    newer.refresh_from_db()
    assert (first.state, newer.state) == ("withdrawn", "open")
    (told,) = _told("pooling.member_left")
    assert told.recipient_id == asker.pk
    assert "The request you made since" in told.text_in("en")[1]
