"""Address books: parse vCards and typed numbers, match them against members.

Numbers are normalised to E.164 with ``phonenumbers`` (``accounts.phones``) and
compared as keyed hashes (``notify.addresses.contact_hash``, HMAC-SHA256 with the
server's contact hash key): members' hashes live in ``MemberPhoneHash``, the
imported book keeps names and hashes only.
"""

from __future__ import annotations

import io
import quopri
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from groupbuy.accounts.phones import normalize_phone
from groupbuy.core.echo import echoed
from groupbuy.notify.addresses import contact_hash, parse_address
from groupbuy.notify.models import Invitation
from groupbuy.sharing.errors import SharingError
from groupbuy.sharing.models import MemberPhoneHash
from groupbuy.sharing.wording import list_separator

# Shoppers separate numbers with Chinese punctuation as often as with ASCII:
# commas (, ，), the ideographic comma (、), semicolons (; ；) and new lines.
NUMBER_SEPARATORS = re.compile(r"[,，、;；\r\n]+")

DEFAULT_VCARD_MAX_BYTES = 5 * 1024 * 1024
# A large address book; matching takes no more numbers a request (throttle).
DEFAULT_VCARD_MAX_ENTRIES = 5_000


def vcard_max_bytes() -> int:
    return int(
        getattr(settings, "GROUPBUY_SHARING_VCARD_MAX_BYTES", DEFAULT_VCARD_MAX_BYTES)
    )


def vcard_max_entries() -> int:
    return int(
        getattr(
            settings, "GROUPBUY_SHARING_VCARD_MAX_ENTRIES", DEFAULT_VCARD_MAX_ENTRIES
        )
    )


@dataclass(frozen=True)
class Contact:
    name: str
    address: str  # E.164 phone number, or a normalised email address
    kind: str = Invitation.Kind.PHONE
    # A member the sender chose by their id, knowing who they are, rather
    # than a number they typed or imported: shown by name in the thread.
    is_chosen_by_id: bool = False

    @property
    def address_hash(self) -> str:
        return contact_hash(self.kind, self.address)


CONTACT_NAME_MAX_CHARS = 120
# Control characters, and the marks that reorder text around them (a name
# written right to left could otherwise turn the rest of a line around).
_UNSHOWN = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]+")


def contact_name_clean(name: object) -> str:
    """A name for a contact as kept: no control characters (a line break or
    tab reads as a space), spaces collapsed, at most 120 characters."""
    text = _UNSHOWN.sub(" ", str(name or ""))
    return " ".join(text.split())[:CONTACT_NAME_MAX_CHARS].strip()


def phone_hash(e164: str) -> str:
    return contact_hash(Invitation.Kind.PHONE, e164)


def vcard_too_large_error() -> SharingError:
    return SharingError(
        "vcard_too_large",
        _("This address book is too large: at most %(entries)s contacts and %(mb)s MB.")
        % {"entries": vcard_max_entries(), "mb": vcard_max_bytes() // (1024 * 1024)},
        status=413,
        fields={"file": [_("Too large.")]},
    )


def _unparsable() -> SharingError:
    return SharingError(
        "vcard_invalid",
        _("This file is not a vCard address book."),
        fields={"file": [_("Not a vCard file.")]},
    )


def vcard_parse(data: bytes) -> list[Contact]:
    """Return the distinct valid phone numbers of a vCard file with their names.

    Refuse a file over the size or entry limits (cards, and numbers) and one
    that is not a vCard; numbers that are not valid phone numbers are skipped.
    """
    # vobject (and the dateutil and pytz it brings) loads with the first
    # address book, not with every process that imports this module.
    import vobject.base

    if len(data) > vcard_max_bytes():
        raise vcard_too_large_error()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _unparsable() from None
    # Count before parsing: the parser would spend long on a huge book.
    if text.upper().count("BEGIN:VCARD") > vcard_max_entries():
        raise vcard_too_large_error()
    if "BEGIN:VCARD" not in text.upper():
        raise _unparsable()
    try:
        cards = list(_cards(text))
    except vobject.base.ParseError:
        raise _unparsable() from None
    contacts: dict[str, Contact] = {}
    for name, numbers in cards:
        for raw in numbers:
            try:
                phone = normalize_phone(raw)
            except ValidationError:
                continue
            contacts.setdefault(phone, Contact(name=name, address=phone))
    if len(contacts) > vcard_max_entries():  # cards with several numbers each
        raise vcard_too_large_error()
    return list(contacts.values())


def _cards(text: str):
    """Yield (name, [numbers]) per card from vobject's line parser.

    vobject's full component reader builds an object per property and spends
    ~1 ms a card; a book needs only names and numbers, so this reads the
    unfolded logical lines (vCard 2.1 quoted-printable and 3.0/4.0 folding)
    and picks FN, N and TEL.
    """
    import vobject.base

    name, numbers, in_card = "", [], False
    for line, number in vobject.base.getLogicalLines(io.StringIO(text)):
        if not line.strip():
            continue
        key, params, value, _group = vobject.base.parseLine(line, number)
        key = key.upper()
        if key == "BEGIN" and value.upper() == "VCARD":
            name, numbers, in_card = "", [], True
        elif key == "END" and value.upper() == "VCARD" and in_card:
            yield name[:120], numbers
            in_card = False
        elif in_card and key == "TEL":
            numbers.append(value.removeprefix("tel:"))
        elif in_card and key in {"FN", "N"} and (key == "FN" or not name):
            name = _text_value(value, params, structured=key == "N")


def _text_value(value: str, params: list, *, structured: bool) -> str:
    encodings = {
        str(v).upper() for p in params if p[0].upper() in {"ENCODING"} for v in p[1:]
    }
    encodings |= {str(p[0]).upper() for p in params if len(p) == 1}
    if "QUOTED-PRINTABLE" in encodings:
        charset = next(
            (str(p[1]) for p in params if p[0].upper() == "CHARSET" and len(p) > 1),
            "utf-8",
        )
        try:
            value = quopri.decodestring(value.encode("latin-1", "replace")).decode(
                charset, "replace"
            )
        except LookupError:
            value = quopri.decodestring(value.encode()).decode("utf-8", "replace")
    if structured:  # N: family;given;additional;prefix;suffix
        parts = [part for part in value.split(";") if part]
        value = " ".join(reversed(parts[:2])) if parts else ""
    return value.replace("\\,", ",").replace("\\;", ";").replace("\\n", " ").strip()


def typed_numbers_split(entries: str | Iterable[str]) -> list[str]:
    """Return the numbers or addresses typed in ``entries`` (one text, or a list
    whose items may each hold several), in order.

    Split at ``NUMBER_SEPARATORS``, and at spaces only between whole numbers or
    addresses ("138… 139…"): a number written in groups ("139 0000 0000") stays
    one. A part that reads as neither is kept whole, for the parse to name it.
    """
    texts = [entries] if isinstance(entries, str) else entries
    numbers: list[str] = []
    for text in texts:
        for part in NUMBER_SEPARATORS.split(str(text)):
            numbers.extend(_words_if_each_an_address(part.strip()))
    return [number for number in numbers if number]


def _words_if_each_an_address(part: str) -> list[str]:
    words = part.split()  # any whitespace, the full-width space too
    if len(words) < 2 or _is_address(part):
        return [part]
    return words if all(_is_address(word) for word in words) else [part]


def _is_address(text: str) -> bool:
    try:
        parse_address(text)
    except ValidationError:
        return False
    return True


def typed_numbers_parse(
    numbers: list[str], *, names: Mapping[str, str] | None = None
) -> list[Contact]:
    """Normalise typed phone numbers (or email addresses, invited by email);
    refuse the whole list naming the invalid ones.

    ``names`` gives the sender's own name for some of them ({number: name}, the
    number written in any way it normalises from); a name for a number not in
    ``numbers`` is ignored.
    """
    named = _names_by_address(names or {})
    contacts: dict[str, Contact] = {}
    invalid: list[str] = []
    for raw in numbers:
        try:
            kind, address = parse_address(raw)
        except ValidationError:
            invalid.append(echoed(raw))
            continue
        contacts.setdefault(
            address, Contact(name=named.get(address, ""), address=address, kind=kind)
        )
    if invalid:
        message = _(
            "These are not valid phone numbers or email addresses: %(numbers)s"
        ) % {"numbers": list_separator().join(invalid[:10])}
        # The entries refused are a fact beside the message, not messages of
        # their own (until 2026-12-07 the form showed each as an error).
        raise SharingError(
            "phone_invalid",
            message,
            fields={"recipients": [message]},
            extra={"invalid_recipients": invalid[:10]},
        )
    return list(contacts.values())


def _names_by_address(names: Mapping[str, str]) -> dict[str, str]:
    named: dict[str, str] = {}
    for raw, name in names.items():
        try:
            _kind, address = parse_address(raw)
        except ValidationError:
            continue  # not a recipient: the numbers are refused on their own
        if cleaned := contact_name_clean(name):
            named.setdefault(address, cleaned)
    return named


def member_hash_save(user) -> None:
    """Store (or correct) the keyed hash of one member's number."""
    MemberPhoneHash.objects.update_or_create(
        user=user, defaults={"phone_hash": phone_hash(user.phone)}
    )


def member_hashes_refresh() -> int:
    """Hash the phone numbers of members who have no hash yet; return how many."""
    missing = (
        get_user_model()
        .objects.filter(sharing_phone_hash__isnull=True)
        .exclude(phone="")
        .values_list("pk", "phone")
    )
    rows = [
        MemberPhoneHash(user_id=pk, phone_hash=phone_hash(phone))
        for pk, phone in missing.iterator(chunk_size=5000)
    ]
    MemberPhoneHash.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


def members_by_hash(hashes: list[str]) -> dict[str, object]:
    """Return {hash: active member} for the hashes that belong to members."""
    member_hashes_refresh()
    found: dict[str, object] = {}
    chunk = 500  # SQLite caps the number of query parameters
    for start in range(0, len(hashes), chunk):
        rows = MemberPhoneHash.objects.filter(
            phone_hash__in=hashes[start : start + chunk], user__is_active=True
        ).select_related("user")
        for row in rows:
            # A member who changed their number keeps a stale row until the
            # next refresh; never match them by their old number.
            if phone_hash(row.user.phone) == row.phone_hash:
                found[row.phone_hash] = row.user
    return found
