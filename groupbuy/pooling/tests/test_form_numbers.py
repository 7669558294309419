"""A number out of range on the pooling pages says so in a shopper's words."""

import pytest
from django import forms
from django.utils import translation

from groupbuy.pooling.forms import (
    CartReportForm,
    PoolRequestForm,
    ProfileForm,
    PromotionForm,
)


def _refusal(field: forms.Field, value: str) -> str:
    with translation.override("en"):
        with pytest.raises(forms.ValidationError) as refused:
            field.clean(value)
        return " ".join(str(message) for message in refused.value.messages)


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        (PoolRequestForm.base_fields["quantity"], "0", "At least 1."),
        (PoolRequestForm.base_fields["quantity"], "100", "At most 99."),
        (PoolRequestForm.base_fields["amount"], "0", "Enter an amount above zero."),
        (CartReportForm.base_fields["quantity"], "1000", "At most 999."),
        (
            CartReportForm.base_fields["unit_price"],
            "-1",
            "Enter an amount of zero or more.",
        ),
        (ProfileForm.base_fields["max_walk_m"], "-1", "At least 0 metres."),
        (ProfileForm.base_fields["max_walk_m"], "50001", "At most 50000 metres."),
        (PromotionForm.base_fields["buy_n"], "101", "At most 100."),
        (PromotionForm.base_fields["pay_m"], "-1", "At least 0."),
        (
            PromotionForm.base_fields["second_item_percent"],
            "101",
            "Between 0 and 100 percent.",
        ),
        (PromotionForm.base_fields["days"], "0", "Run it for at least one day."),
    ],
)
def test_a_number_out_of_range_says_the_limit_in_its_unit(field, value, said):
    # when a number out of range is sent (the browser's own check skipped)
    # then the page says the limit, not Django's "Ensure this value is …"
    assert _refusal(field, value) == said
