"""Every change to payment intents, refunds and held money.

Callers create an intent for a purpose, send the payer to ``intent_pay_url``,
and learn about the captured money through the handler they registered in
``groupbuy.escrow.handlers``. Provider callbacks are applied by
``groupbuy.escrow.callbacks``. Lock order, shared with the deals app: a payment
intent row before the purpose's rows (an order), and ledger accounts last.

Import from here; the modules are ``intents`` (create, pay, cancel, lock,
apply a provider's answer), ``refunding`` and ``settling`` (release at close,
settlement on redemption, forfeit).
"""

from groupbuy.escrow.services.intents import (
    SANDBOX_OUTCOMES,
    intent_event,
    intent_pay_url,
    intent_payer_url,
    payment_intent_apply,
    payment_intent_cancel,
    payment_intent_create,
    payment_intents_lock,
    positive_fen,
    push_intent_event,
    push_intent_on_commit,
    sandbox_payment_submit,
)
from groupbuy.escrow.services.refunding import (
    payment_refund,
    payment_refund_held,
    payment_refund_locked,
)
from groupbuy.escrow.services.settling import (
    escrow_forfeit_deposit,
    escrow_release,
    escrow_settle_redemption,
    platform_fee_expression,
    platform_fee_fen,
    repeat_or_conflict,
)

__all__ = [
    "SANDBOX_OUTCOMES",
    "escrow_forfeit_deposit",
    "escrow_release",
    "escrow_settle_redemption",
    "intent_event",
    "intent_pay_url",
    "intent_payer_url",
    "payment_intent_apply",
    "payment_intent_cancel",
    "payment_intent_create",
    "payment_intents_lock",
    "payment_refund",
    "payment_refund_held",
    "payment_refund_locked",
    "platform_fee_expression",
    "platform_fee_fen",
    "positive_fen",
    "push_intent_event",
    "push_intent_on_commit",
    "repeat_or_conflict",
    "sandbox_payment_submit",
]
