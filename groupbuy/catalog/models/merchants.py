"""Merchants (shops) and their branches, where buyers collect."""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

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
