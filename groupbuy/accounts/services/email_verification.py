"""Prove an e-mail address is yours: a signed link, confirmed while signed in.

The link carries the account and the address, signed with the server's secret
and valid for a day. It verifies only for the account it was sent to and only
while that account still has that address, so a forwarded or stale link does
nothing. Confirming is a POST from a page the link opens, so mail scanners that
follow links verify nothing. Once verified, ``email_verified`` is sent (after
commit): notify hands over invitations that were e-mailed to that address.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import urljoin

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.models import User
from groupbuy.accounts.signals import email_verified
from groupbuy.core.audit import audit_log
from groupbuy.core.transactions import after_commit

logger = logging.getLogger(__name__)

SALT = "groupbuy.accounts.email-verification"
LINK_VALID_FOR = timedelta(days=1)
RESEND_AFTER = timedelta(minutes=1)


def _token(user: User) -> str:
    return signing.dumps({"user": user.public_id, "email": user.email}, salt=SALT)


def verification_link(user: User) -> str:
    path = reverse("accounts:email_verify", args=[_token(user)])
    return urljoin(settings.GROUPBUY_PUBLIC_URL.rstrip("/") + "/", path.lstrip("/"))


def _send(user_id: int) -> None:
    user = User.objects.get(pk=user_id)
    with translation.override(user.preferred_language):
        context = {
            "link": verification_link(user),
            "site_name": settings.GROUPBUY_SITE_NAME,
            "hours": int(LINK_VALID_FOR.total_seconds() // 3600),
        }
        subject = _("Confirm your e-mail address for %(site)s") % {
            "site": settings.GROUPBUY_SITE_NAME
        }
        body = render_to_string("accounts/email_verification.txt", context)
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def email_verification_send(*, actor: User) -> None:
    """E-mail ``actor`` a link that proves their address is theirs."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    if not user.email:
        raise AccountError(
            "no_email",
            _("Add an e-mail address to your profile first."),
            fields={"email": [_("Required.")]},
        )
    if user.email_verified_at is not None:
        raise AccountError(
            "email_already_verified",
            _("This e-mail address is already verified."),
            status=409,
        )
    now = timezone.now()
    sent_at = user.email_verification_sent_at
    if sent_at is not None and now - sent_at < RESEND_AFTER:
        wait = int((sent_at + RESEND_AFTER - now).total_seconds()) + 1
        raise AccountError(
            "too_soon",
            _("A link was just sent. Try again in %(seconds)d seconds.")
            % {"seconds": wait},
            status=429,
            retry_after=wait,
        )
    User.objects.filter(pk=user.pk).update(email_verification_sent_at=now)
    audit_log(actor=actor, action="accounts.email.verification_sent", obj=user)
    after_commit(_send, user.pk)


def _invalid_link() -> AccountError:
    return AccountError(
        "invalid_link",
        _(
            "This link is not valid any more. Send yourself a new one from your "
            "profile."
        ),
    )


def email_verification_check(*, actor: User, token: str) -> str:
    """Return the address ``token`` would verify for ``actor``, or raise."""
    try:
        claim = signing.loads(
            token, salt=SALT, max_age=int(LINK_VALID_FOR.total_seconds())
        )
    except signing.BadSignature:
        raise _invalid_link() from None
    if claim.get("user") != actor.public_id:
        raise AccountError(
            "other_account",
            _(
                "This link was sent to another account. Sign in with the account "
                "that asked for it."
            ),
            status=403,
        )
    if not actor.email or claim.get("email") != actor.email:
        raise _invalid_link()
    return actor.email


def _announce(user_id: int, email: str) -> None:
    user = User.objects.get(pk=user_id)
    for receiver, result in email_verified.send_robust(
        sender=User, user=user, email=email
    ):
        if isinstance(result, Exception):
            logger.error("email_verified receiver %r failed", receiver, exc_info=result)


@transaction.atomic
def email_verify(*, actor: User, token: str) -> User:
    """Mark ``actor``'s e-mail address verified; repeating it changes nothing."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    email = email_verification_check(actor=user, token=token)
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        audit_log(actor=user, action="accounts.email.verified", obj=user)
        after_commit(_announce, user.pk, email)
    return user
