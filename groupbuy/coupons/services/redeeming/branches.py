"""Which branch a redemption is made at: a cashier's own, the shop's only open
one, and never one that has closed."""

from __future__ import annotations

from django.utils.translation import gettext as _

from groupbuy.catalog.models import Branch, Merchant
from groupbuy.catalog.selectors import branch_open_locked, merchant_branches
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.services.redeeming.refusals import branch_closed_refusal


def redeeming_branch(*, limit: Branch | None, branch: Branch | None):
    """Return the branch a cashier redeems at when asking for ``branch``: the
    one their membership limits them to, if any (403 for another), else
    ``branch`` as asked."""
    if limit is None:
        return branch
    if branch is not None and branch.pk != limit.pk:
        raise CouponError(
            "not_your_branch",
            _("You redeem coupons at the branch “%(own)s” only, not at “%(asked)s”.")
            % {"own": limit.display_name, "asked": branch.display_name},
            status=403,
        )
    return limit


def only_open_branch(merchant: Merchant) -> Branch | None:
    """Return the branch a redemption naming none is made at: the shop's only
    open branch (None when it has none); refuse one at a shop with several
    open, as its statement would not say where the coupon was used."""
    open_branches = list(merchant_branches(merchant=merchant)[:2])
    if len(open_branches) > 1:
        raise CouponError(
            "branch_required",
            _(
                "This shop has more than one open branch: choose the one you are "
                "at, so the statement says where the coupon was used."
            ),
            fields={"branch": [_("Choose the branch you are at.")]},
        )
    return open_branches[0] if open_branches else None


def _lock_open_branch(branch: Branch) -> None:
    """Lock ``branch`` until the redemption commits; refuse it if it has closed.

    Taken after the coupon's UPDATE (coupon, then branch, as a batch
    import's coupon locks come first); see ``branch_open_locked``.
    """
    if not branch_open_locked(branch):
        raise branch_closed_refusal(branch)
