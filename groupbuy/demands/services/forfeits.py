"""Leaving after acceptance: the deposit goes by the rule shown before paying.

Leaving is cancelling one's order in the deal made from the demand, however it
is asked for: "Leave" on the demand page (``demand_withdraw``) or "Cancel order"
on the order page (the deals app's ``deal_order_cancel``). Both go through
``deal_order_cancel``, which runs ``order_leaving`` (registered as a deals leave
hook) before it refunds anything: the rule is applied in that one place.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict
from groupbuy.deals.models import DealOrder
from groupbuy.deals.services.cancelling import deal_order_cancel
from groupbuy.demands import rules
from groupbuy.demands.models import Demand, ForfeitRule, Participation
from groupbuy.escrow import ledger
from groupbuy.escrow.models import LedgerAccount
from groupbuy.escrow.services import escrow_forfeit_deposit


def _forfeit_account(*, rule: str, merchant):
    if rule == ForfeitRule.MERCHANT:
        return ledger.merchant_payable_account(merchant=merchant)
    return ledger.system_account(kind=LedgerAccount.Kind.PLATFORM_REVENUE)


def _not_participating() -> Conflict:
    return Conflict("not_participating", _("You have no order in this deal."))


def participation_forfeit(*, actor, participation: Participation) -> Participation:
    """Cancel the participant's order in the demand's deal; unless the rule is
    "refund", the deposit is kept (to the merchant or the platform) and only the
    rest of what they paid is refunded (``order_leaving``)."""
    order = DealOrder.objects.filter(
        deal_id=participation.demand.deal_id, shopper_id=participation.shopper_id
    ).first()
    if (
        order is None
        or participation.status != Participation.Status.APPLIED
        or not order.is_active
    ):
        raise _not_participating()
    deal_order_cancel(actor=actor, order=order)
    participation.refresh_from_db()
    if participation.status != Participation.Status.FORFEITED:
        raise _not_participating()  # the order left meanwhile (a refund)
    return participation


def order_leaving(*, actor, deal, order) -> None:
    """Keep the deposit of a participant cancelling their order, by the rule.

    The deals app calls this (a leave hook) as ``order``'s shopper cancels it,
    holding the deal, the order's intents and the order; it refunds whatever
    is still held afterwards. An order not made from a demand participation is
    left alone."""
    demand = Demand.objects.filter(deal_id=deal.pk).first()
    if demand is None:
        return
    participation = (
        Participation.objects.select_for_update()
        .filter(demand=demand, shopper_id=order.shopper_id)
        .first()
    )
    if participation is None or participation.status != Participation.Status.APPLIED:
        return
    intent = participation.intent  # one of the order's intents, locked
    kept = rules.kept_on_leaving_fen(
        rule=demand.forfeit_rule, held_fen=intent.remaining_held_fen
    )
    if kept:
        to_account = _forfeit_account(rule=demand.forfeit_rule, merchant=deal.merchant)
        escrow_forfeit_deposit(
            actor=actor,
            intent=intent,
            amount_fen=kept,
            to_account=to_account,
            rule=f"demands.withdrew_after_acceptance:{demand.forfeit_rule}",
            idempotency_key=f"demands.forfeit:{participation.public_id}",
        )
    participation.status = Participation.Status.FORFEITED
    participation.save(update_fields=["status", "updated_at"])
    audit_log(
        actor=actor,
        action="demands.participation.forfeited",
        obj=participation,
        data={
            "rule": demand.forfeit_rule,
            "kept_fen": kept,
            "order": order.public_id,
        },
    )
