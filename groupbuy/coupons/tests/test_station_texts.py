"""The station's messages in its language, from the coupons app's catalog."""

import pytest

from groupbuy.coupons import codec
from groupbuy.coupons.station import texts


@pytest.fixture
def speaking():
    def use(language):
        texts.use_language(language)

    yield use
    texts.use_language("en")


def test_a_refusal_reads_as_the_platform_words_it_in_each_language(speaking):
    from django.utils import translation

    error = codec.CodeError(codec.CodeError.EXPIRED, "expired")
    for language in texts.LANGUAGES:
        speaking(language)
        with translation.override(language):
            assert codec.refusal_message(error, texts.gettext) == codec.refusal_message(
                error, translation.gettext
            )
    speaking("zh-hans")
    assert codec.refusal_message(error, texts.gettext) == "这张券已过期。"


def test_units_are_counted_in_the_singular_and_plural(speaking):
    speaking("en")
    one = texts.ngettext(
        "Only %(left)s unit is left here.", "Only %(left)s units are left here.", 1
    )
    two = texts.ngettext(
        "Only %(left)s unit is left here.", "Only %(left)s units are left here.", 2
    )
    assert (one % {"left": 1}, two % {"left": 2}) == (
        "Only 1 unit is left here.",
        "Only 2 units are left here.",
    )
    speaking("zh-hans")
    assert texts.ngettext(
        "Only %(left)s unit is left here.", "Only %(left)s units are left here.", 2
    ) % {"left": 2} == ("本机只剩 2 件可核销。")


def test_an_unknown_language_falls_back_to_english(speaking):
    speaking("fr")
    assert texts.language() == "en"
    assert texts.gettext("Redeem") == "Redeem"


def test_every_reason_a_coupon_is_cancelled_for_is_worded_at_the_till(speaking):
    from groupbuy.coupons.models import Revocation
    from groupbuy.coupons.station.core import _revocation_reason

    speaking("en")
    worded = {reason: _revocation_reason(reason.value) for reason in Revocation.Reason}
    assert all(words != reason.value for reason, words in worded.items()), worded
    assert worded[Revocation.Reason.REFUNDED_BY_MERCHANT] == "the shop refunded it"
