from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from groupbuy.catalog.models import (
    Branch,
    Category,
    Listing,
    Merchant,
    Product,
    ProductAlias,
    ProductImage,
)
from groupbuy.catalog.selectors import category_demand_threshold
from groupbuy.catalog.services import format_yuan


def _thumbnail(image: ProductImage | None, size: int = 64):
    if image is None or not image.image:
        return "—"
    return format_html(
        '<img src="{}" alt="" style="max-width:{}px;max-height:{}px;'
        'object-fit:contain;border-radius:4px">',
        image.image.url,
        size,
        size,
    )


class BranchInline(admin.TabularInline):
    model = Branch
    extra = 0
    fields = ("name", "address", "latitude", "longitude", "phone", "is_active")


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "public_id", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "name_en", "public_id")
    readonly_fields = ("public_id", "created_at")
    inlines = [BranchInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
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

    @admin.display(description=_("effective demand threshold"))
    def effective_threshold(self, category):
        return category_demand_threshold(category=category)


class AliasInline(admin.TabularInline):
    model = ProductAlias
    extra = 1
    fields = ("text", "language")


class ImageInline(admin.TabularInline):
    model = ProductImage
    extra = 1
    fields = ("preview", "image", "is_primary", "is_reference")
    readonly_fields = ("preview",)

    @admin.display(description=_("preview"))
    def preview(self, image):
        return _thumbnail(image, 96)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = (
        "thumbnail",
        "name_zh",
        "name_en",
        "gtin",
        "brand",
        "spec",
        "category",
        "reference_images",
        "is_active",
    )
    list_display_links = ("thumbnail", "name_zh")
    list_filter = ("is_active", "category", "images__is_reference")
    list_select_related = ("category",)
    search_fields = ("name_zh", "name_en", "gtin", "gtin14", "brand", "aliases__text")
    autocomplete_fields = ("category", "added_by_merchant")
    readonly_fields = ("public_id", "gtin14", "created_at")
    inlines = [AliasInline, ImageInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("images")

    @admin.display(description=_("photo"))
    def thumbnail(self, product):
        images = list(product.images.all())
        primary = next(
            (i for i in images if i.is_primary), images[0] if images else None
        )
        return _thumbnail(primary, 48)

    @admin.display(description=_("reference photos"))
    def reference_images(self, product):
        return sum(1 for image in product.images.all() if image.is_reference)


@admin.register(ProductImage)
class ProductImageAdmin(admin.ModelAdmin):
    """All photos at a glance, to pick the references snap recognises products by."""

    list_display = ("preview", "product", "is_reference", "is_primary", "created_at")
    list_editable = ("is_reference",)
    list_filter = ("is_reference", "is_primary")
    list_select_related = ("product",)
    search_fields = ("product__name_zh", "product__name_en", "product__gtin")
    autocomplete_fields = ("product",)
    readonly_fields = ("public_id", "preview")

    @admin.display(description=_("preview"))
    def preview(self, image):
        return _thumbnail(image, 96)


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ("product", "merchant", "price", "is_active")
    list_filter = ("merchant", "is_active")
    list_select_related = ("product", "merchant")
    search_fields = ("product__name_zh", "product__name_en", "product__gtin")
    autocomplete_fields = ("product", "merchant")
    readonly_fields = ("public_id",)

    @admin.display(description=_("price"), ordering="price_fen")
    def price(self, listing):
        return format_yuan(listing.price_fen)


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ("name", "merchant", "address", "latitude", "longitude", "is_active")
    list_filter = ("merchant", "is_active")
    list_select_related = ("merchant",)
    search_fields = ("name", "address")
    readonly_fields = ("public_id",)
