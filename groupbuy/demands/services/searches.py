"""Merchants' saved searches (run against each newly published demand)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from groupbuy.accounts.selectors import user_membership_for
from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Forbidden
from groupbuy.demands import search
from groupbuy.demands.errors import DemandError
from groupbuy.demands.models import SavedSearch

MAX_SAVED_PER_MERCHANT = 50


def check_merchant_staff(*, actor, merchant) -> None:
    if user_membership_for(user=actor, merchant_id=merchant.pk) is None:
        raise Forbidden("forbidden", _("Only this merchant's staff can do this."))


def saved_search_create(*, actor, merchant, query: str, category=None) -> SavedSearch:
    check_merchant_staff(actor=actor, merchant=merchant)
    query = (query or "").strip()
    if not search.query_tokens(query):
        message = _("Give at least one word to look for.")
        raise DemandError("invalid_query", message, fields={"q": [message]})
    if merchant.demand_searches.count() >= MAX_SAVED_PER_MERCHANT:
        raise DemandError("too_many", _("Delete a saved search first."))
    with transaction.atomic():
        saved = SavedSearch.objects.create(
            merchant=merchant, created_by=actor, query=query, category=category
        )
        audit_log(actor=actor, action="demands.search.saved", obj=saved)
    return saved


def saved_search_delete(*, actor, saved: SavedSearch) -> None:
    check_merchant_staff(actor=actor, merchant=saved.merchant)
    with transaction.atomic():
        audit_log(actor=actor, action="demands.search.deleted", obj=saved)
        saved.delete()
