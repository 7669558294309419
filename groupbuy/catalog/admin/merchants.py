"""Merchants, their branches and the category tree in the admin."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from groupbuy.catalog import services
from groupbuy.catalog.admin.base import (
    ServiceAdmin,
    became,
    changed_fields,
)
from groupbuy.catalog.models import (
    Branch,
    Category,
    Merchant,
)
from groupbuy.catalog.selectors import (
    category_demand_threshold,
    category_demand_thresholds,
)
from groupbuy.core.admin import ReadOnlyAdminMixin
from groupbuy.core.request_memo import remembered


class BranchInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Branches at a glance; they are added and changed on the branch pages."""

    model = Branch
    extra = 0
    fields = ("name", "address", "latitude", "longitude", "phone", "is_active")
    readonly_fields = fields
    show_change_link = True


class MerchantAdminForm(forms.ModelForm):
    # The escape the operators' New merchant form has: a merchant renamed to
    # the name of another active one is refused (merchant_exists) unless this
    # is ticked.
    allow_same_name = forms.BooleanField(
        label=_("Allow the same name as another shop"),
        required=False,
        help_text=_(
            "Tick this to save the merchant active although another active "
            "merchant has its name."
        ),
    )

    class Meta:
        model = Merchant
        fields = ("name", "name_en", "description")


@admin.register(Merchant)
class MerchantAdmin(ServiceAdmin):
    form = MerchantAdminForm
    list_display = ("name", "name_en", "public_id", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "name_en", "public_id")
    fields = (
        "public_id",
        "name",
        "name_en",
        "description",
        "is_active",
        "allow_same_name",
        "created_at",
    )
    # Read-only: the box switched a shop silently, and merchant_update now
    # refuses the change (switch_elsewhere). Operators switch a shop through
    # their switch, which tells its owners and records why.
    readonly_fields = ("public_id", "is_active", "created_at")
    inlines = [BranchInline]

    def add_view(self, request, form_url="", extra_context=None):
        # A merchant is made with its owner (ops' merchant_onboard: an account
        # at once, else an SMS invitation); one made here had none, so nobody
        # could run it. The admin's Add leads to the operators' New merchant page.
        messages.info(request, _("A merchant is created with its owner, on this page."))
        return redirect("web:operator_merchant_new")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        changes = changed_fields(form, {"name", "name_en", "description"})
        if data["allow_same_name"]:
            changes["allow_same_name"] = True
        merchant = Merchant.objects.get(pk=obj.pk)
        services.merchant_update(actor=request.user, merchant=merchant, **changes)
        obj.refresh_from_db()


@admin.register(Category)
class CategoryAdmin(ServiceAdmin):
    list_display = (
        "name_zh",
        "name_en",
        "slug",
        "parent",
        "demand_threshold",
        "effective_threshold",
    )
    list_select_related = ("parent",)
    search_fields = ("name_zh", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    autocomplete_fields = ("parent",)
    readonly_fields = ("public_id",)

    def get_readonly_fields(self, request, obj=None):
        # No service renames a slug: links and imports rely on it.
        return ("public_id", "slug") if obj is not None else ("public_id",)

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else self.prepopulated_fields

    @admin.display(description=_("effective demand threshold"))
    def effective_threshold(self, category):
        # Every row's, read once for the page (not each row's ancestors).
        thresholds = remembered(
            ("catalog.category_demand_thresholds",), category_demand_thresholds
        )
        if category.pk in thresholds:
            return thresholds[category.pk]
        return category_demand_threshold(category=category)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            category = services.category_create(
                actor=request.user,
                slug=data["slug"],
                name_zh=data["name_zh"],
                name_en=data["name_en"],
                parent=data.get("parent"),
                demand_threshold=data.get("demand_threshold"),
            )
            return became(obj, category)
        changes = changed_fields(
            form, {"name_zh", "name_en", "parent", "demand_threshold"}
        )
        category = Category.objects.get(pk=obj.pk)
        services.category_update(actor=request.user, category=category, **changes)
        obj.refresh_from_db()


@admin.register(Branch)
class BranchAdmin(ServiceAdmin):
    list_display = ("name", "merchant", "address", "latitude", "longitude", "is_active")
    list_filter = ("merchant", "is_active")
    list_select_related = ("merchant",)
    search_fields = ("name", "address")
    readonly_fields = ("public_id",)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return (*self.readonly_fields, "merchant")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        location = {"name", "address", "latitude", "longitude", "phone"}
        if not change:
            branch = services.branch_create(
                actor=request.user,
                merchant=data["merchant"],
                **{name: data[name] for name in location},
            )
            if not data["is_active"]:
                services.branch_update(
                    actor=request.user, branch=branch, is_active=False
                )
            return became(obj, branch)
        branch = Branch.objects.select_related("merchant").get(pk=obj.pk)
        services.branch_update(
            actor=request.user,
            branch=branch,
            **changed_fields(form, location | {"is_active"}),
        )
        obj.refresh_from_db()
