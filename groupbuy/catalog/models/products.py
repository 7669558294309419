"""The shared catalogue: categories, products, their aliases and photos."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from groupbuy.catalog.gtin import clean_gtin, gtin14, is_valid_gtin, validate_gtin
from groupbuy.catalog.models.merchants import Merchant
from groupbuy.catalog.pinyin import key_fields, name_keys
from groupbuy.core.ids import PublicIdField


class Category(models.Model):
    public_id = PublicIdField(prefix="cat", verbose_name=_("number"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name=_("parent category"),
    )
    slug = models.SlugField(unique=True, verbose_name=_("slug"))
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    # Snap to deal: distinct requesters before operators are prompted; empty means
    # the parent's threshold, then settings.GROUPBUY_DEMAND_THRESHOLD.
    demand_threshold = models.PositiveIntegerField(
        _("demand threshold"), null=True, blank=True
    )

    class Meta:
        ordering = ["name_en"]
        verbose_name_plural = _("categories")
        verbose_name = _("category")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class Product(models.Model):
    public_id = PublicIdField(prefix="prd", verbose_name=_("number"))
    gtin = models.CharField(
        _("GTIN"),
        max_length=14,
        blank=True,
        validators=[validate_gtin],
        help_text=_("EAN-8, UPC-A, EAN-13 or GTIN-14, with check digit."),
    )
    # 14-digit form of ``gtin`` for lookups; empty when the product has no barcode.
    gtin14 = models.CharField(
        max_length=14,
        blank=True,
        db_index=True,
        editable=False,
        verbose_name=_("GTIN-14"),
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    brand = models.CharField(_("brand"), max_length=120, blank=True)
    spec = models.CharField(
        _("specification"),
        max_length=120,
        blank=True,
        help_text=_("Size or variant, e.g. 500 ml × 12"),
    )
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="products",
        verbose_name=_("category"),
    )
    source = models.CharField(
        _("data source"),
        max_length=255,
        blank=True,
        help_text=_("Attribution, e.g. Open Food Facts contributors (ODbL)"),
    )
    # The merchant whose owners added the product and may edit it; empty for the
    # platform's own catalog, which only operators edit.
    added_by_merchant = models.ForeignKey(
        Merchant,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="added_products",
        verbose_name=_("added by merchant"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    # Pinyin of the Chinese name and brand, and their initials, for shoppers who
    # type "niunai" or "nn" (catalog.pinyin); written by save().
    search_pinyin, search_initials = key_fields(pinyin_length=2400, initials_length=330)

    class Meta:
        ordering = ["name_zh"]
        constraints = [
            models.UniqueConstraint(
                fields=["gtin14"],
                condition=~models.Q(gtin14=""),
                name="unique_product_gtin14",
            ),
        ]
        indexes = [
            # The catalog's lists go by Chinese name (selectors.products):
            # a page of them reads this index, not the whole table sorted.
            models.Index(fields=["name_zh", "id"], name="catalog_product_name_zh"),
        ]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.gtin14 = gtin14(self.gtin) if self.gtin else ""
        self.search_pinyin, self.search_initials = name_keys(self.name_zh, self.brand)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            derived = set()
            if "gtin" in update_fields:
                derived.add("gtin14")
            if {"name_zh", "brand"} & set(update_fields):
                derived |= {"search_pinyin", "search_initials"}
            kwargs["update_fields"] = set(update_fields) | derived
        super().save(*args, **kwargs)

    def clean(self):
        """Normalise the GTIN and name the product that already has it (forms and
        the admin; services check the same before saving)."""
        super().clean()
        code = "".join((self.gtin or "").split()).replace("-", "")
        if not is_valid_gtin(code):
            return  # the field validator reports the problem
        self.gtin = clean_gtin(code)
        self.gtin14 = gtin14(self.gtin)
        clash = Product.objects.filter(gtin14=self.gtin14).exclude(pk=self.pk).first()
        if clash is not None:
            raise ValidationError(
                {
                    "gtin": _("GTIN %(gtin)s already belongs to “%(name)s” (%(id)s).")
                    % {"gtin": clash.gtin, "name": clash.name, "id": clash.public_id}
                }
            )

    @property
    def name(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh or self.name_en


class ProductAlias(models.Model):
    """Another name people or labels use for a product (matched by snap OCR)."""

    product = models.ForeignKey(
        Product,
        on_delete=models.CASCADE,
        related_name="aliases",
        verbose_name=_("product"),
    )
    text = models.CharField(max_length=200, verbose_name=_("text"))
    language = models.CharField(max_length=10, blank=True, verbose_name=_("language"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "text"], name="unique_product_alias"
            )
        ]
        verbose_name = _("product alias")
        verbose_name_plural = _("product aliases")

    def __str__(self):
        return self.text


def product_image_path(instance, filename):
    return f"products/{instance.product.public_id}/{filename}"


class ProductImage(models.Model):
    public_id = PublicIdField(prefix="img", verbose_name=_("number"))
    product = models.ForeignKey(
        Product,
        on_delete=models.CASCADE,
        related_name="images",
        verbose_name=_("product"),
    )
    image = models.ImageField(upload_to=product_image_path, verbose_name=_("image"))
    # Reference images are what snap's appearance stage matches photos against.
    is_reference = models.BooleanField(_("reference for recognition"), default=False)
    is_primary = models.BooleanField(_("shown as thumbnail"), default=False)
    # Where shoppers see the photo: the main one first, then by position, which
    # the catalog's services keep 0, 1, 2… per product (product_image_move). A
    # photo an older release adds during a rolling deploy gets 0 from the
    # database and goes by id until the next change renumbers the product's.
    position = models.PositiveIntegerField(_("position"), default=0, db_default=0)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["-is_primary", "position", "id"]
        verbose_name = _("product image")
        verbose_name_plural = _("product images")

    def __str__(self):
        return f"image {self.pk} of {self.product}"
