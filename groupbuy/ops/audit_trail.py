"""The operators' audit trail without the Django admin: every audit entry,
newest first, filtered by action, actor, object and days (page and API alike).

What a row shows is what support may read: the actor masked as on the other
operator lists, the data redacted (``core.redaction``), and the object's id
only where it is an opaque public id (an object without one is audited by its
database id, which no client sees).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from groupbuy.accounts.personal_data import is_erased
from groupbuy.accounts.phones import normalize_phone, person_label
from groupbuy.core.days import day_range_errors, days_window
from groupbuy.core.echo import echoed
from groupbuy.core.models import AuditEntry
from groupbuy.core.pagination import PageResult, paginate
from groupbuy.core.plugins import audit_action_labels
from groupbuy.core.redaction import redacted
from groupbuy.ops.errors import OpsError
from groupbuy.ops.lookup import require_operator

# The operator page of each kind of object an entry may name (by its public id).
OBJECT_PAGES = {
    "accounts.user": "web:operator_person",
    "deals.dealorder": "web:operator_order",
    "escrow.paymentintent": "web:operator_payment",
    "deals.deal": "web:operator_deal",
    "catalog.product": "web:operator_product",
    "catalog.merchant": "ops:operator_shop",
    "ops.shopapplication": "ops:operator_shop_application",
}
ACTION_PATTERN = re.compile(r"^[a-z0-9_.]{1,80}$")
PERSON_ID_PATTERN = re.compile(r"^usr_[0-9a-z]{1,40}$")


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""  # a dotted prefix: "deals." or "deals.order.joined"
    actions: tuple[str, ...] = ()  # exact codes (a choice on the page)
    actor: str = ""  # a phone number or a person's public id
    object_type: str = ""  # "deals.deal"
    object_id: str = ""  # the object's public id (needs object_type)
    date_from: date | None = None  # days in the display time zone
    date_to: date | None = None


def object_types() -> dict[str, Any]:
    """Return every kind of object an entry may name, with its human name."""
    return {
        model._meta.label_lower: model._meta.verbose_name
        for model in apps.get_models()
        if model.__module__.startswith("groupbuy.")
    }


def _has_public_id(object_type: str) -> bool:
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return False
    return any(field.name == "public_id" for field in model._meta.fields)


def _refused(field: str, message: str) -> OpsError:
    return OpsError("invalid", message, fields={field: [message]})


def _actor_condition(actor: str) -> dict:
    if PERSON_ID_PATTERN.match(actor):
        return {"actor__public_id": actor}
    try:
        return {"actor__phone": normalize_phone(actor)}
    except ValidationError:
        raise _refused(
            "actor",
            _(
                "Enter the actor as a phone number or a person's number "
                "(usr_…): “%(actor)s” is neither."
            )
            % {"actor": echoed(actor)},
        ) from None


def _object_condition(object_type: str, object_id: str) -> dict:
    if object_id and not object_type:
        raise _refused("object_type", _("Choose the kind of object the number is of."))
    if object_type and object_type not in object_types():
        raise _refused(
            "object_type",
            _("There is no kind of object “%(kind)s”.") % {"kind": echoed(object_type)},
        )
    if object_id and not _has_public_id(object_type):
        raise _refused("object_id", _("This kind of object has no number to look for."))
    condition = {"object_type": object_type} if object_type else {}
    if object_id:
        condition["object_id"] = object_id
    return condition


def _day_conditions(date_from: date | None, date_to: date | None) -> dict:
    if errors := day_range_errors(date_from=date_from, date_to=date_to):
        raise OpsError(
            "invalid",
            _("Choose the days again: one is outside the calendar."),
            fields=errors,
        )
    if date_from and date_to and date_from > date_to:
        raise _refused("date_to", _("The end date is before the start date."))
    condition = {}
    if date_from:
        condition["created_at__gte"] = days_window(date_from, date_from)[0]
    if date_to:
        condition["created_at__lt"] = days_window(date_to, date_to)[1]
    return condition


def audit_conditions(filters: AuditFilters) -> dict:
    """Return the filters as a query's conditions; raise OpsError ``invalid``
    (on its field, nothing read) for a value that cannot be one."""
    condition: dict = {}
    if action := filters.action.strip():
        if not ACTION_PATTERN.match(action):
            raise _refused(
                "action",
                _(
                    "Enter the start of an action's code: lower-case letters, "
                    "digits, “_” and dots, as “deals.order”."
                ),
            )
        condition["action__startswith"] = action
    if filters.actions:
        condition["action__in"] = list(filters.actions)
    if actor := filters.actor.strip():
        condition |= _actor_condition(actor)
    condition |= _object_condition(
        filters.object_type.strip(), filters.object_id.strip()
    )
    return condition | _day_conditions(filters.date_from, filters.date_to)


def audit_entries_for_operator(
    *,
    user,
    filters: AuditFilters,
    page: int = 1,
    page_size: int | None = None,
) -> PageResult:
    """Return a page of audit entries matching ``filters``, newest first, each
    with its actor (operators only; 403 before any filter is read)."""
    require_operator(user)
    entries = (
        AuditEntry.objects.filter(**audit_conditions(filters))
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
    return paginate(entries, page=page, page_size=page_size, deferred_join=True)


def _object_url(object_type: str, object_id: str | None) -> str:
    page = OBJECT_PAGES.get(object_type)
    return reverse(page, args=[object_id]) if page and object_id else ""


def audit_row(entry: AuditEntry, *, labels: dict, types: dict) -> dict:
    """Return what an operator reads of ``entry``: nothing secret, the actor
    masked, the object's id only when it is opaque."""
    actor = entry.actor
    object_id = entry.object_id if _has_public_id(entry.object_type) else None
    return {
        "created_at": entry.created_at,
        "actor_id": actor.public_id if actor else None,
        "actor": person_label(actor) if actor else "",
        "actor_is_erased": bool(actor and is_erased(actor)),
        "action": entry.action,
        "action_label": str(labels.get(entry.action, "")),
        "object_type": entry.object_type,
        "object_type_label": str(types.get(entry.object_type, entry.object_type)),
        "object_id": object_id,
        "object_url": _object_url(entry.object_type, object_id),
        "data": redacted(entry.data),
    }


def audit_rows(entries: list[AuditEntry]) -> list[dict]:
    labels, types = audit_action_labels(), object_types()
    return [audit_row(entry, labels=labels, types=types) for entry in entries]
