from functools import partial

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from groupbuy.accounts.admin import person_display, person_label
from groupbuy.accounts.phones import mask_phone
from groupbuy.catalog.admin.merchants import MerchantAdmin
from groupbuy.catalog.models import Merchant
from groupbuy.core.admin import ReadOnlyAdmin, fen_display
from groupbuy.core.errors import DomainError
from groupbuy.core.i18n import label_colon
from groupbuy.ops.forms import SwitchOffForm
from groupbuy.ops.models import (
    ErasureRequest,
    MerchantOwnerInvitation,
    PlatformDailyStats,
    ShopApplication,
)
from groupbuy.ops.shop_switching import merchant_switch_off, merchant_switch_on


@admin.register(ShopApplication)
class ShopApplicationAdmin(ReadOnlyAdmin):
    """Read-only: applications are decided on the operator's pages, through the
    services (the shop opened, the applicant told, audited).

    The contact phone is masked in the list and on the detail too: reading it
    in full is audited (``shop_application_view_for_operator``), so the detail
    links to the operator's page of the application, which gives it. People are
    named by ``person_label``, as ``str(user)`` is the full number of someone
    with no name. Searching by the full number still finds the row.
    """

    list_display = (
        "public_id",
        "name",
        "applicant_label",
        "masked_contact_phone",
        "status",
        "created_at",
        "decided_at",
    )
    list_filter = ("status",)
    search_fields = (
        "public_id",
        "name",
        "name_en",
        "contact_phone",
        "applicant__phone",
        "applicant__public_id",
    )
    list_select_related = ("applicant",)
    fields = (
        "public_id",
        "status",
        "name",
        "name_en",
        "applicant_label",
        "masked_contact_phone",
        "branch_address",
        "sells",
        "note",
        "created_at",
        "withdrawn_at",
        "decided_at",
        "decided_by_label",
        "decline_reason",
        "merchant",
        "operator_page",
    )
    readonly_fields = fields

    @admin.display(description=_("applicant"), ordering="applicant__phone")
    def applicant_label(self, obj) -> str:
        return person_label(obj.applicant)

    @admin.display(description=_("contact phone"), ordering="contact_phone")
    def masked_contact_phone(self, obj) -> str:
        return mask_phone(obj.contact_phone)

    @admin.display(description=_("decided by"))
    def decided_by_label(self, obj) -> str:
        return person_label(obj.decided_by)

    @admin.display(description=_("operator's page"))
    def operator_page(self, obj) -> str:
        url = reverse("ops:operator_shop_application", args=[obj.public_id])
        return format_html(
            '<a href="{}">{}</a>', url, _("Open it, with the contact phone in full")
        )


@admin.register(ErasureRequest)
class ErasureRequestAdmin(ReadOnlyAdmin):
    """Read-only: requests are made, withdrawn and performed through the
    services (audited), on the person's and the operator's pages. The person
    is named by ``person_label``: "Deleted user" once erased."""

    list_display = (
        "public_id",
        "person",
        "status",
        "requested_at",
        "due_at",
        "completed_at",
        "performed_by",
    )
    list_filter = ("status",)
    list_select_related = ("user", "completed_by")
    search_fields = ("public_id", "user__phone", "user__public_id")
    date_hierarchy = "requested_at"
    exclude = ("user", "completed_by")
    readonly_fields = (
        "public_id",
        "person",
        "status",
        "requested_at",
        "due_at",
        "cancelled_at",
        "completed_at",
        "performed_by",
    )
    person = person_display("user", ErasureRequest.user.field.verbose_name)
    performed_by = person_display(
        "completed_by", ErasureRequest.completed_by.field.verbose_name
    )


@admin.register(PlatformDailyStats)
class PlatformDailyStatsAdmin(ReadOnlyAdmin):
    """Read-only: the figures are recomputed by ``ops.stats`` every five
    minutes from the source tables."""

    list_display = (
        "day",
        "deals_opened",
        "deals_succeeded",
        "deals_failed",
        "orders_joined",
        "captured",
        "refunds",
        "refunded",
        "computed_at",
    )
    date_hierarchy = "day"
    exclude = ("gmv_fen", "refunded_fen")
    captured = fen_display("gmv_fen", PlatformDailyStats.gmv_fen.field.verbose_name)
    refunded = fen_display(
        "refunded_fen", PlatformDailyStats.refunded_fen.field.verbose_name
    )

    def get_readonly_fields(self, request, obj=None):
        shown = [
            field.name
            for field in PlatformDailyStats._meta.fields
            if field.name not in ("id", *self.exclude)
        ]
        return [*shown, "captured", "refunded"]


@admin.register(MerchantOwnerInvitation)
class MerchantOwnerInvitationAdmin(ReadOnlyAdmin):
    """Read-only: invitations are made by ``ops.onboarding`` and accepted when
    the invited number is verified. The number is masked (a search by the
    full number still finds the row); people by ``person_label``."""

    list_display = (
        "public_id",
        "merchant",
        "masked_phone",
        "inviter",
        "created_at",
        "accepted_at",
        "accepter",
    )
    list_select_related = ("merchant", "invited_by", "accepted_by")
    search_fields = ("public_id", "phone", "merchant__name", "merchant__public_id")
    exclude = ("phone", "invited_by", "accepted_by")
    readonly_fields = list_display
    inviter = person_display(
        "invited_by", MerchantOwnerInvitation.invited_by.field.verbose_name
    )
    accepter = person_display(
        "accepted_by", MerchantOwnerInvitation.accepted_by.field.verbose_name
    )

    @admin.display(
        description=MerchantOwnerInvitation.phone.field.verbose_name,
        ordering="phone",
    )
    def masked_phone(self, obj) -> str:
        # An erased person's invitations lose the number (ops.personal_data).
        return mask_phone(obj.phone) if obj.phone else "—"


class OperatorMerchantAdmin(MerchantAdmin):
    """Catalog's merchant admin (its Active box read-only) with the switch: a
    shop is switched off or on by the actions below, through ops' switch, so its
    owners are told and the reason audited (the box switched it silently)."""

    actions = ["switch_off", "switch_on"]

    @admin.action(description=_("Switch off…"))
    def switch_off(self, request, queryset):
        """Ask the reason first (the admin's confirmation page, as its delete
        action asks), then switch each shop off: its owners read the reason."""
        is_confirmed = "apply" in request.POST
        form = SwitchOffForm(request.POST if is_confirmed else None)
        if is_confirmed and form.is_valid():
            switch = partial(merchant_switch_off, reason=form.cleaned_data["reason"])
            self._switch(request, queryset, switch)
            return None
        return self._confirmation(
            request, queryset, title=_("Switch off…"), form=form, action="switch_off"
        )

    @admin.action(description=_("Switch on"))
    def switch_on(self, request, queryset):
        """Switch each shop on again. One whose name another active shop took
        while it was off is held back and shown on a confirmation page, which
        switches it on under the same name when confirmed."""
        allow_same_name = request.POST.get("allow_same_name") == "1"
        switch = partial(merchant_switch_on, allow_same_name=allow_same_name)
        taken = self._switch(request, queryset, switch)
        if not taken:
            return None
        return self._confirmation(
            request,
            [merchant for merchant, _refusal in taken],
            title=_("Switch on under a name another shop has?"),
            refusals=[refusal.message for _merchant, refusal in taken],
            action="switch_on",
        )

    def _switch(self, request, merchants, switch) -> list:
        """Switch each merchant; return those refused for a taken name. One
        already in that state is left as it is and not counted."""
        switched, taken = 0, []
        for merchant in merchants:
            try:
                was_active = merchant.is_active
                switched_merchant = switch(
                    actor=request.user, merchant_id=merchant.public_id
                )
                switched += switched_merchant.is_active != was_active
            except DomainError as refusal:
                if refusal.code == "merchant_exists":
                    taken.append((merchant, refusal))
                else:
                    self.message_user(
                        request,
                        f"{merchant}{label_colon()}{refusal.message}",
                        messages.ERROR,
                    )
        if switched:
            self.message_user(
                request,
                ngettext("%(n)s shop switched.", "%(n)s shops switched.", switched)
                % {"n": switched},
            )
        return taken

    def _confirmation(self, request, merchants, *, title, action, **context):
        context = {
            **self.admin_site.each_context(request),
            **context,
            "title": title,
            "action": action,
            "opts": self.model._meta,
            "merchants": merchants,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(
            request, "admin/catalog/merchant/switch_confirmation.html", context
        )


# Catalog, a core app, cannot call ops' switch, so ops replaces its admin.
admin.site.unregister(Merchant)
admin.site.register(Merchant, OperatorMerchantAdmin)
