from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.lockout import number_failures
from groupbuy.accounts.models import (
    ApiToken,
    MerchantMembership,
    PhoneVerification,
    User,
)
from groupbuy.accounts.reauth import password_confirm_failures
from groupbuy.core.request_memo import remembered


def user_memberships(*, user: User) -> list[MerchantMembership]:
    if not user.is_authenticated:
        return []
    return list(
        MerchantMembership.objects.filter(user=user, merchant__is_active=True)
        .select_related("merchant", "branch")
        .order_by("merchant__name")
    )


def user_membership_for(*, user: User, merchant_id: int) -> MerchantMembership | None:
    """``user``'s membership of the merchant, if any (remembered for the rest
    of the request: a merchant page asks several times)."""
    if not user.is_authenticated:
        return None
    return remembered(
        ("membership", user.pk, merchant_id),
        lambda: (
            MerchantMembership.objects.filter(user=user, merchant_id=merchant_id)
            .select_related("merchant", "branch")
            .first()
        ),
    )


def user_is_merchant_staff(*, user: User) -> bool:
    return user.is_authenticated and user.memberships.exists()


def merchants_owned_alone(*, user: User) -> list:
    """Return the merchants ``user`` is the only owner of, by name: an owner
    whose account is switched off (or erased) runs nothing, so does not count."""
    other_owners = MerchantMembership.objects.filter(
        merchant_id=OuterRef("merchant_id"),
        role=MerchantMembership.Role.OWNER,
        user__is_active=True,
    ).exclude(user=user)
    return [
        membership.merchant
        for membership in MerchantMembership.objects.filter(
            user=user, role=MerchantMembership.Role.OWNER
        )
        .filter(~Exists(other_owners))
        .select_related("merchant")
        .order_by("merchant__name", "merchant_id")
    ]


def api_tokens_for_user(
    *, user: User, include_inactive: bool = False
) -> QuerySet[ApiToken]:
    """Return ``user``'s tokens that still work, newest first (a QuerySet, to
    paginate); ``include_inactive``: the revoked and expired ones too."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    tokens = ApiToken.objects.filter(user=user)
    if not include_inactive:
        tokens = tokens.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
    return tokens.order_by("-created_at", "-pk")


@dataclass(frozen=True)
class HeldPhone:
    """A number a person's account had: ``until`` the moment it moved away from
    it, None for the number it has now."""

    phone: str
    until: datetime | None = None


def phones_held(*, user: User) -> list[HeldPhone]:
    """Return every number ``user``'s account has had, the current one first.

    For the personal data providers: what was keyed by a previous number up
    to its ``until`` was the person's; what came to it afterwards is not. An
    erased account has no number left (its pseudonym is none).
    """
    from groupbuy.accounts.personal_data import is_erased

    held = [HeldPhone(user.phone)] if user.phone and not is_erased(user) else []
    held += [
        HeldPhone(previous.phone, previous.held_until)
        for previous in user.previous_phones.order_by("-held_until", "-pk")
    ]
    return held


def sign_up_code_still_open(*, verification_id: str) -> bool:
    """Return whether the sign-up verification ``verification_id`` still takes
    its code (unused, not expired, tries left).

    For the browser that asked for it (its id remembered in the session): the
    same answer whether or not the number had an account, whose verification
    takes no code but reads alike, so it tells nothing the code page did not.
    """
    from django.conf import settings

    from groupbuy.accounts.models import PhoneVerification

    return PhoneVerification.objects.filter(
        public_id=verification_id,
        purpose=PhoneVerification.Purpose.SIGN_UP,
        used_at__isnull=True,
        expires_at__gt=timezone.now(),
        failed_attempts__lt=settings.GROUPBUY_PHONE_CODE_MAX_ATTEMPTS,
    ).exists()


def code_request_get(*, verification_id: str, purpose: str) -> PhoneVerification:
    """Return the code request ``verification_id`` for ``purpose`` (sign-up or
    password reset, asked for without an account); raise a 404 AccountError when
    it is unknown or of another purpose, so its code page opens no form.

    A reset for a number with no account has its request too: a 404 says
    nothing about whose a number is."""
    verification = PhoneVerification.objects.filter(
        # NUL, which PostgreSQL text refuses, is in no id.
        public_id=verification_id.replace("\x00", ""),
        purpose=purpose,
    ).first()
    if verification is None:
        raise AccountError("not_found", _("This code request is unknown."), status=404)
    return verification


def code_request_for_user(
    *, user: User, verification_id: str, purpose: str
) -> PhoneVerification:
    """Return ``user``'s code request ``verification_id`` for ``purpose``; raise
    a 404 AccountError when it is someone else's, of another purpose or unknown.

    The code pages ask first, so another person's id opens no form (the API,
    which takes the id with the code, answers the same 404)."""
    verification = PhoneVerification.objects.filter(
        # NUL, which PostgreSQL text refuses, is in no id.
        public_id=verification_id.replace("\x00", ""),
        purpose=purpose,
        user=user,
    ).first()
    if verification is None:
        raise AccountError("not_found", _("This code request is unknown."), status=404)
    return verification


@dataclass(frozen=True)
class PersonLockout:
    """What holds a person back from signing in: failed logins counted against
    their number, and wrong passwords on the change page (``accounts.reauth``),
    each with until when it refuses them (None: it does not, yet)."""

    sign_in_failures: int
    sign_in_locked_until: datetime | None
    password_failures: int
    password_locked_until: datetime | None

    @property
    def is_locked(self) -> bool:
        return bool(self.sign_in_locked_until or self.password_locked_until)

    @property
    def has_failures(self) -> bool:
        return bool(self.sign_in_failures or self.password_failures)


def person_lockout(*, person: User) -> PersonLockout:
    """Return the failures counted against ``person`` now, for an operator."""
    sign_in_failures, sign_in_locked_until = number_failures(person.phone)
    password_failures, password_locked_until = password_confirm_failures(user=person)
    return PersonLockout(
        sign_in_failures=sign_in_failures,
        sign_in_locked_until=sign_in_locked_until,
        password_failures=password_failures,
        password_locked_until=password_locked_until,
    )
