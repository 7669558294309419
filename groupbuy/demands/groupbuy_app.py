from django.conf import settings
from django.utils.translation import gettext_lazy as _

from groupbuy.core.plugins import GroupbuyApp, NavEntry, NotificationAudience


def photo_max_bytes() -> int:
    # The initiator's photos are product photos (services/photos.py).
    return settings.GROUPBUY_PRODUCT_PHOTO_MAX_BYTES


app = GroupbuyApp(
    upload_paths=[
        (
            r"^/(api/)?demands/[^/]+/photos/?$",
            "groupbuy.demands.groupbuy_app:photo_max_bytes",
        )
    ],
    api_routers={
        "demands": "groupbuy.demands.api:router",
        # An operator's demand: read, cancel, withdraw a shop's offer on it.
        "operator/demands": "groupbuy.demands.api_operator:router",
    },
    reportable_kinds={"demand_photo": "groupbuy.demands.reporting:DemandPhotos"},
    urls={
        "demands/": "groupbuy.demands.urls",
        "operator/demands/": "groupbuy.demands.operator_urls",
    },
    nav=[
        NavEntry(
            role="shopper",
            key="demands",
            label=_("Wanted"),
            url_name="demands:list",
            icon="megaphone",
            order=45,
        ),
        NavEntry(
            role="merchant",
            key="demand-search",
            label=_("Buyer demands"),
            url_name="demands:merchant_search",
            icon="megaphone",
            order=26,
            group="sell",
        ),
    ],
    websocket_routes=[
        ("ws/demands/<str:demand_id>/", "groupbuy.demands.consumers:DemandConsumer")
    ],
    notification_kinds={
        "demands.joined": _("A buyer joined your demand"),
        "demands.offer": _("New offer on a demand"),
        "demands.accepted": _("Offer accepted on a demand"),
        "demands.offer_declined": _("Another offer was chosen"),
        "demands.offer_withdrawn": _("An offer was withdrawn"),
        "demands.closed": _("Demand closed, deposit refunded"),
        "demands.deadline": _("A demand’s deadline moved"),
        "demands.match": _("New demand matching a saved search"),
        "demands.cancelled_by_platform": _("A demand was cancelled by the platform"),
        "demands.offer_withdrawn_by_platform": _(
            "Your offer was withdrawn by the platform"
        ),
    },
    notification_audiences={
        "demands.offer_withdrawn_by_platform": NotificationAudience.MERCHANT_STAFF,
        "demands.offer_declined": NotificationAudience.MERCHANT_STAFF,
        "demands.match": NotificationAudience.MERCHANT_STAFF,
    },
    demo_data="groupbuy.demands.demo:load_demo_data",
    personal_data="groupbuy.demands.personal_data:DemandsPersonalData",
    # What the app writes to the audit trail, labelled on the operators' page.
    audit_actions={
        "demands.demand.created": _("Demand drafted"),
        "demands.demand.published": _("Demand published"),
        "demands.demand.deadline_extended": _("Demand's deadline moved later"),
        "demands.demand.deadline_brought_forward": _(
            "Demand's deadline brought forward"
        ),
        "demands.demand.cancelled": _("Demand cancelled"),
        "demands.demand.cancelled_by_platform": _("Demand cancelled by the platform"),
        "demands.demand.expired": _("Demand expired"),
        "demands.demand.photo_added": _("Photo added to a demand"),
        "demands.demand.photo_deleted": _("Demand photo deleted"),
        "demands.demand.photo_hidden": _("Demand photo hidden"),
        "demands.participation.joined": _("Joined a demand"),
        "demands.participation.withdrawn": _("Left a demand"),
        "demands.participation.forfeited": _("Demand deposit kept"),
        "demands.participation.refunded": _("Demand deposit refunded with the order"),
        "demands.deposit.captured": _("Demand deposit paid"),
        "demands.deposit.refused": _(
            "Demand deposit arrived too late and was refunded"
        ),
        "demands.deposit.failed": _("Demand deposit payment failed"),
        "demands.offer.sent": _("Offer sent"),
        "demands.offer.revised": _("Offer revised"),
        "demands.offer.withdrawn": _("Offer withdrawn"),
        "demands.offer.withdrawn_by_platform": _("Offer withdrawn by the platform"),
        "demands.offer.accepted": _("Offer accepted"),
        "demands.search.saved": _("Demand alert saved"),
        "demands.search.deleted": _("Demand alert deleted"),
    },
)
