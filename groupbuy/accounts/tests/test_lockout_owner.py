"""Someone failing logins for another person's number from their own
addresses cannot keep its owner out: a browser that signed in to the number
before is held back only by its own failures, and the owner lifts the lock on
the number with a texted reset code. A guess spread over many addresses is
still stopped for everyone else (docs/deployment.md, "Login lockout")."""

import pytest
from django.test import Client
from django.urls import reverse

from groupbuy.accounts import services
from groupbuy.accounts.lockout import LOGIN_DEVICE_COOKIE
from groupbuy.accounts.models import PhoneVerification
from groupbuy.accounts.tests.helpers import PASSWORD, code_sent_to, make_user
from groupbuy.accounts.tests.test_lockout import api_login, web_login

pytestmark = pytest.mark.django_db

OWNER = "+8613800138301"
OTHER = "+8613800138302"
OWNER_TYPED = "138 0013 8301"


def _owners_browser(phone=OWNER_TYPED) -> Client:
    """A browser (at home) that signed in to the number and out again."""
    browser = Client(REMOTE_ADDR="192.0.2.10")
    assert web_login(browser, PASSWORD, phone=phone).status_code == 302
    browser.post(reverse("web:logout"))
    return browser


def _spread_guessing(phone=OWNER_TYPED, addresses=10) -> None:
    """Wrong passwords for the number, one from each of many addresses."""
    for index in range(addresses):
        attacker = Client(REMOTE_ADDR=f"198.51.100.{index + 1}")
        web_login(attacker, "wrong", phone=phone)


def test_a_browser_that_signed_in_before_still_signs_in_while_others_guess():
    # given the owner's browser, and someone guessing the number from ten
    # other addresses until it is locked
    make_user(OWNER)
    browser = _owners_browser()
    _spread_guessing()
    # when the owner signs in from that browser with the right password
    answer = web_login(browser, PASSWORD, phone=OWNER_TYPED)
    # then they are in
    assert answer.status_code == 302
    assert browser.session.get("_auth_user_id")


def test_a_spread_guess_still_locks_the_number_for_a_new_address():
    # given ten wrong passwords for the number from ten addresses
    make_user(OWNER)
    _spread_guessing()
    # when one more address (no browser of the owner's) tries the right one,
    # on the page or by the API
    stranger = Client(REMOTE_ADDR="203.0.113.77")
    page = web_login(stranger, PASSWORD, phone=OWNER_TYPED)
    api = api_login(stranger, PASSWORD, phone=OWNER_TYPED)
    # then the number stays locked: guessing from many addresses is stopped
    assert page.status_code == 429
    assert "_auth_user_id" not in stranger.session
    assert api.status_code == 429


def test_the_owners_browser_is_still_limited_by_its_own_failures():
    # given the owner's browser
    make_user(OWNER)
    browser = _owners_browser()
    # when it sends ten wrong passwords itself (someone at the owner's desk)
    for _ in range(10):
        web_login(browser, "wrong", phone=OWNER_TYPED)
    # then the right one is refused there too
    assert web_login(browser, PASSWORD, phone=OWNER_TYPED).status_code == 429


def test_a_browser_that_signed_in_to_another_number_is_not_let_through():
    # given a browser that signed in to another person's account, and the
    # owner's number locked by spread guesses
    make_user(OWNER)
    make_user(OTHER)
    browser = _owners_browser(phone=OTHER)
    _spread_guessing()
    # when that browser tries the owner's number with the right password
    answer = web_login(browser, PASSWORD, phone=OWNER_TYPED)
    # then it is held back like any other stranger
    assert answer.status_code == 429


def test_a_forged_device_cookie_is_not_let_through():
    # given the number locked by spread guesses
    make_user(OWNER)
    _spread_guessing()
    # when a browser comes with a cookie it made up
    forged = Client(REMOTE_ADDR="203.0.113.78")
    forged.cookies[LOGIN_DEVICE_COOKIE] = "anything:1abc:xyz"
    # then it is held back
    assert web_login(forged, PASSWORD, phone=OWNER_TYPED).status_code == 429


def test_the_owner_lifts_the_lock_with_a_texted_reset_code(committed):
    # given the number locked by spread guesses, its owner on a new phone app
    make_user(OWNER)
    _spread_guessing()
    app = Client(REMOTE_ADDR="203.0.113.79")
    assert api_login(app, PASSWORD, phone=OWNER_TYPED).status_code == 429
    # when the owner sets a new password with the code texted to the number
    sent = committed(services.password_reset_request, phone=OWNER)
    committed(
        services.password_reset_complete,
        verification_id=sent.verification.public_id,
        code=code_sent_to(OWNER),
        new_password="brand-new-secret-7",
    )
    # then the new password signs them in at once
    answer = api_login(app, "brand-new-secret-7", phone=OWNER_TYPED)
    assert answer.status_code == 200


def test_a_reset_on_the_site_lets_that_browser_through_the_next_guesses(committed):
    # given the owner, who resets the password on the site from a new browser
    make_user(OWNER)
    browser = Client(REMOTE_ADDR="192.0.2.20")
    asked = committed(
        browser.post, reverse("web:password_reset"), {"phone": OWNER_TYPED}
    )
    assert asked.status_code == 302
    verification = PhoneVerification.objects.filter(phone=OWNER).latest("pk")
    done = browser.post(
        reverse("web:password_reset_verify", args=[verification.public_id]),
        {"code": code_sent_to(OWNER), "new_password": "brand-new-secret-7"},
    )
    assert done.status_code == 302
    # when someone locks the number again from elsewhere
    _spread_guessing()
    # then that browser still signs in with the new password
    assert (
        web_login(browser, "brand-new-secret-7", phone=OWNER_TYPED).status_code == 302
    )
