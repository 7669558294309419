from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import NamedTuple

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.models import MerchantMembership, User
from groupbuy.accounts.phones import normalize_phone
from groupbuy.core.audit import audit_log
from groupbuy.core.echo import echoed
from groupbuy.core.errors import all_or_errors as core_all_or_errors


def validation_error(field: str, error: ValidationError) -> AccountError:
    messages = [str(m) for m in error.messages]
    return AccountError("invalid", messages[0], fields={field: messages})


def phone_or_error(phone: str) -> str:
    """Return ``phone`` in E.164 or raise AccountError on the phone field."""
    try:
        return normalize_phone(phone)
    except ValidationError as error:
        raise validation_error("phone", error) from None


def without_nul(text: str) -> str:
    """Drop NUL characters, which JSON allows and PostgreSQL text refuses."""
    return text.replace("\x00", "")


def email_or_error(email: str) -> str:
    """Return ``email`` trimmed ("" allowed) or raise AccountError on the field."""
    email = without_nul(email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise AccountError(
                "invalid_email",
                _("“%(email)s” is not an e-mail address.") % {"email": echoed(email)},
                fields={"email": [_("Enter a valid e-mail address.")]},
            ) from None
    return email


def password_or_error(password: str, *, user: User | None, field: str) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise validation_error(field, error) from None


# Seven digits or more, however spaced: "13800000001", "+86 138-0000-0001",
# "138 0000 0001" (and full-width digits, which ``\d`` matches too).
_PHONE_LIKE = re.compile(r"\d(?:[\s\-.()/]*\d){6,}")
DISPLAY_NAME_CHARS = 60


def display_name_or_error(display_name: str) -> str:
    """Return the display name as kept (NULs dropped, trimmed, cut to 60), or
    raise AccountError on the field when it looks like a phone number: others
    see the name where they would see a number (shares, a deal's buyers), and
    "13800000001" there passes its holder off as whoever has that number."""
    name = without_nul(display_name or "").strip()[:DISPLAY_NAME_CHARS]
    if _PHONE_LIKE.search(name):
        why = _("A display name cannot be a phone number or hold a run of 7 digits.")
        raise AccountError("invalid_display_name", why, fields={"display_name": [why]})
    return name


def all_or_errors(*checks: Callable[[], object]) -> list:
    """core.errors.all_or_errors for accounts' own refusals."""
    return core_all_or_errors(*checks, refusal=AccountError)


def password_candidate(phone: str, display_name: str) -> User:
    """The unsaved person a new password is compared with (not too like their
    number or name), by their number as typed when it is not one."""
    with contextlib.suppress(ValidationError):
        phone = normalize_phone(phone)
    return User(phone=phone, display_name=display_name)


class SignUpFields(NamedTuple):
    """A sign-up form's fields as an account keeps them."""

    phone: str  # E.164
    display_name: str
    email: str
    preferred_language: str


def sign_up_fields_or_errors(
    phone: str,
    password: str | None,
    display_name: str,
    email: str,
    preferred_language: str,
) -> SignUpFields:
    """Check every field of a sign-up, so a form with a bad number and a bad
    password says both at once (until 2026-12-06 it named the number only);
    an unknown language is Chinese; ``password=None`` (no password) passes."""
    e164, display_name, email, _password = all_or_errors(
        lambda: phone_or_error(phone),
        lambda: display_name_or_error(display_name),
        lambda: email_or_error(email),
        lambda: (
            password is None
            or password_or_error(
                password, user=password_candidate(phone, display_name), field="password"
            )
        ),
    )
    if preferred_language not in User.Language.values:
        preferred_language = User.Language.ZH_HANS
    return SignUpFields(e164, display_name, email, preferred_language)


def phone_taken_error() -> AccountError:
    return AccountError(
        "phone_taken",
        _("An account with this phone number already exists."),
        status=409,
        fields={"phone": [_("Already registered.")]},
    )


def user_sign_up(
    *,
    phone: str,
    password: str | None,
    display_name: str = "",
    preferred_language: str = User.Language.ZH_HANS,
    email: str = "",
) -> User:
    """Create a shopper account at once, without an SMS code.

    For the demo data and operators' tools; people sign up through
    ``sign_up_request`` / ``sign_up_complete``, which verify the number first.
    ``password=None`` makes an account no password signs in to (the demo's
    buyers), without paying for a password hash (~0.4 s of CPU).
    """
    fields = sign_up_fields_or_errors(
        phone, password, display_name, email, preferred_language
    )
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                fields.phone,
                password,
                display_name=fields.display_name,
                preferred_language=fields.preferred_language,
                email=fields.email,
            )
            audit_log(actor=user, action="accounts.user.signed_up", obj=user)
    except IntegrityError:
        raise phone_taken_error() from None
    return user


def user_update_profile(
    *,
    actor: User,
    display_name: str | None = None,
    preferred_language: str | None = None,
    email: str | None = None,
    contact_channel: str | None = None,
    inbox_only_kinds: list[str] | None = None,
) -> User:
    """Change the fields given (``None``: left as it is) of ``actor``'s own
    profile, audited as ``accounts.profile.updated`` with the names of the
    fields that changed, never their values (the e-mail address is private).
    A value equal to the saved one changes nothing; nothing changed, nothing
    logged. Every value is checked first, so a refusal leaves ``actor`` (and
    the row) as it was."""
    wanted = _profile_values_or_error(
        display_name=display_name,
        preferred_language=preferred_language,
        email=email,
        contact_channel=contact_channel,
        inbox_only_kinds=inbox_only_kinds,
    )
    with transaction.atomic():
        # Read under a lock: two saves of the same profile at once each log
        # what they changed, and neither undoes the e-mail check of the other.
        locked = User.objects.select_for_update().get(pk=actor.pk)
        channel = wanted.get("contact_channel", locked.contact_channel)
        _channel_reachable_or_error(
            channel=channel,
            email=wanted.get("email", locked.email),
            channel_is_changing=channel != locked.contact_channel,
        )
        changed = [
            name for name, value in wanted.items() if getattr(locked, name) != value
        ]
        if not changed:
            return actor
        for name in changed:
            setattr(locked, name, wanted[name])
        saved = list(changed)
        if "email" in changed:
            # A new address has not been proved; an old proof does not carry over.
            locked.email_verified_at = None
            locked.email_verification_sent_at = None
            saved += ["email_verified_at", "email_verification_sent_at"]
        locked.save(update_fields=saved)
        audit_log(
            actor=actor,
            action="accounts.profile.updated",
            obj=locked,
            data={"fields": sorted(changed)},
        )
    for name in saved:
        setattr(actor, name, getattr(locked, name))
    return actor


def _profile_values_or_error(
    *,
    display_name: str | None,
    preferred_language: str | None,
    email: str | None,
    contact_channel: str | None,
    inbox_only_kinds: list[str] | None,
) -> dict:
    """Return the profile's fields given, cleaned, by name; raise AccountError
    on the first that is not acceptable."""
    wanted = {}
    if email is not None:
        wanted["email"] = email_or_error(email)
    if display_name is not None:
        wanted["display_name"] = display_name_or_error(display_name)
    if preferred_language is not None:
        if preferred_language not in User.Language.values:
            raise AccountError(
                "invalid_language",
                _("Unknown language."),
                fields={"preferred_language": [_("Choose zh-hans or en.")]},
            )
        wanted["preferred_language"] = preferred_language
    if contact_channel is not None:
        if contact_channel not in User.ContactChannel.values:
            raise AccountError("invalid_channel", _("Unknown notification channel."))
        wanted["contact_channel"] = contact_channel
    if inbox_only_kinds is not None:
        wanted["inbox_only_kinds"] = _known_kinds_or_error(inbox_only_kinds)
    return wanted


def user_language_switch(*, actor: User, language: str) -> User:
    """Make the language a signed-in person switched the site to (the header's
    switch) their saved one too, which their SMS, e-mail and notifications are
    written in: one language everywhere. A language the site does not have, or
    the one already saved, changes nothing."""
    if language not in User.Language.values or language == actor.preferred_language:
        return actor
    return user_update_profile(actor=actor, preferred_language=language)


def _channel_reachable_or_error(
    *, channel: str, email: str, channel_is_changing: bool
) -> None:
    """Refuse a profile where news would go by e-mail to no address.

    An unconfirmed address is enough: notifications are sent to it already (the
    confirmation only proves it for things shared with the address). SMS needs
    nothing more, every account has a phone number.
    """
    if channel != User.ContactChannel.EMAIL or email:
        return
    if channel_is_changing:
        message = _("To be notified by e-mail, enter your e-mail address.")
        field = "contact_channel"
    else:
        message = _(
            "You are notified by e-mail: choose another way to be notified "
            "before removing your e-mail address."
        )
        field = "email"
    raise AccountError("email_needed", message, fields={field: [message]})


def _known_kinds_or_error(kinds) -> list[str]:
    """``kinds`` sorted and each once, if the installed apps declare them all;
    else a 400 naming the unknown ones."""
    from groupbuy.core.plugins import notification_kinds

    known = notification_kinds()
    if any(not str(kind).strip() for kind in kinds):
        # Named in the list below it would read "Unknown kinds of
        # notification: ." (an empty entry the fuzzer sent).
        message = _("A kind of notification cannot be empty.")
        raise AccountError(
            "invalid_kinds", message, fields={"inbox_only_kinds": [message]}
        )
    unknown = [kind for kind in kinds if kind not in known]
    if unknown:
        message = _("Unknown kinds of notification: %(kinds)s.") % {
            "kinds": ", ".join(sorted({echoed(kind) for kind in unknown}))
        }
        raise AccountError(
            "invalid_kinds", message, fields={"inbox_only_kinds": [message]}
        )
    return sorted(set(kinds))


def merchant_membership_add(
    *, actor: User | None, user: User, merchant, role: str, branch=None
) -> MerchantMembership:
    membership, _created = MerchantMembership.objects.update_or_create(
        user=user, merchant=merchant, defaults={"role": role, "branch": branch}
    )
    audit_log(
        actor=actor,
        action="accounts.membership.set",
        obj=membership,
        data={"user": user.public_id, "role": role},
    )
    return membership
