"""Issuing, online redemption, revocation and key rotation."""

import time
from datetime import UTC, datetime

import pytest
from django.utils import timezone, translation
from nacl.public import PrivateKey

from groupbuy.core.errors import DomainError
from groupbuy.core.models import AuditEntry
from groupbuy.coupons import codec
from groupbuy.coupons.models import Coupon, PlatformKey, Redemption, Revocation
from groupbuy.coupons.notifications import coupon_page_url, notify_coupon_issued
from groupbuy.coupons.services import (
    coupon_issue_for_order,
    coupon_redeem_online,
    coupon_revoke_for_order,
    merchant_key_generate,
    platform_key_rotate,
)
from groupbuy.coupons.services.redeeming import platform_key_map
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_branch,
    make_merchant,
    make_station,
    make_user,
)
from groupbuy.notify.models import Notification
from groupbuy.notify.senders import sms_text

pytestmark = pytest.mark.django_db


def open_at_station(station, coupon) -> codec.Coupon:
    return codec.open_coupon(
        coupon.code,
        merchant_id=station.merchant.public_id,
        merchant_private_key=station.private_key,
        platform_keys=platform_key_map(),
        now=int(time.time()),
    )


def test_a_confirmed_order_gets_one_coupon_only_its_merchant_can_open():
    # given a merchant whose station registered its key
    station = make_station()
    # when a deal succeeds with orders of 1 and 2 units
    one, two = confirmed_orders(station.merchant)
    # then each order has a coupon with its quantity, sealed to the merchant
    coupon = coupon_for(two)
    opened = open_at_station(station, coupon)
    assert (opened.quantity, opened.serial) == (2, coupon.serial)
    assert opened.merchant_id == station.merchant.public_id
    assert opened.product_id == two.deal.product.public_id
    assert coupon_for(one).quantity == 1
    assert coupon.status == Coupon.Status.VALID and coupon.code.startswith("GB1:")
    # and issuing again returns the same coupon
    assert coupon_issue_for_order(actor=None, order=two).pk == coupon.pk
    assert AuditEntry.objects.filter(action="coupons.coupon.issued").count() == 2


def test_coupons_issued_before_the_merchant_has_a_key_are_sealed_when_it_registers():
    # given a merchant without a key and a confirmed order
    owner = make_user()
    merchant = make_merchant(owner=owner)
    (order,) = confirmed_orders(merchant, quantities=(1,))
    assert coupon_for(order).code == ""
    # when the platform generates its key and hands over the key file
    key, key_file = merchant_key_generate(actor=owner, merchant=merchant)
    # then the coupon is sealed to it and the key file opens it
    import base64
    import json

    private = base64.b64decode(json.loads(key_file)["sealing_private_key"])
    coupon = coupon_for(order)
    assert coupon.merchant_key == key
    signed = codec.open_sealed(codec.from_text(coupon.code), private)
    assert signed == bytes(coupon.signed)
    assert key.origin == "platform"


def test_online_redemption_is_one_time_and_the_second_scan_says_when_and_where():
    station = make_station()
    branch = make_branch(station.merchant, name="Nanjing Road")
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    coupon = coupon_for(order)
    # when the cashier scans it for both its units
    redemption = coupon_redeem_online(
        actor=station.owner,
        merchant=station.merchant,
        code=coupon.code,
        branch=branch,
        quantity=2,
    )
    # then all units are redeemed at that branch by that cashier
    coupon.refresh_from_db()
    assert (redemption.quantity, redemption.branch, redemption.cashier) == (
        2,
        branch,
        station.owner,
    )
    assert redemption.amount_fen == 2 * order.final_unit_price_fen
    assert (coupon.status, coupon.redeemed_quantity) == ("redeemed", 2)
    # and a second scan is refused, naming the branch
    with pytest.raises(DomainError) as error:
        coupon_redeem_online(
            actor=station.owner, merchant=station.merchant, code=coupon.code
        )
    assert error.value.code == "already_redeemed"
    assert "Nanjing Road" in error.value.message
    assert Redemption.objects.count() == 1


def test_partial_redemption_takes_units_until_none_are_left():
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    code = coupon_for(order).code
    redeem = lambda q: coupon_redeem_online(  # noqa: E731
        actor=station.owner, merchant=station.merchant, code=code, quantity=q
    )
    redeem(2)
    with pytest.raises(DomainError) as error:
        redeem(2)
    assert error.value.code == "not_enough_left"
    redeem(1)
    coupon = coupon_for(order)
    assert (coupon.status, coupon.redeemed_quantity) == ("redeemed", 3)


def test_a_quantity_beyond_the_coupon_quotes_what_is_left():
    # given a coupon of 2 units, one of them redeemed
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    code = coupon_for(order).code
    coupon_redeem_online(
        actor=station.owner, merchant=station.merchant, code=code, quantity=1
    )
    # when 5 are asked for
    with translation.override("en"), pytest.raises(DomainError) as error:
        coupon_redeem_online(
            actor=station.owner, merchant=station.merchant, code=code, quantity=5
        )
    # then the one unit left is quoted as one, not "between 1 and 1"
    assert error.value.code == "bad_quantity"
    assert error.value.message == "Redeem 1 unit."
    assert error.value.fields == {"quantity": ["Redeem 1 unit."]}
    assert coupon_for(order).redeemed_quantity == 1


def test_a_quantity_beyond_the_coupon_quotes_the_range_left():
    # given a coupon of 3 units, none redeemed
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    # when 4 are asked for
    with translation.override("en"), pytest.raises(DomainError) as error:
        coupon_redeem_online(
            actor=station.owner,
            merchant=station.merchant,
            code=coupon_for(order).code,
            quantity=4,
        )
    # then the range is quoted
    assert error.value.message == "Redeem between 1 and 3 units."
    assert coupon_for(order).redeemed_quantity == 0


def test_an_empty_code_is_asked_for_not_called_damaged():
    station = make_station()
    with pytest.raises(DomainError) as error:
        coupon_redeem_online(actor=station.owner, merchant=station.merchant, code=" ")
    assert (error.value.code, error.value.status) == ("missing_code", 400)


def test_another_merchant_cannot_redeem_or_even_use_a_stolen_code():
    station, other = make_station(), make_station(name="Other shop")
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    code = coupon_for(order).code
    # another merchant's staff, on their own console
    with pytest.raises(DomainError) as error:
        coupon_redeem_online(actor=other.owner, merchant=other.merchant, code=code)
    assert error.value.code == "wrong_merchant"
    # another merchant's staff, on this merchant's console
    with pytest.raises(DomainError) as error:
        coupon_redeem_online(actor=other.owner, merchant=station.merchant, code=code)
    assert error.value.status == 403
    # a shopper
    with pytest.raises(DomainError):
        coupon_redeem_online(actor=order.shopper, merchant=station.merchant, code=code)
    assert coupon_for(order).redeemed_quantity == 0


def test_a_coupon_re_sealed_to_another_merchant_is_refused_online():
    station, other = make_station(), make_station(name="Other shop")
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    signed = codec.open_sealed(
        codec.from_text(coupon_for(order).code), station.private_key
    )
    resealed = codec.to_text(codec.seal(signed, bytes(other.sealing.public_key)))
    with pytest.raises(DomainError) as error:
        coupon_redeem_online(actor=other.owner, merchant=other.merchant, code=resealed)
    assert error.value.code == "not_for_this_merchant"
    assert Redemption.objects.count() == 0


def test_damaged_codes_are_refused_with_a_clear_reason():
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    code = coupon_for(order).code
    # Cut so that one Base45 character is left over: never decodable. (Other cuts
    # may decode to shorter bytes, which then cannot be opened instead.)
    body_length = len(code) - len(codec.PREFIX)
    truncated = code[: len(code) - 9 - (body_length - 1 - 9) % 3]
    # A space is a Base45 digit, and reading strips the spaces a scanner adds
    # around a code: a cut ending on one would be read as a cut one shorter
    # (1 time in 45). A whole code never ends on one.
    while truncated.endswith(" "):
        truncated = truncated[:-3]
    assert (len(truncated) - len(codec.PREFIX)) % 3 == 1
    for bad, reason in (
        (truncated, "malformed"),
        ("hello", "malformed"),
        (code[:-6] + "000000", "not_for_this_merchant"),
    ):
        with pytest.raises(DomainError) as error:
            coupon_redeem_online(
                actor=station.owner, merchant=station.merchant, code=bad
            )
        assert (error.value.code, error.value.status) == (reason, 400)


def test_a_refunded_order_revokes_its_coupon_and_it_cannot_be_redeemed():
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon_revoke_for_order(actor=None, order=order, reason="order_refunded")
    coupon_revoke_for_order(actor=None, order=order, reason="order_refunded")
    coupon = coupon_for(order)
    assert coupon.status == "revoked"
    assert list(Revocation.objects.values_list("serial", flat=True)) == [coupon.serial]
    with pytest.raises(DomainError) as error:
        coupon_redeem_online(
            actor=station.owner, merchant=station.merchant, code=coupon.code
        )
    assert error.value.code == "revoked"


@pytest.mark.parametrize("signal_name", ["order_refunded", "order_cancelled"])
def test_money_signals_revoke_coupons(signal_name):
    from groupbuy.deals import signals

    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    extra = {"refunded_fen": order.final_unit_price_fen}
    if signal_name == "order_cancelled":
        extra = {}
    getattr(signals, signal_name).send(
        sender=type(order), order=order, actor=None, reason="test", **extra
    )
    assert coupon_for(order).status == "revoked"


def test_rotation_keeps_old_coupons_verifying_until_they_expire():
    station = make_station()
    (old_order,) = confirmed_orders(station.merchant, quantities=(1,))
    old = coupon_for(old_order)
    operator = make_user(is_staff=True)
    new_key = platform_key_rotate(actor=operator)
    retired = PlatformKey.objects.get(pk=old.platform_key_id)
    assert retired.state == "retired" and retired.verifies_until == old.expires_at
    (new_order,) = confirmed_orders(station.merchant, quantities=(1,))
    assert coupon_for(new_order).platform_key == new_key
    # both verify now; the retired one stops after its coupons' expiry
    assert open_at_station(station, old).serial == old.serial
    later = old.expires_at + timezone.timedelta(seconds=1)
    assert ("gb", retired.key_id) not in platform_key_map(now=later)
    assert AuditEntry.objects.filter(action="coupons.platform_key.retired").exists()


def test_only_operators_rotate_and_only_owners_register_keys():
    station = make_station()
    with pytest.raises(DomainError):
        platform_key_rotate(actor=station.owner)
    cashier = make_user()
    from groupbuy.accounts.services import merchant_membership_add

    merchant_membership_add(
        actor=None, user=cashier, merchant=station.merchant, role="cashier"
    )
    with pytest.raises(DomainError):
        merchant_key_generate(actor=cashier, merchant=station.merchant)
    assert PrivateKey  # the station's own keys stay with the station


def test_no_mutated_code_is_ever_redeemed_online():
    import random

    # given two genuine coupons of this merchant and one of another merchant
    station, other = make_station(), make_station(name="Other shop")
    one, two = (coupon_for(o).code for o in confirmed_orders(station.merchant))
    (theirs,) = confirmed_orders(other.merchant, quantities=(1,))
    alphabet = sorted(codec.BASE45_ALPHABET)
    rng = random.Random(20261202)
    mutants = {coupon_for(theirs).code}
    for _ in range(150):
        cut = rng.randrange(5, len(one))
        kind = rng.choice(["flip", "truncate", "splice", "insert"])
        if kind == "flip":
            mutant = one[:cut] + rng.choice(alphabet) + one[cut + 1 :]
        elif kind == "truncate":
            mutant = one[:cut]
        elif kind == "splice":
            mutant = one[:cut] + two[cut:]
        else:
            mutant = one[:cut] + rng.choice(alphabet) + one[cut:]
        mutants.add(mutant)
    mutants -= {one, two}
    # when each is scanned, then every one is refused and nothing is redeemed
    for mutant in mutants:
        with pytest.raises(DomainError):
            coupon_redeem_online(
                actor=station.owner, merchant=station.merchant, code=mutant
            )
    assert Redemption.objects.count() == 0


def test_the_coupon_message_names_the_expiry_day_in_the_shops_time_zone():
    coupon = coupon_for(confirmed_orders(make_merchant(), quantities=(1,))[0])
    # 07:00 on 11 December in Shanghai, still the 10th in UTC
    coupon.expires_at = datetime(2026, 12, 10, 23, 0, tzinfo=UTC)
    Notification.objects.filter(kind="coupons.issued").delete()
    notify_coupon_issued(coupon)
    notification = Notification.objects.get(kind="coupons.issued")
    assert "2026-12-11" in notification.body and "2026-12-10" not in notification.body
    # and its SMS carries the coupon's link once (the body has none of its own)
    link = coupon_page_url(coupon)
    assert link not in notification.body
    assert sms_text(notification).count(link) == 1


def test_the_coupon_goes_by_sms_unless_the_shopper_keeps_coupons_to_the_inbox():
    from groupbuy.accounts.services import user_update_profile
    from groupbuy.notify.models import Delivery

    coupon = coupon_for(confirmed_orders(make_merchant(), quantities=(1,))[0])
    shopper = coupon.shopper
    user_update_profile(
        actor=shopper, email="shopper@example.com", contact_channel="email"
    )

    def channels() -> set[str]:
        Notification.objects.filter(kind="coupons.issued").delete()
        notify_coupon_issued(coupon)
        notification = Notification.objects.get(kind="coupons.issued")
        return set(
            Delivery.objects.filter(notification=notification).values_list(
                "channel", flat=True
            )
        )

    # the coupon's SMS goes whatever the profile's channel (e-mail here)
    assert "sms" in channels()
    # but not once the shopper keeps coupons to the inbox
    user_update_profile(actor=shopper, inbox_only_kinds=["coupons.issued"])
    coupon.shopper.refresh_from_db()
    assert channels() == {"in_app"}


def test_the_coupon_message_names_the_shop_in_each_readers_language():
    # It read "Show it at 鲜邻超市 before …" in English, the pages saying
    # "FreshNeighbour Market".
    merchant = make_merchant(name="鲜邻超市")
    merchant.name_en = "FreshNeighbour Market"
    merchant.save(update_fields=["name_en"])
    coupon = coupon_for(confirmed_orders(merchant, quantities=(1,))[0])
    Notification.objects.filter(kind="coupons.issued").delete()
    notify_coupon_issued(coupon)
    notification = Notification.objects.get(kind="coupons.issued")
    assert "Show it at FreshNeighbour Market before" in notification.text_in("en")[1]
    assert "鲜邻超市" in notification.text_in("zh-hans")[1]


def test_a_malformed_idempotency_key_is_the_services_400_on_its_field():
    # given a coupon and a key too short to be random (the API's schema refuses
    # it first, 422; the console's form reaches the service with it)
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    # when
    with pytest.raises(DomainError) as refusal:
        coupon_redeem_online(
            actor=station.owner,
            merchant=station.merchant,
            code=coupon_for(order).code,
            idempotency_key="short",
        )
    # then a service's refusal is a 400 naming the field (docs/api.md), and
    # nothing is redeemed
    assert (refusal.value.code, refusal.value.status) == ("invalid", 400)
    assert list(refusal.value.fields) == ["idempotency_key"]
    assert not Redemption.objects.exists()
    assert coupon_for(order).remaining_quantity == 2
