"""Phone numbers are the login: parse anything a person types, store E.164."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


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
            params={"phone": text},
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(phone)s” is not a valid phone number."),
            code="phone_invalid",
            params={"phone": text},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str) -> str:
    """Show enough of a number to recognise it, not enough to dial it."""
    if len(e164) < 8:
        return "****"
    return f"{e164[:-8]}****{e164[-4:]}"


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
