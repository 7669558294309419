"""A person applies to open a shop; an operator approves or declines it.

Approving makes the shop the way the operator's New merchant form does
(``catalog.services.merchant_create`` with the applicant as owner, refused
while an active merchant has the name, as ``ops.onboarding`` refuses it), then
its first branch (``catalog.services.branch_create``), in one transaction; the
applicant is told after it commits. An application an operator cannot approve
(the name is taken) stays pending.

The applicant's side (apply, withdraw) is in ``applying``, the operator's
(read, approve, decline) in ``deciding``, what an application's fields may hold
in ``fields`` and what people are told in ``notifications``. Import from here.
"""

from groupbuy.ops.shop_applications.applying import (
    shop_application_sent_with,
    shop_application_submit,
    shop_application_withdraw,
)
from groupbuy.ops.shop_applications.deciding import (
    shop_application_approve,
    shop_application_decline,
    shop_application_view_for_operator,
)
from groupbuy.ops.shop_applications.fields import (
    ADDRESS_MAX_CHARS,
    NAME_MAX_CHARS,
    NOTE_MAX_CHARS,
    REASON_MAX_CHARS,
    SELLS_MAX_CHARS,
)
from groupbuy.ops.shop_applications.notifications import (
    APPROVED_KIND,
    DECLINED_KIND,
    SUBMITTED_KIND,
)

__all__ = [
    "ADDRESS_MAX_CHARS",
    "APPROVED_KIND",
    "DECLINED_KIND",
    "NAME_MAX_CHARS",
    "NOTE_MAX_CHARS",
    "REASON_MAX_CHARS",
    "SELLS_MAX_CHARS",
    "SUBMITTED_KIND",
    "shop_application_approve",
    "shop_application_decline",
    "shop_application_sent_with",
    "shop_application_submit",
    "shop_application_view_for_operator",
    "shop_application_withdraw",
]
