from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.models import (
    ApiToken,
    MerchantMembership,
    PasswordConfirmAttempt,
    PhoneVerification,
    PreviousPhone,
    User,
)
from groupbuy.accounts.phones import mask_phone, mask_phones_in_text, person_label
from groupbuy.accounts.services import (
    account_switch_off,
    account_switch_on,
    failed_logins_delete,
    failed_logins_expired_delete,
    password_confirm_attempts_clear,
    password_set_by_support,
)
from groupbuy.core.admin import ReadOnlyAdmin

# The admin's form has no reason field: its audit row says where it was done.
ADMIN_SWITCH_OFF_REASON = "Switched off in the Django admin"


class _Row:
    """A list row as its checkbox names it: its pk and a label."""

    def __init__(self, obj, label: str):
        self.pk = obj.pk
        self.label = label

    def __str__(self) -> str:
        return self.label


def _log_entries_masked(entries):
    """Rewrite the admin log entries just written (``str(obj)``, which may be
    a full number) with their numbers masked; return them as given."""
    for entry in entries if isinstance(entries, list) else [entries]:
        masked = mask_phones_in_text(entry.object_repr)
        # an inline row's name (a membership's, by str(user)) is in the message
        message = mask_phones_in_text(entry.change_message)
        if (masked, message) != (entry.object_repr, entry.change_message):
            entry.object_repr, entry.change_message = masked, message
            LogEntry.objects.filter(pk=entry.pk).update(
                object_repr=masked, change_message=message
            )
    return entries


class MaskedRowsMixin:
    """Name each row's select checkbox (Django reads ``str(obj)`` to screen
    readers) by ``row_label``, which holds no full phone number, and write the
    admin's log of what support added, changed or deleted (the index's
    "Recent actions") and the messages after adding, changing or deleting with
    numbers masked: ``str(obj)`` names a person with no name by their full
    number."""

    def row_label(self, obj) -> str:
        raise NotImplementedError

    def action_checkbox(self, obj):
        return super().action_checkbox(_Row(obj, self.row_label(obj)))

    def message_user(self, request, message, *args, **kwargs):
        # "The user “+8613800138000” was added successfully.": Django names
        # the row by str(obj), the number support just typed, for anyone
        # behind them to read. Masking only swaps digits for "*": a safe
        # message (its link) stays safe.
        masked = mask_phones_in_text(str(message))
        if isinstance(message, SafeData):
            masked = mark_safe(masked)
        return super().message_user(request, masked, *args, **kwargs)

    def log_addition(self, request, obj, message):
        return _log_entries_masked(super().log_addition(request, obj, message))

    def log_change(self, request, obj, message):
        return _log_entries_masked(super().log_change(request, obj, message))

    def log_deletions(self, request, queryset):
        return _log_entries_masked(super().log_deletions(request, queryset))


def person_display(field: str, description):
    """Return an admin column naming the person in the user field ``field`` by
    ``person_label``: ``str(user)`` is the full number of someone with no name.

    Assign it in a ModelAdmin as ``core.admin.fen_display`` is
    (``payer_shown = person_display("payer", _("payer"))``), name it in
    ``list_display`` and ``readonly_fields`` in place of the field (which the
    row's page would show as ``str(user)``: exclude it), add the field to
    ``list_select_related`` and search on ``<field>__phone``, so the full
    number still finds the row.
    """

    @admin.display(description=description, ordering=f"{field}__phone")
    def show(self, obj) -> str:
        return person_label(getattr(obj, field))

    return show


class MembershipInline(admin.TabularInline):
    model = MerchantMembership
    extra = 0
    autocomplete_fields = ("merchant",)


@admin.register(User)
class UserAdmin(MaskedRowsMixin, BaseUserAdmin):
    ordering = ("-date_joined",)
    # The list masks numbers (search by a full one still finds it); the
    # person's change page, for those who may edit it, shows it in full.
    list_display = (
        "masked_phone",
        "display_name",
        "is_staff",
        "is_active",
        "date_joined",
    )
    search_fields = ("phone", "display_name", "email", "public_id")
    list_filter = ("is_staff", "is_active", "preferred_language")
    readonly_fields = ("public_id", "date_joined", "last_login")
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("public_id", "phone", "password")}),
        (
            _("Profile"),
            {
                "fields": (
                    "display_name",
                    "email",
                    "preferred_language",
                    "contact_channel",
                )
            },
        ),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("phone", "password1", "password2")}),
    )

    @admin.display(description=_("phone number"), ordering="phone")
    def masked_phone(self, obj) -> str:
        return mask_phone(obj.phone)

    def row_label(self, obj) -> str:
        return obj.display_name or mask_phone(obj.phone)

    def user_change_password(self, request, id, form_url=""):
        # Django's form writes the password alone: an app signed in with the
        # old one kept its token. A password set here means what the person's
        # own reset means (services.password_set_by_support), in one
        # transaction with the write.
        with transaction.atomic():
            answer = super().user_change_password(request, id, form_url)
            if request.method == "POST" and answer.status_code == 302:
                person = self.get_object(request, unquote(id))
                if person is not None:
                    password_set_by_support(actor=request.user, user=person)
        return answer

    def save_model(self, request, obj, form, change):
        # Switching "active" goes through the operator page's services, which
        # check who may (not oneself; another operator only a superuser), audit
        # it and close a switched-off person's open sockets; the rest saves as
        # given. A refusal leaves the account as it was and says why.
        if not (change and "is_active" in form.changed_data):
            return super().save_model(request, obj, form, change)
        is_active = obj.is_active
        obj.is_active = form.initial["is_active"]
        super().save_model(request, obj, form, change)
        try:
            if is_active:
                account_switch_on(actor=request.user, user=obj)
            else:
                account_switch_off(
                    actor=request.user, user=obj, reason=ADMIN_SWITCH_OFF_REASON
                )
        except AccountError as refusal:
            self.message_user(request, refusal.message, messages.ERROR)


@admin.register(ApiToken)
class ApiTokenAdmin(MaskedRowsMixin, admin.ModelAdmin):
    list_display = (
        "person",
        "name",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("user__phone", "name", "public_id")
    readonly_fields = ("public_id", "key_hash", "created_at", "last_used_at")
    list_select_related = ("user",)

    @admin.display(description=_("person"), ordering="user__phone")
    def person(self, obj) -> str:
        return person_label(obj.user)

    def row_label(self, obj) -> str:
        return f"{obj.name or obj.public_id} {person_label(obj.user)}"


@admin.register(PhoneVerification)
class PhoneVerificationAdmin(MaskedRowsMixin, admin.ModelAdmin):
    """Read-only: codes are made and used only through the services."""

    list_display = (
        "masked_phone",
        "purpose",
        "created_at",
        "expires_at",
        "failed_attempts",
        "used_at",
        "requested_from",
    )
    list_filter = ("purpose",)
    search_fields = ("phone", "public_id", "requested_from")
    exclude = ("code_hash", "pending")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("phone number"), ordering="phone")
    def masked_phone(self, obj) -> str:
        return mask_phone(obj.phone)

    def row_label(self, obj) -> str:
        return f"{obj.get_purpose_display()} {mask_phone(obj.phone)}"


class PersonColumnsMixin:
    """List columns naming the row's person by name and masked number: a
    list needs no one's full number (the row's page shows it)."""

    list_select_related = ("user",)

    @admin.display(description=_("person's phone number"), ordering="user__phone")
    def person_phone(self, obj) -> str:
        return mask_phone(obj.user.phone)

    @admin.display(description=_("name"), ordering="user__display_name")
    def person_name(self, obj) -> str:
        return obj.user.display_name or "—"


@admin.register(PasswordConfirmAttempt)
class PasswordConfirmAttemptAdmin(PersonColumnsMixin, ReadOnlyAdmin):
    """Read-only: attempts are counted only by ``accounts.reauth``. The one
    action clears a person's limit early, audited; deleting rows one by one
    (unaudited) is not offered."""

    list_display = ("person_phone", "person_name", "created_at")
    search_fields = ("user__phone", "user__public_id")
    date_hierarchy = "created_at"
    fields = ("user", "created_at")
    readonly_fields = fields
    actions = ["clear_for_people"]

    def has_clear_permission(self, request) -> bool:
        return request.user.has_perm("accounts.delete_passwordconfirmattempt")

    @admin.action(
        description=_(
            "Let the selected attempts' people confirm their password again now"
        ),
        permissions=["clear"],
    )
    def clear_for_people(self, request, queryset):
        count = password_confirm_attempts_clear(
            actor=request.user,
            user_ids=list(queryset.values_list("user_id", flat=True).distinct()),
        )
        if not count:
            message = _("None of these people had password confirmations to clear.")
            self.message_user(request, message, messages.WARNING)
            return
        self.message_user(
            request,
            ngettext(
                "Password confirmations cleared for %(count)d person.",
                "Password confirmations cleared for %(count)d people.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(PreviousPhone)
class PreviousPhoneAdmin(PersonColumnsMixin, ReadOnlyAdmin):
    """Read-only: kept for the person's export and erasure (``phones_held``),
    which a change or a deletion here would lead astray. Searched by the
    person's current number or id, never by the old number: it never finds
    anyone."""

    list_display = ("previous_phone", "person_phone", "person_name", "held_until")
    search_fields = ("user__phone", "user__public_id")
    fields = ("user", "phone", "held_until")
    readonly_fields = fields

    @admin.display(description=_("previous phone number"), ordering="phone")
    def previous_phone(self, obj) -> str:
        return mask_phone(obj.phone)


@admin.display(description=_("phone number"), ordering="username")
def masked_username(obj) -> str:
    # axes records the phone number tried (accounts.lockout.axes_username)
    return mask_phone(obj.username or "")


def _axes_row_label(model_admin, obj) -> str:
    return f"{obj.ip_address} {mask_phone(obj.username or '')}"


class AuditedFailedLoginsDeleteMixin:
    """Delete failed logins (one row, or the selected ones) through
    ``failed_logins_delete``: audited as the operator's Clear the lockout; and
    clean up the expired ones through ``failed_logins_expired_delete``, audited
    too (axes' own action of that name deleted them unaudited)."""

    def delete_model(self, request, obj):
        failed_logins_delete(actor=request.user, attempt_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        attempt_ids = list(queryset.values_list("pk", flat=True))
        failed_logins_delete(actor=request.user, attempt_ids=attempt_ids)

    # Named as axes' action, which its AccessAttemptAdmin.actions lists: this
    # one takes its place. It deletes rows, so it asks for the right to.
    @admin.action(description=_("Clean up expired attempts"), permissions=["delete"])
    def cleanup_expired_attempts(self, request, queryset):
        count = failed_logins_expired_delete(actor=request.user)
        self.message_user(
            request,
            ngettext(
                "Cleaned up %(count)d expired access attempt.",
                "Cleaned up %(count)d expired access attempts.",
                count,
            )
            % {"count": count},
        )


def axes_admins_adapt() -> None:
    """Show the failed-login lists (django-axes) with the numbers masked, and
    audit the deletion of failed logins (its rows hold a number back).

    Called once every admin module is registered (``AccountsConfig.ready``):
    axes registers its own after ours. Search by a full number still works.
    """
    from axes.models import AccessAttempt

    for model, model_admin in list(admin.site._registry.items()):
        shows_number = "username" in model_admin.list_display
        if model._meta.app_label != "axes" or not shows_number:
            continue
        columns = tuple(
            masked_username if column == "username" else column
            for column in model_admin.list_display
        )
        audited = (AuditedFailedLoginsDeleteMixin,) if model is AccessAttempt else ()
        masked = type(
            model_admin.__class__.__name__,
            (*audited, MaskedRowsMixin, model_admin.__class__),
            {"list_display": columns, "row_label": _axes_row_label},
        )
        admin.site.unregister(model)
        admin.site.register(model, masked)
