"""Rotating SECRET_KEY as docs/deployment.md says keeps the site working.

The coupon platform key's private seed is sealed with a key derived from
SECRET_KEY; until SECRET_KEY_FALLBACKS existed, the first deal to succeed after
a rotation could not issue its coupons (nacl's "Decryption failed" in the
settlement's follow-up job, retried for ever).
"""

import re
import time

import pytest
from django.core.exceptions import ImproperlyConfigured

from groupbuy.accounts.models import PhoneVerification
from groupbuy.accounts.services.phone_codes import code_consume, code_issue
from groupbuy.core.models import AuditEntry
from groupbuy.coupons import codec
from groupbuy.coupons.models import PlatformKey
from groupbuy.coupons.services.keys import platform_key_active, platform_signing_seed
from groupbuy.coupons.services.redeeming import platform_key_map
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_station,
    make_user,
)

pytestmark = pytest.mark.django_db

OLD = "old-secret-key-" + "o" * 40
NEW = "new-secret-key-" + "n" * 40


def opened_at_station(station, coupon) -> codec.Coupon:
    return codec.open_coupon(
        coupon.code,
        merchant_id=station.merchant.public_id,
        merchant_private_key=station.private_key,
        platform_keys=platform_key_map(),
        now=int(time.time()),
    )


def test_coupons_are_issued_after_a_rotation_with_the_old_key_as_fallback(settings):
    # given a platform key sealed under the old SECRET_KEY
    settings.SECRET_KEY = OLD
    station = make_station()
    key = platform_key_active()
    # when the operator rotates SECRET_KEY, keeping the old one as a fallback
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW, [OLD]
    orders = confirmed_orders(station.merchant, quantities=(1,))
    # then the deal's coupon is issued, signed by the same key, and the seed is
    # sealed with the new SECRET_KEY from now on
    coupon = coupon_for(orders[0])
    assert opened_at_station(station, coupon).key_id == key.key_id
    resealed = AuditEntry.objects.filter(action="coupons.platform_key.resealed")
    assert resealed.count() == 1
    # and once the fallback is dropped, coupons are still issued
    settings.SECRET_KEY_FALLBACKS = []
    later = confirmed_orders(station.merchant, quantities=(2,))
    assert opened_at_station(station, coupon_for(later[0])).quantity == 2
    assert PlatformKey.objects.count() == 1


def test_a_rotation_without_the_fallback_names_what_to_do(settings):
    # given a platform key sealed under a SECRET_KEY nobody kept
    settings.SECRET_KEY = OLD
    key = platform_key_active()
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW, []
    # when its seed is needed, then the error says how to recover
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FALLBACKS"):
        platform_signing_seed(key)


def test_an_sms_code_sent_just_before_a_rotation_still_works(settings):
    # given a password-reset code texted under the old SECRET_KEY
    settings.SECRET_KEY = OLD
    user = make_user()
    sent = code_issue(
        purpose=PhoneVerification.Purpose.PASSWORD_RESET,
        phone=user.phone,
        user=user,
        address="203.0.113.7",
    )
    code = re.search(r"\b\d{6}\b", sent.sms_text).group(0)
    # when SECRET_KEY is rotated with the old one as a fallback
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW, [OLD]
    # then the code the person holds is accepted
    used = code_consume(
        verification_id=sent.verification.public_id,
        code=code,
        purpose=PhoneVerification.Purpose.PASSWORD_RESET,
    )
    assert used.used_at is not None
