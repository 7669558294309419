from __future__ import annotations

from typing import Any

from django.db import models

from groupbuy.core.compiled import insert
from groupbuy.core.models import AuditEntry


def audit_log(
    *, actor, action: str, obj: models.Model, data: dict[str, Any] | None = None
) -> AuditEntry:
    """Record a state change; call inside the service's transaction."""
    # objects.create(), with the INSERT compiled once: every write logs one.
    return insert(
        AuditEntry(
            actor=actor if getattr(actor, "pk", None) else None,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(getattr(obj, "public_id", None) or obj.pk),
            data=data or {},
        )
    )


def audit_log_many(*, actor, entries: list[tuple[str, models.Model, dict]]) -> None:
    """Record many state changes of one batch with one insert: (action, obj, data)."""
    actor = actor if getattr(actor, "pk", None) else None
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=actor,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(getattr(obj, "public_id", None) or obj.pk),
            data=data or {},
        )
        for action, obj, data in entries
    )
