"""The ledger and notification kinds and the audit actions the apps declare,
with their labels."""

from __future__ import annotations

from typing import Any

from django.apps import apps as django_apps

from groupbuy.core.plugins.registry import installed_apps


def ledger_kinds() -> dict[str, Any]:
    """Return every declared ledger transaction kind with its human label."""
    kinds: dict[str, Any] = {}
    for app in installed_apps():
        kinds.update(app.ledger_kinds)
    return kinds


def merchant_ledger_kinds() -> dict[str, Any]:
    """Return the labels a merchant reads for ledger kinds on its money page,
    where they differ from ``ledger_kinds``."""
    kinds: dict[str, Any] = {}
    for app in installed_apps():
        kinds.update(app.merchant_ledger_kinds)
    return kinds


def notification_kinds() -> dict[str, Any]:
    """Return every declared notification kind with its human label."""
    kinds: dict[str, Any] = {}
    for app in installed_apps():
        kinds.update(app.notification_kinds)
    return kinds


class NotificationAudience:
    """Who a kind of notification can reach, when not everyone."""

    EVERYONE = "everyone"
    MERCHANT_STAFF = "merchant_staff"
    OPERATOR = "operator"


def notification_audiences() -> dict[str, str]:
    """Return every declared notification kind with who it can reach."""
    audiences = dict.fromkeys(notification_kinds(), NotificationAudience.EVERYONE)
    for app in installed_apps():
        audiences.update(app.notification_audiences)
    return audiences


def audit_action_labels() -> dict[str, Any]:
    """Return every declared audit action with its human label."""
    labels: dict[str, Any] = {}
    for app in installed_apps():
        labels.update(app.audit_actions)
    return labels


def audit_action_groups() -> list[tuple[str, Any, dict[str, Any]]]:
    """Return each app that labels audit actions, as (its label, its human
    name, its labels), in INSTALLED_APPS order: the audit trail's choices."""
    return [
        (
            app.label,
            django_apps.get_app_config(app.label).verbose_name,
            dict(app.audit_actions),
        )
        for app in installed_apps()
        if app.audit_actions
    ]
