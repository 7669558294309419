"""The file outboxes of the one-machine install, kept no longer than needed.

By default texts go to ``FileOutboxSmsBackend`` and e-mails to Django's
file-based backend: a file each, for another process (or a person) to send on.
They hold phone numbers, e-mail addresses and codes, so what is older than
GROUPBUY_OUTBOX_RETENTION_DAYS is deleted once a day, and an erased person's
texts and e-mails go at erasure, and their name, number and address are
scrubbed from the rest as the inboxes are. A real gateway keeps nothing here;
the SMS backend's own ``purge`` and ``forget`` say what it keeps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from email import policy as email_policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses
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


def outboxes_forget(
    *,
    phone: str,
    email: str,
    scrub: Callable[[str], str],
    previous_phones: Iterable[tuple[str, datetime]] = (),
) -> None:
    """Delete the texts to ``phone`` and the e-mails to ``email``, and scrub the
    person out of the other texts and e-mails (Django's file backend may write
    several messages to one file, so a file is rewritten, not deleted).

    ``previous_phones`` are (number, until) of the numbers the person had
    before: the texts to each written before its ``until`` go too.
    """
    if phone:
        get_sms_backend().forget(phone=phone, scrub=scrub)
    for previous, until in previous_phones:
        get_sms_backend().forget(phone=previous, scrub=scrub, before=until)
    for path in _email_files():
        try:
            written = path.read_bytes()
        except FileNotFoundError:
            continue
        kept = _forget_in_email_file(written, email=email, scrub=scrub)
        if kept != written:
            if kept:
                path.write_bytes(kept)
            else:
                path.unlink(missing_ok=True)


# How Django's file backend ends each message it writes to a file.
_EMAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def _forget_in_email_file(
    written: bytes, *, email: str, scrub: Callable[[str], str]
) -> bytes:
    """Return the file's messages without those to ``email`` alone, the others
    scrubbed. A message is read as MIME, not as text: a subject or a name in
    Chinese is written encoded (RFC 2047), and a body with long lines as
    quoted-printable, where no text search would find the person."""
    kept = []
    for raw in written.split(_EMAIL_SEPARATOR):
        if not raw.strip():
            continue
        message = BytesParser(policy=email_policy.default).parsebytes(raw)
        recipients = {
            address.lower()
            for _name, address in getaddresses(
                message.get_all("To", []) + message.get_all("Cc", [])
            )
        }
        if email and recipients == {email.lower()}:
            continue
        if _scrub_message(message, scrub):
            raw = message.as_bytes()
        kept.append(raw + _EMAIL_SEPARATOR)
    return b"".join(kept)


def _scrub_message(message: EmailMessage, scrub: Callable[[str], str]) -> bool:
    """Scrub ``message``'s headers and text parts in place; say if any changed."""
    changed = False
    for name in ("Subject", "To", "Cc", "Reply-To"):
        value = message.get(name)
        if value is not None and scrub(str(value)) != str(value):
            message.replace_header(name, scrub(str(value)))
            changed = True
    for part in message.walk():
        if part.get_content_maintype() != "text" or part.is_attachment():
            continue
        text = part.get_content()
        if scrub(text) != text:
            part.set_content(scrub(text), subtype=part.get_content_subtype())
            changed = True
    return changed
