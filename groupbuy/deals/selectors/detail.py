"""One deal for one person: what they may see of it and do on it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.accounts.selectors import user_membership_for
from groupbuy.catalog.models import Branch
from groupbuy.core.errors import DomainError, NotFound
from groupbuy.deals.buyers import (
    deal_first_buyers,
    deal_pickup_branches,
)
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.selectors.deals import _with_details, deal_prices, deal_progress

State = Deal.State
Status = DealOrder.Status


def is_merchant_staff(*, user, merchant_id: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    return user_membership_for(user=user, merchant_id=merchant_id) is not None


def deal_get_for_user(*, user, deal_id: str) -> Deal:
    """Return the deal with its details; drafts only for its merchant's staff."""
    deal = _with_details(Deal.objects.filter(public_id=deal_id)).first()
    if deal is None or (
        deal.state == State.DRAFT
        and not is_merchant_staff(user=user, merchant_id=deal.merchant_id)
    ):
        raise NotFound("not_found", _("There is no such group buy."))
    return deal


@dataclass
class DealDetail:
    deal: Deal
    progress: dict
    my_order: DealOrder | None
    join_refusal: DomainError | None
    can_manage: bool
    prices: dict = field(default_factory=dict)
    first_buyers: list[str] = field(default_factory=list)
    pickup_branches: list[Branch] = field(default_factory=list)
    # Where this buyer last picked up from this merchant, if this deal offers it
    # (public id): the join form starts on it.
    usual_pickup_branch: str | None = None
    # The most units this buyer may take now (order limit, stock, first tier).
    units_left_for_buyer: int = 0

    @property
    def can_join(self) -> bool:
        return self.join_refusal is None


def deal_detail_for_user(*, user, deal_id: str) -> DealDetail:
    """Return everything the deal page shows to ``user``, including their order
    (the live one, else the latest) and why they cannot join, if they cannot."""
    from groupbuy.deals.join_guards import sale_refusal
    from groupbuy.deals.services import join_refusal
    from groupbuy.deals.services.orders import units_left_for_next_buyer

    deal = deal_get_for_user(user=user, deal_id=deal_id)
    my_order = None
    if getattr(user, "is_authenticated", False):
        mine = deal.orders.filter(shopper=user).select_related("payment_intent")
        my_order = mine.filter(status__in=DealOrder.ACTIVE_STATUSES).first() or (
            mine.order_by("-joined_at", "-id").first()
        )
    refusal = join_refusal(deal, quantity=1, now=timezone.now())
    if refusal is None:
        refusal = sale_refusal(deal)
    if refusal is None and my_order is not None and my_order.is_active:
        refusal = DomainError(
            "already_joined", _("You have already joined this group buy.")
        )
    pickup_branches = deal_pickup_branches(deal)
    return DealDetail(
        deal=deal,
        progress=deal_progress(deal_public_id=deal.public_id) or {},
        my_order=my_order,
        join_refusal=refusal,
        can_manage=is_merchant_staff(user=user, merchant_id=deal.merchant_id),
        prices=deal_prices(deal),
        first_buyers=deal_first_buyers(deal),
        pickup_branches=pickup_branches,
        usual_pickup_branch=_usual_pickup_branch(user, deal, pickup_branches),
        units_left_for_buyer=min(
            deal.max_quantity_per_order, units_left_for_next_buyer(deal)
        ),
    )


def _usual_pickup_branch(user, deal: Deal, branches: list[Branch]) -> str | None:
    """The branch ``user`` chose for their latest order at the deal's merchant,
    when ``branches`` (the deal's) has it and there is a choice to make."""
    if len(branches) < 2 or not getattr(user, "is_authenticated", False):
        return None
    return (
        DealOrder.objects.filter(
            shopper=user,
            deal__merchant_id=deal.merchant_id,
            pickup_branch_id__in=[branch.pk for branch in branches],
        )
        .order_by("-joined_at", "-id")
        .values_list("pickup_branch__public_id", flat=True)
        .first()
    )
