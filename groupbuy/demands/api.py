"""Demands API: drafts, deposits, joins, offers, acceptance, merchant search."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from groupbuy.accounts.auth import caller, optional_auth
from groupbuy.catalog.models import Branch, Category, Merchant, Product
from groupbuy.core.api_urls import absolute_url
from groupbuy.core.errors import id_in_request
from groupbuy.core.pagination import PageIn, page_payload, paginate
from groupbuy.demands import selectors, services
from groupbuy.demands.errors import DemandError
from groupbuy.demands.models import SavedSearch
from groupbuy.demands.schemas import (
    BuyerDemandPageOut,
    DemandDeadlineIn,
    DemandDetailOut,
    DemandIn,
    DemandJoinIn,
    DemandOfferIn,
    DemandOfferOut,
    DemandOfferPageOut,
    DemandOut,
    DemandParticipationOut,
    DemandPaymentOut,
    DemandPhotoOut,
    DemandSavedSearchIn,
    DemandSavedSearchOut,
    DemandSearchIn,
    demand_out,
    offer_out,
    participation_out,
    saved_search_out,
)
from groupbuy.demands.services.searches import check_merchant_staff
from groupbuy.escrow.services import intent_pay_url

router = Router(tags=["demands"])


def _by_public_id(model, public_id: str | None, *, field: str):
    if not public_id:
        return None
    found = model.objects.filter(public_id=public_id).first()
    if found is None:
        raise DemandError(
            "not_found", _("Not found."), status=404, fields={field: [_("Not found.")]}
        )
    return found


def _sent(model, public_id: str | None, *, field: str):
    """The object a body or a query names by id: one that names nothing is a
    400 on that field (it was a 404, as if the address were wrong)."""
    with id_in_request(field):
        return _by_public_id(model, public_id, field=field)


def _merchant(public_id: str | None):
    """Return the merchant named by ``merchant_id``, which these calls need."""
    merchant = _sent(Merchant, public_id, field="merchant_id")
    if merchant is None:
        message = _("Say which merchant you act for.")
        raise DemandError("invalid", message, fields={"merchant_id": [message]})
    return merchant


def _payment(request, participation, intent) -> dict:
    return {
        "participation_id": participation.public_id,
        "deposit_fen": participation.deposit_fen,
        "intent_id": intent.public_id,
        # Absolute, as a deal order's: a phone app has no page to resolve it on.
        "pay_url": absolute_url(request, intent_pay_url(intent)),
    }


@router.get("", response=BuyerDemandPageOut, auth=optional_auth)
def demand_list(request, paging: Query[PageIn]):
    """List the published demands still open, soonest deadline first (paged)."""
    result = paginate(
        selectors.demands_listed(selectors.demands_published()),
        page=paging.page,
        page_size=paging.page_size,
    )
    return page_payload(result, [demand_out(d) for d in result.items])


@router.post("", response={201: DemandOut})
def demand_create(request, payload: DemandIn):
    """Draft a demand; pay its deposit, then publish it."""
    data = payload.dict(exclude={"category_id"})
    category = _sent(Category, payload.category_id, field="category_id")
    demand = services.demand_create(actor=request.auth, category=category, **data)
    return Status(201, demand_out(demand))


# Declared before /{demand_id}, which would otherwise take "mine" for an id.
@router.get("/mine", response=BuyerDemandPageOut)
def demand_mine(request, paging: Query[PageIn]):
    """List the demands I started or joined, drafts and closed ones too, newest
    first (paged)."""
    result = paginate(
        selectors.demands_listed(selectors.demands_of_user(user=request.auth)),
        page=paging.page,
        page_size=paging.page_size,
    )
    return page_payload(result, [demand_out(d) for d in result.items])


@router.get("/{demand_id}", response=DemandDetailOut, auth=optional_auth)
def demand_detail(request, demand_id: str):
    """A published demand, or my own draft (with my token or session), and my
    place in it (``my_participation``, null if I have none)."""
    user = caller(request)
    demand = selectors.demand_get_for_user(user=user, demand_id=demand_id)
    participation = selectors.participation_of(demand=demand, user=user)
    mine = participation_out(participation) if participation else None
    return {**demand_out(demand), "my_participation": mine}


def _demand(request, demand_id: str):
    return selectors.demand_get_for_user(user=request.auth, demand_id=demand_id)


@router.post("/{demand_id}/deposit", response={201: DemandPaymentOut})
def demand_deposit(request, demand_id: str):
    """Start (or resume) paying one's deposit; pay on ``pay_url``."""
    demand = _demand(request, demand_id)
    intent = services.demand_deposit_start(actor=request.auth, demand=demand)
    participation = selectors.participation_of(demand=demand, user=request.auth)
    return Status(201, _payment(request, participation, intent))


@router.post("/{demand_id}/publish", response=DemandOut)
def demand_publish(request, demand_id: str):
    """Publish my draft demand so others may join it and shops make offers."""
    demand = services.demand_publish(
        actor=request.auth, demand=_demand(request, demand_id)
    )
    return demand_out(demand)


@router.post("/{demand_id}/join", response={201: DemandPaymentOut})
def demand_join(request, demand_id: str, payload: DemandJoinIn):
    """Join with a quantity; the join counts once its deposit is paid."""
    participation, intent = services.demand_join(
        actor=request.auth,
        demand=_demand(request, demand_id),
        quantity=payload.quantity,
    )
    return Status(201, _payment(request, participation, intent))


@router.post("/{demand_id}/withdraw", response=DemandParticipationOut)
def demand_withdraw(request, demand_id: str):
    """Leave a demand I joined; my deposit goes by its ``forfeit_rule``."""
    participation = services.demand_withdraw(
        actor=request.auth, demand=_demand(request, demand_id)
    )
    return participation_out(participation)


@router.post("/{demand_id}/cancel", response=DemandOut)
def demand_cancel(request, demand_id: str):
    """Cancel my demand (its initiator) before an offer is accepted; every
    deposit goes back."""
    demand = services.demand_cancel(
        actor=request.auth, demand=_demand(request, demand_id)
    )
    return demand_out(demand)


@router.post("/{demand_id}/deadline", response=DemandOut)
def demand_deadline(request, demand_id: str, payload: DemandDeadlineIn):
    """Move my open demand's deadline later, or sooner with notice (409
    ``deadline_too_soon``); everyone who joined and every merchant with an open
    offer is told, and open countdowns move."""
    demand = services.demand_change_deadline(
        actor=request.auth,
        demand=_demand(request, demand_id),
        deadline_at=payload.deadline_at,
    )
    return demand_out(demand)


@router.post("/{demand_id}/photos", response={201: DemandPhotoOut})
def demand_photo_add(request, demand_id: str, photo: File[UploadedFile]):
    """Add a photo (JPEG, PNG or WebP) to my open demand; at most three."""
    added = services.demand_photo_add(
        actor=request.auth, demand=_demand(request, demand_id), upload=photo
    )
    return Status(201, {"id": added.public_id, "url": added.image.url})


@router.delete("/{demand_id}/photos/{photo_id}", response={204: None})
def demand_photo_delete(request, demand_id: str, photo_id: str):
    """Delete a photo of my demand."""
    services.demand_photo_delete(
        actor=request.auth, demand=_demand(request, demand_id), photo_id=photo_id
    )
    return Status(204, None)


@router.get("/{demand_id}/offers", response=DemandOfferPageOut)
def demand_offers(request, demand_id: str, paging: Query[PageIn]):
    """Participants see every offer; a merchant's staff see their own (paged)."""
    demand = _demand(request, demand_id)
    offers = selectors.offers_for_viewer(demand=demand, user=request.auth)
    result = paginate(offers, page=paging.page, page_size=paging.page_size)
    return page_payload(result, [offer_out(o) for o in result.items])


@router.post("/{demand_id}/offers", response={201: DemandOfferOut})
def offer_submit(request, demand_id: str, payload: DemandOfferIn):
    """Send an offer (or revise the merchant's open one)."""
    demand = _demand(request, demand_id)
    merchant = _merchant(payload.merchant_id)
    product = _sent(Product, payload.product_id, field="product_id")
    offer = services.offer_submit(
        actor=request.auth,
        demand=demand,
        merchant=merchant,
        product=product,
        **payload.dict(exclude={"merchant_id", "product_id"}),
    )
    return Status(201, offer_out(offer))


@router.post("/offers/{offer_id}/withdraw", response=DemandOfferOut)
def offer_withdraw(request, offer_id: str):
    """Withdraw the shop's offer on a demand (its staff)."""
    offer = services.offer_withdraw(
        actor=request.auth, offer=selectors.offer_get(offer_id=offer_id)
    )
    return offer_out(offer)


@router.post("/offers/{offer_id}/accept", response=DemandOut)
def offer_accept(request, offer_id: str):
    """The initiator accepts an offer: a deal opens for the participants."""
    offer = selectors.offer_get(offer_id=offer_id)
    selectors.demand_get_for_user(user=request.auth, demand_id=offer.demand.public_id)
    return demand_out(services.offer_accept(actor=request.auth, offer=offer))


@router.get("/merchant/search", response=list[DemandOut])
def demand_search(request, filters: Query[DemandSearchIn]):
    """Search open demands for a merchant's staff, best match first."""
    merchant = _merchant(filters.merchant_id)
    check_merchant_staff(actor=request.auth, merchant=merchant)
    found = selectors.demand_search(
        query=filters.q, filters=search_filters(filters, merchant=merchant)
    )
    return [demand_out(d) for d in found]


def search_filters(filters, *, merchant) -> selectors.SearchFilters:
    category = _sent(Category, filters.category_id, field="category_id")
    branch = _sent(Branch, filters.branch_id, field="branch_id")
    near = None
    if branch is not None:
        if branch.merchant_id != merchant.pk or branch.latitude is None:
            raise DemandError(
                "invalid", _("Choose one of your branches with a location.")
            )
        near = (float(branch.latitude), float(branch.longitude))
    return selectors.SearchFilters(
        category_id=category.pk if category else None,
        near=near,
        within_m=filters.within_km * 1000 if filters.within_km else None,
        min_quantity=filters.min_quantity,
        max_quantity=filters.max_quantity,
        deadline_before=filters.deadline_before,
    )


@router.get("/merchant/saved-searches", response=list[DemandSavedSearchOut])
def saved_search_list(
    request, merchant_id: str = Query(description="The shop (`mer_…`).")
):
    """The shop's saved demand searches (the merchant's staff)."""
    merchant = _merchant(merchant_id)
    check_merchant_staff(actor=request.auth, merchant=merchant)
    return [saved_search_out(s) for s in selectors.saved_searches_of(merchant=merchant)]


@router.post("/merchant/saved-searches", response={201: DemandSavedSearchOut})
def saved_search_create(request, payload: DemandSavedSearchIn):
    """Save a demand search; new matching demands are notified."""
    merchant = _merchant(payload.merchant_id)
    category = _sent(Category, payload.category_id, field="category_id")
    saved = services.saved_search_create(
        actor=request.auth, merchant=merchant, query=payload.q, category=category
    )
    return Status(201, saved_search_out(saved))


@router.delete("/merchant/saved-searches/{search_id}", response={204: None})
def saved_search_delete(request, search_id: str):
    """Delete a saved demand search."""
    saved = _by_public_id(SavedSearch, search_id, field="search_id")
    services.saved_search_delete(actor=request.auth, saved=saved)
    return Status(204, None)
