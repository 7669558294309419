"""What an application's fields may hold, and their cleaning: spaces collapsed,
lengths checked, the contact phone normalized (the applicant's own by default).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from groupbuy.accounts.phones import normalize_phone
from groupbuy.ops.errors import OpsError

NAME_MAX_CHARS = 120
ADDRESS_MAX_CHARS = 255
SELLS_MAX_CHARS = 500
NOTE_MAX_CHARS = 1000
REASON_MAX_CHARS = 1000


def invalid(field: str, message: str) -> OpsError:
    return OpsError("invalid", message, fields={field: [message]})


def one_line(value: str | None, *, field: str, label, limit: int, required: bool):
    """Return ``value`` with its runs of spaces and line breaks made one space."""
    text = " ".join((value or "").split())
    return checked(text, field=field, label=label, limit=limit, required=required)


def checked(text: str, *, field: str, label, limit: int, required: bool) -> str:
    if required and not text:
        raise invalid(field, gettext("Enter the %(label)s.") % {"label": label})
    if len(text) > limit:
        raise invalid(
            field,
            gettext("The %(label)s may have at most %(max)d characters.")
            % {"label": label, "max": limit},
        )
    return text


def _contact_phone(raw: str | None, *, actor) -> str:
    if not (raw or "").strip():
        return actor.phone
    try:
        return normalize_phone(raw)
    except ValidationError as error:
        raise invalid("contact_phone", error.messages[0]) from None


def cleaned(*, actor, name, name_en, contact_phone, branch_address, sells, note):
    return {
        "name": one_line(
            name,
            field="name",
            label=gettext("shop name"),
            limit=NAME_MAX_CHARS,
            required=True,
        ),
        "name_en": one_line(
            name_en,
            field="name_en",
            label=gettext("English name"),
            limit=NAME_MAX_CHARS,
            required=False,
        ),
        "contact_phone": _contact_phone(contact_phone, actor=actor),
        "branch_address": one_line(
            branch_address,
            field="branch_address",
            label=gettext("address"),
            limit=ADDRESS_MAX_CHARS,
            required=True,
        ),
        "sells": one_line(
            sells,
            field="sells",
            label=gettext("description of what you sell"),
            limit=SELLS_MAX_CHARS,
            required=True,
        ),
        "note": checked(
            (note or "").strip(),
            field="note",
            label=gettext("note"),
            limit=NOTE_MAX_CHARS,
            required=False,
        ),
    }
