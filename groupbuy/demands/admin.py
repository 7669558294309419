"""Operators watch demands here, read only: every change goes through the
demands services (audited, with their money movements)."""

from django.contrib import admin

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
    fields = ("shopper", "quantity", "deposit_fen", "status", "intent")
    readonly_fields = fields
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
        "target_unit_price_fen",
        "deadline_at",
    )
    list_filter = ("state",)
    search_fields = ("public_id", "title")
    inlines = [ParticipationInline]


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "demand", "merchant", "unit_price_fen", "state")
    list_filter = ("state",)


@admin.register(SavedSearch)
class SavedSearchAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "merchant", "query", "created_at")
