"""The every-minute sweep: close what is due, settle what is closed."""

from __future__ import annotations

import logging

from django.db.models import F, Q
from django.utils import timezone

from groupbuy.deals.models import Deal
from groupbuy.deals.services.closing.close import deal_close
from groupbuy.deals.services.closing.settle import deal_settle
from groupbuy.deals.services.common import State

# Named for the package, as the module it came from was: log filters and
# alerts keyed on "groupbuy.deals.services.closing" keep matching.
logger = logging.getLogger(__package__)


def deals_close_due(*, now=None) -> list[str]:
    """Close every open deal that is due and settle every closed one.

    The every-minute sweep: catches deals whose scheduled close was lost and
    settlements that failed. One deal failing (logged) does not stop the rest.
    Returns the public ids of the deals it changed.
    """
    now = now or timezone.now()
    due = Deal.objects.filter(state=State.OPEN).filter(
        Q(deadline_at__lte=now) | Q(sold__gte=F("stock"))
    )
    changed = []
    for deal in list(due):
        closed = _logging_failure(deal_close, deal=deal, now=now)
        if closed is not None and closed.state != State.OPEN:
            changed.append(deal.public_id)
    for deal in list(Deal.objects.filter(state__in=[State.SUCCEEDED, State.FAILED])):
        if _logging_failure(deal_settle, deal=deal) is not None:
            changed.append(deal.public_id)
    return list(dict.fromkeys(changed))


def _logging_failure(service, **kwargs):
    try:
        return service(**kwargs)
    except Exception:
        logger.exception("%s failed for %s", service.__name__, kwargs["deal"])
        return None
