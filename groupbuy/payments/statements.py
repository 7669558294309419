"""Daily reconciliation: each provider's statement against the ledger.

For each enabled provider with a ``statement(day)`` (WeChat Pay's trade bill),
every payment line must match a captured intent of that provider with the same
amount, and every refund line a confirmed refund; every intent captured and
refund confirmed that day (China time, the providers' bill day) must be in the
statement. Differences are recorded once per line (``StatementDifference``),
audited and sent to operators' inboxes; nothing about money changes.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from groupbuy.core.audit import audit_log
from groupbuy.escrow.models import PaymentIntent, Refund
from groupbuy.escrow.providers import enabled_provider_names, get_provider
from groupbuy.escrow.providers.alipay import refund_request_number
from groupbuy.payments.models import StatementDifference

logger = logging.getLogger(__name__)
BILL_ZONE = ZoneInfo("Asia/Shanghai")
Kind = StatementDifference.Kind
CHUNK = 2_000


def _day_window(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=BILL_ZONE)
    return start, start + timedelta(days=1)


def _chunks(items: list[str]):
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _payment_differences(provider_name, day, lines) -> list[tuple]:
    billed = {line.out_trade_no: line for line in lines if line.kind == "payment"}
    ours: dict[str, int] = {}
    for chunk in _chunks(list(billed)):
        ours.update(
            PaymentIntent.objects.filter(
                provider=provider_name,
                public_id__in=chunk,
                status=PaymentIntent.Status.SUCCEEDED,
            ).values_list("public_id", "amount_fen")
        )
    differences = []
    for number, line in billed.items():
        if number not in ours:
            differences.append((Kind.MISSING_IN_LEDGER, number, None, line.amount_fen))
        elif ours[number] != line.amount_fen:
            differences.append(
                (Kind.AMOUNT_MISMATCH, number, ours[number], line.amount_fen)
            )
    start, end = _day_window(day)
    captured = PaymentIntent.objects.filter(
        provider=provider_name, succeeded_at__gte=start, succeeded_at__lt=end
    ).values_list("public_id", "amount_fen")
    differences += [
        (Kind.MISSING_AT_PROVIDER, number, amount, None)
        for number, amount in captured.iterator()
        if number not in billed
    ]
    return [("payment", *difference) for difference in differences]


def _refund_differences(provider_name, day, lines) -> list[tuple]:
    billed = {line.out_refund_no: line for line in lines if line.kind == "refund"}
    start, end = _day_window(day)
    refunds = Refund.objects.filter(
        intent__provider=provider_name, status=Refund.Status.SUCCEEDED
    )
    ours = {
        refund_request_number(key): amount
        for key, amount in refunds.filter(
            confirmed_at__gte=start - timedelta(days=7), confirmed_at__lt=end
        ).values_list("idempotency_key", "amount_fen")
    }  # a refund may settle days after we confirmed it (PROCESSING)
    differences = []
    for number, line in billed.items():
        if number not in ours:
            differences.append((Kind.MISSING_IN_LEDGER, number, None, line.amount_fen))
        elif ours[number] != line.amount_fen:
            differences.append(
                (Kind.AMOUNT_MISMATCH, number, ours[number], line.amount_fen)
            )
    confirmed_today = refunds.filter(confirmed_at__gte=start, confirmed_at__lt=end)
    for key, amount in confirmed_today.values_list("idempotency_key", "amount_fen"):
        if refund_request_number(key) not in billed:
            differences.append(
                (Kind.MISSING_AT_PROVIDER, refund_request_number(key), amount, None)
            )
    return [("refund", *difference) for difference in differences]


def statement_reconcile(*, provider_name: str, day: date, lines) -> list:
    """Compare ``lines`` with the ledger; record and report the differences."""
    found = _payment_differences(provider_name, day, lines)
    found += _refund_differences(provider_name, day, lines)
    with transaction.atomic():
        recorded = []
        for line_kind, kind, reference, ledger_fen, provider_fen in found:
            difference, is_new = StatementDifference.objects.get_or_create(
                provider=provider_name,
                day=day,
                line_kind=line_kind,
                reference=reference[:100],
                defaults={
                    "kind": kind,
                    "ledger_fen": ledger_fen,
                    "provider_fen": provider_fen,
                },
            )
            recorded.append(difference)
            if is_new:
                audit_log(
                    actor=None,
                    action="payments.statement.difference",
                    obj=difference,
                    data={"kind": kind, "ledger": ledger_fen, "provider": provider_fen},
                )
        if recorded:
            _tell_operators(provider_name=provider_name, day=day, count=len(recorded))
    if recorded:
        logger.error(
            "%s statement of %s: %s differences", provider_name, day, len(recorded)
        )
    return recorded


def _tell_operators(*, provider_name: str, day: date, count: int) -> None:
    from django.utils.text import format_lazy
    from django.utils.translation import gettext_lazy

    from groupbuy.notify.services import notification_enqueue

    for operator in get_user_model().objects.filter(is_staff=True, is_active=True):
        notification_enqueue(
            recipient=operator,
            kind="payments.statement.differences",
            title=format_lazy(
                gettext_lazy("{provider} {day}: {count} differences"),
                provider=provider_name,
                day=day,
                count=count,
            ),
            body=format_lazy(
                gettext_lazy(
                    "The {provider} statement of {day} and the ledger differ in "
                    "{count} lines. Nothing was changed; please check them."
                ),
                provider=provider_name,
                day=day,
                count=count,
            ),
            channels=["in_app"],
            idempotency_key=f"statement:{provider_name}:{day}:{operator.pk}",
        )


def statements_reconcile(*, day: date | None = None) -> dict[str, int]:
    """Reconcile yesterday's (China time) statement of every provider that has one."""
    day = day or (datetime.now(BILL_ZONE).date() - timedelta(days=1))
    results = {}
    for name in enabled_provider_names():
        provider = get_provider(name)
        if not hasattr(provider, "statement"):
            continue
        try:
            lines = provider.statement(day)
        except Exception:
            logger.exception("%s statement of %s could not be fetched", name, day)
            continue
        results[name] = len(
            statement_reconcile(provider_name=name, day=day, lines=lines)
        )
    return results
