"""The journeys' sign-in without the page is the journeys' server's alone."""

import pytest
from django.urls import Resolver404, resolve

from groupbuy.web.views.auth import login_view


def test_the_site_has_no_sign_in_without_csrf():
    with pytest.raises(Resolver404):
        resolve("/e2e/sign-in/")


def test_the_journeys_server_signs_in_with_the_sites_login_view():
    match = resolve("/e2e/sign-in/", urlconf="tests.e2e.urls")
    assert match.func.__wrapped__ is login_view
