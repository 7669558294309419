"""Who plans to buy a product: contact requests answered by the other side."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groupbuy.catalog.models import Product
from groupbuy.catalog.selectors import product_name_lazy
from groupbuy.core.audit import audit_log
from groupbuy.core.i18n import interpolate_lazy
from groupbuy.core.transactions import after_commit
from groupbuy.notify.services import notification_enqueue
from groupbuy.pooling.errors import PoolingError
from groupbuy.pooling.live import contact_group, publish_to_contact
from groupbuy.pooling.models import (
    CartReport,
    ContactMessage,
    ContactRequest,
    PoolingProfile,
)
from groupbuy.pooling.services.chat import (
    checked_message_body,
    message_payload,
    message_store_once,
)
from groupbuy.realtime.access import ACCESS_ENDED, sockets_end
from groupbuy.realtime.language import in_each_language


def contact_url(contact: ContactRequest) -> str:
    return reverse("pooling:contact", args=[contact.public_id])


def chat_not_open() -> PoolingError:
    return PoolingError(
        "not_accepted",
        _("The chat opens once the other shopper accepts."),
        status=409,
    )


def contact_request(*, actor, cart: CartReport, product: Product) -> ContactRequest:
    """Ask the shopper behind ``cart`` (found by the buyers query) to connect."""
    discoverable = PoolingProfile.objects.filter(
        user_id=cart.user_id, is_discoverable=True
    ).exists()
    if cart.user_id == actor.pk or not discoverable:
        raise PoolingError("not_found", _("Not found."), status=404)
    _refuse_if_ended_between(actor=actor, other_id=cart.user_id)
    try:
        with transaction.atomic():
            contact = ContactRequest.objects.create(
                requester=actor, recipient=cart.user, cart=cart, product=product
            )
    except IntegrityError:
        raise PoolingError(
            "already_requested", _("You already asked this shopper."), status=409
        ) from None
    with transaction.atomic():
        audit_log(actor=actor, action="pooling.contact.requested", obj=contact)
        notification_enqueue(
            recipient=cart.user,
            kind="pooling.contact",
            title=interpolate_lazy(
                gettext_lazy("A shopper also plans to buy %(product)s"),
                {"product": product_name_lazy(product)},
            ),
            body=gettext_lazy(
                "They would like to exchange contacts. Accept or decline."
            ),
            url=contact_url(contact),
            data={"contact_id": contact.public_id},
            idempotency_key=f"pooling.contact:{contact.public_id}",
        )
    return contact


def _refuse_if_ended_between(*, actor, other_id: int) -> None:
    """One conversation ended between the two stands for them: the side who
    ended it opens it again (not a new request beside it), and the other may
    not reach them with a new cart while it stays ended."""
    ended = (
        ContactRequest.objects.filter(state=ContactRequest.State.ENDED)
        .filter(
            Q(requester=actor, recipient_id=other_id)
            | Q(requester_id=other_id, recipient=actor)
        )
        .order_by("-id")
    )
    if ended.filter(ended_by=actor).exists():
        raise PoolingError(
            "contact_ended",
            _(
                "You ended your conversation with this shopper: open it again "
                "from its page."
            ),
            status=409,
            extra={"contact_id": ended.filter(ended_by=actor).first().public_id},
        )
    if ended.exists():
        raise PoolingError(
            "contact_ended",
            _("This shopper ended your conversation: only they can open it again."),
            status=409,
        )


def contact_answer(*, actor, contact: ContactRequest, accept: bool) -> ContactRequest:
    """The recipient accepts (both see each other's number and may chat) or
    declines; the one who asked is told either way."""
    if contact.recipient_id != actor.pk:
        raise PoolingError("not_found", _("Not found."), status=404)
    state = ContactRequest.State.ACCEPTED if accept else ContactRequest.State.DECLINED
    with transaction.atomic():
        changed = ContactRequest.objects.filter(
            pk=contact.pk, state=ContactRequest.State.PENDING
        ).update(state=state, answered_at=timezone.now())
        if not changed:
            raise PoolingError(
                "already_answered", _("You already answered."), status=409
            )
        contact.refresh_from_db()
        audit_log(actor=actor, action=f"pooling.contact.{state}", obj=contact)
        requester = contact.requester
        notification_enqueue(
            recipient=requester,
            kind="pooling.contact_answered",
            title=gettext_lazy("Your contact request was accepted: say hello")
            if accept
            else gettext_lazy("Your contact request was declined"),
            body=interpolate_lazy(
                gettext_lazy("About %(product)s."),
                {"product": product_name_lazy(contact.product)},
            ),
            url=contact_url(contact) if accept else reverse("pooling:buyers"),
            data={"contact_id": contact.public_id, "state": state},
            idempotency_key=f"pooling.contact_answered:{contact.public_id}",
        )
        after_commit(
            publish_to_contact,
            contact.public_id,
            {"type": "pooling.contact", "state": state},
        )
    return contact


def contact_chat_post(
    *, actor, contact: ContactRequest, body: str, client_key: str = ""
) -> ContactMessage:
    """Post to the chat of an accepted contact request I am a side of; sent
    again with the same ``client_key``, the message is stored (and announced)
    once."""
    from groupbuy.pooling.selectors import contact_author_label

    text = checked_message_body(body)
    with transaction.atomic():
        if actor.pk not in (contact.requester_id, contact.recipient_id):
            raise PoolingError("not_found", _("Not found."), status=404)
        state = (
            ContactRequest.objects.filter(pk=contact.pk)
            .values_list("state", flat=True)
            .first()
        )
        if state == ContactRequest.State.ENDED:
            raise PoolingError(
                "contact_ended", _("This conversation was ended."), status=409
            )
        if state != ContactRequest.State.ACCEPTED:
            raise chat_not_open()
        contact.state = state  # the caller's copy may predate the answer
        message, is_new = message_store_once(
            ContactMessage,
            room={"contact": contact},
            author=actor,
            body=text,
            client_key=client_key,
        )
        if not is_new:
            return message
        audit_log(
            actor=actor,
            action="pooling.contact.posted",
            obj=contact,
            data={"message": message.public_id},
        )
        # each side's page names the author in its reader's language
        author_name = in_each_language(
            lambda: contact_author_label(contact=contact, user=actor)
        )
        event = {
            "type": "pooling.chat",
            "message": message_payload(message, author_name=author_name),
        }
        after_commit(publish_to_contact, contact.public_id, event)
    return message


def contact_end(*, actor, contact: ContactRequest) -> ContactRequest:
    """End the conversation of an accepted contact request I am a side of:
    its chat closes for both (what was written stays readable to each), the
    numbers are no longer shown, and the other side is told. Ending it again
    changes nothing."""
    if actor.pk not in (contact.requester_id, contact.recipient_id):
        raise PoolingError("not_found", _("Not found."), status=404)
    with transaction.atomic():
        ended = ContactRequest.objects.filter(
            pk=contact.pk, state=ContactRequest.State.ACCEPTED
        ).update(state=ContactRequest.State.ENDED, ended_by=actor)
        contact.refresh_from_db()
        if not ended:
            if contact.state == ContactRequest.State.ENDED:
                return contact
            raise PoolingError(
                "not_accepted",
                _("Only a conversation the other shopper accepted can be ended."),
                status=409,
            )
        audit_log(actor=actor, action="pooling.contact.ended", obj=contact)
        _tell_the_other_side(
            actor=actor,
            contact=contact,
            kind="pooling.contact_ended",
            title=gettext_lazy("A shopper ended your conversation about %(product)s"),
            body=gettext_lazy(
                "The chat is closed and their number is no longer shown. "
                "What you wrote stays readable."
            ),
        )
        sockets_end(
            user_public_id=actor.public_id,
            reason=ACCESS_ENDED,
            groups=[contact_group(contact.public_id)],
        )
        _publish_state(contact)
    return contact


def contact_reopen(*, actor, contact: ContactRequest) -> ContactRequest:
    """Open again a conversation I ended: the chat opens and the numbers are
    shown again to both (the other side never withdrew; I renew my consent),
    and the other side is told. Opening it again twice changes nothing."""
    if actor.pk not in (contact.requester_id, contact.recipient_id):
        raise PoolingError("not_found", _("Not found."), status=404)
    with transaction.atomic():
        reopened = ContactRequest.objects.filter(
            pk=contact.pk, state=ContactRequest.State.ENDED, ended_by=actor
        ).update(state=ContactRequest.State.ACCEPTED, ended_by=None)
        contact.refresh_from_db()
        if not reopened:
            if contact.state == ContactRequest.State.ACCEPTED:
                return contact
            raise PoolingError(
                "not_yours_to_reopen",
                _("Only the shopper who ended this conversation can open it again."),
                status=409,
            )
        audit_log(actor=actor, action="pooling.contact.reopened", obj=contact)
        _tell_the_other_side(
            actor=actor,
            contact=contact,
            kind="pooling.contact_reopened",
            title=gettext_lazy(
                "A shopper opened your conversation about %(product)s again"
            ),
            body=gettext_lazy("The chat is open and your numbers are shown again."),
        )
        _publish_state(contact)
    return contact


def _tell_the_other_side(*, actor, contact: ContactRequest, kind, title, body):
    """Tell the side of ``contact`` who is not ``actor`` that its state changed;
    ``title`` names the product as ``%(product)s``."""
    other = contact.recipient if actor.pk == contact.requester_id else contact.requester
    notification_enqueue(
        recipient=other,
        kind=kind,
        title=interpolate_lazy(title, {"product": product_name_lazy(contact.product)}),
        body=body,
        url=contact_url(contact),
        data={"contact_id": contact.public_id, "state": contact.state},
        # The callers' conditional update sends it once per ending or opening
        # again; a conversation opened again may be ended again, and that is news.
        idempotency_key=None,
    )


def _publish_state(contact: ContactRequest) -> None:
    """Tell the contact's open pages its new state, once committed."""
    after_commit(
        publish_to_contact,
        contact.public_id,
        {"type": "pooling.contact", "state": contact.state},
    )
