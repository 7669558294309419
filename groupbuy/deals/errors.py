from django.utils.translation import gettext as _

from groupbuy.core.errors import DomainError


class DealError(DomainError):
    """A refusal by the deals app; ``code`` says which rule (deal_closed, sold_out,
    not_started, deadline_passed, invalid_quantity, already_joined, invalid…)."""


def invalid_pickup_branch() -> DealError:
    """The one refusal for a pickup branch that is not one of the deal's shop's
    active branches (named by id in the API, or passed by a caller)."""
    return DealError(
        "invalid_pickup_branch",
        _("Choose one of this shop's branches for pickup."),
        fields={"pickup_branch": [_("Not a branch of this shop.")]},
    )


def branch_closed_refusal(branch) -> DealError:
    """A pickup branch of the shop that has closed (before the join, or while
    it was being made): choose another."""
    message = _(
        "The branch “%(branch)s” has closed: choose another branch for pickup."
    ) % {"branch": branch.display_name}
    return DealError(
        "branch_closed",
        message,
        status=409,
        fields={"pickup_branch": [_("This branch has closed.")]},
    )
