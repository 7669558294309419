"""Pool requests, matching runs and the accept / decline / timeout machine."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from groupbuy.core.models import AuditEntry
from groupbuy.notify.models import Notification
from groupbuy.pooling import services
from groupbuy.pooling.errors import PoolingError
from groupbuy.pooling.models import (
    ChatMessage,
    Pool,
    PoolMember,
    PoolRequest,
    Promotion,
)
from groupbuy.pooling.personal_data import PoolingPersonalData
from groupbuy.pooling.services import pools as pool_services
from groupbuy.pooling.tests.factories import (
    make_promotion,
    make_request,
    make_shop,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    merchant, branch, owner = make_shop()
    promotion = make_promotion(merchant=merchant, owner=owner)
    return merchant, branch, promotion


def _match(branch, promotion, **kwargs):
    return services.pools_match(
        branch_id=branch.pk, promotion_id=promotion.pk, **kwargs
    )


def _three_shoppers(branch, promotion, amounts=(12_000, 10_000, 8_000)):
    users = [make_user() for _ in amounts]
    for user, amount in zip(users, amounts, strict=True):
        make_request(user=user, promotion=promotion, branch=branch, amount_fen=amount)
    return users


def test_a_matching_run_suggests_a_pool_with_each_members_share(shop):
    # given three shoppers whose carts reach 300 − 50 only together
    _merchant, branch, promotion = shop
    users = _three_shoppers(branch, promotion)
    # when the engine runs
    [pool] = _match(branch, promotion)
    # then each member's share is proportional to their cart and adds up to 50
    assert pool.state == Pool.State.PROPOSED
    assert (pool.amount_fen, pool.threshold_fen, pool.saving_fen) == (
        30_000,
        30_000,
        5_000,
    )
    shares = {m.user_id: m.share_fen for m in pool.members.all()}
    assert shares == {users[0].pk: 2_000, users[1].pk: 1_667, users[2].pk: 1_333}
    assert set(PoolRequest.objects.values_list("state", flat=True)) == {"suggested"}
    notes = Notification.objects.filter(kind="pooling.suggestion")
    assert sorted(n.recipient_id for n in notes) == sorted(u.pk for u in users)
    assert AuditEntry.objects.filter(action="pooling.pool.proposed").count() == 1
    # and a second run finds nothing more to do
    assert _match(branch, promotion) == []


@pytest.mark.parametrize(
    ("amounts", "title"),
    [
        ((18_000, 12_000), "Pool with 1 other shopper and save ¥30.00"),
        ((12_000, 10_000, 8_000), "Pool with 2 other shoppers and save ¥20.00"),
    ],
)
def test_a_suggestion_counts_the_other_members_not_the_reader(shop, amounts, title):
    # given shoppers whose carts reach 300 − 50 only together
    _merchant, branch, promotion = shop
    users = _three_shoppers(branch, promotion, amounts=amounts)
    # when the engine suggests the pool
    [_pool] = _match(branch, promotion)
    # then the first one's suggestion names the others, not the pool's size
    suggestion = Notification.objects.get(kind="pooling.suggestion", recipient=users[0])
    assert suggestion.text_in("en")[0] == title


def test_everyone_accepting_confirms_the_pool(shop):
    _merchant, branch, promotion = shop
    users = _three_shoppers(branch, promotion)
    [pool] = _match(branch, promotion)
    for user in users[:-1]:
        assert (
            services.pool_answer(actor=user, pool=pool, accept=True).state == "proposed"
        )
    pool = services.pool_answer(actor=users[-1], pool=pool, accept=True)
    assert pool.state == Pool.State.CONFIRMED
    assert set(PoolRequest.objects.values_list("state", flat=True)) == {"pooled"}
    assert Notification.objects.filter(kind="pooling.confirmed").count() == 3


def test_answering_twice_is_409_and_changes_nothing(shop):
    _merchant, branch, promotion = shop
    users = _three_shoppers(branch, promotion)
    [pool] = _match(branch, promotion)
    services.pool_answer(actor=users[0], pool=pool, accept=True)
    with pytest.raises(PoolingError) as refused:
        services.pool_answer(actor=users[0], pool=pool, accept=False)
    assert (refused.value.status, refused.value.code) == (409, "already_answered")
    assert pool.members.get(user=users[0]).answer == PoolMember.Answer.ACCEPTED
    assert Pool.objects.get(pk=pool.pk).state == Pool.State.PROPOSED


def test_answering_after_the_deadline_is_409(shop):
    _merchant, branch, promotion = shop
    users = _three_shoppers(branch, promotion)
    [pool] = _match(branch, promotion)
    late = pool.answer_by + timedelta(seconds=1)
    with pytest.raises(PoolingError) as refused:
        services.pool_answer(actor=users[0], pool=pool, accept=True, now=late)
    assert refused.value.code == "answer_closed"
    assert pool.members.get(user=users[0]).answer == PoolMember.Answer.PENDING


def test_a_decline_dissolves_the_pool_and_rematches_the_others_at_once(shop):
    # given four shoppers: 180 + 120 pool, 150 and 150 pool
    _merchant, branch, promotion = shop
    users = _three_shoppers(branch, promotion, amounts=(18_000, 12_000, 15_000, 15_000))
    pools = _match(branch, promotion)
    assert len(pools) == 2
    first = next(p for p in pools if p.members.filter(user=users[0]).exists())
    # when the 180 cart declines
    services.pool_answer(actor=users[0], pool=first, accept=False)
    # then that pool is dissolved and the 120 cart is open again (no partner left)
    assert Pool.objects.get(pk=first.pk).state == Pool.State.DISSOLVED
    states = dict(PoolRequest.objects.values_list("user_id", "state"))
    assert states[users[0].pk] == "withdrawn"
    assert states[users[1].pk] == "open"
    # and when the other pool's member declines, 120 is re-matched with the 150 left
    second = next(p for p in pools if p.pk != first.pk)
    services.pool_answer(actor=users[2], pool=second, accept=False)
    new_pool = Pool.objects.filter(state=Pool.State.PROPOSED).get()
    assert sorted(new_pool.members.values_list("user_id", flat=True)) == sorted(
        [users[1].pk, users[3].pk]
    )
    assert new_pool.threshold_fen == 20_000


def _members(pool):
    return sorted(pool.members.values_list("user_id", flat=True))


def test_a_decline_rematches_at_once_and_keeps_the_standing_suggestions(
    shop, monkeypatch
):
    # given two suggestions out, 180 + 120 and 150 + 150, and an 80 cart left open
    _merchant, branch, promotion = shop
    users = _three_shoppers(branch, promotion, amounts=(18_000, 12_000, 15_000, 15_000))
    first, second = sorted(_match(branch, promotion), key=lambda p: -p.amount_fen)
    assert _members(first) == sorted([users[0].pk, users[1].pk])
    late = make_user()
    make_request(user=late, promotion=promotion, branch=branch, amount_fen=8_000)
    assert _match(branch, promotion) == []
    hints = []
    real = pool_services.match

    def spy(tiers, carts, **kwargs):
        hints.append({frozenset(g.keys) for g in kwargs.get("hint", ())})
        return real(tiers, carts, **kwargs)

    monkeypatch.setattr(pool_services, "match", spy)
    # when the 180 cart declines
    services.pool_answer(actor=users[0], pool=first, accept=False)
    # then 120 + 80 are suggested at once, and 150 + 150 stands untouched
    new_pool = Pool.objects.filter(state=Pool.State.PROPOSED).exclude(pk=second.pk)
    assert _members(new_pool.get()) == sorted([users[1].pk, late.pk])
    assert Pool.objects.get(pk=second.pk).state == Pool.State.PROPOSED
    assert _members(second) == sorted([users[2].pk, users[3].pk])
    # and the re-match was warm-started from the standing suggestion (the engine
    # would rather pool all four for 500 − 100, so the open pair is matched again
    # on its own)
    standing = {frozenset(str(m.request_id) for m in second.members.all())}
    assert hints == [standing, set()]


def test_a_rematch_never_breaks_a_standing_suggestion(shop):
    # given a suggestion out for 100 + 200 (300 − 50, 30 more than 200 alone)
    _merchant, branch, promotion = shop
    users = _three_shoppers(branch, promotion, amounts=(10_000, 20_000))
    [standing] = _match(branch, promotion)
    # when 300 and 100 arrive: taking the standing carts would save more
    # (300 + 200 and 100 + 100), but 300 + 100 gains nothing over 300 alone
    for amount in (30_000, 10_000):
        make_request(
            user=make_user(), promotion=promotion, branch=branch, amount_fen=amount
        )
    # then no pool is formed and the standing one stays as it was
    assert _match(branch, promotion) == []
    assert Pool.objects.get().pk == standing.pk
    assert _members(standing) == sorted(u.pk for u in users)
    assert PoolRequest.objects.filter(state="open").count() == 2


def test_open_requests_still_pool_beside_a_standing_suggestion(shop):
    # given a suggestion out for 100 + 200
    _merchant, branch, promotion = shop
    _three_shoppers(branch, promotion, amounts=(10_000, 20_000))
    [standing] = _match(branch, promotion)
    # when 300 and 200 arrive (300 + 200 is better than any exchange with it)
    newcomers = _three_shoppers(branch, promotion, amounts=(30_000, 20_000))
    [pool] = _match(branch, promotion)
    # then they pool together and the standing suggestion is kept
    assert _members(pool) == sorted(u.pk for u in newcomers)
    assert Pool.objects.get(pk=standing.pk).state == Pool.State.PROPOSED


def test_a_timeout_dissolves_and_expires_only_the_silent(shop):
    _merchant, branch, promotion = shop
    users = _three_shoppers(branch, promotion)
    [pool] = _match(branch, promotion)
    services.pool_answer(actor=users[0], pool=pool, accept=True)
    later = pool.answer_by + timedelta(seconds=1)
    assert services.pools_expire_due(now=later) == 1
    assert Pool.objects.get(pk=pool.pk).state == Pool.State.DISSOLVED
    answers = dict(pool.members.values_list("user_id", "answer"))
    assert answers == {
        users[0].pk: "accepted",
        users[1].pk: "timed_out",
        users[2].pk: "timed_out",
    }
    states = dict(PoolRequest.objects.values_list("user_id", "state"))
    assert states == {
        users[0].pk: "open",
        users[1].pk: "expired",
        users[2].pk: "expired",
    }


def test_a_run_that_fails_halfway_leaves_no_half_formed_pool(shop, monkeypatch):
    _merchant, branch, promotion = shop
    _three_shoppers(branch, promotion, amounts=(18_000, 12_000, 15_000, 15_000))
    real = pool_services._pool_create
    calls = []

    def fail_on_second(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("crash")
        return real(**kwargs)

    monkeypatch.setattr(pool_services, "_pool_create", fail_on_second)
    with pytest.raises(RuntimeError):
        _match(branch, promotion)
    assert Pool.objects.count() == 0
    assert set(PoolRequest.objects.values_list("state", flat=True)) == {"open"}


def test_bad_requests_are_refused_and_write_nothing(shop):
    _merchant, branch, promotion = shop
    _other_merchant, other_branch, _other_owner = make_shop(name="Other")
    user = make_user()
    with pytest.raises(PoolingError) as wrong_branch:
        make_request(
            user=user, promotion=promotion, branch=other_branch, amount_fen=100
        )
    assert wrong_branch.value.code == "wrong_branch"
    with pytest.raises(PoolingError) as negative:
        make_request(user=user, promotion=promotion, branch=branch, amount_fen=-5)
    assert negative.value.status == 400
    Promotion.objects.filter(pk=promotion.pk).update(ends_at=timezone.now())
    promotion.refresh_from_db()
    with pytest.raises(PoolingError) as expired:
        make_request(user=user, promotion=promotion, branch=branch, amount_fen=100)
    assert expired.value.code == "promotion_not_running"
    assert PoolRequest.objects.count() == 0


def _item(product_id, price_fen, quantity=1):
    return {"product_id": product_id, "unit_price_fen": price_fen, "quantity": quantity}


@pytest.mark.parametrize(
    "rules",
    [
        {"kind": "n_for_m", "buy_n": 3, "pay_m": 2},
        {"kind": "second_item", "second_item_percent": 50},
    ],
)
def test_an_item_promotion_pools_items_not_an_amount(shop, rules):
    merchant, branch, promotion = shop
    other = make_promotion(merchant=merchant, owner=promotion.created_by, **rules)
    with pytest.raises(PoolingError) as refused:
        make_request(user=make_user(), promotion=other, branch=branch, amount_fen=9_000)
    assert (refused.value.code, refused.value.status) == ("invalid", 400)
    assert refused.value.fields == {"items": [refused.value.message]}
    assert PoolRequest.objects.count() == 0
    # items are kept, and the request's amount is theirs
    request = make_request(
        user=make_user(),
        promotion=other,
        branch=branch,
        items=[_item("prd_oil", 6_000, 2), _item(None, 500)],
    )
    assert (request.amount_fen, request.items) == (12_000, [_item("prd_oil", 6_000, 2)])
    # a wholesale quantity is no pool (and would cost every matching run)
    with pytest.raises(PoolingError) as too_many:
        make_request(
            user=make_user(),
            promotion=other,
            branch=branch,
            items=[_item("prd_oil", 6_000, 30), _item("prd_rice", 900, 21)],
        )
    assert too_many.value.status == 400


def test_items_outside_the_promotions_products_are_refused(shop):
    merchant, branch, promotion = shop
    from groupbuy.catalog.models import Product

    tea = Product.objects.create(name_zh="茶", name_en="Tea")
    coffee = Product.objects.create(name_zh="咖啡", name_en="Coffee")
    only_tea = make_promotion(
        merchant=merchant, owner=promotion.created_by, kind="n_for_m", buy_n=2, pay_m=1
    )
    only_tea.products.set([tea])
    with pytest.raises(PoolingError) as refused:
        make_request(
            user=make_user(),
            promotion=only_tea,
            branch=branch,
            items=[_item(coffee.public_id, 3_000)],
        )
    assert refused.value.status == 400
    request = make_request(
        user=make_user(),
        promotion=only_tea,
        branch=branch,
        items=[_item(coffee.public_id, 3_000), _item(tea.public_id, 5_000)],
    )
    assert request.items == [_item(tea.public_id, 5_000)]


def test_three_shoppers_pool_a_buy_3_pay_2_and_the_cheapest_is_free(shop):
    merchant, branch, promotion = shop
    buy_3 = make_promotion(
        merchant=merchant, owner=promotion.created_by, kind="n_for_m", buy_n=3, pay_m=2
    )
    users = [make_user() for _ in range(3)]
    for user, price in zip(users, (3_900, 3_500, 2_900), strict=True):
        make_request(
            user=user, promotion=buy_3, branch=branch, items=[_item("prd_x", price)]
        )
    [pool] = _match(branch, buy_3)
    assert (pool.amount_fen, pool.threshold_fen, pool.saving_fen) == (10_300, 0, 2_900)
    shares = {m.user_id: m.share_fen for m in pool.members.all()}
    # the free bottle's price, split in proportion to what each pays
    assert sum(shares.values()) == 2_900
    assert shares[users[0].pk] > shares[users[1].pk] > shares[users[2].pk] > 0
    suggestion = Notification.objects.get(kind="pooling.suggestion", recipient=users[2])
    assert buy_3.title in suggestion.body
    assert "¥0.00" not in suggestion.body  # no tier is named


def test_an_item_pool_never_gives_a_member_less_than_alone(shop):
    # second item at half price: 3 bottles alone save 30 (one pair); with a
    # 4th bottle from another shopper the pool saves 60
    merchant, branch, promotion = shop
    second = make_promotion(
        merchant=merchant,
        owner=promotion.created_by,
        kind="second_item",
        second_item_percent=50,
    )
    big, small = make_user(), make_user()
    make_request(
        user=big, promotion=second, branch=branch, items=[_item("prd_oil", 6_000, 3)]
    )
    make_request(
        user=small, promotion=second, branch=branch, items=[_item("prd_oil", 6_000)]
    )
    [pool] = _match(branch, second)
    shares = {m.user_id: m.share_fen for m in pool.members.all()}
    assert pool.saving_fen == 6_000
    # alone 3,000 + three quarters of the 3,000 gained; the other a quarter
    assert shares == {big.pk: 3_000 + 2_250, small.pk: 750}


def test_promotions_with_non_increasing_tiers_are_refused(shop):
    merchant, _branch, _promotion = shop
    owner = merchant.memberships.get().user
    with pytest.raises(PoolingError) as refused:
        make_promotion(
            merchant=merchant, owner=owner, tiers=[(30_000, 50), (20_000, 60)]
        )
    assert (refused.value.status, refused.value.code) == (422, "invalid_promotion")
    assert Promotion.objects.count() == 1


def test_a_refused_promotion_says_why_in_the_merchants_language(shop):
    merchant, _branch, _promotion = shop
    owner = merchant.memberships.get().user
    with translation.override("zh-hans"), pytest.raises(PoolingError) as refused:
        make_promotion(
            merchant=merchant, owner=owner, tiers=[(30_000, 50), (20_000, 60)]
        )
    # it read "…：tiers must increase in threshold and saving。" on Chinese pages
    why = "每一档的门槛和优惠都必须高于上一档"
    assert refused.value.message == f"无法发布该促销活动：{why}。"
    assert refused.value.fields == {"tiers": [why]}


def test_only_the_merchants_staff_publish(shop):
    merchant, _branch, _promotion = shop
    _other_merchant, _other_branch, other_owner = make_shop(name="Other")
    for stranger in (make_user(), other_owner):
        with pytest.raises(PoolingError) as refused:
            make_promotion(merchant=merchant, owner=stranger)
        assert refused.value.status == 403
    assert Promotion.objects.count() == 1


def test_chat_is_for_members_of_confirmed_pools(shop):
    _merchant, branch, promotion = shop
    users = _three_shoppers(branch, promotion)
    [pool] = _match(branch, promotion)
    with pytest.raises(PoolingError) as not_yet:
        services.chat_post(actor=users[0], pool=pool, body="hi")
    assert not_yet.value.code == "not_confirmed"
    for user in users:
        services.pool_answer(actor=user, pool=pool, accept=True)
    pool.refresh_from_db()
    services.chat_post(actor=users[0], pool=pool, body="  till 3  ")
    with pytest.raises(PoolingError) as stranger:
        services.chat_post(actor=make_user(), pool=pool, body="hi")
    assert stranger.value.status == 404
    assert list(ChatMessage.objects.values_list("body", flat=True)) == ["till 3"]


def test_phones_show_only_when_every_member_agreed(shop):
    from groupbuy.pooling.selectors import pool_view

    _merchant, branch, promotion = shop
    users = _three_shoppers(branch, promotion)
    [pool] = _match(branch, promotion)
    for user in users:
        services.pool_answer(actor=user, pool=pool, accept=True)
    pool.refresh_from_db()
    for user in users[:-1]:
        services.pool_phone_consent(actor=user, pool=pool, agree=True)
    view = pool_view(pool=pool, viewer=users[0])
    assert not view["phones_shown"]
    assert [m["phone"] for m in view["members"] if not m["is_me"]] == [None, None]
    services.pool_phone_consent(actor=users[-1], pool=pool, agree=True)
    view = pool_view(pool=pool, viewer=users[0])
    assert sorted(m["phone"] for m in view["members"]) == sorted(u.phone for u in users)


def test_the_batch_matches_every_branch_with_open_requests(shop):
    _merchant, branch, promotion = shop
    _three_shoppers(branch, promotion)
    assert services.pools_match_all() == 1


@pytest.mark.parametrize("accepted", [False, True], ids=["unanswered", "accepted"])
def test_an_erased_member_declines_at_once_and_is_matched_no_more(shop, accepted):
    # given two suggestions out, 180 + 120 and 150 + 150; the 120 declines, so
    # the 180 is looking again; one 150 has accepted or not answered yet
    _merchant, branch, promotion = shop
    users = _three_shoppers(branch, promotion, amounts=(18_000, 12_000, 15_000, 15_000))
    first, second = sorted(_match(branch, promotion), key=lambda p: -p.amount_fen)
    services.pool_answer(actor=users[1], pool=first, accept=False)
    assert PoolRequest.objects.get(user=users[0]).state == "open"
    if accepted:
        services.pool_answer(actor=users[2], pool=second, accept=True)
    # when the 180's owner and that 150's owner erase their accounts
    PoolingPersonalData().erase(users[0])
    PoolingPersonalData().erase(users[2])
    # then the 150's suggestion is declined now, not at its deadline (nor
    # confirmed with them when the other accepts)
    assert Pool.objects.get(pk=second.pk).state == Pool.State.DISSOLVED
    assert PoolMember.objects.get(pool=second, user=users[2]).answer == "declined"
    # and the other 150 is looking again, never with an erased account
    assert PoolRequest.objects.get(user=users[3]).state == "open"
    assert not PoolRequest.objects.filter(user__in=users[::2], state="open").exists()
    assert not PoolMember.objects.filter(
        user__in=users[::2], pool__state=Pool.State.PROPOSED
    ).exists()
