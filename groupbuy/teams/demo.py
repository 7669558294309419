"""Demo data for team buys: one team deal of the demo merchant with a team one
person short (the demo shopper 小王 can join it) and a completed team.

Idempotent: a live demo team deal is kept; a fresh one is made when the last
one ended. Payments go through the sandbox's own callback path; where the
sandbox is not the payment provider the members are left awaiting payment.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from groupbuy.accounts.models import MerchantMembership, User
from groupbuy.accounts.services import user_sign_up
from groupbuy.catalog.models import Merchant
from groupbuy.catalog.selectors import merchant_listings
from groupbuy.escrow.callbacks import payment_event_apply
from groupbuy.escrow.providers import sandbox
from groupbuy.escrow.providers.base import PAYMENT_SUCCEEDED, PaymentEvent
from groupbuy.teams.models import Team, TeamDeal
from groupbuy.teams.services import (
    team_complete,
    team_deal_create,
    team_join,
    team_open,
)

DEMO_TITLE = "两人拼团 · 开团立省"
# Two extra shoppers who filled the completed team (phone, password, name).
TEAM_SHOPPERS = (
    ("+8613800000021", "demo-team-shopper-1", "小张"),
    ("+8613800000022", "demo-team-shopper-2", "小赵"),
)
OPENER_PHONE = "+8613800000002"  # the demo's 小李 (SHOPPER_2)


def load_demo_data(*, stdout) -> None:
    from groupbuy.demo_data import MERCHANT_NAME

    merchant = Merchant.objects.filter(name=MERCHANT_NAME).order_by("id").first()
    opener = User.objects.filter(phone=OPENER_PHONE).first()
    if merchant is None or opener is None:
        return
    now = timezone.now()
    live = TeamDeal.objects.filter(
        deal__merchant=merchant, deal__title=DEMO_TITLE, ends_at__gt=now
    ).exclude(deal__state__in=["failed", "succeeded", "settled"])
    if live.exists():
        return
    team_deal = _create(merchant, now=now)
    if team_deal is None:
        return
    first, second = (_ensure_shopper(*row) for row in TEAM_SHOPPERS)
    complete = team_open(actor=first, team_deal=team_deal)
    joined = team_join(actor=second, team=complete.team)
    short = team_open(actor=opener, team_deal=team_deal)
    paid = all([_pay(complete), _pay(joined), _pay(short)])
    team_complete(team=Team.objects.get(pk=complete.team_id))
    stdout.write(
        f"teams: team deal “{DEMO_TITLE}” ({team_deal.deal.public_id}): a complete "
        f"team and team {short.team.public_id} one person short"
        + ("" if paid else " (not paid: the sandbox is not the payment provider)")
        + "\n"
    )


def _create(merchant: Merchant, *, now) -> TeamDeal | None:
    owner = (
        MerchantMembership.objects.filter(
            merchant=merchant, role=MerchantMembership.Role.OWNER
        )
        .select_related("user")
        .first()
    )
    listing = merchant_listings(merchant=merchant).order_by("price_fen").last()
    if owner is None or listing is None:
        return None
    solo = listing.price_fen
    return team_deal_create(
        actor=owner.user,
        merchant=merchant,
        product=listing.product,
        title=DEMO_TITLE,
        description="两人成团，24 小时内未成团自动全额退款。",
        team_size=2,
        window_hours=24,
        team_price_fen=max(1, solo * 8 // 10),
        solo_price_fen=solo,
        stock=100,
        limit_per_shopper=2,
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(days=7),
    )


def _ensure_shopper(phone: str, password: str, name: str) -> User:
    user = User.objects.filter(phone=phone).first()
    if user is None:
        user = user_sign_up(phone=phone, password=password, display_name=name)
    return user


def _pay(member) -> bool:
    """Pay a member's intent as the sandbox gateway's callback would."""
    intent = member.order.payment_intent
    if intent.provider != "sandbox":
        return False
    payload = sandbox.build_event(intent, event_type=PAYMENT_SUCCEEDED)
    payment_event_apply(
        provider_name=intent.provider,
        event=PaymentEvent(
            event_id=payload["id"],
            intent_id=payload["intent_id"],
            type=payload["type"],
            amount_fen=payload["amount_fen"],
            currency=payload["currency"],
            provider_reference=payload["provider_reference"],
            payload=payload,
        ),
    )
    return True
