"""Who may publish a merchant's promotions, and for which branches; who may
end one (those who may publish it)."""

from __future__ import annotations

from dataclasses import dataclass

from groupbuy.accounts.selectors import user_membership_for
from groupbuy.catalog.models import Branch, Merchant
from groupbuy.catalog.permissions import is_merchant_owner, is_merchant_staff
from groupbuy.pooling.models import Promotion


@dataclass(frozen=True)
class PublishScope:
    """The branches ``user`` may publish a promotion for; ``whole_merchant``
    when they may also publish one for every branch at once (owners)."""

    branches: list[Branch]
    whole_merchant: bool

    @property
    def can_publish(self) -> bool:
        return self.whole_merchant or bool(self.branches)

    def allows(self, branch: Branch | None) -> bool:
        if self.whole_merchant:
            return True
        return branch is not None and branch.pk in {b.pk for b in self.branches}


def publish_scope(*, user, merchant: Merchant) -> PublishScope:
    """Owners publish for the merchant or any branch; a cashier tied to a branch
    for that branch only; other staff not at all."""
    if is_merchant_owner(user, merchant):
        branches = list(merchant.branches.filter(is_active=True).order_by("pk"))
        return PublishScope(branches=branches, whole_merchant=True)
    membership = (
        user_membership_for(user=user, merchant_id=merchant.pk)
        if is_merchant_staff(user, merchant)
        else None
    )
    if membership is not None and membership.branch is not None:
        return PublishScope(branches=[membership.branch], whole_merchant=False)
    return PublishScope(branches=[], whole_merchant=False)


def promotion_may_end(*, user, promotion: Promotion) -> bool:
    """Say whether ``user`` may end ``promotion``: whoever may publish one for
    its branch (owners; a cashier of that branch)."""
    return promotion_ids_user_may_end(
        user=user, merchant=promotion.merchant, promotions=[promotion]
    ) == {promotion.pk}


def promotion_ids_user_may_end(
    *, user, merchant: Merchant, promotions: list[Promotion]
) -> set[int]:
    """Return the pks of ``merchant``'s ``promotions`` that ``user`` may end
    (the scope read once for a whole page of them)."""
    scope = publish_scope(user=user, merchant=merchant)
    return {
        promotion.pk
        for promotion in promotions
        if promotion.merchant_id == merchant.pk and scope.allows(promotion.branch)
    }
