"""Recover payments whose callback never came (a crash, a lost job, a network cut).

``payments_reconcile`` asks each submitted intent's provider for its status
(``query_intent``) once the callback is overdue, and applies a final answer
through ``payment_event_apply``, the very path a callback takes: the event id is
the provider's, so a callback that still arrives later is a duplicate.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from groupbuy.escrow.callbacks import payment_event_apply
from groupbuy.escrow.models import PaymentIntent
from groupbuy.escrow.providers import get_provider

logger = logging.getLogger(__name__)
Status = PaymentIntent.Status


def callbacks_overdue_after() -> timedelta:
    seconds = getattr(settings, "GROUPBUY_RECONCILE_AFTER_SECONDS", 60)
    return timedelta(seconds=seconds)


def payments_reconcile(*, now=None, limit: int = 500) -> dict[str, str]:
    """Query providers for submitted intents with no answer; return what each got.

    Cancelled intents are asked too: money a payer sent before their order was
    given up on is captured and refunded, never lost.
    """
    now = now or timezone.now()
    overdue = PaymentIntent.objects.filter(
        status__in=[Status.REQUIRES_PAYMENT, Status.CANCELLED],
        submitted_at__isnull=False,
        submitted_at__lte=now - callbacks_overdue_after(),
        provider_events__isnull=True,
    ).order_by("submitted_at", "pk")[:limit]
    outcomes = {}
    for intent in list(overdue):
        try:
            event = get_provider(intent.provider).query_intent(intent)
        except Exception:
            logger.exception("reconcile: %s could not be queried", intent.public_id)
            continue
        if event is None:
            outcomes[intent.public_id] = "no_answer"
            continue
        outcomes[intent.public_id] = payment_event_apply(
            provider_name=intent.provider, event=event
        )
    return outcomes
