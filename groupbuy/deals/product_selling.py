"""What a shop's owners hear when an operator stops selling a product their
open group buys sell, or sells it again (``product_selling_changed`` in
``groupbuy_app.py``, called by ``catalog.services.product_selling_stop`` and
``product_selling_resume`` in their transaction, once per change).

A stopped product's open group buys take no new joins (``join_guards``); until
2026-12-07 the shops running them learnt it only from a buyer's refusal. Each
shop with an open or scheduled group buy of the product is told once, however
many of them it runs: each of its owners (not its cashiers), in their own
language, by inbox plus e-mail or push if they chose them, never SMS, and not
an owner whose account is switched off (``notify_shop_owners``, which the deal's
own notifications to owners use too). Delivered after the change commits, not
at all if it rolls back.
"""

from __future__ import annotations

from collections import defaultdict

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from groupbuy.catalog.selectors import product_name_lazy
from groupbuy.core.i18n import interpolate_lazy
from groupbuy.deals.links import console_deal_page_url
from groupbuy.deals.models import Deal
from groupbuy.deals.shop_notifications import notify_shop_owners

PRODUCT_STOPPED = "deals.shop.product_stopped"
PRODUCT_RESUMED = "deals.shop.product_resumed"


def tell_shops_product_selling_changed(product, *, is_active: bool) -> int:
    """Tell the owners of each shop with an open group buy of ``product`` that
    it is no longer sold, so those take no new joins (``is_active`` False), or
    that it is sold again; return how many notifications were queued."""
    deals_by_merchant = defaultdict(list)
    open_deals = Deal.objects.filter(product=product, state=Deal.State.OPEN)
    for deal in open_deals.select_related("merchant").order_by("deadline_at", "id"):
        deals_by_merchant[deal.merchant_id].append(deal)
    kind = PRODUCT_RESUMED if is_active else PRODUCT_STOPPED
    sent = 0
    for merchant_id, deals in sorted(deals_by_merchant.items()):
        title, body = _wording(product, deals=len(deals), is_active=is_active)
        sent += notify_shop_owners(
            merchant_id,
            kind=kind,
            title=title,
            body=body,
            url=_console_url(deals),
            data={
                "product_id": product.public_id,
                "merchant_id": deals[0].merchant.public_id,
                "deal_ids": [deal.public_id for deal in deals],
            },
            # No key: the catalog calls this once per change (under the
            # product's lock), and a stop, a resume and a second stop must
            # each be told, which a key per product and shop would swallow.
            key=None,
        )
    return sent


def _wording(product, *, deals: int, is_active: bool):
    name = {"product": product_name_lazy(product), "count": deals}
    if is_active:
        title = _("“%(product)s” is sold again")
        body = ngettext_lazy(
            "The platform sells “%(product)s” again: your open group buy of it "
            "takes joins again.",
            "The platform sells “%(product)s” again: your %(count)d open group "
            "buys of it take joins again.",
            deals,
        )
    else:
        title = _("“%(product)s” is no longer sold")
        body = ngettext_lazy(
            "The platform stopped selling “%(product)s”, so your open group buy "
            "of it takes no new joins. Its orders stay, and it closes at its "
            "deadline as usual.",
            "The platform stopped selling “%(product)s”, so your %(count)d open "
            "group buys of it take no new joins. Their orders stay, and each "
            "closes at its deadline as usual.",
            deals,
        )
    return interpolate_lazy(title, name), interpolate_lazy(body, name)


def _console_url(deals: list[Deal]) -> str:
    """The one deal's page in the console, or the shop's list of deals."""
    if len(deals) == 1:
        return console_deal_page_url(deals[0])
    merchant_id = deals[0].merchant.public_id
    try:
        return reverse("web:merchant_deals", kwargs={"merchant_id": merchant_id})
    except NoReverseMatch:
        return f"/merchant/{merchant_id}/deals/"
