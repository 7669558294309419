"""What accounts holds about a person, for their export and their erasure."""

from __future__ import annotations

import functools
import re
import secrets

from django.utils.translation import gettext, gettext_lazy

from groupbuy.core.locks import transaction_lock
from groupbuy.core.plugins import PersonalDataExport, PersonalDataProvider
from groupbuy.realtime.access import SIGNED_OUT, sockets_end

PSEUDONYM_PREFIX = "del_"


def _pseudonym() -> str:
    # Fits the phone column (20) and can never parse as a phone number.
    return f"{PSEUDONYM_PREFIX}{secrets.token_hex(8)}"


def is_erased(user) -> bool:
    """Return whether ``user`` is an erased account (kept under a pseudonym)."""
    return str(getattr(user, "phone", "") or "").startswith(PSEUDONYM_PREFIX)


def identifying_strings(user) -> list[str]:
    """Return what identifies the person in free text: numbers (every number
    the account had, ``selectors.phones_held``), e-mail, name."""
    from groupbuy.accounts.selectors import phones_held

    strings = []
    for held in phones_held(user=user):
        strings.append(held.phone)
        if held.phone.startswith("+86"):
            strings.append(held.phone.removeprefix("+86"))
    strings += [user.email or "", user.display_name or ""]
    return list(dict.fromkeys(value for value in strings if value))


def held_before(held, field: str) -> dict:
    """Return the filter for rows keyed by ``held`` (a ``HeldPhone``) that were
    the person's: any time for the number they have, before ``until`` for one
    they had (``field`` names the row's time)."""
    return {} if held.until is None else {f"{field}__lt": held.until}


def scrub(text: str, strings: list[str]) -> str:
    """Return ``text`` with every identifying string cut out, however it was
    typed: a phone number with spaces, dashes or dots between its digits and
    with or without its country code, an e-mail address or a Latin-letter name
    in any case (a name as a whole word only)."""
    pattern = _identifying_pattern(tuple(strings)) if text and strings else None
    return pattern.sub("[erased]", text) if pattern else text


def identifying_fragments(strings: list[str]) -> list[str]:
    """Return what any spelling of ``strings`` contains, to find the rows
    ``scrub`` may change with a case-insensitive "contains": a number's last
    four digits (whatever is typed between the others), the rest whole."""
    fragments = set()
    for value in strings:
        digits = re.sub(r"\D", "", value)
        if re.fullmatch(r"\+?[\d\s\-.()]+", value) and len(digits) >= 7:
            fragments.add(digits[-4:])
        elif len(value) >= 2 or not value.isascii():
            fragments.add(value)
    return sorted(fragments)


_DIGIT_GAP = r"[\s\-.\u3000]*"  # what people type between a number's digits


@functools.lru_cache(maxsize=64)
def _identifying_pattern(strings: tuple[str, ...]) -> re.Pattern | None:
    parts = []
    # Longest first, so "+86138…" goes whole rather than leaving "+86".
    for value in sorted(set(strings), key=len, reverse=True):
        digits = re.sub(r"\D", "", value)
        if re.fullmatch(r"\+?[\d\s\-.()]+", value) and len(digits) >= 7:
            national = digits.removeprefix("86") if value.startswith("+86") else digits
            number = _DIGIT_GAP.join(map(re.escape, national))
            parts.append(rf"(?<!\d)(?:\+?86{_DIGIT_GAP})?{number}(?!\d)")
        elif value.isascii() and len(value) < 2:
            continue  # one letter names nobody, and would cut it out of every word
        elif value.isascii():
            parts.append(rf"(?<![\w@.]){re.escape(value)}(?![\w@])")
        else:
            parts.append(re.escape(value))  # a name in Chinese: as written
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


class AccountsPersonalData(PersonalDataProvider):
    holds = gettext_lazy(
        "your account, the numbers it had before, the merchants you work for, "
        "your API tokens and the codes sent to your phone"
    )

    def export(self, user) -> PersonalDataExport:
        return PersonalDataExport(
            records={
                "account": {
                    "id": user.public_id,
                    "phone": user.phone,
                    "email": user.email,
                    "display_name": user.display_name,
                    "preferred_language": user.preferred_language,
                    "contact_channel": user.contact_channel,
                    "inbox_only_kinds": user.inbox_only_kinds,
                    "date_joined": user.date_joined,
                    "phone_verified_at": user.phone_verified_at,
                    "email_verified_at": user.email_verified_at,
                    "last_login": user.last_login,
                },
                "merchant_memberships": [
                    {
                        "merchant": membership.merchant.public_id,
                        "merchant_name": membership.merchant.name,
                        "role": membership.role,
                        "branch": (
                            {
                                "id": membership.branch.public_id,
                                "name": membership.branch.name,
                            }
                            if membership.branch
                            else None
                        ),
                        "since": membership.created_at,
                    }
                    for membership in user.memberships.select_related(
                        "merchant", "branch"
                    )
                ],
                "api_tokens": [
                    {
                        "id": token.public_id,
                        "name": token.name,
                        "created_at": token.created_at,
                        "last_used_at": token.last_used_at,
                        "expires_at": token.expires_at,
                        "revoked_at": token.revoked_at,
                    }
                    for token in user.api_tokens.all()
                ],
                "previous_phones": [
                    {"phone": previous.phone, "held_until": previous.held_until}
                    for previous in user.previous_phones.all()
                ],
                "phone_codes": [
                    {
                        "purpose": verification.purpose,
                        "created_at": verification.created_at,
                        "used_at": verification.used_at,
                    }
                    for verification in user.phone_verifications.all()
                ],
                # Kept only while they count against the change page's limit.
                "password_confirmations": [
                    {"at": attempt.created_at}
                    for attempt in user.password_confirm_attempts.order_by("id")
                ],
            }
        )

    def erasure_blockers(self, user) -> list[str]:
        return _platform_needing_its_operator(user)

    def erase(self, user) -> None:
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        from groupbuy.accounts.models import PhoneVerification
        from groupbuy.accounts.selectors import phones_held

        PhoneVerification.objects.filter(user=user).delete()
        # Codes and login attempts for every number the account had, while it
        # had it: the ones after it went belong to the number's next holder.
        for held in phones_held(user=user):
            PhoneVerification.objects.filter(
                phone=held.phone, **held_before(held, "created_at")
            ).delete()
            for model in (AccessAttempt, AccessFailureLog, AccessLog):
                model.objects.filter(
                    username=held.phone, **held_before(held, "attempt_time")
                ).delete()
        # Last of all (accounts erases after every other app): the others
        # found what was sent to these numbers through them.
        user.previous_phones.all().delete()
        user.api_tokens.all().delete()
        user.password_confirm_attempts.all().delete()
        user.memberships.all().delete()
        # The row stays (orders and ledger accounts point at it) under a pseudonym.
        user.phone = _pseudonym()
        user.email = ""
        user.display_name = ""
        user.is_active = False
        user.last_login = None
        user.phone_verified_at = None
        user.email_verified_at = user.email_verification_sent_at = None
        user.set_unusable_password()
        user.save()
        # Its sockets were opened under sessions that end here: close them all.
        sockets_end(user_public_id=user.public_id, reason=SIGNED_OUT)


def other_active_operators(user):
    """Return the active operators other than ``user``: read from the partial
    index of active staff (``accounts_user_active_staff``), a handful of rows
    however many people sign up."""
    from groupbuy.accounts.models import User

    return User.objects.filter(is_staff=True, is_active=True).exclude(pk=user.pk)


def _platform_needing_its_operator(user) -> list[str]:
    """Refuse to erase the last active operator: nobody would be left to run
    the platform (perform erasures, onboard merchants, answer look-ups).

    One lock for the whole platform is held while counting, so two
    operators erased at the same time cannot each count on the other staying:
    the second counts once the first is erased. (Locking the other operators'
    rows deadlocked on PostgreSQL: each erasure holds its own person's row
    first, then waited for the other's.)
    """
    if not user.is_staff:
        return []
    transaction_lock("platform-operators")
    if other_active_operators(user).exists():
        return []
    return [
        gettext(
            "You are the platform's only operator: make someone else an "
            "operator before this account is deleted."
        )
    ]
