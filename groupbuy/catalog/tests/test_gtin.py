import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from groupbuy.catalog.gtin import (
    clean_gtin,
    gtin14,
    gtin_check_digit,
    is_valid_gtin,
    validate_gtin,
)

# Real barcodes from packaging, one per length.
KNOWN_VALID = [
    "96385074",  # EAN-8
    "036000291452",  # UPC-A
    "6901939691601",  # EAN-13 (可口可乐汽水)
    "4006381333931",  # EAN-13
    "10614141000415",  # GTIN-14 (GS1 example)
]


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_barcodes_are_valid(code):
    assert is_valid_gtin(code)
    assert gtin_check_digit(code[:-1]) == int(code[-1])


@pytest.mark.parametrize(
    ("body", "expected"),
    [("9638507", 4), ("03600029145", 2), ("690193969160", 1), ("400638133393", 1)],
)
def test_check_digit_of_known_bodies(body, expected):
    assert gtin_check_digit(body) == expected


def test_check_digit_is_zero_when_weighted_sum_is_a_multiple_of_ten():
    # 5*3 + 5*1 = 20
    assert gtin_check_digit("55") == 0


@pytest.mark.parametrize(
    "code",
    ["", "1234567", "123456789", "12345678901", "123456789012345", "6901939691602"],
)
def test_wrong_length_or_check_digit_is_invalid(code):
    assert not is_valid_gtin(code)


@pytest.mark.parametrize(
    "code", ["690193969160a", "６９０１９３９６９１６０１", "+901939691601"]
)
def test_non_ascii_digits_and_signs_are_invalid(code):
    assert not is_valid_gtin(code)


def test_clean_gtin_strips_spaces_and_dashes():
    assert clean_gtin(" 6 901939-691601 ") == "6901939691601"


def test_clean_gtin_names_the_expected_check_digit():
    with pytest.raises(ValidationError) as caught:
        clean_gtin("6901939691609")
    assert caught.value.code == "gtin_check_digit"
    assert caught.value.messages == [
        "“6901939691609” has a wrong check digit (expected 1)."
    ]


def test_clean_gtin_explains_the_allowed_lengths():
    with pytest.raises(ValidationError) as caught:
        clean_gtin("12345")
    assert caught.value.code == "gtin_length"
    assert caught.value.messages == [
        "A GTIN has 8, 12, 13 or 14 digits; “12345” does not."
    ]


def test_validate_gtin_is_the_model_validator():
    validate_gtin("96385074")
    with pytest.raises(ValidationError):
        validate_gtin("96385075")


@pytest.mark.parametrize(
    ("code", "padded"),
    [
        ("96385074", "00000096385074"),
        ("036000291452", "00036000291452"),
        ("0036000291452", "00036000291452"),  # UPC-A read as EAN-13
        ("10614141000415", "10614141000415"),
    ],
)
def test_gtin14_left_pads_to_fourteen_digits(code, padded):
    assert gtin14(code) == padded


def test_padding_keeps_the_check_digit_valid():
    assert is_valid_gtin(gtin14("036000291452"))


bodies = st.sampled_from([7, 11, 12, 13]).flatmap(
    lambda length: st.text(alphabet="0123456789", min_size=length, max_size=length)
)


@given(bodies)
def test_any_body_with_its_check_digit_is_valid(body):
    code = body + str(gtin_check_digit(body))
    assert is_valid_gtin(code)
    assert clean_gtin(code) == code
    assert is_valid_gtin(gtin14(code))


@given(bodies, st.data())
def test_changing_any_single_digit_makes_it_invalid(body, data):
    code = body + str(gtin_check_digit(body))
    position = data.draw(st.integers(min_value=0, max_value=len(code) - 1))
    replacement = data.draw(
        st.sampled_from([d for d in "0123456789" if d != code[position]])
    )
    changed = code[:position] + replacement + code[position + 1 :]
    assert not is_valid_gtin(changed)
    with pytest.raises(ValidationError):
        clean_gtin(changed)


@given(bodies)
def test_zero_padding_does_not_change_the_check_digit(body):
    assert gtin_check_digit(body) == gtin_check_digit("0" + body)
