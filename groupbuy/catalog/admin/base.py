"""What every catalog admin shares: changes go through the services."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.html import format_html

from groupbuy.catalog.models import (
    ProductImage,
)
from groupbuy.core.errors import DomainError


def thumbnail(image: ProductImage | None, size: int = 64):
    if image is None or not image.image:
        return "—"
    return format_html(
        '<img src="{}" alt="" style="max-width:{}px;max-height:{}px;'
        'object-fit:contain;border-radius:4px">',
        image.image.url,
        size,
        size,
    )


def changed_fields(form, names) -> dict:
    """Return the cleaned values of the fields among ``names`` the form changed."""
    return {
        name: form.cleaned_data[name] for name in form.changed_data if name in names
    }


def became(obj, saved) -> None:
    """Make the admin's ``obj`` the row the service saved (pk, values, state)."""
    obj.__dict__.update(saved.__dict__)
    obj.refresh_from_db()


def no_formset_objects(formset) -> None:
    # The admin's change message reads what formset.save() would have recorded.
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


class ServiceAdmin(admin.ModelAdmin):
    """Show a service's refusal as a message instead of a server error.

    The admin saves inside one transaction, so a refusal rolls back anything
    an earlier service call in the same save did.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except DomainError as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def has_delete_permission(self, request, obj=None):
        return False
