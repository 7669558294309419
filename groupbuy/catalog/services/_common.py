"""Helpers shared by the catalog services: the "leave unchanged" marker and
input cleaning that turns bad values into CatalogError with a field name."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from groupbuy.catalog.errors import CatalogError
from groupbuy.core.audit import audit_log


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


# Default of every optional argument of an ``*_update`` service: the field keeps
# its value. ``None`` cannot mean that, because clearing a field is a real change.
UNSET: Any = _Unset()


def is_set(value: Any) -> bool:
    return value is not UNSET


def invalid(field: str, message: str, *, code: str = "invalid") -> CatalogError:
    return CatalogError(code, message, fields={field: [message]})


def clean_text(
    value: str | None, *, field: str, label: str, max_length: int, required: bool
) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise invalid(field, _("Enter the %(label)s.") % {"label": label})
    if len(text) > max_length:
        raise invalid(
            field,
            _("The %(label)s may have at most %(max)d characters.")
            % {"label": label, "max": max_length},
        )
    return text


def apply_changes(obj, changes: dict[str, Any]) -> list[str]:
    """Set the changed attributes on ``obj``; return the names that changed."""
    changed = []
    for name, value in changes.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def save_changes(obj, changes: dict[str, Any], *, actor, action: str) -> list[str]:
    """Apply ``changes``, save and audit them as ``action`` if any; return them."""
    with transaction.atomic():
        changed = apply_changes(obj, changes)
        if changed:
            obj.save(update_fields=changed)
            audit_log(actor=actor, action=action, obj=obj, data={"changed": changed})
    return changed
