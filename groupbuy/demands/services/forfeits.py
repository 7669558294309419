"""Leaving after acceptance: the deposit goes by the rule shown before paying."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict
from groupbuy.deals.models import DealOrder
from groupbuy.deals.services.cancelling import deal_order_cancel
from groupbuy.deals.services.common import lock_deal
from groupbuy.demands.models import ForfeitRule, Participation
from groupbuy.escrow import ledger
from groupbuy.escrow.models import LedgerAccount
from groupbuy.escrow.services import escrow_forfeit_deposit


def _forfeit_account(*, rule: str, merchant):
    if rule == ForfeitRule.MERCHANT:
        return ledger.merchant_payable_account(merchant=merchant)
    return ledger.system_account(kind=LedgerAccount.Kind.PLATFORM_REVENUE)


def participation_forfeit(*, actor, participation: Participation) -> Participation:
    """Cancel the participant's order in the demand's deal; unless the rule is
    "refund", the deposit is kept first (to the merchant or the platform) and
    only the rest of what they paid is refunded."""
    demand = participation.demand
    deal = demand.deal
    order = DealOrder.objects.filter(deal=deal, shopper_id=actor.pk).first()
    if order is None or participation.status != Participation.Status.APPLIED:
        raise Conflict("not_participating", _("You have no order in this deal."))
    with transaction.atomic():
        lock_deal(deal)  # the deal before intents: deals' own lock order
        participation = Participation.objects.select_for_update().get(
            pk=participation.pk
        )
        if participation.status != Participation.Status.APPLIED:
            return participation
        kept = 0
        intent = participation.intent
        intent.refresh_from_db()
        if demand.forfeit_rule != ForfeitRule.REFUND and intent.remaining_held_fen:
            kept = intent.remaining_held_fen
            escrow_forfeit_deposit(
                actor=actor,
                intent=intent,
                amount_fen=kept,
                to_account=_forfeit_account(
                    rule=demand.forfeit_rule, merchant=deal.merchant
                ),
                rule=f"demands.withdrew_after_acceptance:{demand.forfeit_rule}",
                idempotency_key=f"demands.forfeit:{participation.public_id}",
            )
        deal_order_cancel(actor=actor, order=order)
        participation.status = Participation.Status.FORFEITED
        participation.save(update_fields=["status", "updated_at"])
        audit_log(
            actor=actor,
            action="demands.participation.forfeited",
            obj=participation,
            data={"rule": demand.forfeit_rule, "kept_fen": kept},
        )
    return participation
