"""Operators switch a misbehaving shop off, and on again.

A shop switched off opens no new group buys (``deals.services.setup``) and its
open ones take no new joins (``deals.join_guards``); the orders already made
stay, for the operator to settle or refund. Its owners read the operator's
reason in their inbox. Switching a shop to the state it is already in changes
nothing and tells nobody again (the form sent twice).
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.models import Merchant
from groupbuy.catalog.selectors import merchant_name_lazy
from groupbuy.catalog.services import merchant_active_set
from groupbuy.core.audit import audit_log
from groupbuy.notify.services import notification_enqueue
from groupbuy.ops.errors import OpsError

SWITCHED_OFF_KIND = "ops.merchant.switched_off"
SWITCHED_ON_KIND = "ops.merchant.switched_on"
REASON_MAX_LENGTH = 200


def _require_operator(user) -> None:
    if not getattr(user, "is_staff", False):
        raise OpsError(
            "forbidden",
            gettext("Only operators can switch a shop off or on."),
            status=403,
        )


def _clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        message = gettext("Say why the shop is switched off: its owners read it.")
    elif len(reason) > REASON_MAX_LENGTH:
        message = gettext("Keep the reason to at most %(n)s characters.") % {
            "n": REASON_MAX_LENGTH
        }
    else:
        return reason
    raise OpsError("invalid", message, fields={"reason": [message]})


def _lock_merchant(merchant_id: str) -> Merchant:
    merchant = Merchant.objects.select_for_update().filter(public_id=merchant_id)
    found = merchant.first()
    if found is None:
        raise OpsError("not_found", gettext("There is no such shop."), status=404)
    return found


def _tell_owners(merchant: Merchant, *, kind: str, title, body) -> None:
    owners = MerchantMembership.objects.filter(
        merchant=merchant,
        role=MerchantMembership.Role.OWNER,
        user__is_active=True,
    ).select_related("user")
    for membership in owners.order_by("pk"):
        notification_enqueue(
            recipient=membership.user,
            kind=kind,
            title=title,
            body=body,
            url=reverse("web:merchant_dashboard", args=[merchant.public_id]),
        )


def merchant_switch_off(*, actor, merchant_id: str, reason: str) -> Merchant:
    """Switch the shop ``merchant_id`` off for ``reason`` (operators only)."""
    _require_operator(actor)
    reason = _clean_reason(reason)
    with transaction.atomic():
        merchant = _lock_merchant(merchant_id)
        if not merchant.is_active:
            return merchant
        merchant_active_set(actor=actor, merchant=merchant, is_active=False)
        audit_log(
            actor=actor,
            action="ops.merchant.switched_off",
            obj=merchant,
            data={"reason": reason},
        )
        _tell_owners(
            merchant,
            kind=SWITCHED_OFF_KIND,
            title=gettext_lazy("Your shop is switched off"),
            body=format_lazy(
                gettext_lazy(
                    "The platform switched {merchant} off: “{reason}”. Its group "
                    "buys take no new joins; orders already made stay."
                ),
                merchant=merchant_name_lazy(merchant),
                reason=reason,
            ),
        )
    return merchant


def merchant_switch_on(
    *, actor, merchant_id: str, allow_same_name: bool = False
) -> Merchant:
    """Switch the shop ``merchant_id`` on again (operators only). A name another
    active shop took while it was off is refused (409 ``merchant_exists``)
    unless ``allow_same_name``, as a rename to it is."""
    _require_operator(actor)
    with transaction.atomic():
        merchant = _lock_merchant(merchant_id)
        if merchant.is_active:
            return merchant
        merchant_active_set(
            actor=actor,
            merchant=merchant,
            is_active=True,
            allow_same_name=allow_same_name,
        )
        audit_log(actor=actor, action="ops.merchant.switched_on", obj=merchant)
        _tell_owners(
            merchant,
            kind=SWITCHED_ON_KIND,
            title=gettext_lazy("Your shop is switched on again"),
            body=format_lazy(
                gettext_lazy("{merchant} may open group buys and take joins again."),
                merchant=merchant_name_lazy(merchant),
            ),
        )
    return merchant
