"""What snap holds about a person: their snaps with photos, their requests."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.utils.translation import gettext_lazy

from groupbuy.core.plugins import PersonalDataExport, PersonalDataProvider


class SnapPersonalData(PersonalDataProvider):
    holds = gettext_lazy("your snaps with their photos, and the products you asked for")

    def export(self, user) -> PersonalDataExport:
        from groupbuy.snap.models import DemandRequest, Snap

        snaps = Snap.objects.filter(user=user).select_related("product")
        files = {}
        records = []
        for snap in snaps.order_by("created_at", "id"):
            photo = ""
            if snap.photo:
                photo = f"snaps/{snap.public_id}{PurePosixPath(snap.photo.name).suffix}"
                files[photo] = snap.photo
            records.append(
                {
                    "id": snap.public_id,
                    "snapped_at": snap.created_at,
                    "status": snap.status,
                    "method": snap.method,
                    "product": snap.product.public_id if snap.product else None,
                    "text_read": snap.ocr_text,
                    "photo": photo or None,
                }
            )
        requests = DemandRequest.objects.filter(user=user).select_related(
            "signal__product"
        )
        return PersonalDataExport(
            records={
                "snaps": records,
                "product_requests": [
                    {
                        "product": request.signal.product.public_id,
                        "first_snapped_at": request.first_snapped_at,
                        "last_snapped_at": request.last_snapped_at,
                        "snaps": request.snap_count,
                    }
                    for request in requests
                ],
            },
            files=files,
        )

    def erase(self, user) -> None:
        from django.utils import timezone

        from groupbuy.snap.models import Snap
        from groupbuy.snap.services.demand import demand_requests_erase

        for snap in Snap.objects.filter(user=user).exclude(photo=""):
            snap.photo.delete(save=False)
            snap.photo_deleted_at = timezone.now()
            snap.save(update_fields=["photo", "photo_deleted_at"])
        # The snaps stay as anonymous recognition statistics, without their text.
        Snap.objects.filter(user=user).update(user=None, ocr_text="")
        # The open signals' counters count them no more.
        demand_requests_erase(user=user)
