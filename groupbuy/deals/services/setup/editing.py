"""Changing a draft deal's terms."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict
from groupbuy.deals.errors import DealError
from groupbuy.deals.models import Deal
from groupbuy.deals.services.common import (
    State,
    check_can_manage,
    lock_deal,
)
from groupbuy.deals.services.setup.creating import replace_tiers
from groupbuy.deals.services.setup.validation import fields_of, raise_if_invalid

EDITABLE_FIELDS = (
    "product",
    "title",
    "description",
    "list_price_fen",
    "tiers",
    "stock",
    "starts_at",
    "deadline_at",
    "max_quantity_per_order",
    "settlement_mode",
)


def deal_update(*, actor, deal: Deal, **changes) -> Deal:
    """Change a draft deal; ``changes`` are any of ``EDITABLE_FIELDS``."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"deal_update() cannot change {sorted(unknown)}")
    check_can_manage(actor=actor, merchant=deal.merchant)
    _check_settlement_mode(changes.get("settlement_mode", deal.settlement_mode))
    with transaction.atomic():
        deal = lock_deal(deal)
        if deal.state != State.DRAFT:
            raise Conflict("not_draft", _("Only a draft deal can be edited."))
        raise_if_invalid({**fields_of(deal), **changes})
        for name, value in changes.items():
            if name != "tiers":
                setattr(deal, name, value.strip() if isinstance(value, str) else value)
        deal.save(update_fields=[*(set(changes) - {"tiers"}), "updated_at"])
        if "tiers" in changes:
            replace_tiers(deal, changes["tiers"])
        audit_log(
            actor=actor, action="deals.deal.updated", obj=deal, data=_loggable(changes)
        )
    return deal


def _check_settlement_mode(mode: str) -> None:
    if mode not in Deal.SettlementMode.values:
        raise DealError(
            "invalid",
            _("Not a settlement mode."),
            fields={"settlement_mode": [_("Not a settlement mode.")]},
        )


def _loggable(changes: dict) -> dict:
    return {
        name: (
            value.public_id
            if hasattr(value, "public_id")
            else value.isoformat()
            if isinstance(value, datetime)
            else value
        )
        for name, value in changes.items()
    }
