"""Phone numbers are the login: parse anything a person types, store E.164."""

import re

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from groupbuy.core.echo import echoed


def normalize_phone(raw: str, *, region: str | None = None) -> str:
    """Return ``raw`` as E.164 (``+8613800138000``) or raise ValidationError."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter a phone number."), code="phone_required")
    try:
        number = phonenumbers.parse(text, region or settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("“%(phone)s” is not a phone number."),
            code="phone_invalid",
            params={"phone": echoed(text)},
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(phone)s” is not a valid phone number."),
            code="phone_invalid",
            params={"phone": echoed(text)},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str) -> str:
    """Show enough of a number to recognise it, not enough to dial it."""
    if len(e164) < 8:
        return "****"
    return f"{e164[:-8]}****{e164[-4:]}"


# An E.164 number, or a mainland mobile typed without its +86, standing alone
# (not part of a longer run of digits such as a barcode).
PHONE_IN_TEXT = re.compile(r"(?<![\w+])(?:\+\d{8,15}|1[3-9]\d{9})(?!\w)")


def mask_phones_in_text(text: str) -> str:
    """Return ``text`` with every phone number in it masked (``mask_phone``):
    for text written once and shown to staff later (a log line's name of an
    object, an audit entry's data)."""
    return PHONE_IN_TEXT.sub(lambda match: mask_phone(match.group(0)), text)


def person_label(user) -> str:
    """Name a person where staff and other members read lists: their name,
    else their masked number (``str(user)`` would give the full number);
    "Deleted user" once erased (not the pseudonym); "—" for nobody."""
    from groupbuy.accounts.personal_data import is_erased

    if user is None:
        return "—"
    if is_erased(user):
        return _("Deleted user")
    return user.display_name or mask_phone(user.phone)
