"""A person's own data: the export ZIP, and ops' own part (audit, requests).

Every app that holds something about a person declares a ``personal_data``
provider in its groupbuy_app.py (groupbuy.core.plugins); the export asks each
for its records and files, the erasure has each delete or anonymise its part.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from datetime import UTC
from typing import BinaryIO

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from groupbuy.core.i18n import label_colon
from groupbuy.core.plugins import (
    PersonalDataExport,
    PersonalDataProvider,
    personal_data_providers,
)


def _readme(user, site_name: str) -> str:
    """The export's README, in the person's own language (the ZIP is theirs to
    keep, read away from the site), naming what each file holds."""
    with translation.override(user.preferred_language):
        lines = [
            gettext("This is everything %(site)s holds about you, as of %(when)s.")
            % {"site": site_name, "when": _utc(timezone.now())},
            "",
            # What the files hold, as DjangoJSONEncoder writes a moment read
            # from the database: in UTC, ending in Z. Until 2026-12-06 it said
            # only "times are UTC", which people took for the pages' times.
            gettext(
                "Each file below holds what one part of %(site)s keeps; files/ "
                "holds your photos and other files. Amounts are in fen (1/100 "
                "yuan). Times are in UTC, written as 2026-12-06T03:30:00Z (the "
                "Z means UTC); the site's pages and CSV files show them in the "
                "%(zone)s time zone."
            )
            % {"site": site_name, "zone": settings.TIME_ZONE},
            "",
        ]
        # (each line a label and what it names: "deals.json：您的团购订单",
        # with the language's colon, which was ASCII in Chinese until 2026-12-07)
        lines += [
            f"{label}.json{label_colon()}{provider.holds}"
            if provider.holds
            else f"{label}.json"
            for label, provider in personal_data_providers()
        ]
    return "\n".join(lines) + "\n"


def _utc(moment) -> str:
    """``moment`` in UTC as the export's files write it (ending in Z)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# An export is kept in memory up to this size and in a temporary file past it:
# a shopper's photos can make it hundreds of megabytes.
SPOOL_BYTES = 8 * 1024 * 1024


def export_zip(user, *, site_name: str) -> BinaryIO:
    """Return the person's data as a ZIP of JSON files and their own files, in
    a temporary file read from its start (the caller closes it). Files are
    copied in a block at a time, never read whole."""
    # Returned open: the response that sends it closes it.
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    try:
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            _write_export(archive, user, site_name)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


def _write_export(archive: zipfile.ZipFile, user, site_name: str) -> None:
    archive.writestr("README.txt", _readme(user, site_name))
    for label, provider in personal_data_providers():
        export = provider.export(user)
        archive.writestr(
            f"{label}.json",
            json.dumps(
                export.records, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
            ),
        )
        for name, source in export.files.items():
            # A FieldFile brings its own storage (private media); a plain
            # name is in the default storage.
            storage = getattr(source, "storage", default_storage)
            storage_name = getattr(source, "name", source)
            if storage.exists(storage_name):
                with (
                    storage.open(storage_name, "rb") as file,
                    archive.open(f"files/{label}/{name}", "w") as entry,
                ):
                    shutil.copyfileobj(file, entry)


def scrub_text(value, secrets_: list[str]):
    """Return ``value`` (JSON-like) with every secret string replaced, however
    it was typed (``accounts.personal_data.scrub``)."""
    from groupbuy.accounts.personal_data import scrub

    if isinstance(value, str):
        return scrub(value, secrets_)
    if isinstance(value, dict):
        return {key: scrub_text(item, secrets_) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub_text(item, secrets_) for item in value]
    return value


def phone_spellings(phone: str) -> list[str]:
    """Return the ways a stored number may have been written (+86…, national)."""
    spellings = [phone]
    if phone.startswith("+86"):
        spellings.append(phone.removeprefix("+86"))
    return spellings


def _owner_invitations(user):
    """The invitations the person accepted, and those sent to a number of
    theirs while it was theirs (``accounts.selectors.phones_held``; an erased
    person's numbers are already gone)."""
    from groupbuy.accounts.personal_data import held_before
    from groupbuy.accounts.selectors import phones_held
    from groupbuy.ops.models import MerchantOwnerInvitation

    mine = Q(accepted_by=user)
    for held in phones_held(user=user):
        mine |= Q(phone=held.phone, **held_before(held, "created_at"))
    return MerchantOwnerInvitation.objects.filter(mine).select_related("merchant")


def _shop_application_record(application) -> dict:
    return {
        "id": application.public_id,
        "status": application.status,
        "name": application.name,
        "name_en": application.name_en,
        "contact_phone": application.contact_phone,
        "branch_address": application.branch_address,
        "sells": application.sells,
        "note": application.note,
        "decline_reason": application.decline_reason,
        "merchant": application.merchant.public_id if application.merchant else None,
        "submitted_at": application.created_at,
        "decided_at": application.decided_at,
        "withdrawn_at": application.withdrawn_at,
    }


def _shop_applications_erase(user) -> None:
    """Delete the person's applications that opened no shop; of those that did,
    keep the shop's name (the merchant's own) and drop the rest."""
    from groupbuy.ops.models import ShopApplication

    mine = ShopApplication.objects.filter(applicant=user)
    mine.exclude(status=ShopApplication.Status.APPROVED).delete()
    mine.update(
        contact_phone="",
        branch_address="",
        sells="",
        note="",
        decline_reason="",
        idempotency_key="",
    )


class OpsPersonalData(PersonalDataProvider):
    """The audit trail of what the person did, and their erasure requests."""

    holds = gettext_lazy(
        "what you did on the platform (its audit trail), your erasure "
        "requests, merchant invitations and applications to open a shop"
    )

    def export(self, user) -> PersonalDataExport:
        from groupbuy.core.models import AuditEntry

        entries = AuditEntry.objects.filter(actor=user).order_by("created_at", "id")
        return PersonalDataExport(
            records={
                "actions": [
                    {
                        "action": entry.action,
                        "object_type": entry.object_type,
                        "object_id": entry.object_id,
                        "at": entry.created_at,
                    }
                    for entry in entries
                ],
                "erasure_requests": [
                    {
                        "id": request.public_id,
                        "status": request.status,
                        "requested_at": request.requested_at,
                        "due_at": request.due_at,
                    }
                    for request in user.erasure_requests.all()
                ],
                "merchant_owner_invitations": [
                    {
                        "id": invitation.public_id,
                        "merchant": invitation.merchant.name,
                        "invited_at": invitation.created_at,
                        "accepted_at": invitation.accepted_at,
                    }
                    for invitation in _owner_invitations(user)
                ],
                "shop_applications": [
                    _shop_application_record(application)
                    for application in user.shop_applications.order_by("pk")
                ],
            }
        )

    def erase(self, user) -> None:
        """Cut the number and e-mail out of audit data; keep the entries.

        Owner invitations to the person's number lose the number.
        """
        from groupbuy.core.models import AuditEntry

        _owner_invitations(user).update(phone="")
        _shop_applications_erase(user)

        from groupbuy.accounts.selectors import phones_held

        secrets_ = [
            spelling
            for held in phones_held(user=user)
            for spelling in phone_spellings(held.phone)
        ] + ([user.email] if user.email else [])
        if user.display_name:
            secrets_.append(user.display_name)
        mentions = Q()
        for secret in secrets_:
            mentions |= Q(data_text__contains=secret)
        entries = AuditEntry.objects.annotate(
            data_text=Cast("data", TextField())
        ).filter(mentions)
        for entry in entries:
            entry.data = scrub_text(entry.data, secrets_)
            entry.save(update_fields=["data"])
