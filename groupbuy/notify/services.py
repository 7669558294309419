"""Notifications: written in the business transaction, delivered after commit.

This is the contract other apps call; the notify app fills in delivery.
"""

from __future__ import annotations

from collections.abc import Sequence


def notification_enqueue(
    *,
    recipient,
    kind: str,
    title: str,
    body: str,
    url: str = "",
    data: dict | None = None,
    channels: Sequence[str] | None = None,
    idempotency_key: str | None = None,
):
    """Queue a notification for ``recipient`` inside the caller's transaction.

    ``kind`` is dotted (``deals.deal.succeeded``); ``channels`` defaults to the
    in-app inbox plus the recipient's preferred channel (SMS or email). With an
    ``idempotency_key`` a second call with the same key adds nothing and returns
    None, so retried jobs notify exactly once.
    """
    raise NotImplementedError("filled in by the notify app")
