"""Seed the team journeys inside the server's Django (run through `shell`)."""

from __future__ import annotations


def seed_team_deal(*, gtin: str, team_size: int = 2) -> dict:
    """A merchant's deal in team mode: teams of ``team_size``, ¥15 / ¥20."""
    from datetime import timedelta

    from django.utils import timezone

    from groupbuy.catalog import services as catalog
    from groupbuy.teams.services import team_deal_create
    from tests.support.seeding import _staff_and_merchant, ensure_branch

    operator, owner, merchant = _staff_and_merchant("拼团超市")
    ensure_branch(merchant)
    product = catalog.product_create(
        actor=operator,
        name_zh=f"拼团商品 {gtin}",
        name_en=f"Team product {gtin}",
        gtin=gtin,
    )
    # The solo price is what the shop sells it for every day.
    catalog.listing_create(
        actor=owner, merchant=merchant, product=product, price_fen=2000
    )
    now = timezone.now()
    team_deal = team_deal_create(
        actor=owner,
        merchant=merchant,
        product=product,
        title=f"Team deal {gtin}",
        team_size=team_size,
        window_hours=24,
        team_price_fen=1500,
        solo_price_fen=2000,
        stock=20,
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(days=2),
    )
    return {"deal": team_deal.deal.public_id}


def end_team_window(*, team_id: str) -> dict:
    """Move a team's window into the past (tests only; no service does this)
    and queue what its deadline would have run: the expiry scheduled when the
    team opened (the server's worker takes it)."""
    from datetime import timedelta

    from django.utils import timezone

    from groupbuy.teams.models import Team
    from groupbuy.teams.tasks import team_expire_task

    moved = Team.objects.filter(public_id=team_id).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    team_expire_task(team_id)
    return {"moved": moved}


def seed_team_merchant(*, phone: str, password: str, gtin: str) -> dict:
    """An owner (English pages) whose merchant lists one product."""
    from groupbuy.accounts.models import User
    from groupbuy.accounts.services import merchant_membership_add
    from groupbuy.catalog import services as catalog
    from groupbuy.catalog.models import Branch, Merchant, Product

    owner = User.objects.filter(phone=f"+86{phone}").first() or (
        User.objects.create_user(
            phone=f"+86{phone}", password=password, preferred_language="en"
        )
    )
    # The session's server is shared: whatever happened to this number before,
    # it signs in with this password now.
    owner.set_password(password)
    owner.is_active = True
    owner.save(update_fields=["password", "is_active"])
    merchant = Merchant.objects.create(name="拼团旅程超市", name_en="Team Mart")
    merchant_membership_add(actor=None, user=owner, merchant=merchant, role="owner")
    Branch.objects.create(merchant=merchant, name="Main", address="1 Road")
    product, _ = Product.objects.get_or_create(
        gtin=gtin, defaults={"name_zh": "碧螺春", "name_en": "Biluochun tea"}
    )
    catalog.listing_create(
        actor=owner, merchant=merchant, product=product, price_fen=5900
    )
    return {"merchant": merchant.public_id, "product": product.public_id}


def pay_late(*, intent_id: str, delay_seconds: float) -> dict:
    """Pay a place on the sandbox as its payer does on the pay page, the
    gateway's callback coming ``delay_seconds`` later (as a real one may)."""
    from groupbuy.escrow.models import PaymentIntent
    from groupbuy.escrow.services import sandbox_payment_submit
    from groupbuy.teams.models import TeamMember

    intent = PaymentIntent.objects.select_related("payer").get(public_id=intent_id)
    sandbox_payment_submit(
        actor=intent.payer,
        intent=intent,
        outcome="succeeded",
        callback_delay_seconds=delay_seconds,
    )
    member = TeamMember.objects.get(order__public_id=intent.reference)
    return {"team": member.team.public_id}
