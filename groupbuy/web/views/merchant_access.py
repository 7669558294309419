"""What a person may do in one merchant's console, for views and templates.

Pages only hide what a role cannot use (so no link leads to a 403); the
services still decide.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from groupbuy.catalog import selectors as catalog
from groupbuy.catalog.permissions import is_merchant_owner
from groupbuy.deals.selectors import deal_get_for_user


def console_roles(user, merchant) -> dict:
    """Return the template flags for what ``user`` may change at ``merchant``."""
    return {"is_owner": is_merchant_owner(user, merchant)}


def merchant_deal(request: HttpRequest, merchant_id: str, deal_id: str):
    """Return (merchant, deal) for the merchant's staff; 404 for a deal of
    another merchant."""
    merchant = catalog.merchant_get_for_staff(user=request.user, public_id=merchant_id)
    deal = deal_get_for_user(user=request.user, deal_id=deal_id)
    if deal.merchant_id != merchant.pk:
        raise Http404(_("There is no such group buy."))
    return merchant, deal
