"""Helpers the accounts and web tests share: SMS codes and on-commit effects."""

from __future__ import annotations

import re

from groupbuy.accounts.models import User
from groupbuy.notify.sms import MemorySmsBackend

PASSWORD = "correct-horse-battery"
CODE = re.compile(r"\b(\d{6})\b")


def committed_runner(capture):
    """Return run(func, ...) that runs ``func`` and then its on-commit callbacks,
    as a real request would (tests run inside a transaction that never commits)."""

    def run(func, *args, **kwargs):
        with capture(execute=True):
            return func(*args, **kwargs)

    return run


def sms_to(phone: str) -> list[str]:
    return [m.text for m in MemorySmsBackend.outbox if m.phone == phone]


def code_sent_to(phone: str) -> str:
    texts = sms_to(phone)
    assert texts, f"no SMS to {phone}"
    match = CODE.search(texts[-1])
    assert match, f"no code in {texts[-1]!r}"
    return match.group(1)


def make_user(phone: str = "+8613800138000", **extra) -> User:
    extra.setdefault("preferred_language", "en")
    return User.objects.create_user(phone, PASSWORD, **extra)


# A number for a person with no display name, and how admin lists show it.
UNNAMED_NUMBER = "+8613800138071"
UNNAMED_MASKED = "+86138****8071"


def admin_page(client, url: str, **query) -> str:
    """Return the admin page at ``url`` (with ``query``), asserting it answers."""
    answer = client.get(url, query)
    assert answer.status_code == 200
    return answer.content.decode()


def support_client():
    """A test client signed in to the admin as support (a superuser)."""
    from django.test import Client

    client = Client()
    client.force_login(make_user("+8613700137001", is_staff=True, is_superuser=True))
    return client


def assert_masked_only(*pages: str, masked=UNNAMED_MASKED, number=UNNAMED_NUMBER):
    """Assert each admin page shows the person's number masked, never whole."""
    for page in pages:
        assert masked in page
        assert number not in page


def password_confirmed_session(client, user) -> None:
    """Sign ``client`` in as ``user`` with the password confirmed just now (the
    recent-authentication window of ``accounts.reauth`` open)."""
    from django.utils import timezone

    from groupbuy.accounts.reauth import REAUTHENTICATED_SESSION_KEY

    client.force_login(user)
    session = client.session
    session[REAUTHENTICATED_SESSION_KEY] = {
        "user": user.pk,
        "at": timezone.now().timestamp(),
    }
    session.save()
