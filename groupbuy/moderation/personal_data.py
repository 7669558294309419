"""What moderation holds about a person, for their export and their erasure.

Exported: the reports they sent (the item named by its kind and id, the
reason, their note, what became of it). Erased: their notes are emptied; the
reports stay, under the account's pseudonym, as the operators' record of what
they hid.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from groupbuy.core.plugins import PersonalDataExport, PersonalDataProvider


class ModerationPersonalData(PersonalDataProvider):
    holds = gettext_lazy("the messages you reported to the platform")

    def export(self, user) -> PersonalDataExport:
        from groupbuy.moderation.models import Report

        reports = Report.objects.filter(reporter=user).select_related("message")
        return PersonalDataExport(
            records={
                "reports": [
                    {
                        "id": report.public_id,
                        "item_kind": report.item_reference[0],
                        "item_id": report.item_reference[1],
                        "reason": report.reason,
                        "note": report.note,
                        "status": report.status,
                        "created_at": report.created_at.isoformat(),
                        "closed_at": report.closed_at.isoformat()
                        if report.closed_at
                        else None,
                    }
                    for report in reports.order_by("created_at", "pk")
                ]
            }
        )

    def erase(self, user) -> None:
        from groupbuy.moderation.models import Report

        Report.objects.filter(reporter=user).exclude(note="").update(note="")
