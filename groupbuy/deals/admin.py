"""Operators watch deals and orders here; changes go through the deals services."""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from groupbuy.accounts.admin import person_display
from groupbuy.core.admin import ReadOnlyAdmin, fen_display
from groupbuy.core.errors import DomainError
from groupbuy.core.i18n import interpolate_lazy, label_colon
from groupbuy.core.money import format_fen
from groupbuy.deals import services
from groupbuy.deals.models import Deal, DealOrder, DealTier
from groupbuy.deals.selectors import order_money, orders_with_paid_fen
from groupbuy.deals.services.closing import STOP_REASON_MAX_LENGTH, stop_reason_refusal


class StopForm(forms.Form):
    """The stop action's confirmation: the reason the buyers are told."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        # A little room past the limit: spaces are collapsed before it counts.
        max_length=STOP_REASON_MAX_LENGTH * 2,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=interpolate_lazy(
            _(
                "Optional, at most %(n)s characters. Each buyer reads it quoted: "
                "“The platform says: …”."
            ),
            {"n": STOP_REASON_MAX_LENGTH},
        ),
    )

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].split())
        if message := stop_reason_refusal(reason):
            raise forms.ValidationError(message)
        return reason


class DealTierInline(admin.TabularInline):
    model = DealTier
    extra = 0
    fields = ("min_participants", "price")
    readonly_fields = fields
    price = fen_display("price_fen", _("price"))

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Deal)
class DealAdmin(ReadOnlyAdmin):
    # Few columns, so the title keeps its width (web/css/admin.css).
    list_display = (
        "title",
        "merchant",
        "state",
        "sold_of_stock",
        "final_price",
        "deadline_at",
    )
    list_filter = ("state", "merchant")
    search_fields = ("title", "public_id", "product__name_zh", "product__name_en")
    date_hierarchy = "deadline_at"
    readonly_fields = (
        "public_id",
        "list_price",
        "state",
        "sold",
        "final_price",
        "closed_at",
        "settled_at",
        "creator",
        "created_at",
        "updated_at",
    )
    exclude = ("final_price_fen", "list_price_fen", "created_by")
    inlines = [DealTierInline]
    list_price = fen_display("list_price_fen", _("list price"))
    creator = person_display("created_by", Deal.created_by.field.verbose_name)

    @admin.display(description=_("sold / stock"), ordering="sold")
    def sold_of_stock(self, deal):
        return f"{deal.sold} / {deal.stock}"

    @admin.display(description=_("final price"), ordering="final_price_fen")
    def final_price(self, deal):
        return "—" if deal.final_price_fen is None else format_fen(deal.final_price_fen)

    actions = ["open_deals", "close_now", "stop_and_refund"]

    # Deals are created and edited by merchants in their console (or the API),
    # where the deals services validate them; here operators watch and act.

    def _run(self, request, queryset, service, done_message):
        changed = 0
        for deal in queryset:
            try:
                service(actor=request.user, deal=deal)
                changed += 1
            except DomainError as refusal:
                self.message_user(
                    request, f"{deal}{label_colon()}{refusal.message}", messages.ERROR
                )
        if changed:
            self.message_user(request, done_message % {"n": changed})

    @admin.action(description=_("Open the selected draft deals"))
    def open_deals(self, request, queryset):
        self._run(
            request,
            queryset,
            services.deal_open,
            ngettext_lazy("%(n)s deal opened.", "%(n)s deals opened.", "n"),
        )

    @admin.action(description=_("Close now (as if the deadline had passed)"))
    def close_now(self, request, queryset):
        self._run(
            request,
            queryset,
            services.deal_close_now,
            ngettext_lazy("%(n)s deal closed.", "%(n)s deals closed.", "n"),
        )

    @admin.action(description=_("Stop as failed and refund everyone"))
    def stop_and_refund(self, request, queryset):
        """Ask the reason first (the admin's confirmation page, as its delete
        action asks), then stop each deal through ``deal_stop``: stopped by
        the platform, its buyers told the reason."""
        is_confirmed = "apply" in request.POST
        form = StopForm(request.POST if is_confirmed else None)
        if is_confirmed and form.is_valid():
            self._run(
                request,
                queryset,
                partial(services.deal_stop, reason=form.cleaned_data["reason"]),
                ngettext_lazy("%(n)s deal stopped.", "%(n)s deals stopped.", "n"),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Stop as failed and refund everyone"),
            "opts": self.model._meta,
            "deals": queryset,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(
            request, "admin/deals/deal/stop_and_refund.html", context
        )


@admin.register(DealOrder)
class DealOrderAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id",
        "deal",
        "buyer",
        "quantity",
        "paid",
        "refunded",
        "kept",
        "status",
        "charged",
        "joined_at",
    )
    list_filter = ("status", "cancel_reason")
    search_fields = ("public_id", "deal__title", "shopper__phone")
    date_hierarchy = "joined_at"
    list_select_related = ("deal", "shopper")
    # The shopper is shown by ``buyer`` (str(user) is a full number).
    exclude = [
        f.name
        for f in DealOrder._meta.fields
        if f.name.endswith("_fen") or f.name == "shopper"
    ]
    readonly_fields = [
        *(
            f.name
            for f in DealOrder._meta.fields
            if not f.name.endswith("_fen") and f.name != "shopper"
        ),
        "buyer",
        "unit_price_cap",
        "amount",
        "final_unit_price",
        "charged",
        "paid",
        "refunded",
        "kept",
    ]
    buyer = person_display("shopper", DealOrder.shopper.field.verbose_name)
    unit_price_cap = fen_display("unit_price_cap_fen", _("unit price paid"))
    # What the units still cost: a refund of some units lowers it, so it is
    # not what was paid; paid, refunded and kept say that (OrderMoney).
    amount = fen_display("amount_fen", _("amount of the units kept"))
    final_unit_price = fen_display("final_unit_price_fen", _("final unit price"))
    charged = fen_display("charged_fen", _("charged"))
    paid = fen_display("paid_fen", _("paid"))
    refunded = fen_display("refunded_fen", _("refunded"))

    def get_queryset(self, request):
        # What its payments brought in, read with the rows (one query).
        return orders_with_paid_fen(super().get_queryset(request))

    @admin.display(description=_("kept"))
    def kept(self, obj):
        return format_fen(order_money(order=obj).kept_fen)
