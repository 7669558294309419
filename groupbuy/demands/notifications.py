"""What buyers and merchants are told about demands, in their own language.

Every notification is written inside the service's transaction (the outbox)
with an idempotency key, so a repeated service call tells nobody twice.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groupbuy.core.money import format_fen
from groupbuy.core.times import format_local_time
from groupbuy.notify.services import notification_enqueue


def demand_url(demand) -> str:
    return reverse("demands:detail", args=[demand.public_id])


def _send(user, *, kind: str, key: str, title, body, demand, data=None) -> None:
    """``title`` and ``body`` are functions of no arguments, called in each
    language the notification is kept in."""
    notification_enqueue(
        recipient=user,
        kind=kind,
        title=lazy(title, str)(),
        body=lazy(body, str)(),
        url=demand_url(demand),
        data={"demand_id": demand.public_id, **(data or {})},
        idempotency_key=key,
    )


def notify_joined(*, demand, participation) -> None:
    _send(
        demand.initiator,
        kind="demands.joined",
        key=f"demands.joined:{participation.public_id}",
        title=lambda: _("A buyer joined your demand"),
        body=lambda: (
            _("%(units)s more units for “%(title)s”.")
            % {"units": participation.quantity, "title": demand.title}
        ),
        demand=demand,
    )


def notify_offer(*, demand, offer, revised: bool) -> None:
    for participation in demand.participations.filter(status="active"):
        _send(
            participation.shopper,
            kind="demands.offer",
            key=f"demands.offer:{offer.public_id}:{offer.updated_at.isoformat()}:"
            f"{participation.pk}",
            title=lambda: (
                _("New offer: %(price)s a unit")
                % {"price": format_fen(offer.unit_price_fen)}
            ),
            body=lambda: (
                _("%(merchant)s offers “%(title)s”.")
                % {"merchant": offer.merchant.display_name, "title": demand.title}
            ),
            demand=demand,
            data={"offer_id": offer.public_id, "revised": revised},
        )


def notify_offer_withdrawn(*, demand, offer) -> None:
    """The buyers who could have accepted ``offer`` learn it is gone."""
    for participation in demand.participations.filter(status="active"):
        _send(
            participation.shopper,
            kind="demands.offer_withdrawn",
            key=f"demands.offer_withdrawn:{offer.public_id}:{participation.pk}",
            title=lambda: _("An offer was withdrawn"),
            body=lambda: (
                _("%(merchant)s withdrew its offer for “%(title)s”.")
                % {"merchant": offer.merchant.display_name, "title": demand.title}
            ),
            demand=demand,
            data={"offer_id": offer.public_id},
        )


def _accepted_title(*, owes: bool):
    if owes:
        return lambda: _("An offer was accepted: pay the rest")
    return lambda: _("An offer was accepted: your deposit paid your order")


def _accepted_body(demand) -> str:
    # Name what is sold: the offer may be for another product than the wish.
    offer = demand.accepted_offer
    return _(
        "%(merchant)s's offer of %(product)s at %(price)s a unit was accepted for "
        "“%(title)s”. Your deposit counts toward your order."
    ) % {
        "merchant": offer.merchant.display_name,
        "product": offer.product.name,
        "price": format_fen(offer.unit_price_fen),
        "title": demand.title,
    }


def notify_accepted(*, demand, participations, declined) -> None:
    # Only those whose deposit did not cover their order are asked to pay.
    owing = set(
        demand.deal.orders.filter(status="pending_payment").values_list(
            "shopper_id", flat=True
        )
    )
    for participation in participations:
        _send(
            participation.shopper,
            kind="demands.accepted",
            key=f"demands.accepted:{demand.public_id}:{participation.pk}",
            title=_accepted_title(owes=participation.shopper_id in owing),
            body=lambda: _accepted_body(demand),
            demand=demand,
            data={"deal_id": demand.deal.public_id},
        )
    for offer in declined:
        _send(
            offer.created_by,
            kind="demands.offer_declined",
            key=f"demands.offer_declined:{offer.public_id}",
            title=lambda: _("Another offer was chosen"),
            body=lambda: (
                _("The buyers of “%(title)s” accepted another offer.")
                % {"title": demand.title}
            ),
            demand=demand,
        )


def notify_deadline_changed(
    *, demand, participations, offers, previous, is_sooner: bool
) -> None:
    """Tell everyone who joined (not the initiator, who moved it) and every
    merchant with an open offer the new deadline."""
    deadline_ms = demand.deadline_ms
    key = f"demands.deadline:{demand.public_id}:{deadline_ms}"

    def body():
        return _("“%(title)s” now closes at %(deadline)s (it was %(previous)s).") % {
            "title": demand.title,
            "deadline": format_local_time(demand.deadline_at),
            "previous": format_local_time(previous),
        }

    data = {"deadline_ms": deadline_ms, "is_sooner": is_sooner}
    for participation in participations:
        if participation.is_initiator:
            continue
        _send(
            participation.shopper,
            kind="demands.deadline",
            key=f"{key}:{participation.pk}",
            title=lambda: (
                _("A demand you joined closes sooner")
                if is_sooner
                else _("A demand you joined has a later deadline")
            ),
            body=body,
            demand=demand,
            data=data,
        )
    for offer in offers:
        _send(
            offer.created_by,
            kind="demands.deadline",
            key=f"{key}:offer:{offer.pk}",
            title=lambda: (
                _("A demand you offered on closes sooner")
                if is_sooner
                else _("A demand you offered on has a later deadline")
            ),
            body=body,
            demand=demand,
            data={**data, "offer_id": offer.public_id},
        )


def notify_closed(*, demand, participations) -> None:
    for participation in participations:
        if participation.is_initiator and demand.state == "cancelled":
            continue
        _send(
            participation.shopper,
            kind="demands.closed",
            key=f"demands.closed:{demand.public_id}:{participation.pk}",
            title=lambda: _("A demand you joined closed without a deal"),
            body=lambda: (
                _("“%(title)s” closed; your deposit is refunded.")
                % {"title": demand.title}
            ),
            demand=demand,
        )


def notify_cancelled_by_platform(*, demand, participations, reason: str) -> None:
    """Tell the initiator and everyone who joined that the platform cancelled
    the demand, and why; their deposits are refunded."""
    told = set()
    for participation in participations:
        if participation.shopper_id in told:
            continue
        told.add(participation.shopper_id)
        _send(
            participation.shopper,
            kind="demands.cancelled_by_platform",
            key=f"demands.cancelled_by_platform:{demand.public_id}:{participation.pk}",
            title=lambda: _("The platform cancelled a buyer demand"),
            body=lambda: (
                _("“%(title)s” was cancelled: %(reason)s Any deposit is refunded.")
                % {"title": demand.title, "reason": reason}
            ),
            demand=demand,
            data={"reason": reason},
        )


def notify_offer_withdrawn_by_platform(*, demand, offer, reason: str) -> None:
    """Tell the shop (whoever sent the offer) the platform withdrew it, and why."""
    _send(
        offer.created_by,
        kind="demands.offer_withdrawn_by_platform",
        key=f"demands.offer_withdrawn_by_platform:{offer.public_id}",
        title=lambda: _("The platform withdrew your offer"),
        body=lambda: (
            _("Your offer for “%(title)s” was withdrawn: %(reason)s")
            % {"title": demand.title, "reason": reason}
        ),
        demand=demand,
        data={"offer_id": offer.public_id, "reason": reason},
    )


def notify_saved_searches(*, demand) -> None:
    from groupbuy.demands.selectors import saved_searches_matching

    for saved in saved_searches_matching(demand=demand):
        _send(
            saved.created_by,
            kind="demands.match",
            key=f"demands.match:{saved.public_id}:{demand.public_id}",
            title=lambda saved=saved: (
                _("New demand for “%(query)s”") % {"query": saved.query}
            ),
            body=lambda: (
                ngettext(
                    "%(title)s: %(units)s unit, target %(price)s a unit.",
                    "%(title)s: %(units)s units, target %(price)s a unit.",
                    demand.quantity_wanted,
                )
                % {
                    "title": demand.title,
                    "units": demand.quantity_wanted,
                    "price": format_fen(demand.target_unit_price_fen),
                }
            ),
            demand=demand,
            data={"saved_search_id": saved.public_id},
        )
