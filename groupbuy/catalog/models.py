from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from groupbuy.catalog.gtin import clean_gtin, gtin14, is_valid_gtin, validate_gtin
from groupbuy.catalog.hours import hours_summary
from groupbuy.catalog.pinyin import key_fields, name_keys, with_derived_keys
from groupbuy.core.ids import PublicIdField


def in_reader_language(name: str, name_en: str) -> str:
    """Return ``name_en`` on English pages when there is one, else ``name``."""
    if (get_language() or "").startswith("en") and name_en:
        return name_en
    return name


class Merchant(models.Model):
    public_id = PublicIdField(prefix="mer", verbose_name=_("number"))
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    # Pinyin of the name and its initials, for "xianguopu" or "xgp" (catalog.pinyin);
    # written by save().
    search_pinyin, search_initials = key_fields(pinyin_length=1000, initials_length=130)

    class Meta:
        ordering = ["name"]
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_pinyin, self.search_initials = name_keys(self.name)
        kwargs["update_fields"] = with_derived_keys(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        """Return the English name on English pages when there is one."""
        return in_reader_language(self.name, self.name_en)


class Branch(models.Model):
    public_id = PublicIdField(prefix="br", verbose_name=_("number"))
    merchant = models.ForeignKey(
        Merchant,
        on_delete=models.CASCADE,
        related_name="branches",
        verbose_name=_("merchant"),
    )
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(
        _("English name"), max_length=120, blank=True, db_default=""
    )
    address = models.CharField(_("address"), max_length=255)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # One entry per day the branch opens, [{"day": "mon", "opens": "08:00",
    # "closes": "22:00"}, ...] (catalog.hours); empty when the shop gave none.
    opening_hours = models.JSONField(
        _("opening hours"),
        default=list,
        blank=True,
        db_default=models.Value([], models.JSONField()),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Pinyin of the name and its initials, for "dongmendian" or "dmd"
    # (catalog.pinyin); written by save().
    search_pinyin, search_initials = key_fields(pinyin_length=1000, initials_length=130)

    class Meta:
        ordering = ["merchant_id", "name"]
        verbose_name_plural = _("branches")
        verbose_name = _("branch")
        constraints = [
            # catalog.services.merchants refuses the name first, also when it
            # differs in spacing or in a case Lower() does not fold (SQLite's
            # lower() folds ASCII only).
            models.UniqueConstraint(
                "merchant", Lower("name"), name="one_branch_name_per_merchant"
            )
        ]

    def __str__(self):
        return f"{self.merchant.name} · {self.name}"

    def save(self, *args, **kwargs):
        self.search_pinyin, self.search_initials = name_keys(self.name)
        kwargs["update_fields"] = with_derived_keys(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        """Return the English name on English pages when there is one."""
        return in_reader_language(self.name, self.name_en)

    @property
    def hours_summary(self) -> str:
        """Return the opening hours in the reader's language ("" if none)."""
        return hours_summary(self.opening_hours)


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
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["-is_primary", "id"]
        verbose_name = _("product image")
        verbose_name_plural = _("product images")

    def __str__(self):
        return f"image {self.pk} of {self.product}"


class Listing(models.Model):
    """A merchant offering a product at its everyday price."""

    public_id = PublicIdField(prefix="lst", verbose_name=_("number"))
    merchant = models.ForeignKey(
        Merchant,
        on_delete=models.CASCADE,
        related_name="listings",
        verbose_name=_("merchant"),
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.CASCADE,
        related_name="listings",
        verbose_name=_("product"),
    )
    price_fen = models.PositiveIntegerField(_("price (fen)"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "product"], name="one_listing_per_product"
            )
        ]
        verbose_name = _("listing")
        verbose_name_plural = _("listings")

    def __str__(self):
        return f"{self.product} @ {self.merchant}: {self.price_fen} fen"


class StaffInvitation(models.Model):
    """An owner's invitation to a phone number to join the merchant's staff. Its
    ``invitee`` is the account holding the number (at once, or once someone
    verifies it: ``accounts.signals.phone_verified``), who accepts it (it becomes
    a membership) or declines it (it is deleted) before ``expires_at``."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        CASHIER = "cashier", _("Cashier")

    public_id = PublicIdField(prefix="sinv")
    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="staff_invitations"
    )
    # Privacy: the number itself is not kept. Its keyed hash
    # (notify.addresses.contact_hash) finds the invitation when someone verifies
    # the number; the masked form (+86138****1234) is what owners see.
    phone_hash = models.CharField(max_length=64, db_index=True)
    phone_masked = models.CharField(_("phone number"), max_length=20)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    branch = models.ForeignKey(
        Branch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invitee = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="staff_invitations",
        verbose_name=_("invited person"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff invitation")
        verbose_name_plural = _("staff invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "phone_hash"],
                condition=models.Q(accepted_at__isnull=True),
                name="one_open_staff_invitation_per_phone",
            )
        ]

    def __str__(self):
        return f"{self.get_role_display()} invitation to {self.merchant}"

    @property
    def branch_has_closed(self) -> bool:
        """Whether the branch it offers has closed: nobody accepts it then (the
        shop may open the branch again, or invite them to another)."""
        return self.branch is not None and not self.branch.is_active


# Declared in its own module (this one is long enough); imported here so that
# Django finds it as a model of the catalog app.
from groupbuy.catalog.catalogue.models import CatalogueImport  # noqa: E402, F401
