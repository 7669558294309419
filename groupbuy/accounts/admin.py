from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from groupbuy.accounts.models import (
    ApiToken,
    MerchantMembership,
    PhoneVerification,
    User,
)


class MembershipInline(admin.TabularInline):
    model = MerchantMembership
    extra = 0
    autocomplete_fields = ("merchant",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("-date_joined",)
    list_display = ("phone", "display_name", "is_staff", "is_active", "date_joined")
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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "name",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("user__phone", "name", "public_id")
    readonly_fields = ("public_id", "key_hash", "created_at", "last_used_at")


@admin.register(PhoneVerification)
class PhoneVerificationAdmin(admin.ModelAdmin):
    """Read-only: codes are made and used only through the services."""

    list_display = (
        "phone",
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
