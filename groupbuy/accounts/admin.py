from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from groupbuy.accounts.models import ApiToken, MerchantMembership, User


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
            "Profile",
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
            "Permissions",
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
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("phone", "password1", "password2")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "created_at", "last_used_at")
    readonly_fields = ("key_hash",)
