"""Forms of the demand pages: validate shapes; the services enforce the rules."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groupbuy.catalog.models import Category
from groupbuy.catalog.selectors import category_tree
from groupbuy.core.moments import MomentField
from groupbuy.web.forms import YuanField

DEFAULT_DEADLINE_AHEAD = timedelta(days=7)


def _category_tree_choices(empty_label) -> list[tuple]:
    """The categories as the home page lists them: each under its parent,
    indented with "— " a level (the home page's filter, web/views/deals.py)."""
    choices: list[tuple] = [("", empty_label)]

    def walk(nodes, depth: int) -> None:
        for node in nodes:
            choices.append((node.category.pk, "— " * depth + node.category.name))
            walk(node.children, depth + 1)

    walk(category_tree(), 0)
    return choices


class DemandForm(forms.Form):
    title = forms.CharField(label=_("What do you want to buy?"), max_length=120)
    description = forms.CharField(
        label=_("Details"), required=False, max_length=4000, widget=forms.Textarea
    )
    # Optional: a demand may leave its category unsaid.
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        required=False,
        empty_label=_("Choose a category"),
    )
    # Django's "Ensure this value is greater than or equal to 1." reads as a
    # rule about a value; a shopper needs to know how many to ask for.
    quantity_wanted = forms.IntegerField(
        label=_("Units wanted in all"),
        min_value=1,
        error_messages={"min_value": _("Ask for at least %(limit_value)s.")},
    )
    initiator_quantity = forms.IntegerField(
        label=_("Units for me"),
        min_value=1,
        initial=1,
        error_messages={"min_value": _("Take at least %(limit_value)s yourself.")},
    )
    # The site's one price field (fen, and one wording for a wrong amount).
    target_price = YuanField(label=_("Target price per unit (¥)"))
    # (a time typed without a zone is read in the site's zone, as every
    # date-and-time field of the site)
    deadline = MomentField(label=_("Deadline"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_tree_choices(
            self.fields["category"].empty_label
        )

    @staticmethod
    def initial_now() -> dict:
        """A week from now, to the minute: the field started empty, and the
        browser's empty date-and-time box reads as broken on a phone."""
        now = timezone.localtime().replace(second=0, microsecond=0)
        return {"deadline": now + DEFAULT_DEADLINE_AHEAD}

    @staticmethod
    def initial_for_barcode(code: str) -> dict:
        """The title and details of a request for a product known only by its
        barcode (snap's "Ask for this product" links here with ``?barcode=``);
        nothing for anything but 8 to 14 digits."""
        code = (code or "").strip()
        if not (code.isascii() and code.isdigit() and 8 <= len(code) <= 14):
            return {}
        return {
            "title": _("Product with barcode %(barcode)s") % {"barcode": code},
            "description": _("Barcode: %(barcode)s") % {"barcode": code},
        }


class DeadlineForm(forms.Form):
    deadline = MomentField(label=_("New deadline"))


class PhotoForm(forms.Form):
    # Any file: the service checks what it really is (forms.ImageField would
    # decode it once more, without the bomb guard).
    photo = forms.FileField(label=_("Photo (JPEG, PNG or WebP)"))


class JoinForm(forms.Form):
    quantity = forms.IntegerField(
        label=_("Units"),
        min_value=1,
        initial=1,
        # the group buy's join form says the same (web.forms.shopping.JoinForm)
        error_messages={"min_value": _("Buy at least %(limit_value)s.")},
    )


class OfferForm(forms.Form):
    product = forms.ChoiceField(
        label=_("Product"),
        error_messages={"required": _("Choose the product you will supply.")},
    )
    quantity = forms.IntegerField(
        label=_("Units you can supply"),
        min_value=1,
        error_messages={"min_value": _("Offer at least %(limit_value)s.")},
    )
    unit_price = YuanField(label=_("Unit price (¥)"))
    delivery_on = forms.DateField(
        label=_("Delivery date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea
    )

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        # No product is chosen for the merchant: the first of the list would be
        # sent by whoever does not look (lollipops for a demand for rice).
        named = sorted(((p.public_id, str(p)) for p in products), key=lambda c: c[1])
        self.fields["product"].choices = [("", "—"), *named]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Keywords"), required=False, max_length=200)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        required=False,
        empty_label=_("Any category"),
    )
    branch = forms.ChoiceField(label=_("Near branch"), required=False)
    within_km = forms.FloatField(label=_("Within (km)"), required=False, min_value=0)
    min_quantity = forms.IntegerField(label=_("At least units"), required=False)
    max_quantity = forms.IntegerField(label=_("At most units"), required=False)

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_tree_choices(
            self.fields["category"].empty_label
        )
        self.fields["branch"].choices = [("", "—")] + [
            (b.public_id, b.display_name) for b in branches
        ]
