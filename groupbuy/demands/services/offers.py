"""Merchants' offers on published demands, and the initiator's acceptance."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.selectors import user_membership_for
from groupbuy.catalog.selectors import listing_for
from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict, Forbidden
from groupbuy.core.money import format_fen
from groupbuy.deals.errors import DealError
from groupbuy.deals.models import Deal
from groupbuy.deals.services.outside import Participant, deal_create_with_participants
from groupbuy.deals.services.setup import (
    check_has_pickup_branch,
    everyday_price_exceeded,
)
from groupbuy.demands import rules, search
from groupbuy.demands.deposits import deposit_give_back, lock_deposit_intents
from groupbuy.demands.errors import DemandError
from groupbuy.demands.live import push_demand
from groupbuy.demands.models import Demand, Offer, Participation
from groupbuy.demands.notifications import (
    notify_accepted,
    notify_offer,
    notify_offer_withdrawn,
    notify_offer_withdrawn_by_platform,
)
from groupbuy.demands.services.lifecycle.common import (
    check_platform_operator,
    platform_reason,
)

State = Demand.State


def check_merchant_owner(*, actor, merchant) -> None:
    membership = user_membership_for(user=actor, merchant_id=merchant.pk)
    if membership is None or membership.role != MerchantMembership.Role.OWNER:
        raise Forbidden("forbidden", _("Only this merchant's owners can make offers."))


def _check_terms(*, merchant, product, quantity, unit_price_fen, delivery_on, notes):
    rules.check_whole(quantity, field="quantity", low=1, high=rules.MAX_QUANTITY)
    rules.check_price(unit_price_fen, field="unit_price_fen")
    if not isinstance(delivery_on, date) or delivery_on < timezone.localdate():
        message = _("Give a delivery date from today on.")
        raise DemandError("invalid", message, fields={"delivery_on": [message]})
    if product.added_by_merchant_id not in (None, merchant.pk) or not product.is_active:
        message = _("Choose one of your products.")
        raise DemandError("invalid", message, fields={"product_id": [message]})
    _check_not_above_everyday(
        merchant=merchant, product=product, price_fen=unit_price_fen
    )
    return rules.check_text(notes, field="notes", required=False, limit=2000)


def _check_has_pickup_branch(merchant) -> None:
    """Refuse an offer from a shop with no open branch when it is sent: the deal
    accepting it opens could not open (deals refuse it, ``no_pickup_branch``),
    and the buyers would have chosen an offer that cannot be taken."""
    try:
        check_has_pickup_branch(merchant)
    except DealError as error:
        # The deals' words, on the field that names the shop here.
        raise DemandError(
            error.code, error.message, fields={"merchant_id": [error.message]}
        ) from None


def _check_not_above_everyday(*, merchant, product, price_fen: int) -> None:
    """Refuse an offer dearer than the shop's own everyday price of the product.

    The deal made from an offer shows that everyday price as its list price, and
    its group price may not be above it (deals' rule against a fictitious original
    price): such an offer could be sent but never accepted."""
    everyday = everyday_price_exceeded(
        merchant=merchant, product=product, price_fen=price_fen
    )
    if everyday is None:
        return
    message = _(
        "Offer at most %(price)s a unit: that is what you sell this product for "
        "every day, and a group buy cannot cost more than your everyday price."
    ) % {"price": format_fen(everyday)}
    raise DemandError(
        "above_everyday_price", message, fields={"unit_price_fen": [message]}
    )


def _lock_open(demand: Demand) -> Demand:
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    if demand.state != State.PUBLISHED:
        raise Conflict("demand_closed", _("This demand no longer takes offers."))
    now = timezone.now()
    if now >= demand.deadline_at:
        raise rules.deadline_passed_error(deadline_at=demand.deadline_at, now=now)
    return demand


def offer_submit(
    *,
    actor,
    demand: Demand,
    merchant,
    product,
    quantity: int,
    unit_price_fen: int,
    delivery_on: date,
    notes: str = "",
) -> Offer:
    """Send ``merchant``'s offer, or revise its open one."""
    check_merchant_owner(actor=actor, merchant=merchant)
    _check_has_pickup_branch(merchant)
    notes = _check_terms(
        merchant=merchant,
        product=product,
        quantity=quantity,
        unit_price_fen=unit_price_fen,
        delivery_on=delivery_on,
        notes=notes,
    )
    terms = {
        "product": product,
        "quantity": quantity,
        "unit_price_fen": unit_price_fen,
        "delivery_on": delivery_on,
        "notes": notes,
    }
    with transaction.atomic():
        demand = _lock_open(demand)
        offer = demand.offers.filter(merchant=merchant, state="active").first()
        revised = offer is not None
        if offer is None:
            try:
                with transaction.atomic():
                    offer = Offer.objects.create(
                        demand=demand, merchant=merchant, created_by=actor, **terms
                    )
            except IntegrityError:
                raise Conflict("offer_exists", _("An offer is already open.")) from None
        else:
            for name, value in terms.items():
                setattr(offer, name, value)
            offer.save(update_fields=[*terms, "updated_at"])
        audit_log(
            actor=actor,
            action="demands.offer.revised" if revised else "demands.offer.sent",
            obj=offer,
            data={"quantity": quantity, "unit_price_fen": unit_price_fen},
        )
        notify_offer(demand=demand, offer=offer, revised=revised)
        push_demand(demand)
    return offer


def offer_withdraw(*, actor, offer: Offer) -> Offer:
    check_merchant_owner(actor=actor, merchant=offer.merchant)
    with transaction.atomic():
        Demand.objects.select_for_update().get(pk=offer.demand_id)
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        if offer.state == Offer.State.WITHDRAWN:
            return offer
        if offer.state != Offer.State.ACTIVE:
            raise Conflict("offer_closed", _("This offer can no longer be withdrawn."))
        offer.state = Offer.State.WITHDRAWN
        offer.save(update_fields=["state", "updated_at"])
        audit_log(actor=actor, action="demands.offer.withdrawn", obj=offer)
        notify_offer_withdrawn(demand=offer.demand, offer=offer)
        push_demand(offer.demand)
    return offer


def offer_withdraw_by_platform(*, actor, offer: Offer, reason: str) -> Offer:
    """Withdraw a shop's open offer that breaks the rules (operators only): the
    shop is told ``reason``, the buyers that the offer is gone. Already
    withdrawn, accepted or not chosen: refused (``Conflict``), nothing changed."""
    check_platform_operator(actor)
    reason = platform_reason(reason)
    with transaction.atomic():
        demand = Demand.objects.select_for_update().get(pk=offer.demand_id)
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        if offer.state != Offer.State.ACTIVE:
            raise _not_withdrawable(offer)
        offer.state = Offer.State.WITHDRAWN
        offer.save(update_fields=["state", "updated_at"])
        audit_log(
            actor=actor,
            action="demands.offer.withdrawn_by_platform",
            obj=offer,
            data={"demand": demand.public_id, "reason": reason},
        )
        notify_offer_withdrawn_by_platform(demand=demand, offer=offer, reason=reason)
        notify_offer_withdrawn(demand=demand, offer=offer)
        push_demand(demand)
    return offer


def _not_withdrawable(offer: Offer) -> Conflict:
    if offer.state == Offer.State.WITHDRAWN:
        return Conflict("offer_withdrawn", _("This offer was already withdrawn."))
    if offer.state == Offer.State.ACCEPTED:
        return Conflict(
            "offer_accepted",
            _(
                "This offer was accepted and a group buy was launched from it: "
                "it can't be withdrawn. Stop that group buy instead."
            ),
        )
    return Conflict(
        "offer_closed",
        _("This offer is closed already: its demand ended or another was chosen."),
    )


def offer_accept(*, actor, offer: Offer) -> Demand:
    """Accept ``offer``: a deal opens for the participants at the offered price,
    their deposits applied to their orders; the other offers are declined."""
    demand = offer.demand
    if demand.initiator_id != getattr(actor, "pk", None):
        raise Forbidden("forbidden", _("Only the buyer who started this can accept."))
    with transaction.atomic():
        everyone = list(demand.participations.select_related("shopper"))
        lock_deposit_intents(everyone)
        active = [p for p in everyone if p.status == Participation.Status.ACTIVE]
        unpaid = [
            p for p in everyone if p.status == Participation.Status.AWAITING_DEPOSIT
        ]
        demand = _lock_open(demand)
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        if offer.state != Offer.State.ACTIVE:
            raise Conflict("offer_closed", _("This offer is no longer open."))
        _check_still_within_everyday(offer)
        total = sum(p.quantity for p in active)
        if total > offer.quantity:
            raise Conflict(
                "offer_too_small",
                ngettext(
                    "This offer supplies %(offer)s unit; the buyers want %(total)s.",
                    "This offer supplies %(offer)s units; the buyers want %(total)s.",
                    offer.quantity,
                )
                % {"offer": offer.quantity, "total": total},
            )
        deal = _deal_for(demand=demand, offer=offer, participations=active, total=total)
        now = timezone.now()
        offer.state = Offer.State.ACCEPTED
        offer.save(update_fields=["state", "updated_at"])
        others = list(demand.offers.filter(state="active").exclude(pk=offer.pk))
        demand.offers.filter(state="active").exclude(pk=offer.pk).update(
            state="declined", updated_at=now
        )
        Participation.objects.filter(pk__in=[p.pk for p in active]).update(
            status=Participation.Status.APPLIED, updated_at=now
        )
        # Deposits not paid by now are not in the deal: stop them being paid.
        for participation in unpaid:
            deposit_give_back(
                actor=actor, participation=participation, reason="demands.accepted"
            )
        Participation.objects.filter(pk__in=[p.pk for p in unpaid]).update(
            status=Participation.Status.REFUNDED, updated_at=now
        )
        demand.state = State.ACCEPTED
        demand.accepted_offer = offer
        demand.deal = deal
        demand.closed_at = now
        demand.save(
            update_fields=["state", "accepted_offer", "deal", "closed_at", "updated_at"]
        )
        search.index_update(demand_id=demand.pk, text=None)
        audit_log(
            actor=actor,
            action="demands.offer.accepted",
            obj=demand,
            data={"offer": offer.public_id, "deal": deal.public_id, "units": total},
        )
        notify_accepted(demand=demand, participations=active, declined=others)
        push_demand(demand)
    return demand


def _deal_for(*, demand, offer, participations, total):
    # The system opens the deal on the initiator's word: the merchant agreed
    # to these terms by sending the offer.
    return deal_create_with_participants(
        actor=None,
        merchant=offer.merchant,
        product=offer.product,
        title=_deal_title(offer),
        description=demand.description,
        list_price_fen=_shelf_price(offer),
        tiers=[(1, offer.unit_price_fen)],
        stock=max(total, 1),
        deadline_at=timezone.now() + rules.payment_window(),
        max_quantity_per_order=max(p.quantity for p in participations),
        participants=[
            Participant(shopper=p.shopper, quantity=p.quantity, deposits=[p.intent])
            for p in participations
        ],
    )


def _deal_title(offer: Offer) -> str:
    """Title the deal by the product the merchant sells, not the buyers' wish.

    The demand's title is what the buyers asked for ("螺蛳粉"); the offer may sell
    something else ("热干面"), and the deal's title is what orders, coupons, the
    till and notifications name. A deal's title is one stored string, so it takes
    the catalog's Chinese name (the platform's language), else the English one."""
    product = offer.product
    name = product.name_zh or product.name_en
    return name[: Deal._meta.get_field("title").max_length]


def _check_still_within_everyday(offer: Offer) -> None:
    """Refuse to accept an offer the shop's everyday price fell below after it was
    sent (sending checks it): its deal could not open, and the buyers would pay
    more than the shop's own price."""
    everyday = everyday_price_exceeded(
        merchant=offer.merchant, product=offer.product, price_fen=offer.unit_price_fen
    )
    if everyday is None:
        return
    raise Conflict(
        "offer_above_everyday_price",
        _(
            "%(merchant)s now sells this product for %(price)s every day, less than "
            "this offer: ask them to lower it, or choose another offer."
        )
        % {"merchant": offer.merchant.display_name, "price": format_fen(everyday)},
    )


def _shelf_price(offer: Offer) -> int:
    """The deal's list price: the merchant's everyday price where it lists the
    product (never below the offer, which sending and accepting check), else the
    offer's. The demand's target is what the buyers hoped to pay, not a price
    anyone charged, so it is not shown struck through."""
    listing = listing_for(merchant=offer.merchant, product=offer.product)
    return listing.price_fen if listing else offer.unit_price_fen
