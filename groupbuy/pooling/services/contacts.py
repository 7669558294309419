"""Who plans to buy a product: contact requests answered by the other side."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from groupbuy.catalog.models import Product
from groupbuy.core.audit import audit_log
from groupbuy.notify.services import notification_enqueue
from groupbuy.pooling.errors import PoolingError
from groupbuy.pooling.models import CartReport, ContactRequest, PoolingProfile


def contact_request(*, actor, cart: CartReport, product: Product) -> ContactRequest:
    """Ask the shopper behind ``cart`` (found by the buyers query) to connect."""
    discoverable = PoolingProfile.objects.filter(
        user_id=cart.user_id, is_discoverable=True
    ).exists()
    if cart.user_id == actor.pk or not discoverable:
        raise PoolingError("not_found", _("Not found."), status=404)
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
        with translation.override(cart.user.preferred_language):
            notification_enqueue(
                recipient=cart.user,
                kind="pooling.contact",
                title=_("A shopper also plans to buy %(product)s")
                % {"product": product.name},
                body=_("They would like to exchange contacts. Accept or decline."),
                url=reverse("pooling:buyers"),
                data={"contact_id": contact.public_id},
                idempotency_key=f"pooling.contact:{contact.public_id}",
            )
    return contact


def contact_answer(*, actor, contact: ContactRequest, accept: bool) -> ContactRequest:
    """The recipient accepts (both see each other's number) or declines."""
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
    return contact
