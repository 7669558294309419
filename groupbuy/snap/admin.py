"""Snaps and demand in the Django admin: for looking, not for editing.

Changes go through the operator pages (/snap/operator/), which call the
services; the admin shows what happened, with the photo and the counter.
People are named by ``person_label`` (their name, else their masked number),
never by ``str(user)``, the full number of someone with no name.
"""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from groupbuy.accounts.admin import person_display
from groupbuy.snap.models import DemandRequest, DemandSignal, Snap


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Snap)
class SnapAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id",
        "created_at",
        "status",
        "product",
        "method",
        "confidence",
        "snapped_by",
        "total_ms",
    )
    list_filter = ("status", "method", "had_open_deal")
    search_fields = (
        "public_id",
        "ocr_text",
        "product__name_zh",
        "product__name_en",
        "user__phone",
    )
    date_hierarchy = "created_at"
    list_select_related = ("product", "user")
    readonly_fields = ("photo_preview", "snapped_by", "labeller")
    exclude = ("photo", "user", "labelled_by")
    snapped_by = person_display("user", Snap.user.field.verbose_name)
    labeller = person_display("labelled_by", Snap.labelled_by.field.verbose_name)

    @admin.display(description=_("photo"))
    def photo_preview(self, snap):
        if not snap.photo:
            return _("deleted") if snap.photo_deleted_at else "—"
        return format_html(
            '<img src="{}" style="max-height: 320px" alt="">', snap.photo.url
        )


class DemandRequestInline(admin.TabularInline):
    model = DemandRequest
    fields = (
        "requester",
        "first_snapped_at",
        "last_snapped_at",
        "snap_count",
        "notified_at",
    )
    readonly_fields = fields
    requester = person_display("user", DemandRequest.user.field.verbose_name)
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DemandSignal)
class DemandSignalAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id",
        "product",
        "count",
        "last_requested_at",
        "threshold_passed_at",
        "fulfilled_at",
        "fulfilled_deal",
    )
    list_filter = (("fulfilled_at", admin.EmptyFieldListFilter),)
    search_fields = ("public_id", "product__name_zh", "product__name_en")
    list_select_related = ("product", "fulfilled_deal")
    inlines = [DemandRequestInline]
