"""Operators watch demands here, read only: every change goes through the
demands services (audited, with their money movements). People are named by
``person_label`` (their name, else their masked number), never by
``str(user)``, the full number of someone with no name."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from groupbuy.accounts.admin import person_display
from groupbuy.core.admin import ReadOnlyAdmin, fen_display
from groupbuy.demands.models import Demand, Offer, Participation, SavedSearch


class ParticipationInline(admin.TabularInline):
    model = Participation
    fields = ("buyer", "quantity", "deposit", "status", "intent")
    readonly_fields = fields
    buyer = person_display("shopper", Participation.shopper.field.verbose_name)
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
    exclude = ("target_unit_price_fen", "initiator")
    readonly_fields = ("initiated_by", "target_unit_price")
    initiated_by = person_display("initiator", Demand.initiator.field.verbose_name)
    target_unit_price = fen_display("target_unit_price_fen", _("target unit price"))
    list_filter = ("state",)
    search_fields = ("public_id", "title", "initiator__phone")
    inlines = [ParticipationInline]


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "demand", "merchant", "unit_price", "state")
    exclude = ("unit_price_fen", "created_by")
    readonly_fields = ("unit_price", "creator")
    unit_price = fen_display("unit_price_fen", _("unit price"))
    creator = person_display("created_by", Offer.created_by.field.verbose_name)
    list_filter = ("state",)


@admin.register(SavedSearch)
class SavedSearchAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "merchant", "query", "created_at")
    exclude = ("created_by",)
    readonly_fields = ("creator",)
    creator = person_display("created_by", SavedSearch.created_by.field.verbose_name)
