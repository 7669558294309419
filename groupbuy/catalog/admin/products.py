"""Products, their images and listings in the admin."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from groupbuy.catalog import services
from groupbuy.catalog.admin.base import (
    ServiceAdmin,
    became,
    changed_fields,
    no_formset_objects,
    thumbnail,
)
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import (
    Listing,
    Product,
    ProductAlias,
    ProductImage,
)
from groupbuy.catalog.services import format_yuan
from groupbuy.web.forms import YuanField


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
        return thumbnail(image, 96)


PRODUCT_FIELDS = {
    "gtin",
    "name_zh",
    "name_en",
    "brand",
    "spec",
    "description",
    "category",
    "source",
    "is_active",
}


@admin.register(Product)
class ProductAdmin(ServiceAdmin):
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
    actions = ["deactivate"]

    @admin.action(description=_("Stop selling the selected products"))
    def deactivate(self, request, queryset):
        # The operator console's Stop selling: audited once per product it
        # stops; one stopped already is left as it is.
        actor = request.user
        for product in queryset:
            services.product_selling_stop(actor=actor, product=product)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "%(n)d product switched off.", "%(n)d products switched off.", count
            )
            % {"n": count},
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return (*self.readonly_fields, "added_by_merchant")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("images")

    @admin.display(description=_("photo"))
    def thumbnail(self, product):
        images = list(product.images.all())
        primary = next(
            (i for i in images if i.is_primary), images[0] if images else None
        )
        return thumbnail(primary, 48)

    @admin.display(description=_("reference photos"))
    def reference_images(self, product):
        return sum(1 for image in product.images.all() if image.is_reference)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            fields = {name: data[name] for name in PRODUCT_FIELDS - {"is_active"}}
            product = services.product_create(
                actor=request.user, merchant=data.get("added_by_merchant"), **fields
            )
            if not data["is_active"]:
                services.product_update(
                    actor=request.user, product=product, is_active=False
                )
            return became(obj, product)
        product = Product.objects.get(pk=obj.pk)
        services.product_update(
            actor=request.user, product=product, **changed_fields(form, PRODUCT_FIELDS)
        )
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        product = Product.objects.get(pk=form.instance.pk)
        if formset.model is ProductAlias:
            self._save_aliases(request.user, product, formset)
        elif formset.model is ProductImage:
            self._save_images(request.user, product, formset)
        no_formset_objects(formset)

    def _save_aliases(self, actor, product, formset) -> None:
        for alias_form in formset.forms:
            if not alias_form.has_changed() and alias_form.instance.pk is None:
                continue
            old_text = alias_form.initial.get("text")
            deleted = formset.can_delete and formset._should_delete_form(alias_form)
            if old_text and (deleted or "text" in alias_form.changed_data):
                services.product_alias_remove(
                    actor=actor, product=product, text=old_text
                )
            if not deleted and alias_form.cleaned_data.get("text"):
                services.product_alias_add(
                    actor=actor,
                    product=product,
                    text=alias_form.cleaned_data["text"],
                    language=alias_form.cleaned_data.get("language", ""),
                )

    def _save_images(self, actor, product, formset) -> None:
        for image_form in formset.forms:
            image = image_form.instance
            data = image_form.cleaned_data
            if image.pk is None:
                if data.get("image") and not data.get("DELETE"):
                    services.product_image_add(
                        actor=actor,
                        product=product,
                        upload=data["image"],
                        is_reference=data.get("is_reference", False),
                        is_primary=data.get("is_primary", False),
                    )
                continue
            current = ProductImage.objects.get(pk=image.pk)
            # Operators in the admin remove or stop a product's last
            # recognition photo knowingly: the admin asked them first.
            if formset._should_delete_form(image_form):
                services.product_image_delete(
                    actor=actor, image=current, confirm_last_reference=True
                )
            elif "image" in image_form.changed_data:
                raise CatalogError(
                    "replace_image",
                    _("To replace a photo, add the new one and delete the old one."),
                )
            elif image_form.has_changed():
                services.product_image_update(
                    actor=actor,
                    image=current,
                    confirm_last_reference=True,
                    **changed_fields(image_form, {"is_reference", "is_primary"}),
                )


@admin.register(ProductImage)
class ProductImageAdmin(ServiceAdmin):
    """All photos at a glance, to pick the references snap recognises products by."""

    list_display = ("preview", "product", "is_reference", "is_primary", "created_at")
    list_editable = ("is_reference",)
    list_filter = ("is_reference", "is_primary")
    list_select_related = ("product",)
    search_fields = ("product__name_zh", "product__name_en", "product__gtin")
    autocomplete_fields = ("product",)
    # The order is the merchant's (the console's Move up / Move down).
    exclude = ("position",)
    readonly_fields = ("public_id", "preview")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return (*self.readonly_fields, "product", "image")

    @admin.display(description=_("preview"))
    def preview(self, image):
        return thumbnail(image, 96)

    def has_delete_permission(self, request, obj=None):
        return admin.ModelAdmin.has_delete_permission(self, request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            image = services.product_image_add(
                actor=request.user,
                product=data["product"],
                upload=data["image"],
                is_reference=data.get("is_reference", False),
                is_primary=data.get("is_primary", False),
            )
            return became(obj, image)
        image = ProductImage.objects.select_related("product").get(pk=obj.pk)
        services.product_image_update(
            actor=request.user,
            image=image,
            confirm_last_reference=True,
            **changed_fields(form, {"is_reference", "is_primary"}),
        )
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        image = ProductImage.objects.select_related("product").get(pk=obj.pk)
        services.product_image_delete(
            actor=request.user, image=image, confirm_last_reference=True
        )

    def delete_queryset(self, request, queryset):
        for image in queryset.select_related("product"):
            services.product_image_delete(
                actor=request.user, image=image, confirm_last_reference=True
            )


class ListingAdminForm(forms.ModelForm):
    """Operators type prices in yuan (12.50); the listing keeps fen. The price
    is read as every yuan field on the site reads it (YuanField, through
    core.money.parse_yuan): "1e2" is not 100.00 and a comma only separates
    thousands ("0,05" is refused, not read as 5.00)."""

    price_yuan = YuanField(label=_("price (yuan)"))

    class Meta:
        model = Listing
        fields = ("merchant", "product", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["price_yuan"] = self.instance.price_fen

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("price_yuan") is not None:
            cleaned["price_fen"] = cleaned["price_yuan"]  # YuanField gives fen
        return cleaned


@admin.register(Listing)
class ListingAdmin(ServiceAdmin):
    form = ListingAdminForm
    list_display = ("product", "merchant", "price", "is_active")
    list_filter = ("merchant", "is_active")
    list_select_related = ("product", "merchant")
    search_fields = ("product__name_zh", "product__name_en", "product__gtin")
    autocomplete_fields = ("product", "merchant")
    readonly_fields = ("public_id",)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return (*self.readonly_fields, "product", "merchant")

    @admin.display(description=_("price"), ordering="price_fen")
    def price(self, listing):
        return format_yuan(listing.price_fen)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            listing = services.listing_create(
                actor=request.user,
                merchant=data["merchant"],
                product=data["product"],
                price_fen=data["price_fen"],
            )
            return became(obj, listing)
        listing = Listing.objects.select_related("merchant").get(pk=obj.pk)
        services.listing_update(
            actor=request.user,
            listing=listing,
            **changed_fields(form, {"is_active"}),
            **(
                {"price_fen": data["price_fen"]}
                if "price_yuan" in form.changed_data
                else {}
            ),
        )
        obj.refresh_from_db()
