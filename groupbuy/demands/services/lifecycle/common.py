"""What the steps of a demand's life share: locking it, and the checks they repeat."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.errors import Conflict, Forbidden
from groupbuy.demands import rules
from groupbuy.demands.errors import DemandError
from groupbuy.demands.models import Demand, Participation

State = Demand.State
Status = Participation.Status

# An operator's reason for cancelling a demand or withdrawing an offer, told
# to the people affected and kept in the audit log.
PLATFORM_REASON_CHARS = 500


def lock_demand(demand: Demand) -> Demand:
    return Demand.objects.select_for_update().get(pk=demand.pk)


def check_initiator(actor, demand: Demand) -> None:
    if demand.initiator_id != getattr(actor, "pk", None):
        raise Forbidden("forbidden", _("Only the buyer who started this can do that."))


def check_open_until_deadline(demand: Demand) -> None:
    if not demand.is_open:
        raise Conflict("demand_closed", _("This demand is closed."))
    now = timezone.now()
    if now >= demand.deadline_at:
        raise rules.deadline_passed_error(deadline_at=demand.deadline_at, now=now)


def check_platform_operator(actor) -> None:
    if not getattr(actor, "is_staff", False):
        raise Forbidden("forbidden", _("Only platform operators can do this."))


def platform_reason(reason: str) -> str:
    """Return an operator's reason, spaces collapsed, or refuse it (required,
    at most ``PLATFORM_REASON_CHARS``)."""
    reason = " ".join((reason or "").replace("\x00", "").split())
    if not reason:
        message = _("Say why: the people affected are told.")
    elif len(reason) > PLATFORM_REASON_CHARS:
        message = _("Say it in %(count)d characters or fewer.") % {
            "count": PLATFORM_REASON_CHARS
        }
    else:
        return reason
    raise DemandError("invalid", message, fields={"reason": [message]})
