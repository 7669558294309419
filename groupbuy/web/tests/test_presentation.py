import pytest
from django import forms

from groupbuy.web.forms import YuanField
from groupbuy.web.templatetags.money import fen, yuan
from groupbuy.web.templatetags.web_extras import distance, masked_phone, percent_of


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (1234, "¥12.34"),
        (5, "¥0.05"),
        (0, "¥0.00"),
        (-250, "-¥2.50"),
        (123_456_789, "¥1,234,567.89"),
        (None, "—"),
        ("abc", "—"),
    ],
)
def test_fen_filter_renders_yuan_with_two_decimals(amount, shown):
    assert fen(amount) == shown


def test_yuan_filter_renders_plain_decimal_for_inputs():
    assert (yuan(1990), yuan(-5), yuan(None)) == ("19.90", "-0.05", "")


@pytest.mark.parametrize(
    ("typed", "fen_value"),
    [("12.5", 1250), ("¥12.50", 1250), ("￥1,299", 129_900), (" 0.01 ", 1)],
)
def test_yuan_field_parses_typed_amounts_to_fen(typed, fen_value):
    assert YuanField().clean(typed) == fen_value


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12.345", "Use at most two decimals (fen)."),
        ("0", "The amount must be more than 0."),
        ("-3", "The amount must be more than 0."),
        ("twelve", "Enter an amount in yuan, such as 12.50."),
        ("NaN", "Enter an amount in yuan, such as 12.50."),
        ("1e999", "Enter an amount in yuan, such as 12.50."),
        ("1e12", "Enter an amount in yuan, such as 12.50."),
    ],
)
def test_yuan_field_rejects_bad_amounts_clearly(typed, message):
    with pytest.raises(forms.ValidationError) as error:
        YuanField().clean(typed)
    assert error.value.messages == [message]


def test_small_display_helpers():
    assert (distance(349), distance(1520), distance(None)) == ("350 m", "1.5 km", "")
    assert masked_phone("+8613800138000") == "+86138****8000"
    assert (percent_of(3, 4), percent_of(9, 4), percent_of(1, 0)) == (75, 100, 100)
