"""Reads of the payments app: payouts for operators and for a merchant's staff."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from groupbuy.catalog.models import Merchant
from groupbuy.catalog.permissions import is_merchant_staff, is_operator
from groupbuy.core.errors import NotFound
from groupbuy.payments.models import Payout, StatementDifference


def payouts_for_operator(*, user) -> QuerySet[Payout]:
    if not is_operator(user):
        raise NotFound("not_found", _("There is no such page."))
    return Payout.objects.select_related("merchant")[:200]


def differences_for_operator(*, user) -> QuerySet[StatementDifference]:
    if not is_operator(user):
        raise NotFound("not_found", _("There is no such page."))
    return StatementDifference.objects.order_by("-day", "provider", "pk")[:200]


def merchant_get_for_payouts(*, user, merchant_id: str) -> Merchant:
    """Return the merchant if ``user`` works for it (or is an operator), else 404."""
    merchant = Merchant.objects.filter(public_id=merchant_id).first()
    if merchant is None or not (is_merchant_staff(user, merchant) or is_operator(user)):
        raise NotFound("not_found", _("There is no such merchant."))
    return merchant


def payouts_for_merchant(*, merchant) -> QuerySet[Payout]:
    return Payout.objects.filter(merchant=merchant)[:200]
