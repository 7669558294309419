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
