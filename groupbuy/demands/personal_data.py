"""What demands holds about a person, for their export and their erasure.

Exported: the demands they started (with their photos), the demands they joined
with their deposits, the offers and saved searches they made for a merchant.
Erased: saved searches and photos are deleted; the person's number, e-mail and
name are cut out of their demands' and offers' text (and the search index);
demands, participations and deposits are money records and stay, pointing at
the pseudonymous account, so every deposit still balances in the ledger.
Not erased while a deposit in someone else's open demand is held.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.utils.translation import gettext, gettext_lazy

from groupbuy.core.plugins import PersonalDataExport, PersonalDataProvider


def _photos(demand, files: dict) -> list[str]:
    names = []
    for photo in demand.photos.all():
        name = f"{demand.public_id}/{photo.public_id}"
        name += PurePosixPath(photo.image.name).suffix
        files[name] = photo.image
        names.append(name)
    return names


def _demands(user, files: dict) -> list[dict]:
    from groupbuy.demands.models import Demand

    demands = (
        Demand.objects.filter(initiator=user)
        .select_related("category")
        .prefetch_related("photos")
    )
    return [
        {
            "id": demand.public_id,
            "title": demand.title,
            "description": demand.description,
            "category": demand.category.name if demand.category else None,
            "quantity_wanted": demand.quantity_wanted,
            "target_unit_price_fen": demand.target_unit_price_fen,
            "deadline_at": demand.deadline_at,
            "state": demand.state,
            "photos": _photos(demand, files),
            "created_at": demand.created_at,
            "published_at": demand.published_at,
            "closed_at": demand.closed_at,
        }
        for demand in demands.order_by("created_at", "id")
    ]


def _participations(user) -> list[dict]:
    from groupbuy.demands.models import Participation

    participations = Participation.objects.filter(shopper=user).select_related(
        "demand", "intent"
    )
    return [
        {
            "id": participation.public_id,
            "demand": participation.demand.public_id,
            "demand_title": participation.demand.title,
            "is_initiator": participation.is_initiator,
            "quantity": participation.quantity,
            "deposit_fen": participation.deposit_fen,
            "status": participation.status,
            "payment": participation.intent.public_id if participation.intent else None,
            "deposit_captured_at": participation.deposit_captured_at,
            "joined_at": participation.created_at,
        }
        for participation in participations.order_by("created_at", "id")
    ]


def _offers(user) -> list[dict]:
    from groupbuy.demands.models import Offer

    offers = Offer.objects.filter(created_by=user).select_related("demand", "merchant")
    return [
        {
            "id": offer.public_id,
            "demand": offer.demand.public_id,
            "merchant": offer.merchant.name,
            "quantity": offer.quantity,
            "unit_price_fen": offer.unit_price_fen,
            "delivery_on": offer.delivery_on,
            "notes": offer.notes,
            "state": offer.state,
            "created_at": offer.created_at,
        }
        for offer in offers.order_by("created_at", "id")
    ]


def _saved_searches(user) -> list[dict]:
    from groupbuy.demands.models import SavedSearch

    searches = SavedSearch.objects.filter(created_by=user).select_related(
        "merchant", "category"
    )
    return [
        {
            "id": saved.public_id,
            "merchant": saved.merchant.name,
            "query": saved.query,
            "category": saved.category.name if saved.category else None,
            "created_at": saved.created_at,
        }
        for saved in searches.order_by("created_at", "id")
    ]


def _erase_demand_text(demand, strings: list[str]) -> bool:
    from groupbuy.accounts.personal_data import scrub
    from groupbuy.demands import search

    title = scrub(demand.title, strings)
    description = scrub(demand.description, strings)
    if (title, description) == (demand.title, demand.description):
        return False
    demand.title, demand.description = title, description
    demand.search_text = search.document_text(title=title, description=description)
    demand.save(update_fields=["title", "description", "search_text", "updated_at"])
    if demand.state == demand.State.PUBLISHED:
        search.index_update(demand_id=demand.pk, text=demand.search_text)
    if demand.deal_id:
        # The deal made from the accepted offer copied the demand's description
        # (and, for deals made before 2026-12-06, its title).
        deal = demand.deal
        deal.title = scrub(deal.title, strings)
        deal.description = scrub(deal.description, strings)
        deal.save(update_fields=["title", "description"])
    return True


class DemandsPersonalData(PersonalDataProvider):
    holds = gettext_lazy(
        "your demands, the demands you joined, your offers and saved searches"
    )

    def export(self, user) -> PersonalDataExport:
        files: dict = {}
        return PersonalDataExport(
            records={
                "demands": _demands(user, files),
                "participations": _participations(user),
                "offers": _offers(user),
                "saved_searches": _saved_searches(user),
            },
            files=files,
        )

    def erasure_blockers(self, user) -> list[str]:
        """Refuse while a deposit ``user`` paid into someone else's open demand
        is held: it would be applied to an order, or refunded, for a person who
        no longer exists. Their own open demands do not block: erasing cancels
        them, every deposit refunded; after an offer is accepted the deposit is
        the order's (the deals app names it)."""
        from django.db.models import Q

        from groupbuy.demands.models import Demand, Participation
        from groupbuy.escrow.models import PaymentIntent

        # Held, or paid on the provider's page with the callback still to come.
        paying = Q(
            status=Participation.Status.AWAITING_DEPOSIT,
            intent__status=PaymentIntent.Status.REQUIRES_PAYMENT,
            intent__submitted_at__isnull=False,
        )
        held = (
            Participation.objects.filter(shopper=user)
            .filter(Q(status=Participation.Status.ACTIVE) | paying)
            .exclude(demand__initiator=user, demand__state__in=Demand.OPEN_STATES)
            .select_related("demand")
            .order_by("created_at", "id")
        )
        return [
            gettext(
                "Your deposit for the demand “%(demand)s” is still held: leave the "
                "demand (the deposit comes back to you), or wait until it ends, "
                "before this account is deleted."
            )
            % {"demand": participation.demand.title}
            for participation in held
        ]

    def erase(self, user) -> None:
        from groupbuy.accounts.personal_data import identifying_strings, scrub
        from groupbuy.demands import search
        from groupbuy.demands.models import Demand, Offer, SavedSearch
        from groupbuy.demands.services import demands_cancel_for_erasure

        strings = identifying_strings(user)
        changed = False
        for demand in Demand.objects.filter(initiator=user):
            for photo in demand.photos.all():
                photo.image.delete(save=False)
                photo.delete()
            changed = _erase_demand_text(demand, strings) or changed
        if changed:
            search.index_compact()
        # After the texts are scrubbed: those who joined are told of the
        # cancellation by the demand's title, which may have named the person.
        demands_cancel_for_erasure(user=user)
        for offer in Offer.objects.filter(created_by=user).exclude(notes=""):
            notes = scrub(offer.notes, strings)
            if notes != offer.notes:
                offer.notes = notes
                offer.save(update_fields=["notes", "updated_at"])
        SavedSearch.objects.filter(created_by=user).delete()
