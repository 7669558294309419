"""Reads of demands, and getters that check who may see what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.selectors import user_memberships
from groupbuy.catalog.geo import haversine_m
from groupbuy.clock.services import epoch_ms
from groupbuy.core.errors import NotFound
from groupbuy.core.money import format_fen
from groupbuy.deals.leave_hooks import LeaveTerms
from groupbuy.demands import rules, search
from groupbuy.demands.models import (
    Demand,
    DemandPhoto,
    ForfeitRule,
    Offer,
    Participation,
    SavedSearch,
)

SEARCH_LIMIT = 50


def _not_found() -> NotFound:
    return NotFound("not_found", _("There is no such demand."))


def demand_get_for_user(*, user, demand_id: str) -> Demand:
    """Return a demand ``user`` may see: drafts only to their initiator."""
    demand = (
        Demand.objects.select_related("initiator", "category", "deal")
        .filter(public_id=demand_id)
        .first()
    )
    if demand is None:
        raise _not_found()
    if demand.state == Demand.State.DRAFT and demand.initiator_id != getattr(
        user, "pk", None
    ):
        raise _not_found()
    return demand


def demand_photo_get_for_viewer(*, user, photo_id: str) -> DemandPhoto:
    """Return a photo shown to ``user`` on its demand's page (not hidden, of a
    demand they may see); 404 otherwise."""
    photo = (
        DemandPhoto.objects.select_related("demand", "demand__initiator")
        .filter(public_id=photo_id, hidden_at__isnull=True)
        .first()
    )
    if photo is None:
        raise NotFound("not_found", _("There is no such photo."))
    demand_get_for_user(user=user, demand_id=photo.demand.public_id)
    return photo


def offer_get(*, offer_id: str) -> Offer:
    offer = (
        Offer.objects.select_related("demand", "merchant", "product")
        .filter(public_id=offer_id)
        .first()
    )
    if offer is None:
        raise NotFound("not_found", _("There is no such offer."))
    return offer


def demands_published(*, now: datetime | None = None):
    now = now or timezone.now()
    return Demand.objects.filter(
        state=Demand.State.PUBLISHED, deadline_at__gt=now
    ).select_related("category")


def demands_of_user(*, user):
    """Return the demands ``user`` started or joined, in every state, newest first."""
    return (
        Demand.objects.filter(participations__shopper=user)
        .select_related("category", "deal", "accepted_offer")
        .distinct()
        .order_by("-created_at", "-pk")
    )


def demands_listed(demands, *, now=None):
    """Add what a listed demand shows besides its row: its photos and its units
    committed and taken (``committed_units``, ``units_still_wanted``), for a
    page of demands in a fixed number of queries."""
    now = now or timezone.now()

    def units(matching: Q):
        return Coalesce(
            Subquery(
                Participation.objects.filter(matching, demand=OuterRef("pk"))
                .order_by()
                .values("demand")
                .annotate(total=Sum("quantity"))
                .values("total")
            ),
            0,
        )

    return demands.annotate(
        listed_committed_units=units(_committed()),
        listed_taken_units=units(_committed() | _holding(now)),
    ).prefetch_related("photos")


def participation_of(*, demand: Demand, user) -> Participation | None:
    if not getattr(user, "pk", None):
        return None
    return (
        demand.participations.select_related("intent")
        .filter(shopper_id=user.pk)
        .first()
    )


def deposit_confirming(participation: Participation | None) -> bool:
    """Whether ``participation``'s deposit is paid and only its confirmation is
    on its way: the provider's page returns the shopper at once, the callback
    that holds the deposit follows (a job), so the page must not ask again."""
    awaiting = Participation.Status.AWAITING_DEPOSIT
    if participation is None or participation.status != awaiting:
        return False
    intent = participation.intent
    # one refunded whole (its units were taken before it arrived) is no longer
    # on its way
    return (
        intent is not None and intent.payer_has_paid and not intent.is_refunded_in_full
    )


def deposit_refused_fen(participation: Participation | None) -> int:
    """Return what came back of a deposit paid after the units its join held
    were taken (``deposits.deposit_captured`` refused it; escrow refunded it
    whole): the join still awaits its deposit. 0 otherwise."""
    awaiting = Participation.Status.AWAITING_DEPOSIT
    if participation is None or participation.status != awaiting:
        return 0
    intent = participation.intent
    if intent is None or not intent.is_refunded_in_full:
        return 0
    return intent.refunded_fen


def accepted_order_of(*, demand: Demand, user):
    """Return ``user``'s order in the deal made from the demand's accepted offer,
    if they have one."""
    from groupbuy.deals.models import DealOrder

    if demand.deal_id is None or not getattr(user, "pk", None):
        return None
    return (
        DealOrder.objects.select_related("deal", "deal__merchant", "payment_intent")
        .filter(deal_id=demand.deal_id, shopper_id=user.pk)
        .first()
    )


def participation_may_leave(
    *, demand: Demand, participation: Participation | None, order, now=None
) -> bool:
    """Whether leaving would be taken: before acceptance with a deposit paid or
    awaited (not the initiator, who cancels the demand instead); after it, for
    anyone with an order, only while the deal still lets the order go (open,
    before its deadline). Mirrors ``demand_withdraw`` to offer the button; the
    service decides."""
    Status = Participation.Status
    if participation is None:
        return False
    if demand.is_open:
        return not participation.is_initiator and participation.status in (
            Status.AWAITING_DEPOSIT,
            Status.ACTIVE,
        )
    if demand.state != Demand.State.ACCEPTED or order is None:
        return False
    deal = order.deal
    return (
        participation.status == Status.APPLIED
        and order.is_active
        and deal.state == deal.State.OPEN
        and (now or timezone.now()) < deal.deadline_at
    )


def order_leave_terms(order) -> LeaveTerms | None:
    """Return what cancelling ``order`` would cost its shopper under the
    demand's forfeit rule (deals' ``LeaveTerms``), None if it was not made from
    a place they still hold in a demand. What the order's cancel page says."""
    participation = (
        Participation.objects.select_related("demand", "intent")
        .filter(
            demand__deal_id=order.deal_id,
            shopper_id=order.shopper_id,
            status=Participation.Status.APPLIED,
        )
        .first()
    )
    if participation is None or participation.intent is None:
        return None
    demand = participation.demand
    held_fen = participation.intent.remaining_held_fen
    facts = {"title": demand.title, "deposit": format_fen(held_fen)}
    if demand.forfeit_rule == ForfeitRule.MERCHANT:
        message = _(
            "This order comes from the demand “%(title)s”. Cancelling it is "
            "leaving the demand after its offer was accepted: as the demand said "
            "before you paid, your deposit of %(deposit)s goes to the merchant."
        )
    elif demand.forfeit_rule == ForfeitRule.PLATFORM:
        message = _(
            "This order comes from the demand “%(title)s”. Cancelling it is "
            "leaving the demand after its offer was accepted: as the demand said "
            "before you paid, the platform keeps your deposit of %(deposit)s."
        )
    else:
        message = _(
            "This order comes from the demand “%(title)s”. Cancelling it is "
            "leaving the demand; your deposit of %(deposit)s is refunded."
        )
    kept_fen = rules.kept_on_leaving_fen(rule=demand.forfeit_rule, held_fen=held_fen)
    return LeaveTerms(kept_fen=kept_fen, message=message % facts)


# Units whose deposit is held (or applied to an order): what an offer must supply.
COMMITTED_STATUSES = (Participation.Status.ACTIVE, Participation.Status.APPLIED)


def committed_units(demand: Demand) -> int:
    listed = getattr(demand, "listed_committed_units", None)
    if listed is not None:  # counted with the list it is in (demands_listed)
        return listed
    return sum(
        demand.participations.filter(_committed()).values_list("quantity", flat=True)
    )


def _committed() -> Q:
    return Q(status__in=COMMITTED_STATUSES)


def _holding(now) -> Q:
    """A join whose deposit is not paid yet but still holds its units (see
    ``units_still_wanted``)."""
    from groupbuy.escrow.models import PaymentIntent

    window = timedelta(minutes=settings.GROUPBUY_PAYMENT_WINDOW_MINUTES)
    awaiting = Q(status=Participation.Status.AWAITING_DEPOSIT)
    return awaiting & (
        Q(updated_at__gte=now - window)
        | Q(
            intent__status=PaymentIntent.Status.REQUIRES_PAYMENT,
            intent__submitted_at__isnull=False,
        )
    )


def units_still_wanted(
    demand: Demand, *, now=None, excluding: Participation | None = None
) -> int:
    """Return how many units a join may still take: the units wanted less those
    committed, and those joined with the deposit not paid yet, for the payment
    window since the join (or its last payment attempt) or while a payment sent
    to the provider waits for its answer (never below 0). Past that an unpaid
    join holds nothing: otherwise joining for every unit left and never paying
    would close a demand to everyone else. It may still pay later if its units
    are still free (``excluding`` it: what the others leave), which paying
    checks (``services.lifecycle``, ``deposits.deposit_captured``)."""
    listed = getattr(demand, "listed_taken_units", None)
    if listed is not None and now is None and excluding is None:
        # counted with the list it is in (demands_listed)
        return max(0, demand.quantity_wanted - listed)
    now = now or timezone.now()
    taken = demand.participations.filter(_committed() | _holding(now))
    if excluding is not None:
        taken = taken.exclude(pk=excluding.pk)
    taken_units = taken.aggregate(taken=Sum("quantity"))["taken"]
    return max(0, demand.quantity_wanted - (taken_units or 0))


def offers_changed_ms(demand: Demand) -> int | None:
    """Return when the demand's offers last changed (sent, replaced, withdrawn,
    declined or accepted) as epoch ms, None before the first."""
    latest = demand.offers.aggregate(latest=Max("updated_at"))["latest"]
    return None if latest is None else epoch_ms(latest)


def offers_for_viewer(*, demand: Demand, user) -> list[Offer]:
    """Participants see every offer side by side; a merchant sees its own."""
    offers = demand.offers.select_related("merchant", "product").order_by(
        "unit_price_fen", "id"
    )
    if participation_of(demand=demand, user=user) is not None:
        return list(offers)
    merchant_ids = (
        [m.merchant_id for m in user_memberships(user=user)]
        if getattr(user, "pk", None)
        else []
    )
    return list(offers.filter(merchant_id__in=merchant_ids))


def merchants_offering_as(*, demand: Demand, user) -> list:
    """Return the shops ``user`` may make an offer for on ``demand`` as its
    owner (``offer_submit``'s rule): none on a demand that takes no offers."""
    if demand.state != Demand.State.PUBLISHED or not getattr(user, "pk", None):
        return []
    return [
        membership.merchant
        for membership in user_memberships(user=user)
        if membership.role == MerchantMembership.Role.OWNER
    ]


@dataclass(frozen=True)
class SearchFilters:
    category_id: int | None = None
    near: tuple[float, float] | None = None
    within_m: float | None = None
    min_quantity: int | None = None
    max_quantity: int | None = None
    deadline_before: datetime | None = None


def demand_search(*, query: str, filters: SearchFilters | None = None) -> list[Demand]:
    """Return open demands matching ``query`` best first (all, soonest deadline
    first, for an empty query), narrowed by ``filters``."""
    filters = filters or SearchFilters()
    tokens = search.query_tokens(query or "")
    candidates = demands_published()
    if filters.category_id:
        candidates = candidates.filter(
            Q(category_id=filters.category_id)
            | Q(category__parent_id=filters.category_id)
        )
    if filters.min_quantity:
        candidates = candidates.filter(quantity_wanted__gte=filters.min_quantity)
    if filters.max_quantity:
        candidates = candidates.filter(quantity_wanted__lte=filters.max_quantity)
    if filters.deadline_before:
        candidates = candidates.filter(deadline_at__lte=filters.deadline_before)
    if tokens:
        ranked = search.ranked_ids(tokens, limit=SEARCH_LIMIT * 4)
        by_id = {d.pk: d for d in candidates.filter(pk__in=ranked)}
        found = [by_id[pk] for pk in ranked if pk in by_id]
    else:
        found = list(candidates.order_by("deadline_at", "id")[: SEARCH_LIMIT * 4])
    if filters.near and filters.within_m:
        latitude, longitude = filters.near
        found = [
            d
            for d in found
            if d.latitude is not None
            and haversine_m(latitude, longitude, d.latitude, d.longitude)
            <= filters.within_m
        ]
    return found[:SEARCH_LIMIT]


def saved_searches_of(*, merchant):
    return SavedSearch.objects.filter(merchant=merchant).select_related("category")


def saved_searches_matching(*, demand: Demand) -> list[SavedSearch]:
    """Return the saved searches a newly published ``demand`` answers."""
    words = set(demand.search_text.split())
    matching = []
    for saved in SavedSearch.objects.select_related("created_by", "category"):
        if saved.category_id and saved.category_id not in (
            demand.category_id,
            getattr(demand.category, "parent_id", None),
        ):
            continue
        if search.words_match(search.segment(saved.query), words):
            matching.append(saved)
    return matching
