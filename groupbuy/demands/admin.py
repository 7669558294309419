"""Operators watch demands here, read only: every change goes through the
demands services (audited, with their money movements)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from groupbuy.core.admin import fen_display
from groupbuy.demands.models import Demand, Offer, Participation, SavedSearch


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ParticipationInline(admin.TabularInline):
    model = Participation
    fields = ("shopper", "quantity", "deposit", "status", "intent")
    readonly_fields = fields
    deposit = fen_display("deposit_fen", _("deposit"))
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Demand)
class DemandAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id",
        "title",
        "state",
        "quantity_wanted",
        "target_unit_price",
        "deadline_at",
    )
    exclude = ("target_unit_price_fen",)
    readonly_fields = ("target_unit_price",)
    target_unit_price = fen_display("target_unit_price_fen", _("target unit price"))
    list_filter = ("state",)
    search_fields = ("public_id", "title")
    inlines = [ParticipationInline]


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "demand", "merchant", "unit_price", "state")
    exclude = ("unit_price_fen",)
    readonly_fields = ("unit_price",)
    unit_price = fen_display("unit_price_fen", _("unit price"))
    list_filter = ("state",)


@admin.register(SavedSearch)
class SavedSearchAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "merchant", "query", "created_at")
