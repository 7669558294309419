"""How the coupons app plugs into groupbuy (see groupbuy.core.plugins)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from groupbuy.core.plugins import GroupbuyApp, NavEntry, NotificationAudience

DEFAULT_TILL_UPLOAD_MAX_BYTES = 10 * 1024 * 1024


def till_upload_max_bytes() -> int:
    """A photo of a code from a phone's camera, or a station's batch file."""
    return int(
        getattr(
            settings, "GROUPBUY_COUPON_UPLOAD_MAX_BYTES", DEFAULT_TILL_UPLOAD_MAX_BYTES
        )
    )


app = GroupbuyApp(
    upload_paths=[
        (
            r"^/(coupons/merchant/[^/]+/(redeem|batches)"
            r"|api/coupons/merchants/[^/]+/batches)/?$",
            "groupbuy.coupons.groupbuy_app:till_upload_max_bytes",
        )
    ],
    api_routers={
        "coupons": "groupbuy.coupons.api:router",
        "operator/coupon-keys": "groupbuy.coupons.api.operator:keys_router",
        "operator/coupons": "groupbuy.coupons.api.operator:coupons_router",
        "operator/coupon-conflicts": "groupbuy.coupons.api.operator:conflicts_router",
    },
    urls={
        "coupons/": "groupbuy.coupons.urls",
        "operator/coupon-keys/": "groupbuy.coupons.operator_key_urls",
        "operator/coupons/": "groupbuy.coupons.operator_coupon_urls",
        "operator/coupon-conflicts/": "groupbuy.coupons.operator_conflict_urls",
    },
    nav=[
        NavEntry(
            role="shopper",
            label=_("Coupons"),
            url_name="coupons:list",
            icon="ticket",
            order=35,
        ),
        NavEntry(
            role="merchant",
            label=_("Redeem coupons"),
            url_name="coupons:merchant_console",
            key="coupons",
            icon="scan",
            order=15,
            group="till",
        ),
        # The coupons' money, beside the shop's: its page marked this tab,
        # not "Redeem coupons" (until 2026-12-06).
        NavEntry(
            role="merchant",
            label=_("Settlement statement"),
            url_name="coupons:merchant_statement",
            key="statement",
            icon="receipt",
            order=52,
            owners_only=True,
            group="money",
        ),
        # Rotating and revoking the platform's keys (until 2026-12-07 only in
        # the Django admin).
        NavEntry(
            role="operator",
            label=_("Coupon signing keys"),
            url_name="coupon_keys:list",
            key="coupon-keys",
            icon="shield",
            order=80,
        ),
        # Every shop's offline conflicts (until 2026-12-07 only in the Django
        # admin).
        NavEntry(
            role="operator",
            label=_("Offline conflicts"),
            url_name="coupon_conflicts:list",
            key="coupon-conflicts",
            icon="ticket",
            order=81,
        ),
    ],
    page_parts={
        "order.detail": "coupons/_order_coupon.html",
        # An ended deal's order is refunded through its coupon's unused units.
        "merchant_order.actions": "coupons/_merchant_order_refund.html",
        # Without a key its buyers' coupons have no code: say so where a new
        # shop's owners look first (until 2026-12-07 only this app's page did).
        "merchant.setup": "coupons/_setup_step.html",
        # An operator revokes the order's coupon from the order's page.
        "operator_order.actions": "coupons/_operator_order_coupon.html",
    },
    standalone_cli_commands={"station": "groupbuy.coupons.station.cli:main"},
    demo_data="groupbuy.coupons.demo:load_demo_data",
    notification_kinds={
        "coupons.issued": _("Coupon ready"),
        "coupons.revoked": _("Coupon revoked by the platform"),
        "coupons.refunded_by_merchant": _("Coupon refunded by the shop"),
        "coupons.expiry.waiting": _("Expired coupon refund waiting"),
    },
    notification_audiences={
        "coupons.expiry.waiting": NotificationAudience.MERCHANT_STAFF,
    },
    personal_data="groupbuy.coupons.personal_data:CouponsPersonalData",
    # A branch may not close while a coupon to collect there is valid.
    branch_close_blockers="groupbuy.coupons.branch_closing:branch_close_blockers",
    # What the app writes to the audit trail, labelled on the operators' page.
    audit_actions={
        "coupons.coupon.issued": _("Coupon issued"),
        "coupons.coupon.redeemed": _("Coupon redeemed at the till"),
        "coupons.coupon.expired": _("Coupon expired"),
        "coupons.expiry.settled": _("Expired coupon's units settled"),
        "coupons.coupon.refunded": _("Coupon's units refunded"),
        "coupons.coupon.refunded_by_merchant": _("Coupon's units refunded by the shop"),
        "coupons.coupon.revoked": _("Coupon revoked"),
        "coupons.coupon.resealed": _("Coupons sealed to the shop's new key"),
        "coupons.coupon.refund_key_filled": _("Coupon's refund key filled in"),
        "coupons.deal_terms.set": _("Group buy's coupon terms set"),
        "coupons.branch.offline_set": _(
            "Offline redemption allowed or forbidden at a branch"
        ),
        "coupons.batch.imported": _("Station's batch file imported"),
        "coupons.batch.refused": _("Station's batch file refused"),
        "coupons.redemption.conflict": _("Offline redemption held as a conflict"),
        "coupons.redemption.superseded": _(
            "Offline redemption undone by an earlier one"
        ),
        "coupons.redemption.reinstated": _("Offline redemption counted again"),
        "coupons.merchant_key.registered": _("Shop's station key registered"),
        "coupons.merchant_key.retired": _("Shop's station key retired"),
        "coupons.platform_key.created": _("New signing key made"),
        "coupons.platform_key.retired": _("Signing key retired"),
        "coupons.platform_key.revoked": _("Signing key revoked"),
        "coupons.platform_key.numbered": _("Signing key numbered"),
        "coupons.platform_key.resealed": _("Signing key sealed again"),
    },
)
