"""Jobs of the escrow app: sandbox callbacks, reconciliation, refund retries."""

from __future__ import annotations

import logging

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from groupbuy.core.errors import DomainError
from groupbuy.escrow.providers import sandbox

logger = logging.getLogger(__name__)


def sandbox_callbacks_send(
    payload: dict, *, delay_seconds: float = 0, copies: int = 1
) -> None:
    """Queue the sandbox's callback for ``payload``, late and/or repeated."""
    for _copy in range(max(1, copies)):
        if delay_seconds and delay_seconds > 0:
            sandbox_callback_deliver.schedule(args=(payload,), delay=delay_seconds)
        else:
            sandbox_callback_deliver(payload)


@db_task(retries=8, retry_delay=3)
def sandbox_callback_deliver(payload: dict) -> str:
    """Sign ``payload`` and deliver it to the platform's callback endpoint.

    With ``GROUPBUY_SANDBOX_CALLBACK_URL`` set (e.g. the public
    ``…/api/escrow/callbacks/sandbox``) it is a real HTTP POST, retried while
    the server is unreachable or answers 5xx. Without it (the default, so the
    embedded server works on any port) the very same signed bytes go straight
    to the handler behind that endpoint.
    """
    body, headers = sandbox.encode_event(payload)
    url = getattr(settings, "GROUPBUY_SANDBOX_CALLBACK_URL", "")
    if url:
        # httpx costs ~0.1 s of CPU to import; only this path (off by default) uses it.
        import httpx

        response = httpx.post(url, content=body, headers=headers, timeout=10)
        if response.status_code >= 500:
            response.raise_for_status()
        return str(response.status_code)
    from groupbuy.escrow.callbacks import payment_callback_receive

    try:
        return payment_callback_receive(
            provider_name="sandbox", body=body, headers=headers
        )
    except DomainError as refusal:
        # A 4xx answer: the gateway would log it and stop retrying.
        logger.warning("sandbox callback %s refused: %s", payload["id"], refusal)
        return refusal.code


@db_periodic_task(crontab(minute="*"))
def payments_reconcile_task() -> dict:
    """Every minute: ask providers about payments whose callback is overdue."""
    from groupbuy.escrow.reconcile import payments_reconcile

    return payments_reconcile()


@db_periodic_task(crontab(minute="*"))
def refunds_retry_task() -> int:
    """Every minute: send again refunds the provider has not confirmed."""
    from groupbuy.escrow.refunds import refunds_retry_due

    return refunds_retry_due()


@db_periodic_task(crontab(minute="*"))
def ledger_kind_totals_refresh() -> dict:
    """Every minute: the operator dashboard's money totals (a whole-table sum)."""
    from groupbuy.escrow.ledger import kind_totals_refresh

    return kind_totals_refresh()
