"""A person with data in sharing, pooling, coupons, teams and demands.

Free text is seeded with the person's number, e-mail and name on purpose, so
that the all-columns scan after erasure proves each app cut them out; the
others' data (a friend's reply, a friend's address book, a pool mate's chat
message, a merchant's redemption) is seeded too, to prove it stays. What the
person paid for has finished (a redeemed coupon, a team that filled, a demand left),
or it would hold the erasure back.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone
from PIL import Image

from groupbuy.catalog.models import Branch
from groupbuy.coupons.models import Coupon
from groupbuy.coupons.services import coupon_redeem_online
from groupbuy.coupons.tests.factories import make_station
from groupbuy.deals.services import deal_close, deal_orders_follow_up, deal_settle
from groupbuy.deals.tests.factories import (
    ensure_pickup_branch,
    join_and_pay,
    make_deal,
    make_merchant,
    make_product,
    pass_deadline,
)
from groupbuy.demands import services as demands
from groupbuy.demands.tests import factories as demand_factories
from groupbuy.escrow.tests.factories import make_user
from groupbuy.pooling import services as pooling
from groupbuy.pooling.tests.factories import make_promotion, make_request, make_shop
from groupbuy.sharing.contacts import Contact
from groupbuy.sharing.services import contact_book_import, message_post, share_send
from groupbuy.sharing.webpush import subscription_save
from groupbuy.teams.services import team_join, team_open
from groupbuy.teams.tests.factories import make_team_deal, pay

OGG = b"OggS\x00\x02" + b"\x00" * 40


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (20, 200, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("oat.png", buffer.getvalue(), content_type="image/png")


@dataclass
class Seeded:
    """What the others keep, to check after the erasure."""

    friend: object
    friend_reply: str = ""
    friend_chat: str = ""
    voice_note_name: str = ""
    demand_photo_name: str = ""
    ids: dict = field(default_factory=dict)


def seed_sharing(user, seeded: Seeded, *, name: str, national: str) -> None:
    friend = seeded.friend
    share = share_send(
        actor=user,
        product=make_product(),
        contacts=[Contact(name="", address=friend.phone)],
        comment=f"{name} here, call me on {national}",
        voice_note=SimpleUploadedFile("note.ogg", OGG, content_type="audio/ogg"),
    )
    seeded.voice_note_name = share.voice_note.name
    seeded.ids["share"] = share.public_id
    message_post(actor=friend, share=share, body=seeded.friend_reply)
    message_post(actor=user, share=share, body=f"or write to {user.email}")
    # Their own address book, and a friend's book that holds them as a member.
    contact_book_import(
        actor=user,
        contacts=[Contact(name="Aunt May", address="+8613911112222")],
        source="vcard",
    )
    contact_book_import(
        actor=friend,
        contacts=[Contact(name="Neighbour", address=user.phone)],
        source="vcard",
    )
    subscription_save(
        actor=user,
        endpoint="https://push.example.com/lan",
        p256dh="BPxkey",
        auth="authsecret",
    )


def seed_pooling(user, seeded: Seeded, *, name: str) -> None:
    friend = seeded.friend
    merchant, branch, owner = make_shop(name="Pool Mart")
    promotion = make_promotion(merchant=merchant, owner=owner)
    pooling.profile_update(
        actor=user, max_group_size=4, max_walk_m=800, is_discoverable=True
    )
    product = make_product()
    now = timezone.now()
    cart = pooling.cart_report(
        actor=user,
        branch=branch,
        kind="intended",
        window_start_at=now + timedelta(hours=1),
        window_end_at=now + timedelta(hours=3),
        items=[
            {
                "product_id": product.public_id,
                "name": f"{name}'s milk",
                "unit_price_fen": 1_000,
                "quantity": 2,
            }
        ],
    )
    pooling.contact_request(actor=friend, cart=cart, product=product)
    make_request(user=user, promotion=promotion, branch=branch, amount_fen=16_000)
    make_request(user=friend, promotion=promotion, branch=branch, amount_fen=15_000)
    [pool] = pooling.pools_match(branch_id=branch.pk, promotion_id=promotion.pk)
    for member in (user, friend):
        pool = pooling.pool_answer(actor=member, pool=pool, accept=True)
    pooling.pool_phone_consent(actor=user, pool=pool, agree=True)
    pooling.chat_post(actor=user, pool=pool, body=f"{name} by the door")
    pooling.chat_post(actor=friend, pool=pool, body=seeded.friend_chat)
    seeded.ids["pool"] = pool.public_id


def seed_coupons(user, seeded: Seeded) -> None:
    station = make_station(name="Tea House")
    deal = make_deal(merchant=station.merchant, stock=20, tiers=[(1, 9_900)])
    deal.settlement_mode = deal.SettlementMode.ON_REDEMPTION
    deal.save(update_fields=["settlement_mode"])
    order = join_and_pay(deal, shopper=user)
    pass_deadline(deal)
    deal_settle(deal=deal_close(deal=deal))
    # Coupons come from the settlement's follow-up job (after commit).
    deal_orders_follow_up(order_ids=[order.pk])
    coupon = Coupon.objects.get(order=order)
    branch = Branch.objects.create(merchant=station.merchant, name="Till", address="1")
    redemption = coupon_redeem_online(
        actor=station.owner, merchant=station.merchant, code=coupon.code, branch=branch
    )
    seeded.ids["coupon"] = coupon.public_id
    seeded.ids["redemption"] = redemption.public_id


def seed_teams(user, seeded: Seeded) -> None:
    team_deal = make_team_deal(team_size=2)
    member = team_open(actor=user, team_deal=team_deal)
    pay(member)
    # Coupons are issued once the completing payment commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        pay(team_join(actor=seeded.friend, team=member.team))
    # The team filled; its coupon has since expired unused (a paid place in a
    # team still forming, or a coupon still to use, would hold the erasure back).
    assert Coupon.objects.filter(order=member.order).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    seeded.ids["team"] = member.team.public_id


def seed_demands(user, seeded: Seeded, *, name: str, national: str) -> None:
    friend = seeded.friend
    demand = demand_factories.make_published(
        initiator=user,
        title=f"{name} wants oat milk",
        description=f"Ring {national} or mail {user.email}",
    )
    demand_factories.join_and_pay(demand, friend)
    photo = demands.demand_photo_add(actor=user, demand=demand, upload=_png())
    seeded.demand_photo_name = photo.image.name
    theirs = demand_factories.make_published(initiator=friend, title="Rice 10 kg")
    demand_factories.join_and_pay(theirs, user)
    # Then left it, the deposit given back (one still held would hold the
    # erasure back).
    demands.demand_withdraw(actor=user, demand=theirs)
    # The person also works for a merchant: an offer and a saved search.
    merchant = make_merchant(name="Oat Co", owner=user)
    ensure_pickup_branch(merchant)  # a shop offers only with a branch to collect at
    demands.offer_submit(
        actor=user,
        demand=theirs,
        merchant=merchant,
        product=make_product(),
        quantity=20,
        unit_price_fen=4_000,
        delivery_on=date.today() + timedelta(days=7),
        notes=f"Questions to {user.email}",
    )
    demands.saved_search_create(actor=user, merchant=merchant, query="oat")
    seeded.ids["demand"] = demand.public_id


def seed_everywhere(user, *, name: str) -> Seeded:
    """Give ``user`` data in the five apps; return what the others keep."""
    national = user.phone.removeprefix("+86")
    friend = make_user(display_name="Friend Fang")
    friend.phone_verified_at = timezone.now()
    friend.save(update_fields=["phone_verified_at"])
    seeded = Seeded(
        friend=friend,
        friend_reply="Looks good, count me in",
        friend_chat="See you at ten",
    )
    seed_sharing(user, seeded, name=name, national=national)
    seed_pooling(user, seeded, name=name)
    seed_coupons(user, seeded)
    seed_teams(user, seeded)
    seed_demands(user, seeded, name=name, national=national)
    return seeded
