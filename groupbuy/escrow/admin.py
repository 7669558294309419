"""Operators read the ledger here; money moves only through escrow services."""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from groupbuy.accounts.admin import person_display
from groupbuy.accounts.phones import person_label
from groupbuy.core.admin import ReadOnlyAdmin, fen_display
from groupbuy.core.errors import DomainError
from groupbuy.core.i18n import label_colon
from groupbuy.core.money import format_fen
from groupbuy.core.redaction import redacted_json_html
from groupbuy.core.times import format_local_time
from groupbuy.escrow import ledger
from groupbuy.escrow.handlers import purpose_label
from groupbuy.escrow.models import (
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    PaymentIntent,
    ProviderEvent,
    Refund,
)
from groupbuy.escrow.providers import event_type_label, provider_label
from groupbuy.escrow.services import payment_refund_held


class LabelledChoicesFilter(admin.SimpleListFilter):
    """A filter on a code column (a provider, a purpose) offering the codes in
    use under their labels in the reader's language, not as stored."""

    label_of = staticmethod(str)

    def lookups(self, request, model_admin):
        codes = (
            model_admin.get_queryset(request)
            .order_by()
            .values_list(self.parameter_name, flat=True)
            .distinct()
        )
        choices = [(code, self.label_of(code)) for code in codes]
        return sorted(choices, key=lambda choice: str(choice[1]))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.parameter_name: self.value()})
        return queryset


class ProviderFilter(LabelledChoicesFilter):
    title = _("provider")
    parameter_name = "provider"
    label_of = staticmethod(provider_label)


class EventTypeFilter(LabelledChoicesFilter):
    title = ProviderEvent.type.field.verbose_name
    parameter_name = "type"
    label_of = staticmethod(event_type_label)


class PurposeFilter(LabelledChoicesFilter):
    title = _("what for")
    parameter_name = "purpose"
    label_of = staticmethod(purpose_label)


@admin.display(description=_("reason"), ordering="reason")
def refund_reason_shown(model_admin, refund):
    """Why, in words: a registered reason's label, someone's note as written."""
    return refund.reason_label


def refund_progress(refund: Refund) -> str:
    """Where a refund stands, in a sentence for support. The provider's error
    (``last_error``, the program's words) is no sentence: the refund's page
    keeps it under its technical details."""
    provider = refund.intent.provider_label
    if refund.status == Refund.Status.SUCCEEDED:
        if refund.confirmed_at is None:
            return gettext("Confirmed by %(provider)s.") % {"provider": provider}
        return gettext("Confirmed by %(provider)s on %(when)s.") % {
            "provider": provider,
            "when": format_local_time(refund.confirmed_at),
        }
    if refund.attempts and refund.next_attempt_at:
        return ngettext(
            "%(provider)s has not confirmed it after %(count)d attempt; it is "
            "asked again at %(when)s.",
            "%(provider)s has not confirmed it after %(count)d attempts; it is "
            "asked again at %(when)s.",
            refund.attempts,
        ) % {
            "provider": provider,
            "count": refund.attempts,
            "when": format_local_time(refund.next_attempt_at),
        }
    return gettext("Sent to %(provider)s; waiting for its answer.") % {
        "provider": provider
    }


class EntryInline(admin.TabularInline):
    model = LedgerEntry
    fields = ("account", "amount")
    readonly_fields = fields
    amount = fen_display("amount_fen", _("amount"))
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "kind", "person", "merchant", "balance")
    list_filter = ("kind",)
    list_select_related = ("user", "merchant")
    search_fields = ("public_id", "user__phone", "merchant__name")
    exclude = ("balance_fen", "user")
    readonly_fields = ("person", "balance")
    person = person_display("user", LedgerAccount.user.field.verbose_name)

    def get_queryset(self, request):
        return ledger.with_balances(super().get_queryset(request))

    @admin.display(description=_("balance"), ordering="current_balance_fen")
    def balance(self, account):
        # Platform-wide accounts keep their balance in shards (escrow.ledger).
        return format_fen(account.current_balance_fen)


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "reference_id", "memo", "public_id")
    list_filter = ("kind",)
    search_fields = ("public_id", "reference_id", "idempotency_key")
    date_hierarchy = "created_at"
    inlines = [EntryInline]


class RefundInline(admin.TabularInline):
    model = Refund
    fields = ("public_id", "amount", "status", "reason_label", "by", "created_at")
    readonly_fields = fields
    reason_label = refund_reason_shown
    by = person_display("actor", Refund.actor.field.verbose_name)
    amount = fen_display("amount_fen", _("amount"))
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PaymentIntent)
class PaymentIntentAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id",
        "payer_shown",
        "amount",
        "refunded",
        "released",
        "status",
        "purpose_label",
        "reference",
        "provider_label",
        "created_at",
    )
    list_filter = ("status", ProviderFilter, PurposeFilter)
    search_fields = ("public_id", "reference", "payer__phone", "provider_reference")
    date_hierarchy = "created_at"
    list_select_related = ("payer",)
    inlines = [RefundInline]
    actions = ["refund_what_is_held"]
    exclude = (
        "payer",
        "amount_fen",
        "refunded_fen",
        "released_fen",
        "purpose",
        "provider",
    )
    readonly_fields = (
        "payer_shown",
        "amount",
        "refunded",
        "released",
        "purpose_label",
        "provider_label",
    )
    payer_shown = person_display("payer", PaymentIntent.payer.field.verbose_name)
    amount = fen_display("amount_fen", _("amount"))
    refunded = fen_display("refunded_fen", _("refunded"))
    released = fen_display("released_fen", _("released to the merchant"))

    @admin.display(description=_("what for"), ordering="purpose")
    def purpose_label(self, intent):
        return intent.purpose_label

    @admin.display(description=_("provider"), ordering="provider")
    def provider_label(self, intent):
        return intent.provider_label

    @admin.action(description=_("Refund what is still held"))
    def refund_what_is_held(self, request, queryset):
        """Ask first, listing each payment and what would go back (Django's
        intermediate page, as delete_selected does); refund once confirmed and
        say what was refunded. Until 2026-12-06 it refunded at once, silently."""
        intents = list(queryset.select_related("payer").order_by("pk"))
        rows = [
            (intent, intent.remaining_held_fen, person_label(intent.payer))
            for intent in intents
            if intent.remaining_held_fen > 0
        ]
        if not request.POST.get("post"):
            context = {
                **self.admin_site.each_context(request),
                "title": _("Refund what is still held"),
                "opts": self.model._meta,
                "queryset": intents,
                "rows": rows,
                "total_fen": sum(held for _intent, held, _payer in rows),
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "media": self.media,
            }
            return TemplateResponse(
                request, "admin/escrow/paymentintent/refund_confirmation.html", context
            )
        refunded, total_fen = [], 0
        for intent, _held, _payer in rows:
            # what is held is read again under the payment's lock (as the
            # operator's payment page and API do): a repeat refunds nothing
            try:
                refund = payment_refund_held(actor=request.user, intent=intent)
            except DomainError as refusal:
                self.message_user(
                    request,
                    f"{intent.public_id}{label_colon()}{refusal.message}",
                    messages.ERROR,
                )
                continue
            refunded.append(intent.public_id)
            total_fen += refund.amount_fen
        if refunded:
            self.message_user(
                request,
                ngettext(
                    "Refunded %(total)s to the payer of %(payments)s.",
                    "Refunded %(total)s to the payers of %(count)d payments: "
                    "%(payments)s.",
                    len(refunded),
                )
                % {
                    "total": format_fen(total_fen),
                    "count": len(refunded),
                    "payments": ", ".join(refunded),
                },
                messages.SUCCESS,
            )
        elif not rows:
            self.message_user(
                request,
                _("None of the selected payments holds money to refund."),
                messages.WARNING,
            )
        return None


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id",
        "intent",
        "amount",
        "status",
        "reason_label",
        "by",
        "created_at",
    )
    list_filter = ("status",)
    list_select_related = ("intent", "actor")
    search_fields = (
        "public_id",
        "intent__public_id",
        "idempotency_key",
        "actor__phone",
    )
    # The page says in words where the refund stands; what the provider or
    # the program said (last_error), the tries and the keys are for support,
    # under a technical details section shown on demand.
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "public_id",
                    "intent",
                    "amount",
                    "reason_label",
                    "by",
                    "status",
                    "progress",
                    "created_at",
                    "confirmed_at",
                )
            },
        ),
        (
            _("Technical details"),
            {
                "classes": ("collapse",),
                "fields": (
                    "last_error",
                    "attempts",
                    "next_attempt_at",
                    "provider_reference",
                    "idempotency_key",
                ),
            },
        ),
    )
    readonly_fields = ("amount", "reason_label", "by", "progress")
    amount = fen_display("amount_fen", _("amount"))
    reason_label = refund_reason_shown
    by = person_display("actor", Refund.actor.field.verbose_name)

    @admin.display(description=_("where it stands"))
    def progress(self, refund):
        return refund_progress(refund)


@admin.register(ProviderEvent)
class ProviderEventAdmin(ReadOnlyAdmin):
    """The provider and what its event says are read in words, as on the
    payment list; the event id stays as the provider sent it, and the payload
    is shown with the payer's ids, phone numbers and any signature cut
    (``core.redaction``; the row keeps it as received)."""

    list_display = (
        "received_at",
        "provider_label",
        "event_id",
        "type_label",
        "outcome",
        "intent",
    )
    list_filter = (ProviderFilter, EventTypeFilter, "outcome")
    list_select_related = ("intent",)
    search_fields = ("event_id", "intent__public_id")
    exclude = ("provider", "type", "payload")
    readonly_fields = ("provider_label", "type_label", "payload_shown")

    @admin.display(
        description=ProviderEvent.provider.field.verbose_name, ordering="provider"
    )
    def provider_label(self, event):
        return provider_label(event.provider)

    @admin.display(description=ProviderEvent.type.field.verbose_name, ordering="type")
    def type_label(self, event):
        return event_type_label(event.type)

    @admin.display(description=ProviderEvent.payload.field.verbose_name)
    def payload_shown(self, event):
        return redacted_json_html(event.payload)
