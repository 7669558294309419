"""Reads of what a share shows and leads to: product cards and short links."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Min, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from groupbuy.catalog.models import Listing, Product
from groupbuy.catalog.selectors import product_thumbnail_urls
from groupbuy.core.errors import NotFound
from groupbuy.core.times import api_time
from groupbuy.deals.models import Deal
from groupbuy.deals.order_keepers import outcomes_remembered, sales_of
from groupbuy.deals.selectors import deal_prices, deal_sales_end_at, deals_priced
from groupbuy.sharing.models import ShareLink


@dataclass
class ProductCard:
    """What a shared product shows: photo, name, spec, price, deal and link."""

    product_id: str
    name: str
    spec: str
    thumbnail_url: str
    price_fen: int | None
    deal_id: str
    deal_title: str
    deal_state: str  # Deal.shown_state: the code of what deal_state_label says
    deal_state_label: str  # in the request's language: what the card's pill says
    deadline_at: object
    code: str
    url: str
    target_url: str

    def as_dict(self) -> dict:
        data = dict(self.__dict__)
        data["deadline_at"] = api_time(self.deadline_at) if self.deadline_at else None
        return data


def product_get_shareable(*, product_id: str) -> Product:
    product = Product.objects.filter(public_id=product_id, is_active=True).first()
    if product is None:
        raise NotFound("not_found", _("There is no such product."))
    return product


def deal_get_shareable(*, deal_id: str) -> Deal:
    """Return a deal anyone may see (not a draft)."""
    deal = (
        Deal.objects.select_related("product")
        .filter(public_id=deal_id)
        .exclude(state=Deal.State.DRAFT)
        .first()
    )
    if deal is None:
        raise NotFound("not_found", _("There is no such group buy."))
    return deal


def link_target_url(link: ShareLink) -> str:
    if link.deal_id:
        return reverse("web:deal_detail", args=[link.deal.public_id])
    return reverse("sharing:product", args=[link.product.public_id])


def product_card(*, product: Product, deal: Deal | None = None) -> ProductCard:
    """Build the card of a product; with no deal given, show its open deal."""
    return product_cards([(product, deal)])[0]


def product_cards(targets: list[tuple[Product, Deal | None]]) -> list[ProductCard]:
    """The cards of ``(product, deal)`` pairs, in order, in a fixed number of
    queries however many (a list of shares shows one card each): each as
    ``product_card`` builds it, the product's open deal shown when no deal is
    given, else its lowest active listing price."""
    if not targets:
        return []
    links = _links(targets)
    product_ids = {product.pk for product, _deal in targets}
    undealt = {product.pk for product, deal in targets if deal is None}
    open_deals = _open_deal_ids(undealt)
    shown_ids = {
        deal.pk if deal is not None else open_deals.get(product.pk)
        for product, deal in targets
    } - {None}
    shown = deals_priced(shown_ids) if shown_ids else {}
    listed = _lowest_listing_prices(
        {product.pk for product, deal in targets if deal is None}
        - {pk for pk, deal_id in open_deals.items() if deal_id in shown}
    )
    thumbnails = product_thumbnail_urls(product_ids=product_ids)
    sales = sales_of(list(shown.values()))
    # How each closed deal ended (its state and label), asked once for all.
    outcomes_remembered(list(shown.values()))
    cards = []
    for product, deal in targets:
        shown_deal = shown.get(
            deal.pk if deal is not None else open_deals.get(product.pk)
        )
        if deal is not None and shown_deal is None:  # gone since: show it as given
            shown_deal = deal
        if shown_deal is not None:
            price = deal_prices(shown_deal).get("current_price_fen")
        else:
            price = listed.get(product.pk)
        link = links[(product.pk, deal.pk if deal is not None else None)]
        cards.append(
            ProductCard(
                product_id=product.public_id,
                name=product.name,
                spec=product.spec,
                thumbnail_url=thumbnails.get(product.pk, ""),
                price_fen=price,
                deal_id=shown_deal.public_id if shown_deal else "",
                deal_title=shown_deal.title if shown_deal else "",
                # As the deal pages give it (deals' ``shown_state``), so that it
                # agrees with the label: "scheduled" for an open deal before
                # its start.
                deal_state=shown_deal.shown_state if shown_deal else "",
                deal_state_label=shown_deal.state_label if shown_deal else "",
                # When it stops selling: a team buy's end of sales, not its
                # row's closing an hour later.
                deadline_at=(
                    (sales[shown_deal.pk].ends_at if shown_deal.pk in sales else None)
                    or deal_sales_end_at(deal=shown_deal)
                )
                if shown_deal
                else None,
                code=link.code,
                url=reverse("sharing_links:open", args=[link.code]),
                target_url=link_target_url(link),
            )
        )
    return cards


def _links(targets) -> dict[tuple[int, int | None], ShareLink]:
    """The short link of each ``(product, deal)``, made for those without one."""
    from groupbuy.sharing.services import share_link_get_or_create

    wanted = {
        (product.pk, deal.pk if deal is not None else None): (product, deal)
        for product, deal in targets
    }
    matching = Q()
    for product_id, deal_id in wanted:
        matching |= Q(product_id=product_id, deal_id=deal_id)
    found = {
        (link.product_id, link.deal_id): link
        for link in ShareLink.objects.filter(matching)
    }
    for key, (product, deal) in wanted.items():
        link = found.get(key) or share_link_get_or_create(product=product, deal=deal)
        # What the link leads to, without asking for it again.
        link.product = product
        if deal is not None:
            link.deal = deal
        found[key] = link
    return found


def _open_deal_ids(product_ids: set[int]) -> dict[int, int | None]:
    """The open deal a product's card shows (the soonest deadline), by product."""
    if not product_ids:
        return {}
    soonest = (
        Deal.objects.filter(product=OuterRef("pk"), state=Deal.State.OPEN)
        .order_by("deadline_at")
        .values("pk")[:1]
    )
    return dict(
        Product.objects.filter(pk__in=product_ids)
        .annotate(open_deal_id=Subquery(soonest))
        .values_list("pk", "open_deal_id")
    )


def _lowest_listing_prices(product_ids: set[int]) -> dict[int, int]:
    if not product_ids:
        return {}
    return dict(
        Listing.objects.filter(product_id__in=product_ids, is_active=True)
        .order_by()
        .values("product_id")
        .annotate(lowest=Min("price_fen"))
        .values_list("product_id", "lowest")
    )


def link_get(*, code: str) -> ShareLink:
    link = ShareLink.objects.select_related("product", "deal").filter(code=code).first()
    if link is None or not link.product.is_active:
        raise NotFound("not_found", _("This link does not lead anywhere."))
    return link
