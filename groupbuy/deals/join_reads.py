"""The join's read: the deal with what the join checks, in as few statements
as a join can have (the hottest request: ``benchmarks/join_throughput.py``)."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from groupbuy.catalog.models import Branch
from groupbuy.core.compiled import CompiledSelect
from groupbuy.core.errors import NotFound
from groupbuy.deals.join_guards import join_guard_annotations
from groupbuy.deals.join_hooks import join_annotation_names
from groupbuy.deals.models import Deal, DealTier
from groupbuy.deals.selectors import is_merchant_staff

State = Deal.State


def _deal_for_join(shape, *, deal_id: str, user_id: int):
    signed_in, _annotation_names = shape
    branches = (
        Branch.objects.filter(merchant_id=OuterRef("merchant_id"), is_active=True)
        .order_by()
        .values("merchant_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # Not ``_with_details``: a join needs neither the participants count (a
    # count over the deal's orders, which grows with a hot deal) nor the
    # product's category; it reads ``buyers`` and ``sold`` from the row.
    return (
        Deal.objects.filter(public_id=deal_id)
        .select_related("merchant", "product")
        .annotate(
            active_branch_count=Coalesce(Subquery(branches), Value(0)),
            **join_guard_annotations(user_id=user_id if signed_in else None),
        )
    )


# A join's two reads, built by the ORM once per process and database (a
# join is the hottest request: building them each time cost more CPU than
# running them; see groupbuy.core.compiled). Pinned to the querysets above by
# deals/tests/test_join_compiled.py.
_DEAL_FOR_JOIN = CompiledSelect(_deal_for_join, deal_id=str, user_id=int)
_TIERS_FOR_JOIN = CompiledSelect(
    lambda *, deal_id: DealTier.objects.filter(deal_id=deal_id).order_by(
        "min_participants"
    ),
    deal_id=int,
)


def _attach_tiers(deal: Deal, tiers: list[DealTier]) -> None:
    """Set ``deal.tiers.all()`` as ``prefetch_related("tiers")`` would."""
    for tier in tiers:
        DealTier.deal.field.set_cached_value(tier, deal)
    prefetched = deal.tiers.all()
    prefetched._result_cache, prefetched._prefetch_done = tiers, True
    cache_name = DealTier.deal.field.remote_field.cache_name
    deal._prefetched_objects_cache = {cache_name: prefetched}


def deal_get_for_join(*, user, deal_id: str) -> Deal:
    """``deal_get_for_user`` that also counts the merchant's active branches
    (``active_branch_count``) and answers the join guards' questions (is ``user``
    the merchant's staff? is the deal sold in teams?) in the same query, so a
    join needs no extra read for them; the tiers come ordered by
    ``min_participants`` with it."""
    if getattr(user, "is_authenticated", False):
        deal = _DEAL_FOR_JOIN.first(
            shape=(True, join_annotation_names()), deal_id=deal_id, user_id=user.pk
        )
    else:  # not a join's path (it needs a signed-in shopper): the ORM's
        deal = _deal_for_join((False, ()), deal_id=deal_id, user_id=None).first()
    if deal is not None:
        deal.join_guards_for = getattr(user, "pk", None)
    if deal is None or (
        deal.state == State.DRAFT
        and not is_merchant_staff(user=user, merchant_id=deal.merchant_id)
    ):
        raise NotFound("not_found", _("There is no such group buy."))
    _attach_tiers(deal, _TIERS_FOR_JOIN.all(deal_id=deal.pk))
    return deal
