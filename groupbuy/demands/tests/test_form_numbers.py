"""A number out of range on the demand pages says so in a shopper's words."""

import pytest
from django import forms
from django.utils import translation

from groupbuy.demands.forms import DemandForm, JoinForm, OfferForm


def _refusal(field: forms.Field, value: str) -> str:
    with translation.override("en"):
        with pytest.raises(forms.ValidationError) as refused:
            field.clean(value)
        return " ".join(str(message) for message in refused.value.messages)


@pytest.mark.parametrize(
    ("field", "said"),
    [
        (DemandForm.base_fields["quantity_wanted"], "Ask for at least 1."),
        (DemandForm.base_fields["initiator_quantity"], "Take at least 1 yourself."),
        (JoinForm.base_fields["quantity"], "Buy at least 1."),
        (OfferForm.base_fields["quantity"], "Offer at least 1."),
    ],
)
def test_a_quantity_below_one_says_how_many_at_least(field, said):
    # when a zero is sent (the browser's own check skipped)
    # then the page says what to do, not Django's "Ensure this value is …"
    assert _refusal(field, "0") == said
