from django.contrib import admin

from groupbuy.catalog.models import (
    Branch,
    Category,
    Listing,
    Merchant,
    Product,
    ProductAlias,
    ProductImage,
)


class BranchInline(admin.TabularInline):
    model = Branch
    extra = 0


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = ("name", "public_id", "is_active", "created_at")
    search_fields = ("name", "name_en", "public_id")
    inlines = [BranchInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name_zh", "name_en", "parent", "demand_threshold")
    search_fields = ("name_zh", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}


class AliasInline(admin.TabularInline):
    model = ProductAlias
    extra = 1


class ImageInline(admin.TabularInline):
    model = ProductImage
    extra = 1


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name_zh", "name_en", "gtin", "brand", "category", "is_active")
    list_filter = ("category", "is_active")
    search_fields = ("name_zh", "name_en", "gtin", "brand", "aliases__text")
    inlines = [AliasInline, ImageInline]


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ("product", "merchant", "price_fen", "is_active")
    list_filter = ("merchant", "is_active")
    search_fields = ("product__name_zh", "product__name_en", "product__gtin")
    autocomplete_fields = ("product", "merchant")


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ("name", "merchant", "address")
    search_fields = ("name", "address")
