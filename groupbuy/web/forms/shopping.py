"""The shopper's forms: finding deals and joining one."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _


class DealFilterForm(forms.Form):
    """The deal list's search box, category filter and shared location."""

    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories")), *categories]

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("lat") is None) != (cleaned.get("lng") is None):
            cleaned["lat"] = cleaned["lng"] = None
        return cleaned


class JoinForm(forms.Form):
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        initial=1,
        # Django's own "Ensure this value is less than or equal to 24." reads
        # as a rule about a value; a first-time buyer needs how many to buy.
        error_messages={
            "min_value": _("Buy at least %(limit_value)s."),
            "max_value": _("You can buy at most %(limit_value)s in one order."),
        },
        widget=forms.NumberInput(
            attrs={
                "id": "join-quantity",
                "inputmode": "numeric",
                "aria-describedby": "join-units-left",
            }
        ),
    )
    # Only where the merchant has several branches (see __init__).
    pickup_branch = forms.ChoiceField(
        label=_("Pick up at"),
        widget=forms.Select(attrs={"id": "join-pickup-branch"}),
        error_messages={
            "required": _("Choose the branch you will pick it up at."),
            # Only open branches are choices: another was offered by a page
            # loaded before it closed.
            "invalid_choice": _(
                "This branch has closed since the page was opened: choose another."
            ),
        },
    )

    def __init__(
        self,
        *args,
        max_quantity: int = 99,
        units_left: int | None = None,
        branches=(),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["quantity"].max_value = max_quantity
        # The stepper stops at what this buyer may take now; a larger number
        # still reaches the service, which says why it is refused.
        self.fields["quantity"].widget.attrs["max"] = max(
            1, min(max_quantity, units_left if units_left is not None else max_quantity)
        )
        self.fields["quantity"].validators.append(MaxValueValidator(max_quantity))
        self.branches = {branch.public_id: branch for branch in branches}
        if len(self.branches) < 2:
            # One branch (or none): nothing to choose; the view takes the one.
            del self.fields["pickup_branch"]
        else:
            self.fields["pickup_branch"].choices = [
                ("", _("Choose a branch")),
                *(
                    (branch.public_id, _pickup_choice_label(branch))
                    for branch in branches
                ),
            ]

    def add_error(self, field, error):
        # The quantity names its own description (the units left), so Django
        # does not add its error's id: a screen reader would read the field
        # without the reason it was refused (the list is #join-quantity-errors,
        # deals/detail.html), whether the form or the service refused it.
        super().add_error(field, error)
        if "quantity" in self._errors:
            self.fields["quantity"].widget.attrs["aria-describedby"] = (
                "join-units-left join-quantity-errors"
            )

    def chosen_branch(self):
        """Return the branch to collect from: the chosen one, or the only one."""
        if "pickup_branch" in self.fields:
            return self.branches[self.cleaned_data["pickup_branch"]]
        return next(iter(self.branches.values()), None)


def _pickup_choice_label(branch) -> str:
    """Name the branch as the reader reads it, where it is and when it opens."""
    parts = [branch.display_name, branch.address, branch.hours_summary]
    return " · ".join(part for part in parts if part)
