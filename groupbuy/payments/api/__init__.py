"""Payouts API: a merchant's payouts and daily schedule; operators approve payouts
and read the platform's fee income (``escrow.platform_fees``); a payer starts
paying with a provider (``paying``).

The same services as the payout pages (``payments.payouts``): a merchant's
owners (or an operator) read its payouts and set the schedule, and only
operators approve one. The shop's money is its owners': its cashiers are
refused 403 forbidden, as on every owners-only endpoint; someone else's
merchant answers 404, as the pages do; the operator endpoints answer anyone
else 403, as every operator endpoint does.

A router per subject, mounted in the order the paths were written before
``api.py`` became this package (see ``coupons.api``); their operations keep the
ids they had (``core.api_packages``).
"""

from ninja import Router

from groupbuy.core.api_packages import operation_ids_kept
from groupbuy.payments.api import fees, merchants, operator, paying

router = Router(tags=["payouts"])
for subject in (merchants, operator, fees, paying):
    router.add_router("", operation_ids_kept(subject.router, module=__name__))
