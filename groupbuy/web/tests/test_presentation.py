import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from groupbuy.core.money import format_fen
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
    [
        ("12.5", 1250),
        ("¥12.50", 1250),
        ("￥1,299", 129_900),
        (" 0.01 ", 1),
        ("1,234.56", 123_456),
        ("12,345", 1_234_500),
        ("1,234,567.8", 123_456_780),
        ("12，345.06", 1_234_506),
        # as a Chinese input method types them (full-width, or "。" for the point)
        ("１２．００", 1200),
        ("￥１，２９９．５", 129_950),
        ("１２。５", 1250),
        ("＋１２", 1200),
        ("¥ 1,000", 100_000),
        (".5", 50),
    ],
)
def test_yuan_field_parses_typed_amounts_to_fen(typed, fen_value):
    assert YuanField().clean(typed) == fen_value


COMMA = "Write fen after a point and commas only between thousands, such as 1,234.50."


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
        # a number, too large for any amount (until 2026-12-06 "Enter an
        # amount in yuan", though it is yuan)
        ("99999999999999", "This amount is too large."),
        ("1000000000000.00", "This amount is too large."),
        ("999999999999999999999", "This amount is too large."),
        ("99999999999999999999x", "Enter an amount in yuan, such as 12.50."),
        ("1e2", "Enter an amount in yuan, such as 12.50."),
        ("1E-2", "Enter an amount in yuan, such as 12.50."),
        ("inf", "Enter an amount in yuan, such as 12.50."),
        ("-Infinity", "Enter an amount in yuan, such as 12.50."),
        ("1,2,3", COMMA),
        ("12.5,0", COMMA),
        ("1,234e2", "Enter an amount in yuan, such as 12.50."),
        ("0,05", COMMA),
        ("1,00", COMMA),
        ("1,2345", COMMA),
        ("12,34.5", COMMA),
        ("0,050", COMMA),
        ("1,000,00", COMMA),
        ("5，00", COMMA),
        ("０，０５", COMMA),
        ("－３", "The amount must be more than 0."),
        ("１２²", "Enter an amount in yuan, such as 12.50."),
        ("１２．３４５", "Use at most two decimals (fen)."),
    ],
)
def test_yuan_field_rejects_bad_amounts_clearly(typed, message):
    with pytest.raises(forms.ValidationError) as error:
        YuanField().clean(typed)
    assert error.value.messages == [message]


def test_a_decimal_comma_is_refused_with_its_own_code():
    # (its words are translated with the field's other messages)
    with pytest.raises(forms.ValidationError) as error:
        YuanField().clean("0,05")
    assert error.value.code == "misplaced_comma"


@given(st.integers(min_value=1, max_value=99_999_999_999))
def test_every_well_formed_amount_reads_back_as_its_fen(amount_fen):
    # as the site shows it (¥1,234.56), without the sign, without grouping,
    # with a full-width comma: always the same fen
    shown = format_fen(amount_fen)
    for typed in (
        shown,
        shown[1:],
        format_fen(amount_fen, symbol="", grouping=False),
        shown.replace(",", "，"),
    ):
        assert YuanField().clean(typed) == amount_fen


@given(
    st.integers(min_value=0, max_value=999_999),
    st.text(alphabet="0123456789", min_size=1, max_size=2),
)
def test_nothing_with_a_decimal_comma_parses(whole, decimals):
    # "12,5", "0,05", "1234,50": a comma before one or two digits is never a
    # thousands separator, so never read (as ¥125 or ¥5 or anything else)
    with pytest.raises(forms.ValidationError):
        YuanField().clean(f"{whole},{decimals}")


@given(
    st.integers(min_value=0, max_value=9_999),
    st.text(alphabet="0123456789", min_size=4, max_size=6),
)
def test_a_group_of_more_than_three_digits_after_a_comma_never_parses(whole, group):
    with pytest.raises(forms.ValidationError):
        YuanField().clean(f"{whole},{group}")


def test_small_display_helpers():
    assert (distance(349), distance(1520), distance(None)) == ("350 m", "1.5 km", "")
    assert masked_phone("+8613800138000") == "+86138****8000"
    assert (percent_of(3, 4), percent_of(9, 4), percent_of(1, 0)) == (75, 100, 100)
