"""{% payout_account_to_choose merchant as to_choose %}: whether the merchant's
owners still have to say where its money is paid: it has no daily payout and
the platform has a way to pay merchants."""

from __future__ import annotations

from django import template

from groupbuy.payments.payouts import transfer_provider_names
from groupbuy.payments.selectors import merchant_has_payout_schedule

register = template.Library()


@register.simple_tag
def payout_account_to_choose(merchant) -> bool:
    # Without a way to pay merchants there is nothing the owners could choose:
    # the payouts page says to ask the operators.
    if not transfer_provider_names():
        return False
    return not merchant_has_payout_schedule(merchant=merchant)
