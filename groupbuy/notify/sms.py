"""SMS backends: one small interface, chosen by settings.GROUPBUY_SMS_BACKEND.

Every backend takes an ``idempotency_key`` (one per delivery) so that a retried
delivery can be recognised: the file outbox keeps one file per key, and a real
gateway would pass the key as its client reference.

Built in:
- ``ConsoleSmsBackend`` writes messages to the log (development).
- ``FileOutboxSmsBackend`` writes one JSON file per message to
  settings.GROUPBUY_SMS_OUTBOX_DIR, named after the key; another process (or a
  person) sends them on. This is the default of the one-machine install. Its
  files hold numbers and codes, so they are deleted after
  GROUPBUY_OUTBOX_RETENTION_DAYS and an erased person's at once
  (``groupbuy.notify.outboxes``).
- ``MemorySmsBackend`` keeps messages in a class-level list (tests).

The GSM modem backend (the patents' 短信猫: AT commands over a serial port, UCS-2
text mode, long messages split) and an HTTP gateway backend live in
``groupbuy.notify.sms_modem``. Every backend's ``send`` returns the provider's
message id, raises ``SmsError`` for a failure worth retrying and ``SmsRejected``
for one that is not.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

_SAFE_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")


class SmsError(Exception):
    """The message was not sent, but trying again later may work."""


class SmsRejected(SmsError):
    """The message can never be sent as it is (bad number, text refused)."""


class BaseSmsBackend:
    def send(self, *, phone: str, text: str, idempotency_key: str) -> str:
        """Send ``text`` to ``phone`` (E.164); return the provider's message id."""
        raise NotImplementedError

    def forget(
        self,
        *,
        phone: str,
        scrub: Callable[[str], str],
        before: datetime | None = None,
    ) -> None:
        """Forget an erased person: what this backend keeps of texts to
        ``phone`` goes (only those written before ``before``, for a number the
        person had before: later texts are its next holder's), and ``scrub`` is
        applied to other texts it keeps. A backend that keeps nothing has
        nothing to do."""

    def purge(self, *, before: datetime) -> int:
        """Delete what this backend keeps of texts written before ``before``;
        return how many."""
        return 0


class ConsoleSmsBackend(BaseSmsBackend):
    def send(self, *, phone: str, text: str, idempotency_key: str) -> str:
        message_id = f"console-{uuid.uuid4().hex}"
        logger.info("SMS to %s [%s]: %s", phone, idempotency_key, text)
        return message_id


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str
    idempotency_key: str
    message_id: str


class MemorySmsBackend(BaseSmsBackend):
    """Record every send, duplicates included, so tests can count them."""

    outbox: list[SmsMessage] = []
    _lock = threading.Lock()

    def send(self, *, phone: str, text: str, idempotency_key: str) -> str:
        message = SmsMessage(phone, text, idempotency_key, f"mem-{uuid.uuid4().hex}")
        with self._lock:
            MemorySmsBackend.outbox.append(message)
        return message.message_id


def _written_before(record: dict, before: datetime | None) -> bool:
    if before is None:
        return True
    try:
        return datetime.fromisoformat(record["created_at"]) < before
    except (KeyError, TypeError, ValueError):
        return False  # no time to tell: not known to be the person's


class FileOutboxSmsBackend(BaseSmsBackend):
    """Write each message to ``<outbox dir>/<idempotency key>.json``.

    The file appears complete or not at all (written to a temporary name, then
    hard-linked into place, which fails instead of overwriting), and a second send
    with the same key returns the first message's id without writing anything.
    """

    def __init__(self, directory: str | os.PathLike | None = None) -> None:
        self.directory = Path(directory or settings.GROUPBUY_SMS_OUTBOX_DIR)

    def path_for(self, idempotency_key: str) -> Path:
        name = idempotency_key
        if not _SAFE_FILE_NAME.match(name):
            # Keys are ours and normally safe; anything else must not reach the
            # file system as a path, so it is hashed into a name.
            name = hashlib.sha256(idempotency_key.encode()).hexdigest()
        return self.directory / f"{name}.json"

    def send(self, *, phone: str, text: str, idempotency_key: str) -> str:
        if not idempotency_key:
            raise SmsRejected("an idempotency key is required")
        path = self.path_for(idempotency_key)
        existing = self._read_message_id(path)
        if existing:
            return existing
        message_id = f"file-{uuid.uuid4().hex}"
        record = {
            "message_id": message_id,
            "phone": phone,
            "text": text,
            "idempotency_key": idempotency_key,
            "created_at": timezone.now().isoformat(),
        }
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._write_once(path, record)
        except FileExistsError:
            # Another worker wrote the same message in the meantime.
            return self._read_message_id(path) or message_id
        except OSError as error:
            raise SmsError(f"cannot write SMS outbox file: {error}") from error
        return message_id

    def _write_once(self, path: Path, record: dict) -> None:
        handle, temporary = tempfile.mkstemp(
            dir=self.directory, prefix=".tmp-", suffix=".json"
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(record, stream, ensure_ascii=False, indent=2)
                stream.flush()
                os.fsync(stream.fileno())
            os.link(temporary, path)
        finally:
            os.unlink(temporary)

    def _records(self):
        try:
            paths = sorted(self.directory.glob("*.json"))
        except OSError:
            return
        for path in paths:
            try:
                yield path, json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # gone meanwhile (sent on), or not ours

    def forget(
        self,
        *,
        phone: str,
        scrub: Callable[[str], str],
        before: datetime | None = None,
    ) -> None:
        for path, record in self._records():
            if record.get("phone") == phone and _written_before(record, before):
                path.unlink(missing_ok=True)
                continue
            text = record.get("text", "")
            if scrub(text) != text:
                # Rewritten in place: the key's file must stay so a retried
                # delivery still finds its message id.
                record["text"] = scrub(text)
                handle, temporary = tempfile.mkstemp(
                    dir=self.directory, prefix=".tmp-", suffix=".json"
                )
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    json.dump(record, stream, ensure_ascii=False, indent=2)
                os.replace(temporary, path)

    def purge(self, *, before: datetime) -> int:
        deleted = 0
        cutoff = before.timestamp()
        try:
            paths = list(self.directory.glob("*.json"))
        except OSError:
            return 0
        for path in paths:
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    deleted += 1
            except FileNotFoundError:
                continue
        return deleted

    @staticmethod
    def _read_message_id(path: Path) -> str:
        try:
            return json.loads(path.read_text(encoding="utf-8"))["message_id"]
        except FileNotFoundError:
            return ""
        except (OSError, ValueError, KeyError) as error:
            raise SmsError(f"unreadable SMS outbox file {path.name}: {error}") from None


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.GROUPBUY_SMS_BACKEND)()
