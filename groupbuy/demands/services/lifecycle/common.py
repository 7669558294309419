"""What the steps of a demand's life share: locking it, and the checks they repeat."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.errors import Conflict, Forbidden
from groupbuy.demands import rules
from groupbuy.demands.models import Demand, Participation

State = Demand.State
Status = Participation.Status


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
