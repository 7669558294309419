"""Voice notes: short audio files attached to a share, kept private.

They are stored outside MEDIA_ROOT (``<data dir>/private/sharing/voice``, or
GROUPBUY_SHARING_PRIVATE_DIR) so no static or media route can serve them; only
``views.voice_note`` and the API's download do, to the share's participants,
through ``voice_note_response``. The format is checked by
its first bytes, not by what the browser claims.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import Http404
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from groupbuy.core.streaming import file_response
from groupbuy.sharing.errors import SharingError

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files no URL leads to; read through a permission-checked view."""

    def __init__(self, **kwargs):
        kwargs.pop("location", None)
        super().__init__(location=None, base_url=None, **kwargs)

    @property
    def base_location(self):
        return getattr(settings, "GROUPBUY_SHARING_PRIVATE_DIR", None) or str(
            settings.DATA_DIR / "private" / "sharing"
        )

    @property
    def location(self):
        import os

        return os.path.abspath(self.base_location)


def voice_note_path(instance, filename: str) -> str:
    return f"voice/{instance.public_id}.{instance.voice_note_type.split('/')[-1]}"


# What _sniff recognises, and so every type a voice note is answered in (the
# API document lists them for the download).
VOICE_NOTE_TYPES = ("audio/webm", "audio/ogg", "audio/mpeg", "audio/wav", "audio/mp4")


def _sniff(head: bytes) -> str:
    if head.startswith(b"\x1aE\xdf\xa3"):
        return "audio/webm"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"ID3") or head[:2] in {b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"}:
        return "audio/mpeg"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[4:8] == b"ftyp":
        return "audio/mp4"
    return ""


def voice_note_max_bytes() -> int:
    return int(getattr(settings, "GROUPBUY_SHARING_VOICE_MAX_BYTES", DEFAULT_MAX_BYTES))


def voice_note_check(upload) -> str:
    """Return the audio type of ``upload`` or refuse it."""
    limit = voice_note_max_bytes()
    if upload.size > limit:
        raise SharingError(
            "voice_too_large",
            _("A voice note may be at most %(mb)s MB.")
            % {"mb": limit // (1024 * 1024)},
            status=413,
            fields={"voice_note": [_("Too large.")]},
        )
    head = upload.read(16)
    upload.seek(0)
    content_type = _sniff(head)
    if not content_type:
        raise SharingError(
            "voice_invalid",
            _("A voice note must be an audio file (WebM, Ogg, MP3, WAV or M4A)."),
            fields={"voice_note": [_("Not an audio file.")]},
        )
    return content_type


def voice_note_response(share):
    """The share's voice note as a private, sniff-proof download (404 when it
    has none); the caller has checked the reader is one of its participants."""
    if not share.voice_note:
        raise Http404
    response = file_response(
        share.voice_note.open("rb"), content_type=share.voice_note_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
