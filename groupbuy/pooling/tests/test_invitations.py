"""Choosing whom to invite from shopping histories (the patent's 终端选取)."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from groupbuy.notify.models import Notification
from groupbuy.pooling import services, tasks
from groupbuy.pooling.models import CartReport, PoolInvitation, PoolRequest
from groupbuy.pooling.services.invitations import INVITES_PER_REQUEST
from groupbuy.pooling.tests.factories import (
    make_promotion,
    make_request,
    make_shop,
    make_user,
)

pytestmark = pytest.mark.django_db


def _shopper(branch, *, invitable=True, visits=1, hour_offset=0):
    """A shopper with ``visits`` purchases reported at ``branch``, made
    yesterday ``hour_offset`` hours from this hour of the day."""
    user = make_user()
    services.profile_update(
        actor=user,
        max_group_size=4,
        max_walk_m=1000,
        is_discoverable=False,
        is_invitable=invitable,
    )
    start = timezone.now() + timedelta(hours=hour_offset - 24)
    for _ in range(visits):
        services.cart_report(
            actor=user,
            branch=branch,
            kind=CartReport.Kind.PURCHASE,
            amount_fen=12_000,
            window_start_at=start,
            window_end_at=start + timedelta(hours=1),
        )
    return user


def _invited(request):
    return {i.user_id for i in PoolInvitation.objects.filter(request=request)}


def test_regulars_who_agreed_are_invited_and_told_where(shop):
    _merchant, branch, _owner, promotion = shop
    regular = _shopper(branch, visits=3)
    hidden = _shopper(branch, invitable=False, visits=5)
    elsewhere = _shopper(make_shop(name="Other")[1], visits=5)
    asker = make_user()
    request = make_request(
        user=asker, promotion=promotion, branch=branch, amount_fen=12_000
    )
    # when the online step finds nobody to pool with
    tasks.pools_match_task.call_local(branch.pk, promotion.pk, request.pk)
    # then only the regular who agreed is invited, not the asker, not the others
    assert _invited(request) == {regular.pk}
    note = Notification.objects.get(kind="pooling.invitation")
    assert note.recipient == regular
    assert note.url == f"/pooling/branches/{branch.public_id}/"
    assert branch.name in note.title and promotion.title in note.body
    assert asker.phone not in note.body  # who asked is not said
    assert {hidden.pk, elsewhere.pk, asker.pk}.isdisjoint(
        Notification.objects.filter(kind="pooling.invitation").values_list(
            "recipient", flat=True
        )
    )


def test_the_invitation_names_the_shop_in_the_reader_s_language(shop):
    # given a regular reading English, at a shop with an English name
    merchant, branch, _owner, promotion = shop
    merchant.name, merchant.name_en = "鲜果超市", "Fruit Mart"
    merchant.save(update_fields=["name", "name_en"])
    regular = _shopper(branch, visits=2)
    regular.preferred_language = "en"
    regular.save(update_fields=["preferred_language"])
    request = make_request(
        user=make_user(), promotion=promotion, branch=branch, amount_fen=12_000
    )
    # when the matching runs in Chinese (the asker's request, or the worker)
    with translation.override("zh-hans"):
        tasks.pools_match_task.call_local(branch.pk, promotion.pk, request.pk)
    # then the regular's invitation names the shop in English
    note = Notification.objects.get(kind="pooling.invitation")
    assert note.title == "A pool is forming at Fruit Mart · Main"
    assert "鲜果超市 · Main" in note.texts["zh-hans"]["title"]


def test_a_shopper_is_invited_once_per_promotion_and_shop(shop):
    _merchant, branch, _owner, promotion = shop
    regular = _shopper(branch)
    for _ in range(2):
        request = make_request(
            user=make_user(), promotion=promotion, branch=branch, amount_fen=5_000
        )
        # the two 50s do not reach the 200 tier together, so both stay open
        tasks.pools_match_task.call_local(branch.pk, promotion.pk, request.pk)
    assert PoolInvitation.objects.filter(user=regular).count() == 1
    assert Notification.objects.filter(kind="pooling.invitation").count() == 1


def test_those_already_pooling_here_are_not_invited(shop):
    _merchant, branch, _owner, promotion = shop
    regular = _shopper(branch)
    make_request(user=regular, promotion=promotion, branch=branch, amount_fen=5_000)
    request = make_request(
        user=make_user(), promotion=promotion, branch=branch, amount_fen=5_000
    )
    services.pool_invitations_send(request=request)
    assert _invited(request) == set()


def test_at_most_a_few_are_invited_regulars_and_same_hour_first(shop):
    _merchant, branch, _owner, promotion = shop
    once_far = [_shopper(branch, visits=1, hour_offset=8) for _ in range(3)]
    once_near = [_shopper(branch, visits=1) for _ in range(3)]
    often = _shopper(branch, visits=4, hour_offset=8)
    request = make_request(
        user=make_user(), promotion=promotion, branch=branch, amount_fen=5_000
    )
    sent = services.pool_invitations_send(request=request)
    assert len(sent) == INVITES_PER_REQUEST == 5
    chosen = {invitation.user_id for invitation in sent}
    assert often.pk in chosen
    assert {user.pk for user in once_near} <= chosen
    assert len(chosen & {user.pk for user in once_far}) == 1
    # and a second round for the same request invites nobody more
    assert services.pool_invitations_send(request=request) == []


def test_a_request_no_longer_open_invites_nobody(shop):
    _merchant, branch, _owner, promotion = shop
    _shopper(branch)
    request = make_request(
        user=make_user(), promotion=promotion, branch=branch, amount_fen=5_000
    )
    services.pool_request_withdraw(actor=request.user, request=request)
    assert services.pool_invitations_send(request=request) == []


def test_the_preference_is_kept_exported_and_erased(client, shop):
    from groupbuy.pooling.personal_data import PoolingPersonalData
    from groupbuy.pooling.tests.factories import auth

    _merchant, branch, _owner, promotion = shop
    regular = _shopper(branch, invitable=False)
    response = client.put(
        "/api/pooling/profile",
        {"max_group_size": 3, "max_walk_m": 800, "is_invitable": True},
        content_type="application/json",
        headers=auth(regular),
    )
    assert response.json()["is_invitable"] is True
    request = make_request(
        user=make_user(), promotion=promotion, branch=branch, amount_fen=5_000
    )
    services.pool_invitations_send(request=request)
    records = PoolingPersonalData().export(regular).records
    assert records["preferences"]["is_invitable"] is True
    assert [i["branch"] for i in records["pool_invitations"]] == [branch.public_id]
    PoolingPersonalData().erase(regular)
    assert not PoolInvitation.objects.filter(user=regular).exists()
    assert PoolRequest.objects.filter(pk=request.pk).exists()


def test_a_shopper_is_invited_at_most_once_a_day(shop):
    merchant, branch, owner, promotion = shop
    other = make_promotion(merchant=merchant, owner=owner, tiers=[(50_000, 8_000)])
    regular = _shopper(branch)
    for offer in (promotion, other):
        request = make_request(
            user=make_user(), promotion=offer, branch=branch, amount_fen=5_000
        )
        services.pool_invitations_send(request=request)
    assert PoolInvitation.objects.filter(user=regular).count() == 1
    # a day later the second promotion may invite them
    PoolInvitation.objects.update(created_at=timezone.now() - timedelta(days=2))
    services.pool_invitations_send(request=request)
    assert PoolInvitation.objects.filter(user=regular).count() == 2
