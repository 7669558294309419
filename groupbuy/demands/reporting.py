"""A buyer demand's photo, as a kind of item people may report (moderation).

The photos of a published demand are public; anyone who sees one but its
initiator may report it. Hidden, it leaves every page and the API, and its file
goes to the private media for operators only (``services.demand_photo_hide``).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from groupbuy.core.plugins import ReportableItem, ReportableKind, ReportWording
from groupbuy.demands.models import DemandPhoto

KIND = "demand_photo"

PHOTO_WORDING = ReportWording(
    report_title=_("Report a photo"),
    reported_intro=_("The photo you report:"),
    back_label=_("Back to the buyer demand"),
    removed_text=_("This photo was removed by the platform."),
    context_heading=_("The reported photo"),
    gone=_("This photo was deleted."),
    own_item=_("You cannot report your own photo."),
    already_removed=_("The platform has already removed this photo."),
    removed_notice_title=_("Your photo was removed"),
    removed_notice_body=_(
        "The platform removed a photo of your buyer demand, reported as: {reason}."
    ),
    open_report=_("See the photo"),
)


def _item(photo: DemandPhoto) -> ReportableItem:
    demand = photo.demand
    return ReportableItem(
        kind=KIND,
        id=photo.public_id,
        # what the operators read beside the photo: the demand it shows
        body=demand.title,
        author=demand.initiator,
        url=reverse("demands:detail", args=[demand.public_id]),
        is_hidden=photo.hidden_at is not None,
        created_at=photo.created_at,
        image_url=photo.image.url,
    )


def _photos():
    return DemandPhoto.objects.select_related("demand", "demand__initiator")


class DemandPhotos(ReportableKind):
    path = "demand-photos"
    label = _("Photo of a buyer demand")
    wording = PHOTO_WORDING

    def item_for_reporter(self, *, user, item_id: str) -> ReportableItem:
        from groupbuy.demands.selectors import demand_photo_get_for_viewer

        return _item(demand_photo_get_for_viewer(user=user, photo_id=item_id))

    def items(self, *, item_ids: list[str]) -> dict[str, ReportableItem]:
        photos = _photos().filter(public_id__in=item_ids)
        return {photo.public_id: _item(photo) for photo in photos}

    def context(self, *, item_id: str) -> list[ReportableItem]:
        # A photo stands alone: the operators see it with its demand's title.
        return list(self.items(item_ids=[item_id]).values())

    def hide(self, *, actor, item_id: str) -> None:
        from groupbuy.demands.services import demand_photo_hide

        demand_photo_hide(actor=actor, photo_id=item_id)
