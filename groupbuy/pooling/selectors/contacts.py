"""Who is buying a product, and contact requests between shoppers: what
each side may see of the other before and after consent."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.accounts.personal_data import is_erased
from groupbuy.core.pagination import PageResult
from groupbuy.pooling.models import (
    CartReport,
    ContactMessage,
    ContactRequest,
    PoolingProfile,
)
from groupbuy.pooling.selectors.common import chat_page, not_found


def buyers_of_product(*, user, product_id: str, before, now=None):
    """Intended carts holding ``product_id`` whose shopping window opens before
    ``before`` and has not closed, of shoppers who opted in (not ``user``'s),
    soonest first; ``buyer_rows`` says what may be shown of each."""
    now = now or timezone.now()
    discoverable = PoolingProfile.objects.filter(is_discoverable=True).values("user")
    return (
        CartReport.objects.filter(
            kind=CartReport.Kind.INTENDED,
            products__public_id=product_id,
            window_start_at__lte=before,
            window_end_at__gte=now,
            user__in=discoverable,
        )
        .exclude(user=user)
        .select_related("branch", "user")
        .order_by("window_start_at", "id")
    )


def buyer_rows(page: PageResult, *, viewer) -> list[dict]:
    """What may be shown of each planned cart on ``page`` of
    ``buyers_of_product``: the shopper named by their place in the list
    ("Shopper 3"), as a pool names its members by seat, and no part of their
    number. They agreed to be found, not to give their number: that takes a
    contact request they accept. A masked number ("+86138****0001") gave
    away the network and the last four digits. ``contact_id`` is
    ``viewer``'s own request for the cart, once they asked (one a cart):
    asking again was only refused."""
    first = (page.page - 1) * page.page_size + 1
    asked = dict(
        ContactRequest.objects.filter(
            requester=viewer, cart__in=[cart.pk for cart in page.items]
        ).values_list("cart_id", "public_id")
    )
    return [
        {
            "cart_id": cart.public_id,
            "label": _("Shopper %(seat)s") % {"seat": first + index},
            "branch": cart.branch.display_name,  # in the reader's language
            "window_start_at": cart.window_start_at,
            "phone": None,
            "contact_id": asked.get(cart.pk),
        }
        for index, cart in enumerate(page.items)
    ]


def cart_get_discoverable(*, cart_id: str) -> CartReport:
    cart = (
        CartReport.objects.select_related("user")
        .filter(public_id=cart_id, kind=CartReport.Kind.INTENDED)
        .first()
    )
    if cart is None:
        raise not_found()
    return cart


def _contact_state_label(contact: ContactRequest, *, asked: bool) -> str:
    """The state as its reader lives it: a request waiting is the other side's
    to answer for the one who asked, their own for the one asked."""
    if contact.state != ContactRequest.State.PENDING:
        # str(): the API's schema takes a string, not the lazy choice label
        return str(ContactRequest.State(contact.state).label)
    return _("Waiting for their answer") if asked else _("Waiting for your answer")


def contact_row(*, contact: ContactRequest, viewer) -> dict:
    """What ``viewer``, one side of ``contact``, sees of it: the other side's
    number once the request is accepted, none of it before (``phone`` None),
    the other side named by what they did ("The shopper you asked") until
    then, as a pool names its members by seat."""
    asked = contact.requester_id == viewer.pk
    other = contact.recipient if asked else contact.requester
    accepted = contact.state == ContactRequest.State.ACCEPTED
    if accepted:
        label = other.phone
    elif asked:
        label = _("The shopper you asked")
    else:
        label = _("The shopper who asked you")
    return {
        "id": contact.public_id,
        "product": contact.product.name,
        "state": contact.state,
        "state_label": _contact_state_label(contact, asked=asked),
        "is_mine_to_answer": contact.recipient_id == viewer.pk
        and contact.state == ContactRequest.State.PENDING,
        "label": label,
        "phone": other.phone if accepted else None,
        "chat_open": accepted,
        # the conversation a side ended: its history stays readable to both
        "is_ended": contact.state == ContactRequest.State.ENDED,
        # only the side who ended it may open it again
        "may_reopen": contact.state == ContactRequest.State.ENDED
        and contact.ended_by_id == viewer.pk,
    }


def contacts_for_user(*, user):
    """My contact requests, sent and received, newest first (a QuerySet, to
    paginate; ``contact_row`` says what I see of each)."""
    return (
        ContactRequest.objects.filter(Q(requester=user) | Q(recipient=user))
        .select_related("requester", "recipient", "product")
        .order_by("-created_at", "-id")
    )


def contact_author_label(*, contact: ContactRequest, user) -> str:
    """Name a message's author as the page names the sides: by their number,
    shown in full once the request is accepted (the chat is open only then;
    the same label goes to both sides over the socket). Before that no part of
    it: the one who asked is "Shopper A", the one asked "Shopper B"."""
    if is_erased(user):
        return _("Deleted user")
    if contact.state == ContactRequest.State.ACCEPTED:
        return user.phone
    seat = "A" if user.pk == contact.requester_id else "B"
    return _("Shopper %(seat)s") % {"seat": seat}


def contact_chat_history(
    *, contact: ContactRequest, before: str | None = None, limit: int | None = None
) -> list[dict]:
    """An accepted (or ended) contact's last messages, or those before
    ``before``, oldest first."""
    return chat_page(
        ContactMessage.objects.filter(contact=contact).select_related("author"),
        lambda message: contact_author_label(contact=contact, user=message.author),
        room=contact,
        before=before,
        limit=limit,
    )


def contact_get_for_user(*, user, contact_id: str) -> ContactRequest:
    """A contact request ``user`` sent or received; 404 for anyone else."""
    contact = (
        ContactRequest.objects.select_related("requester", "recipient", "product")
        .filter(public_id=contact_id)
        .filter(Q(requester=user) | Q(recipient=user))
        .first()
    )
    if contact is None:
        raise not_found()
    return contact
