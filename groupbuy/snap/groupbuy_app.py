"""Snap to deal in the project: pages, API, the Snap tab and the operator's
demand pages."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from groupbuy.core.plugins import GroupbuyApp, NavEntry, NotificationAudience


def photo_max_bytes() -> int:
    return settings.GROUPBUY_SNAP_MAX_UPLOAD_BYTES


app = GroupbuyApp(
    upload_paths=[
        (r"^/(api/snap|snap)/?$", "groupbuy.snap.groupbuy_app:photo_max_bytes")
    ],
    personal_data="groupbuy.snap.personal_data:SnapPersonalData",
    # Demand from the demo buyers, so operators see alerts (snap/demo.py).
    demo_data="groupbuy.snap.demo:load_demo_data",
    api_routers={"snap": "groupbuy.snap.api:router"},
    urls={"snap/": "groupbuy.snap.urls"},
    nav=[
        NavEntry(
            role="shopper",
            label=_("Snap"),
            url_name="snap:snap",
            icon="camera",
            order=20,
            pinned=True,
        ),
        NavEntry(
            role="operator",
            label=_("Demand"),
            url_name="snap:operator_demand",
            icon="chart",
            order=20,
            key="demand",
        ),
        NavEntry(
            role="operator",
            label=_("Unrecognised photos"),
            url_name="snap:operator_queue",
            icon="camera",
            order=30,
            key="queue",
        ),
    ],
    page_parts={"operator.demand_alerts": "snap/operator/demand_alerts.html"},
    notification_kinds={
        "snap.demand.threshold_passed": _("Demand passed its threshold"),
        "snap.demand.deal_launched": _("A group buy you asked for opened"),
        "snap.classifier.retrained": _("Photo recogniser retrained"),
        "snap.classifier.failed": _("Photo recogniser training failed"),
    },
    notification_audiences={
        "snap.demand.threshold_passed": NotificationAudience.OPERATOR,
        "snap.classifier.retrained": NotificationAudience.OPERATOR,
        "snap.classifier.failed": NotificationAudience.OPERATOR,
    },
    # Refuse snaps beyond the recognition capacity before their body is read.
    http_middleware=["groupbuy.snap.capacity:SnapAdmissionMiddleware"],
    # What the app writes to the audit trail, labelled on the operators' page.
    audit_actions={
        "snap.snap.labelled": _("Snap labelled with its product"),
        "snap.snap.alternative_chosen": _("Snap's product chosen from the suggestions"),
        "snap.snap.none_of_these": _("Snap's product is none of the suggestions"),
        "snap.snap.photo_deleted": _("Snap photo deleted"),
        "snap.demand.requested": _("Asked for a group buy of a product"),
        "snap.demand.withdrawn": _("Request for a product taken back"),
        "snap.demand.threshold_passed": _("Enough people asked for a product"),
        "snap.demand.under_threshold": _(
            "Requests for a product below its threshold again"
        ),
        "snap.demand.fulfilled": _("Requested product's group buy opened"),
        "snap.classifier.retrain_requested": _(
            "Product recognition retraining asked for"
        ),
        "snap.classifier.retrained": _("Product recognition retrained"),
    },
)
