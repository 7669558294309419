"""Operators manage coupon keys and watch coupons here; changes go through
the coupons services, so every key event is audited. People are named by
``person_label`` (their name, else their masked number), never by
``str(user)``, the full number of someone with no name."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from groupbuy.accounts.admin import person_display
from groupbuy.core.admin import ReadOnlyAdmin, fen_display
from groupbuy.core.errors import DomainError
from groupbuy.core.i18n import label_colon
from groupbuy.coupons import selectors, services
from groupbuy.coupons.models import (
    BranchSettings,
    Coupon,
    CouponExpiry,
    CouponRefund,
    MerchantKey,
    PlatformKey,
    Redemption,
    RedemptionBatch,
    RedemptionConflict,
)

# The audit's reason for the admin's action, which asks for none.
ADMIN_REVOKE_REASON = "Revoked in the Django admin"


@admin.register(PlatformKey)
class PlatformKeyAdmin(ReadOnlyAdmin):
    list_display = ("key_id", "state", "created_at", "retired_at", "verifies_until")
    exclude = ("sealed_private_key",)
    actions = ["rotate", "revoke"]

    @admin.action(description=_("Rotate: retire the active key and add a new one"))
    def rotate(self, request, queryset):
        key = services.platform_key_rotate(actor=request.user)
        self.message_user(
            request, _("Now signing with key %(id)s.") % {"id": key.key_id}
        )

    @admin.action(description=_("Revoke the selected retired keys (verify nothing)"))
    def revoke(self, request, queryset):
        for key in queryset:
            try:
                services.platform_key_revoke(actor=request.user, key=key)
            except DomainError as refusal:
                self.message_user(
                    request, f"{key}{label_colon()}{refusal.message}", messages.ERROR
                )


@admin.register(MerchantKey)
class MerchantKeyAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id",
        "merchant",
        "origin",
        "is_active",
        "device_name",
        "created_at",
        "retired_at",
    )
    list_filter = ("origin", "is_active")
    search_fields = ("public_id", "merchant__name")


class ShownStatusFilter(admin.SimpleListFilter):
    """The status the shopper and the till see (``Coupon.shown_status``), not
    the stored one: a coupon past its expiry is listed under expired before the
    sweep, up to ten minutes later, stores it so."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Coupon.Status.choices

    def queryset(self, request, queryset):
        if self.value() not in Coupon.Status.values:
            return queryset
        return selectors.coupons_shown_as(queryset, status=self.value())


@admin.register(Coupon)
class CouponAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id",
        "serial",
        "merchant",
        "quantity",
        "redeemed_quantity",
        "refunded_quantity",
        "shown_status_label",
        "expires_at",
    )
    list_filter = (ShownStatusFilter,)
    search_fields = ("public_id", "serial", "order__public_id", "shopper__phone")
    # The code only while a till would take it, as the API's ``code`` (null
    # once used up, revoked, refunded or expired): never an editable field.
    exclude = ("signed", "unit_price_fen", "code", "shopper")
    readonly_fields = ("unit_price", "shown_code", "holder")
    unit_price = fen_display("unit_price_fen", _("unit price"))
    holder = person_display("shopper", Coupon.shopper.field.verbose_name)
    actions = ["revoke"]

    @admin.display(description=_("code"))
    def shown_code(self, coupon):
        return coupon.code_to_show or "-"

    @admin.display(description=_("status"), ordering="status")
    def shown_status_label(self, coupon):
        return coupon.shown_status.label

    @admin.action(description=_("Revoke the selected coupons"))
    def revoke(self, request, queryset):
        # As the operator console's "Revoke this coupon", which asks why.
        for coupon in queryset:
            try:
                services.coupon_revoke_by_operator(
                    actor=request.user, coupon=coupon, reason=ADMIN_REVOKE_REASON
                )
            except DomainError as refusal:
                self.message_user(
                    request, f"{coupon}{label_colon()}{refusal.message}", messages.ERROR
                )


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id",
        "coupon",
        "quantity",
        "amount",
        "channel",
        "branch",
        "redeemed_at",
    )
    list_filter = ("channel",)
    exclude = ("amount_fen", "cashier")
    readonly_fields = ("amount", "redeemed_by")
    amount = fen_display("amount_fen", _("amount"))
    redeemed_by = person_display("cashier", Redemption.cashier.field.verbose_name)


@admin.register(RedemptionConflict)
class RedemptionConflictAdmin(ReadOnlyAdmin):
    list_display = ("coupon", "merchant", "reason", "device", "redeemed_at", "batch")
    list_filter = ("reason",)


@admin.register(RedemptionBatch)
class RedemptionBatchAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id",
        "merchant",
        "device",
        "accepted",
        "conflicts",
        "rejected",
        "uploaded_at",
    )
    exclude = ("uploaded_by",)
    readonly_fields = ("uploader",)
    uploader = person_display(
        "uploaded_by", RedemptionBatch.uploaded_by.field.verbose_name
    )


@admin.register(BranchSettings)
class BranchSettingsAdmin(ReadOnlyAdmin):
    list_display = ("branch", "offline_enabled")


@admin.register(CouponExpiry)
class CouponExpiryAdmin(ReadOnlyAdmin):
    """Expired coupons' unredeemed units and where their money went; a refund
    still ``waiting`` says why in ``last_error`` (e.g. the merchant's balance
    no longer covers money it was paid at close) and is retried by the sweep."""

    list_display = (
        "coupon",
        "rule",
        "quantity",
        "amount",
        "outcome",
        "settled_at",
        "last_error",
    )
    list_filter = ("outcome", "rule")
    search_fields = ("coupon__serial", "coupon__public_id")
    list_select_related = ("coupon",)
    exclude = ("amount_fen",)
    readonly_fields = ("amount",)
    amount = fen_display("amount_fen", _("amount"))


@admin.register(CouponRefund)
class CouponRefundAdmin(ReadOnlyAdmin):
    """Refunds of coupons' unused units before expiry (some or all of them, by
    the shopper or the shop), each with the units its coupon kept."""

    list_display = (
        "coupon",
        "quantity",
        "amount",
        "units_left",
        "outcome",
        "refunded_at",
    )
    list_filter = ("outcome",)
    search_fields = ("coupon__serial", "coupon__public_id")
    list_select_related = ("coupon",)
    exclude = ("amount_fen", "refunded_by")
    readonly_fields = ("amount", "refunder")
    amount = fen_display("amount_fen", _("amount"))
    refunder = person_display(
        "refunded_by", CouponRefund.refunded_by.field.verbose_name
    )
