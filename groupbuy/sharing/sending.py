"""Sending a share from a request (the compose page, the API): the limits on
matching, then ``services.share_send``.

Sending tells the sender which of the numbers are members' (the thread names
them), so it is matching and counts against the limits of ``throttle``. A
repeat (the one-time key of a share already sent, with the same request)
matches nothing new and counts nothing: a retried or double-tapped send is
answered even by someone at their limit.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from groupbuy.core.errors import DomainError
from groupbuy.sharing import services
from groupbuy.sharing.contacts import Contact, typed_numbers_parse
from groupbuy.sharing.errors import SharingError
from groupbuy.sharing.models import Share
from groupbuy.sharing.throttle import match_daily_check, match_rate_check


def member_contacts(member_ids: list[str]) -> list[Contact]:
    """The members chosen by their public id, as contacts; refuse unknown ids."""
    users = get_user_model().objects.filter(public_id__in=member_ids, is_active=True)
    found = {user.public_id: user for user in users}
    unknown = [member_id for member_id in member_ids if member_id not in found]
    if unknown:
        message = _("Some of the people chosen are not members.")
        # ``fields`` holds messages, as in every refusal; the ids refused are
        # a fact beside them (they were the field's "messages" until
        # 2026-12-07).
        raise SharingError(
            "member_unknown",
            message,
            fields={"member_ids": [message]},
            extra={"unknown_member_ids": unknown[:10]},
        )
    return [
        Contact(name="", address=user.phone, is_chosen_by_id=True)
        for user in found.values()
    ]


def share_send_within_limits(
    request,
    *,
    actor,
    product,
    deal,
    numbers: list[str],
    names: dict[str, str],
    member_ids: list[str],
    comment: str,
    voice_note,
    idempotency_key: str,
) -> Share:
    """Send a share to typed ``numbers`` (with the sender's ``names`` for some)
    and members chosen by id, counting them as matched unless the request is a
    repeat of one already sent."""
    count = len(numbers) + len(member_ids)
    services.recipient_count_check(count)  # before parsing a huge list
    is_repeat = (
        services.share_sent_with(actor=actor, idempotency_key=idempotency_key)
        is not None
    )
    if not is_repeat:
        match_rate_check(request, numbers=count)
    typed = typed_numbers_parse(numbers, names=names)
    hashes = [contact.address_hash for contact in typed]
    if not is_repeat:
        match_daily_check(request, hashes=hashes)
    try:
        contacts = typed + member_contacts(member_ids)
        return services.share_send(
            actor=actor,
            product=product,
            deal=deal,
            contacts=list({contact.address: contact for contact in contacts}.values()),
            comment=comment,
            voice_note=voice_note,
            idempotency_key=idempotency_key,
        )
    except DomainError:
        if is_repeat:
            # Refused, so not the request sent before: it looked its people up
            # (whether a typed number is a member's chosen before by id tells
            # a 409 from a 200), and counts as any send does.
            match_rate_check(request, numbers=count)
            match_daily_check(request, hashes=hashes)
        raise
