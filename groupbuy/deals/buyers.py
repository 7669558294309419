"""Who bought and where they collect: the deal page's first buyers (names
masked) and the merchant's branches to pick up from."""

from __future__ import annotations

from django.utils.translation import gettext as _

from groupbuy.accounts.names import mask_display_name
from groupbuy.catalog.models import Branch
from groupbuy.core.errors import DomainError
from groupbuy.deals.errors import branch_closed_refusal, invalid_pickup_branch
from groupbuy.deals.models import Deal, DealOrder

FIRST_BUYERS_SHOWN = 5


def deal_first_buyers(deal: Deal, *, limit: int = FIRST_BUYERS_SHOWN) -> list[str]:
    """Return the masked names of the deal's first paying buyers, first first."""
    orders = (
        deal.orders.filter(status__in=DealOrder.PARTICIPATING_STATUSES)
        .select_related("shopper")
        .order_by("joined_at", "id")[:limit]
    )
    return [mask_display_name(order.shopper) for order in orders]


def deal_pickup_branches(deal: Deal) -> list[Branch]:
    """Return the merchant's active branches a buyer may collect from."""
    return list(Branch.objects.filter(merchant_id=deal.merchant_id, is_active=True))


def pickup_branch_for_deal(*, deal: Deal, branch_id: str | None) -> Branch | None:
    """Return the deal's merchant's active branch ``branch_id``; with none named,
    the shop's only branch (None when it has none). Another shop's or an unknown
    branch is a 400, and so is naming none where the shop has several (the
    shopper must say where they collect, as the join page asks); one of the
    shop's branches that has closed is a 409 ``branch_closed``."""
    branches = Branch.objects.filter(merchant_id=deal.merchant_id, is_active=True)
    if not branch_id:
        # deal_get_for_join counted them with the deal; otherwise look.
        count = getattr(deal, "active_branch_count", None)
        if count == 0:
            return None
        several = list(branches.order_by("pk")[:2])
        if len(several) > 1:
            raise DomainError(
                "pickup_branch_required",
                _("This shop has several branches: choose where you collect."),
                fields={"pickup_branch": [_("Choose a branch.")]},
            )
        return several[0] if several else None
    branch = Branch.objects.filter(
        merchant_id=deal.merchant_id, public_id=branch_id
    ).first()
    if branch is None:
        raise invalid_pickup_branch()
    if not branch.is_active:
        raise branch_closed_refusal(branch)
    return branch
