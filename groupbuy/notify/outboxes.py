"""The file outboxes of the one-machine install, kept no longer than needed.

By default texts go to ``FileOutboxSmsBackend`` and e-mails to Django's
file-based backend: a file each, for another process (or a person) to send on.
They hold phone numbers, e-mail addresses and codes, so what is older than
GROUPBUY_OUTBOX_RETENTION_DAYS is deleted once a day, and an erased person's
texts go at erasure, and their name, number and address are scrubbed from the
rest as the inboxes are. A real gateway keeps nothing here; the SMS backend's
own ``purge`` and ``forget`` say what it keeps.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from groupbuy.notify.sms import get_sms_backend

_FILE_EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def _email_files() -> list[Path]:
    if settings.EMAIL_BACKEND != _FILE_EMAIL_BACKEND:
        return []
    try:
        return [
            path for path in Path(settings.EMAIL_FILE_PATH).iterdir() if path.is_file()
        ]
    except OSError:
        return []


def outboxes_purge(*, now: datetime | None = None) -> int:
    """Delete what the outboxes hold from before the retention; return how many."""
    days = settings.GROUPBUY_OUTBOX_RETENTION_DAYS
    before = (now or timezone.now()) - timedelta(days=days)
    deleted = get_sms_backend().purge(before=before)
    for path in _email_files():
        try:
            if path.stat().st_mtime < before.timestamp():
                path.unlink()
                deleted += 1
        except FileNotFoundError:
            continue
    return deleted


def outboxes_forget(*, phone: str, email: str, scrub: Callable[[str], str]) -> None:
    """Delete the texts to ``phone``, and scrub the person out of the other
    texts and the e-mails (Django's file backend may write several messages to
    one file, so a file is rewritten, not deleted)."""
    if phone:
        get_sms_backend().forget(phone=phone, scrub=scrub)
    if not email:
        return
    for path in _email_files():
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
            if email.lower() in text.lower():
                path.write_text(scrub(text), encoding="utf-8")
        except FileNotFoundError:
            continue
