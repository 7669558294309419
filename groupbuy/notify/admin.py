"""Operators look at notifications and their deliveries; they do not edit them.

The one action re-queues failed deliveries (after fixing an SMTP setting, say).
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from groupbuy.accounts.admin import person_label
from groupbuy.core.plugins import notification_kinds
from groupbuy.notify.models import Delivery, Invitation, Notification
from groupbuy.notify.services import delivery_retry_failed


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = (
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "provider_message_id",
        "last_error",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class InvitationInline(admin.StackedInline):
    """Never the address itself: operators see whether and when it was claimed."""

    model = Invitation
    extra = 0
    can_delete = False
    fields = ("address_kind", "language", "created_at", "expires_at", "attached_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "kind_label", "to", "title", "read_at")
    list_filter = ("kind", "deliveries__status", "deliveries__channel")
    search_fields = ("public_id", "title", "recipient__phone", "idempotency_key")
    date_hierarchy = "created_at"
    list_select_related = ("recipient",)
    inlines = [InvitationInline, DeliveryInline]
    # The recipient is shown by ``to``: str(user) is a full number.
    exclude = ("recipient",)
    readonly_fields = [
        "to",
        *(
            field.name
            for field in Notification._meta.fields
            if field.name != "recipient"
        ),
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("recipient"), ordering="recipient__phone")
    def to(self, notification: Notification) -> str:
        return person_label(notification.recipient)

    @admin.display(description=_("what"))
    def kind_label(self, notification: Notification) -> str:
        return str(notification_kinds().get(notification.kind, ""))


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "notification",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
    )
    list_filter = ("status", "channel")
    search_fields = ("notification__public_id", "notification__recipient__phone")
    list_select_related = ("notification",)
    readonly_fields = [field.name for field in Delivery._meta.fields]
    actions = ["retry_failed"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(
        description=_("Try the selected failed deliveries again"),
        permissions=["change"],
    )
    def retry_failed(self, request, queryset):
        count = delivery_retry_failed(
            actor=request.user, delivery_ids=list(queryset.values_list("pk", flat=True))
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery queued again.",
                "%(count)d deliveries queued again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
