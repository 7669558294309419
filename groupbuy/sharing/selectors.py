"""Reads of sharing: cards, links, threads, with the permission checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from groupbuy.accounts.personal_data import is_erased
from groupbuy.catalog.models import Listing, Product
from groupbuy.catalog.selectors import product_thumbnail_urls
from groupbuy.core.errors import Forbidden, NotFound
from groupbuy.core.times import api_time
from groupbuy.deals.models import Deal
from groupbuy.deals.order_keepers import outcomes_remembered, sales_of
from groupbuy.deals.selectors import deal_prices, deal_sales_end_at, deals_priced
from groupbuy.sharing.models import ContactBook, Message, Participant, Share, ShareLink

# Before any reply: a share never opened has every reply of others unread.
NEVER = datetime(2000, 1, 1, tzinfo=UTC)


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


# --- threads ------------------------------------------------------------------


def thread_list_for_user(*, user, box: str = "") -> QuerySet[Share]:
    """The shares ``user`` received (``box="received"``: others' shares they
    are in), sent (``"sent"``) or both (``""``), latest activity first, each
    with ``my_last_read_at`` (None: never opened) and ``unread_count``, the
    replies of others since (all of them for a share never opened)."""
    my_last_read = Participant.objects.filter(share=OuterRef("pk"), user=user)
    replies_since = (
        Message.objects.filter(
            share=OuterRef("pk"),
            created_at__gt=Coalesce(OuterRef("my_last_read_at"), Value(NEVER)),
        )
        .exclude(author=user)
        .order_by()
        .values("share")
        .annotate(count=Count("pk"))
        .values("count")
    )
    shares = Share.objects.filter(participants__user=user)
    if box == "received":
        shares = shares.exclude(sender=user)
    elif box == "sent":
        shares = shares.filter(sender=user)
    return (
        shares.select_related("sender", "product", "deal")
        .annotate(my_last_read_at=Subquery(my_last_read.values("last_read_at")[:1]))
        .annotate(unread_count=Coalesce(Subquery(replies_since), 0))
        .order_by("-last_activity_at", "-pk")
        .distinct()
    )


def share_recipient_labels(*, shares: list[Share], viewer) -> dict[int, list[str]]:
    """The recipients of each share, by share id, as ``viewer`` sees them in
    its thread (``Participant.label_for``): the sender's "Shared by me" list
    names who each share went to."""
    by_id = {share.pk: share for share in shares}
    labels: dict[int, list[str]] = {share_id: [] for share_id in by_id}
    recipients = (
        Participant.objects.filter(
            share_id__in=list(by_id), role=Participant.Role.RECIPIENT
        )
        .select_related("user")
        .order_by("pk")
    )
    for participant in recipients:
        participant.share = by_id[participant.share_id]
        labels[participant.share_id].append(participant.label_for(viewer))
    return labels


def share_get_for_user(*, user, share_id: str) -> Share:
    """Return the share; 404 when there is none, 403 when ``user`` is not in it."""
    share = (
        Share.objects.select_related("sender", "product", "deal", "link")
        .filter(public_id=share_id)
        .first()
    )
    if share is None:
        raise NotFound("not_found", _("There is no such share."))
    participant_for(user=user, share=share)
    return share


def participant_for(*, user, share: Share) -> Participant:
    participant = (
        Participant.objects.filter(share=share, user_id=getattr(user, "pk", None))
        .select_related("user")
        .first()
    )
    if participant is None:
        raise Forbidden("forbidden", _("You are not part of this conversation."))
    return participant


def share_summary(share: Share) -> dict:
    return {
        "id": share.public_id,
        "sender": share.sender_label,
        "product": share.product.name,
        "comment": share.comment,
        "url": reverse("sharing:thread", args=[share.public_id]),
        # Only for the share's participants: the view and the API check it.
        "voice_note_url": reverse("sharing:voice_note", args=[share.public_id])
        if share.voice_note
        else "",
        "created_at": api_time(share.created_at),
        "last_activity_at": api_time(share.last_activity_at),
    }


def _product_brief(product: Product | None) -> dict | None:
    if product is None:
        return None
    link_card = product_card(product=product)
    return {"id": product.public_id, "name": product.name, "url": link_card.url}


def message_as_event(message: Message) -> dict:
    participant = (
        Participant.objects.filter(share_id=message.share_id, user_id=message.author_id)
        .select_related("user")
        .first()
    )
    return {
        "id": message.public_id,
        "share": message.share.public_id,
        "author": message.author.public_id,
        "author_name": participant.shown_label if participant else "",
        "body": message_body_shown(message),
        "product": None if message.removed_at else _product_brief(message.product),
        "is_removed": message.removed_at is not None,
        "created_at": api_time(message.created_at),
    }


def message_body_shown(message: Message) -> str:
    """The reply's text as its thread shows it to the participants: a reply an
    operator hid is a notice to everyone, its author included."""
    if message.removed_at:
        return str(_("This message was removed by the platform."))
    if not message.body and is_erased(message.author):
        return str(_("This reply was deleted."))
    return message.body


def message_get_for_participant(*, user, message_id: str) -> Message:
    """Return a reply of a thread ``user`` takes part in; 404 otherwise, so
    that someone outside the thread learns nothing of it."""
    message = (
        Message.objects.select_related("share", "author")
        .filter(public_id=message_id, share__participants__user_id=user.pk)
        .first()
    )
    if message is None:
        raise NotFound("not_found", _("There is no such reply."))
    return message


def thread_messages(*, share: Share) -> list[Message]:
    return list(share.messages.select_related("author", "product", "share"))


def thread_participants(*, share: Share) -> list[Participant]:
    return list(share.participants.select_related("user").order_by("pk"))


def thread_people(*, participants: list[Participant], viewer) -> list[str]:
    """Everyone in the thread as ``viewer`` sees them (``Participant.label_for``)."""
    return [participant.label_for(viewer) for participant in participants]


def message_author_names(*, participants: list[Participant], viewer) -> dict[int, str]:
    """The name of each member of the thread as the author of a reply, by user
    id, as ``viewer`` sees them (``Participant.label_for``): the thread page,
    the API's thread and each reader's live event name an author alike."""
    return {p.user_id: p.label_for(viewer) for p in participants if p.user_id}


def thread_entries(
    *, share: Share, participants: list[Participant], viewer
) -> list[tuple[Message, str, list[str]]]:
    """Each reply of the thread with who wrote it and who of the others has
    read past it, as ``viewer``'s thread page shows them (the live page adds
    replies from ``message_as_event``, which names the author the same way:
    having replied, they are named to everyone)."""
    authors = message_author_names(participants=participants, viewer=viewer)
    return [
        (
            message,
            authors.get(message.author_id, ""),
            read_by(message=message, participants=participants, viewer=viewer),
        )
        for message in thread_messages(share=share)
    ]


def read_by(
    *, message: Message, participants: list[Participant], viewer=None
) -> list[str]:
    """Labels of the others who have read the thread past this message, as
    ``viewer`` sees them (a reader who never replied by the sender's label)."""
    return [
        participant.label_for(viewer)
        for participant in participants
        if participant.user_id
        and participant.user_id != message.author_id
        and participant.last_read_at
        and participant.last_read_at >= message.created_at
    ]


def contact_book_for_user(*, user) -> ContactBook | None:
    from django.utils import timezone

    return (
        ContactBook.objects.filter(owner=user, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )


def share_recipients_not_texted(*, share: Share, user) -> int:
    """How many of the share's recipients without an account were sent no
    invitation because its sender's shares had sent as many as a day allows:
    the sender's to know (0 for anyone else)."""
    return len(share_recipients_held(share=share, user=user))


def share_recipients_held(*, share: Share, user) -> list[Participant]:
    """The share's recipients without an account whose invitation is held back
    at its sender's daily limit (and who have not signed up since): the
    sender's to know ([] for anyone else)."""
    if share.sender_id != getattr(user, "pk", None):
        return []
    return list(
        share.participants.filter(
            invitation=Participant.Invitation.OVER_DAILY_LIMIT, user__isnull=True
        ).order_by("pk")
    )
