"""A signed-in person moves their account to another phone number.

Two steps. ``phone_change_request`` texts a code to the new number (the edge has
re-authenticated the person with their password first: ``accounts.reauth``), and
``phone_change_complete`` moves the account once that code is entered. Whether
the new number belongs to another account is told only then, after the code
proved the person holds it, so asking for codes reveals nothing about a number.

The old number is recorded (``PreviousPhone``) with the moment it stopped being
the person's, so their export and erasure still find what was sent to it before
(``accounts.selectors.phones_held``). Afterwards the old number is told by SMS
and the person in their inbox, and ``phone_verified`` is announced for the new
number, so what is derived from it follows (sharing's keyed member hash,
invitations sent to that number).
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.models import PhoneVerification, PreviousPhone, User
from groupbuy.accounts.phones import mask_phone
from groupbuy.accounts.selectors import code_request_for_user
from groupbuy.accounts.services.phone_codes import (
    CodeSent,
    _announce_phone_verified,
    _code_hash,
    _send_sms,
    code_consume,
    code_issue,
)
from groupbuy.accounts.services.users import phone_or_error, without_nul
from groupbuy.core.audit import audit_log
from groupbuy.core.errors import fields_renamed
from groupbuy.core.transactions import after_commit

Purpose = PhoneVerification.Purpose


def _new_phone_or_error(*, actor: User, new_phone: str) -> str:
    with fields_renamed({"phone": "new_phone"}):
        e164 = phone_or_error(without_nul(new_phone))
    if e164 == actor.phone:
        message = _("This is already your phone number.")
        raise AccountError("phone_same", message, fields={"new_phone": [message]})
    return e164


def phone_change_request(*, actor: User, new_phone: str, address: str = "") -> CodeSent:
    """Text a code to ``new_phone`` for moving the account there.

    The caller has confirmed the person's password. A number that has another
    account gets a code too: nothing here says whose a number is.
    """
    e164 = _new_phone_or_error(actor=actor, new_phone=new_phone)
    with transaction.atomic():
        return code_issue(
            purpose=Purpose.PHONE_CHANGE,
            phone=e164,
            user=actor,
            address=address,
            language=actor.preferred_language,
        )


def phone_change_verification(*, user: User, verification_id: str) -> PhoneVerification:
    """Return ``user``'s number change request ``verification_id`` (404 if not
    theirs or not a number change)."""
    return code_request_for_user(
        user=user, verification_id=verification_id, purpose=Purpose.PHONE_CHANGE
    )


def _latest_request(*, actor: User, new_phone: str) -> PhoneVerification:
    """The person's latest number change request, which must be for ``new_phone``:
    a later request replaces the earlier ones."""
    latest = (
        PhoneVerification.objects.filter(purpose=Purpose.PHONE_CHANGE, user=actor)
        .order_by("-created_at", "-pk")
        .first()
    )
    if latest is None:
        message = _("Ask for a code for the new number first.")
        raise AccountError("code_missing", message, fields={"code": [message]})
    if latest.phone != new_phone:
        message = _(
            "This code was sent to another number. Enter the number you asked the "
            "code for, or ask for a code for this one."
        )
        raise AccountError(
            "code_other_number", message, fields={"new_phone": [message]}
        )
    return latest


def _phone_taken() -> AccountError:
    message = _("This number is already registered to another account.")
    return AccountError(
        "phone_taken", message, status=409, fields={"new_phone": [message]}
    )


def _is_finished_change(*, user: User, new_phone: str, code: str) -> bool:
    """Whether the person's account moved to ``new_phone`` with ``code`` by
    their latest request, while that code would still work: the same change
    sent again (a double tap, a retry after a lost answer)."""
    if user.phone != new_phone:
        return False
    latest = (
        PhoneVerification.objects.filter(purpose=Purpose.PHONE_CHANGE, user=user)
        .order_by("-created_at", "-pk")
        .first()
    )
    return (
        latest is not None
        and latest.phone == new_phone
        and latest.used_at is not None
        and latest.expires_at > timezone.now()
        and hmac.compare_digest(
            latest.code_hash, _code_hash(latest.public_id, without_nul(code).strip())
        )
    )


def phone_change_complete(*, actor: User, new_phone: str, code: str) -> User:
    """Move the account to ``new_phone`` with the code texted to it.

    One transaction under the person's row lock: the code is checked (a wrong
    one stays counted, so this block commits even when it refuses), the number
    is refused if another account holds it, then changed, marked verified and
    audited. Sessions and tokens are kept: they belong to the same person.

    The change just made, sent again with the same number and code while the
    code would still work, returns the account as it is and changes nothing;
    anything else for the number the account has is ``phone_same``.
    """
    with fields_renamed({"phone": "new_phone"}):
        e164 = phone_or_error(without_nul(new_phone))
    refusal: AccountError | None = None
    with transaction.atomic():
        # Under the lock: a repeat sent at once waits for the first to finish.
        user = User.objects.select_for_update().get(pk=actor.pk)
        try:
            if _is_finished_change(user=user, new_phone=e164, code=code):
                return _refreshed(actor, user)
            _new_phone_or_error(actor=user, new_phone=e164)
            verification = code_consume(
                verification_id=_latest_request(actor=user, new_phone=e164).public_id,
                code=code,
                purpose=Purpose.PHONE_CHANGE,
                user=user,
            )
            if User.objects.filter(phone=e164).exclude(pk=user.pk).exists():
                raise _phone_taken()
            _phone_move(user=user, new_phone=e164, verification=verification)
        except AccountError as error:
            # Leave the block normally, so a counted wrong guess (or a used
            # code) is kept; nothing else was written.
            refusal = error
    if refusal is not None:
        raise refusal
    return _refreshed(actor, user)


def _refreshed(actor: User, user: User) -> User:
    actor.phone = user.phone
    actor.phone_verified_at = user.phone_verified_at
    return user


def _phone_move(*, user: User, new_phone: str, verification: PhoneVerification):
    old_phone = user.phone
    user.phone = new_phone
    user.phone_verified_at = timezone.now()
    try:
        with transaction.atomic():  # a savepoint: the unique number is the guard
            user.save(update_fields=["phone", "phone_verified_at"])
    except IntegrityError:
        user.phone = old_phone
        raise _phone_taken() from None
    # What was keyed by the old number until now stays the person's, for their
    # export and their erasure (accounts.selectors.phones_held).
    PreviousPhone.objects.create(
        user=user, phone=old_phone, held_until=user.phone_verified_at
    )
    audit_log(
        actor=user,
        action="accounts.phone.changed",
        obj=user,
        data={
            "verification": verification.public_id,
            "old_phone": mask_phone(old_phone),
            "new_phone": mask_phone(new_phone),
        },
    )
    _notify_inbox(user=user, verification=verification)
    after_commit(_tell_old_number, user, old_phone, verification.public_id)
    after_commit(_announce_phone_verified, user, new_phone)


def _notify_inbox(*, user: User, verification: PhoneVerification) -> None:
    from groupbuy.notify.services import notification_enqueue

    title = gettext_lazy("Your phone number was changed")
    body = gettext_lazy(
        "Your account now signs in with its new number. If this wasn't you, "
        "contact support."
    )
    notification_enqueue(
        recipient=user,
        kind="accounts.phone.changed",
        title=title,
        body=body,
        url=reverse("web:profile"),
        channels=["in_app"],
        idempotency_key=f"accounts.phone.changed:{verification.public_id}",
    )


def _tell_old_number(user: User, old_phone: str, verification_id: str) -> None:
    with translation.override(user.preferred_language):
        text = _(
            "Your %(site)s account's number was changed to %(phone)s. If this "
            "wasn't you, contact support."
        ) % {"site": settings.GROUPBUY_SITE_NAME, "phone": mask_phone(user.phone)}
    _send_sms(old_phone, text, f"phone-changed-{verification_id}")
