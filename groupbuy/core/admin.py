from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from groupbuy.accounts.phones import person_label
from groupbuy.core.models import AuditEntry
from groupbuy.core.money import format_fen
from groupbuy.core.redaction import redacted_json_html

admin.site.site_header = _("groupbuy administration")
admin.site.site_title = _("groupbuy admin")
admin.site.index_title = _("Administration")


class ReadOnlyAdminMixin:
    """An admin that shows rows and changes none: no add, change or delete
    (records other code writes: money, audit lines, codes sent). The audit
    trail especially is the proof of what happened (erasures, payouts,
    stops): nobody removes a line of it, the superuser included."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


def fen_display(field: str, description):
    """Return an admin column showing the fen field ``field`` in yuan (¥12.30).

    Assign it in a ModelAdmin (``amount = fen_display("amount_fen", _("amount"))``)
    and name it in ``list_display`` or ``readonly_fields`` instead of the raw field.
    """

    @admin.display(description=description, ordering=field)
    def show(self, obj):
        value = getattr(obj, field)
        return "—" if value is None else format_fen(value)

    return show


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "object_type", "object_id", "by")
    list_filter = ("action", "object_type")
    list_select_related = ("actor",)
    search_fields = ("object_id", "action", "actor__phone")
    # The actor is shown by ``by``: str(user) is a full number. The data is
    # shown redacted (``data_shown``); the row keeps it as written.
    exclude = ("actor", "data")
    readonly_fields = [
        *(f.name for f in AuditEntry._meta.fields if f.name not in ("actor", "data")),
        "by",
        "data_shown",
    ]

    @admin.display(
        description=AuditEntry.actor.field.verbose_name, ordering="actor__phone"
    )
    def by(self, entry) -> str:
        return person_label(entry.actor)

    @admin.display(description=AuditEntry.data.field.verbose_name)
    def data_shown(self, entry) -> str:
        return redacted_json_html(entry.data)
