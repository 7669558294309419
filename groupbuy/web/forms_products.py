"""The merchant console's product form. It checks shape only; the catalog
services enforce the rules (GTIN check digit, duplicate GTIN, lengths, photos)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from django import forms
from django.utils.translation import gettext_lazy as _

from groupbuy.catalog.models import Category, Product
from groupbuy.catalog.selectors import CategoryNode

# Shoppers type Chinese punctuation as often as ASCII.
ALIAS_SEPARATORS = re.compile(r"[,，、;；\r\n]+")
ALIAS_MAX_LENGTH = 200
PHOTO_TYPES = "image/jpeg,image/png,image/webp"
PRODUCT_FIELDS = ("gtin", "name_zh", "name_en", "brand", "spec", "description")


def _walk(nodes: Iterable[CategoryNode], depth: int = 0) -> Iterator[tuple]:
    for node in nodes:
        yield node.category, depth
        yield from _walk(node.children, depth + 1)


class ProductForm(forms.Form):
    gtin = forms.CharField(
        label=_("Barcode (GTIN)"),
        max_length=32,
        required=False,
        help_text=_("EAN-8, UPC-A, EAN-13 or GTIN-14, with check digit. Optional."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name_zh = forms.CharField(label=_("Chinese name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    brand = forms.CharField(label=_("Brand"), max_length=120, required=False)
    spec = forms.CharField(
        label=_("Specification"),
        max_length=120,
        required=False,
        help_text=_("Size or variant, e.g. 500 ml × 12."),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    aliases = forms.CharField(
        label=_("Other names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Names shoppers or labels use, separated by commas or new lines. "
            "Photo recognition matches them too."
        ),
    )
    image = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP."),
        widget=forms.FileInput(attrs={"accept": PHOTO_TYPES}),
    )
    is_reference = forms.BooleanField(
        label=_("Use as reference for recognition"), required=False
    )
    is_primary = forms.BooleanField(label=_("Show as thumbnail"), required=False)

    def __init__(self, *args, categories: Iterable[CategoryNode] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.categories: dict[str, Category] = {}
        choices = [("", _("No category"))]
        for category, depth in _walk(categories):
            self.categories[category.public_id] = category
            choices.append((category.public_id, "— " * depth + category.name))
        self.fields["category"].choices = choices

    def clean_category(self) -> Category | None:
        return self.categories.get(self.cleaned_data["category"])

    def clean_aliases(self) -> list[str]:
        parts = ALIAS_SEPARATORS.split(self.cleaned_data["aliases"])
        aliases = list(dict.fromkeys(" ".join(part.split()) for part in parts))
        aliases = [alias for alias in aliases if alias]
        for alias in aliases:
            if len(alias) > ALIAS_MAX_LENGTH:
                raise forms.ValidationError(
                    _("“%(alias)s…” is longer than %(max)d characters.")
                    % {"alias": alias[:20], "max": ALIAS_MAX_LENGTH}
                )
        return aliases

    def product_fields(self) -> dict:
        """Return the product_create / product_update keyword arguments."""
        fields = {name: self.cleaned_data[name] for name in PRODUCT_FIELDS}
        fields["category"] = self.cleaned_data["category"]
        return fields

    @classmethod
    def initial_for(cls, product: Product) -> dict:
        initial = {name: getattr(product, name) for name in PRODUCT_FIELDS}
        initial["category"] = product.category.public_id if product.category else ""
        initial["aliases"] = "\n".join(alias.text for alias in product.aliases.all())
        return initial


class OperatorProductForm(ProductForm):
    """An operator's correction of a product: the shop's product form (its
    names, barcode, specification, category, description) without the photo
    and other names, with what only operators set (the data source) and why."""

    source = forms.CharField(
        label=_("Data source"),
        max_length=255,
        required=False,
        help_text=_("Where the details came from, e.g. the label or the brand."),
    )
    reason = forms.CharField(
        label=_("Why (for the audit log)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("aliases", "image", "is_reference", "is_primary"):
            del self.fields[name]

    def product_fields(self) -> dict:
        """Return the ``product_correct`` keyword arguments but the reason."""
        return {**super().product_fields(), "source": self.cleaned_data["source"]}

    @classmethod
    def initial_for(cls, product: Product) -> dict:
        initial = {name: getattr(product, name) for name in PRODUCT_FIELDS}
        initial["category"] = product.category.public_id if product.category else ""
        initial["source"] = product.source
        return initial
