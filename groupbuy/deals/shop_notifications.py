"""What a deal's shop owners are told: a price tier reached, how the deal
closed, that the platform or another of its owners stopped it.

Owners only (not cashiers), each in their own language (lazy translations),
linked to the deal's page in the merchant console. They go to the inbox, and
by e-mail or push where the owner chose those, but never by SMS: a busy shop
would get a text for every tier of every deal. A kind an owner keeps to the
inbox (``User.inbox_only_kinds``) goes to the inbox only. Each is sent once per
owner (an idempotency key per deal, tier or outcome, and owner), so a retried
job or two payments checking at once tell nobody twice. An owner whose account
is switched off is not told (until 2026-12-07 they were, here only: those about
a product no longer sold skipped them already). ``notify_shop_owners`` sends
those too (``product_selling``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from groupbuy.accounts.models import MerchantMembership
from groupbuy.core.i18n import interpolate_lazy
from groupbuy.core.money import format_fen
from groupbuy.deals.links import console_deal_page_url
from groupbuy.deals.models import Deal, DealTier
from groupbuy.deals.selectors.titles import deal_title_lazy
from groupbuy.notify.models import Channel
from groupbuy.notify.services import default_channels, notification_enqueue


def owner_channels(owner, kind: str) -> list[str]:
    """The owner's usual channels for ``kind``, without SMS."""
    return [
        channel
        for channel in default_channels(owner, kind)
        if channel != Channel.SMS.value
    ]


def notify_shop_owners(
    merchant_id: int,
    *,
    kind: str,
    title,
    body,
    url: str,
    data: dict,
    key: str | None,
    except_user=None,
) -> int:
    """Queue one notification for each owner of the merchant but
    ``except_user`` (in the caller's transaction, delivered after commit);
    return how many were new.

    An owner whose account is switched off (or erased) runs nothing and is not
    told. With a ``key`` each owner is told once per key, so a retried job
    tells nobody twice; without one, every call tells them (for a caller that
    runs once per change by itself)."""
    owners = (
        MerchantMembership.objects.filter(
            merchant_id=merchant_id,
            role=MerchantMembership.Role.OWNER,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("pk")
    )
    if except_user is not None:
        owners = owners.exclude(user_id=except_user.pk)
    sent = 0
    for membership in owners:
        owner = membership.user
        notification = notification_enqueue(
            recipient=owner,
            kind=kind,
            title=title,
            body=body,
            url=url,
            data=data,
            channels=owner_channels(owner, kind),
            idempotency_key=None if key is None else f"{kind}:{key}:{owner.public_id}",
        )
        sent += notification is not None
    return sent


def _send_to_owners(
    deal: Deal, *, kind: str, key: str, title, body, data, except_user=None
) -> int:
    """Tell ``deal``'s owners, once per ``key``, linked to the deal's page."""
    return notify_shop_owners(
        deal.merchant_id,
        kind=kind,
        title=title,
        body=body,
        url=console_deal_page_url(deal),
        data={"deal_id": deal.public_id, **data},
        key=key,
        except_user=except_user,
    )


def notify_owners_tier_reached(deal: Deal, *, tier: DealTier, buyers: int) -> int:
    """Tell the owners ``buyers`` paid orders reach ``tier`` (once per tier)."""
    is_first = tier.min_participants == min(
        t.min_participants for t in deal.tiers.all()
    )
    if is_first:
        title = _("Your group buy is going ahead: %(title)s")
        body = ngettext_lazy(
            "%(buyers)d buyer has paid, reaching its first tier: %(price)s each. "
            "It goes ahead when it closes unless buyers leave.",
            "%(buyers)d buyers have paid, reaching its first tier: %(price)s each. "
            "It goes ahead when it closes unless buyers leave.",
            buyers,
        )
    else:
        title = _("Your group buy reached a new tier: %(title)s")
        body = ngettext_lazy(
            "%(buyers)d buyer has paid, so everyone now pays %(price)s each "
            "(the tier for %(needed)d or more).",
            "%(buyers)d buyers have paid, so everyone now pays %(price)s each "
            "(the tier for %(needed)d or more).",
            buyers,
        )
    return _send_to_owners(
        deal,
        kind="deals.shop.tier_reached",
        key=f"{deal.public_id}:{tier.min_participants}",
        title=interpolate_lazy(title, {"title": deal_title_lazy(deal)}),
        body=interpolate_lazy(
            body,
            {
                "buyers": buyers,
                "price": format_fen(tier.price_fen),
                "needed": tier.min_participants,
            },
        ),
        data={
            "min_participants": tier.min_participants,
            "price_fen": tier.price_fen,
            "buyers": buyers,
        },
    )


def notify_owners_succeeded(
    deal: Deal, *, buyers: int, units: int, charged_fen: int
) -> int:
    """Tell the owners the deal settled as a success: its final price a unit,
    how many buyers it confirmed for how many units, and what they were charged
    in all."""
    # Said a unit, and the units said: until 2026-12-07 it read "at ¥59.40 each
    # with 2 buyers, who paid ¥178.20 in all", which an owner could not add up.
    units_said = interpolate_lazy(
        ngettext_lazy("%(units)s unit", "%(units)s units", units), {"units": units}
    )
    return _send_to_owners(
        deal,
        kind="deals.shop.succeeded",
        key=deal.public_id,
        title=interpolate_lazy(
            _("Your group buy succeeded: %(title)s"), {"title": deal_title_lazy(deal)}
        ),
        body=interpolate_lazy(
            ngettext_lazy(
                "It closed at %(price)s a unit: %(buyers)d buyer bought "
                "%(units)s, %(total)s in all.",
                "It closed at %(price)s a unit: %(buyers)d buyers bought "
                "%(units)s, %(total)s in all.",
                buyers,
            ),
            {
                "price": format_fen(deal.final_price_fen or 0),
                "buyers": buyers,
                "units": units_said,
                "total": format_fen(charged_fen),
            },
        ),
        data={
            "final_price_fen": deal.final_price_fen,
            "buyers": buyers,
            "units": units,
            "charged_fen": charged_fen,
        },
    )


def notify_owners_failed(deal: Deal) -> int:
    """Tell the owners the deal closed below its first tier and every buyer
    got their money back."""
    needed = min(tier.min_participants for tier in deal.tiers.all())
    return _send_to_owners(
        deal,
        kind="deals.shop.failed",
        key=deal.public_id,
        title=interpolate_lazy(
            _("Your group buy did not go ahead: %(title)s"),
            {"title": deal_title_lazy(deal)},
        ),
        body=interpolate_lazy(
            ngettext_lazy(
                "Fewer than %(needed)d buyer paid before it closed, so every "
                "buyer is refunded in full.",
                "Fewer than %(needed)d buyers paid before it closed, so every "
                "buyer is refunded in full.",
                needed,
            ),
            {"needed": needed},
        ),
        data={"first_tier_participants": needed},
    )


def notify_owners_stopped_by_platform(deal: Deal) -> int:
    """Tell the owners the platform stopped their deal, and why in its words;
    every buyer is refunded in full."""
    if deal.stop_reason:
        body = interpolate_lazy(
            _("Every buyer is refunded in full. The platform says: “%(reason)s”"),
            {"reason": deal.stop_reason},
        )
    else:
        body = _("Every buyer is refunded in full.")
    return _send_to_owners(
        deal,
        kind="deals.shop.stopped",
        key=deal.public_id,
        title=interpolate_lazy(
            _("The platform stopped your group buy: %(title)s"),
            {"title": deal_title_lazy(deal)},
        ),
        body=body,
        data={"stopped_by": deal.stopped_by, "reason": deal.stop_reason},
    )


def notify_other_owners_stopped_by_owner(deal: Deal, *, stopper) -> int:
    """Tell the deal's other owners that ``stopper``, an owner, stopped it, and
    why in their words; every buyer is refunded in full. The stopper knows."""
    name = str(stopper)  # the display name, else the phone number
    if deal.stop_reason:
        body = interpolate_lazy(
            _("Every buyer is refunded in full. %(owner)s says: “%(reason)s”"),
            {"owner": name, "reason": deal.stop_reason},
        )
    else:
        body = _("Every buyer is refunded in full.")
    return _send_to_owners(
        deal,
        kind="deals.shop.stopped_by_owner",
        key=deal.public_id,
        title=interpolate_lazy(
            _("%(owner)s stopped your group buy: %(title)s"),
            {"owner": name, "title": deal_title_lazy(deal)},
        ),
        body=body,
        data={
            "stopped_by": deal.stopped_by,
            "stopped_by_user_id": stopper.public_id,
            "reason": deal.stop_reason,
        },
        except_user=stopper,
    )
