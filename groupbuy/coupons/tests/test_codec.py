"""The coupon format: round trips and every distinct refusal."""

import dataclasses

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from nacl.public import PrivateKey
from nacl.signing import SigningKey

from groupbuy.coupons import codec

PLATFORM = SigningKey.generate()
MERCHANT = PrivateKey.generate()
OTHER = PrivateKey.generate()
KEYS = {("gb", 1): codec.PlatformKey(verify_key=bytes(PLATFORM.verify_key))}
MERCHANT_ID = "mer_0123456789abcdef"
NOW = 1_800_000_000

ids = st.text(alphabet="0123456789abcdefghjkmnpqrstvwxyz", min_size=16, max_size=16)


def make_coupon(**changes) -> codec.Coupon:
    values = dict(
        platform_id="gb",
        key_id=1,
        serial="00112233aabbccdd",
        merchant_id=MERCHANT_ID,
        product_id="prd_zzzzzzzzzzzzzzzz",
        consumer_ref="0102030405060708",
        quantity=2,
        not_before=NOW - 10,
        expires=NOW + 3600,
    )
    values.update(changes)
    return codec.Coupon(**values)


def issue(coupon, *, merchant=MERCHANT, signer=PLATFORM, alphabet="base45") -> str:
    return codec.issue(
        coupon,
        signing_key=bytes(signer),
        merchant_public_key=bytes(merchant.public_key),
        alphabet=alphabet,
    )


def open_(text, *, merchant=MERCHANT, merchant_id=MERCHANT_ID, now=NOW, keys=KEYS):
    return codec.open_coupon(
        text,
        merchant_id=merchant_id,
        merchant_private_key=bytes(merchant),
        platform_keys=keys,
        now=now,
    )


@settings(max_examples=60, deadline=None)
@given(
    merchant=ids,
    product=ids,
    quantity=st.integers(min_value=1, max_value=10_000),
    key_id=st.integers(min_value=0, max_value=2**32),
    serial=st.binary(min_size=8, max_size=8),
    alphabet=st.sampled_from(["base45", "base64"]),
)
def test_every_coupon_round_trips(
    merchant, product, quantity, key_id, serial, alphabet
):
    # given a coupon and the platform key it names
    coupon = make_coupon(
        merchant_id=f"mer_{merchant}",
        product_id=f"prd_{product}",
        quantity=quantity,
        key_id=key_id,
        serial=serial.hex(),
    )
    keys = {("gb", key_id): KEYS[("gb", 1)]}
    # when it is issued and opened by its merchant
    text = issue(coupon, alphabet=alphabet)
    opened = open_(text, merchant_id=f"mer_{merchant}", keys=keys)
    # then it is the same coupon
    assert opened == coupon
    assert text.startswith("GB1:")


def test_base45_text_is_qr_alphanumeric_and_compact():
    text = issue(make_coupon())
    assert set(text) <= codec.BASE45_ALPHABET
    assert len(codec.encode_payload(make_coupon())) < 64
    assert len(codec.from_text(text)) < 200


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hello", codec.CodeError.MALFORMED),
        ("GB1:", codec.CodeError.MALFORMED),
        ("GB1:A", codec.CodeError.MALFORMED),
        ("GB1:" + "AB" * 120, codec.CodeError.NOT_FOR_THIS_MERCHANT),
        # Not Base45 (one character left over) but valid Base64: a damaged
        # Base45 code is malformed, not "another merchant's".
        ("GB1:" + "A" * 160, codec.CodeError.MALFORMED),
    ],
)
def test_junk_is_refused_with_its_reason(text, expected):
    with pytest.raises(codec.CodeError) as error:
        open_(text)
    assert error.value.code == expected


def test_a_coupon_for_another_merchant_cannot_be_opened():
    text = issue(make_coupon(), merchant=OTHER)
    with pytest.raises(codec.CodeError) as error:
        open_(text)
    assert error.value.code == codec.CodeError.NOT_FOR_THIS_MERCHANT


def test_a_re_sealed_coupon_is_refused_by_the_merchant_it_was_re_sealed_to():
    # given merchant A opens its genuine coupon and re-seals it to merchant B
    text = issue(make_coupon())
    signed = codec.open_sealed(codec.from_text(text), bytes(MERCHANT))
    resealed = codec.to_text(codec.seal(signed, bytes(OTHER.public_key)))
    # when B verifies it as itself
    with pytest.raises(codec.CodeError) as error:
        open_(resealed, merchant=OTHER, merchant_id="mer_1111111111111111")
    # then the signed merchant is not B
    assert error.value.code == codec.CodeError.WRONG_MERCHANT


def test_a_forged_signature_is_refused():
    text = issue(make_coupon(), signer=SigningKey.generate())
    with pytest.raises(codec.CodeError) as error:
        open_(text)
    assert error.value.code == codec.CodeError.BAD_SIGNATURE


def test_unknown_and_retired_keys_are_refused():
    unknown = issue(make_coupon(key_id=7))
    retired = {("gb", 1): dataclasses.replace(KEYS[("gb", 1)], valid_until=NOW - 1)}
    for text, keys in ((unknown, KEYS), (issue(make_coupon()), retired)):
        with pytest.raises(codec.CodeError) as error:
            open_(text, keys=keys)
        assert error.value.code == codec.CodeError.UNKNOWN_KEY


def test_the_validity_window_is_enforced():
    text = issue(make_coupon())
    for now, code in ((NOW - 11, "not_yet_valid"), (NOW + 3601, "expired")):
        with pytest.raises(codec.CodeError) as error:
            open_(text, now=now)
        assert error.value.code == code


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_no_mutation_of_a_valid_coupon_is_ever_accepted(data):
    # given a valid coupon's sealed bytes and a second genuine coupon
    sealed = codec.from_text(issue(make_coupon()))
    other = codec.from_text(issue(make_coupon(serial="ffffffffffffffff")))
    kind = data.draw(st.sampled_from(["flip", "truncate", "splice", "extend"]))
    if kind == "flip":
        index = data.draw(st.integers(0, len(sealed) - 1))
        bit = data.draw(st.integers(0, 7))
        mutated = bytearray(sealed)
        mutated[index] ^= 1 << bit
        mutated = bytes(mutated)
    elif kind == "truncate":
        mutated = sealed[: data.draw(st.integers(0, len(sealed) - 1))]
    elif kind == "splice":
        cut = data.draw(st.integers(1, len(sealed) - 1))
        mutated = sealed[:cut] + other[cut:]
        # Sealed boxes start with a random ephemeral key: when the two share
        # the first `cut` bytes the splice is simply the other genuine coupon.
        assume(mutated != other)
    else:
        mutated = sealed + data.draw(st.binary(min_size=1, max_size=8))
    # when it is opened, then it is refused
    with pytest.raises(codec.CodeError):
        open_(codec.to_text(mutated))


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=300))
def test_the_base45_tables_agree_with_the_base45_package(data):
    import base45

    from groupbuy.coupons import base45_tables

    text = base45_tables.encode(data)
    assert text == base45.b45encode(data).decode("ascii")
    assert base45_tables.decode(text) == data


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=[*sorted(codec.BASE45_ALPHABET), "a", "~"], max_size=40))
def test_the_base45_tables_refuse_what_the_package_refuses(text):
    import base45

    from groupbuy.coupons import base45_tables

    try:
        expected = base45.b45decode(text)
    except ValueError:
        with pytest.raises(ValueError):
            base45_tables.decode(text)
    else:
        assert base45_tables.decode(text) == expected
