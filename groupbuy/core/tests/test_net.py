import pytest
from django.test import RequestFactory, override_settings

from groupbuy.core.net import client_address


def request_from(peer: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@override_settings(GROUPBUY_TRUSTED_PROXIES=[])
def test_without_trusted_proxies_the_header_is_ignored():
    assert client_address(request_from("203.0.113.5", "1.2.3.4")) == "203.0.113.5"


@override_settings(GROUPBUY_TRUSTED_PROXIES=["10.0.0.1"])
def test_a_spoofed_header_from_an_untrusted_peer_is_ignored():
    assert client_address(request_from("203.0.113.5", "10.0.0.1")) == "203.0.113.5"


@override_settings(GROUPBUY_TRUSTED_PROXIES=["10.0.0.1"])
def test_a_trusted_proxy_names_the_client():
    assert client_address(request_from("10.0.0.1", "198.51.100.7")) == "198.51.100.7"


@override_settings(GROUPBUY_TRUSTED_PROXIES=["10.0.0.0/8", "127.0.0.1"])
def test_the_header_is_read_right_to_left_past_trusted_proxies_only():
    # The client put "1.1.1.1" in the header itself; our proxies appended the rest.
    request = request_from("127.0.0.1", "1.1.1.1, 198.51.100.7, 10.2.3.4")
    assert client_address(request) == "198.51.100.7"


@override_settings(GROUPBUY_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_garbage_in_the_chain_stops_at_the_last_trusted_hop():
    assert client_address(request_from("10.0.0.1", "not-an-ip, 10.0.0.2")) == (
        "10.0.0.2"
    )


@override_settings(GROUPBUY_TRUSTED_PROXIES=["10.0.0.1"])
def test_a_trusted_peer_without_header_is_itself_the_client():
    assert client_address(request_from("10.0.0.1")) == "10.0.0.1"


@override_settings(GROUPBUY_TRUSTED_PROXIES=["::1"])
def test_ipv6_and_ipv4_mapped_addresses():
    assert client_address(request_from("::1", "2001:db8::5")) == "2001:db8::5"
    assert client_address(request_from("::ffff:203.0.113.9")) == "203.0.113.9"


@pytest.mark.django_db
@override_settings(
    GROUPBUY_TRUSTED_PROXIES=[], GROUPBUY_SNAP_ANONYMOUS_SNAPS_PER_MINUTE=2
)
def test_snap_rate_limit_keys_on_the_client_address_not_a_spoofed_header():
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import cache

    from groupbuy.snap.errors import SnapError
    from groupbuy.snap.throttle import snap_rate_check

    cache.clear()
    requests = [request_from("203.0.113.5", f"10.0.0.{n}") for n in range(3)]
    for request in requests:
        request.user = AnonymousUser()
    snap_rate_check(requests[0])
    snap_rate_check(requests[1])
    with pytest.raises(SnapError) as refusal:
        snap_rate_check(requests[2])
    assert refusal.value.status == 429
    cache.clear()


@pytest.mark.django_db
@override_settings(
    GROUPBUY_TRUSTED_PROXIES=["10.0.0.1"], GROUPBUY_SNAP_ANONYMOUS_SNAPS_PER_MINUTE=1
)
def test_snap_rate_limit_behind_a_trusted_proxy_counts_each_client():
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import cache

    from groupbuy.snap.throttle import snap_rate_check

    cache.clear()
    for client in ("198.51.100.1", "198.51.100.2"):
        request = request_from("10.0.0.1", client)
        request.user = AnonymousUser()
        snap_rate_check(request)  # one each: neither is over the limit
    cache.clear()


def test_groupbuy_serve_leaves_forwarded_headers_to_groupbuy(monkeypatch):
    # uvicorn by default rewrites the peer from X-Forwarded-For when the peer is
    # 127.0.0.1, which would trust a header a local nginx merely passed through.
    import uvicorn

    from groupbuy import cli

    class Stop(Exception):
        pass

    seen = {}

    def fake_config(app, **options):
        seen.update(options)
        raise Stop

    monkeypatch.setattr(uvicorn, "Config", fake_config)
    # The production-settings checks are tested in tests/deploy; not here.
    monkeypatch.setattr(cli, "refuse_unsafe_configuration", lambda: None)
    with pytest.raises(Stop):
        cli.serve(host="127.0.0.1", port=0, with_worker=False)
    assert seen["proxy_headers"] is False


def test_limit_address_is_the_client_for_ipv4_and_its_64_for_ipv6():
    from groupbuy.core.net import limit_address

    assert limit_address(request_from("203.0.113.9")) == "203.0.113.9"
    assert limit_address(request_from("::ffff:203.0.113.9")) == "203.0.113.9"
    assert limit_address(request_from("2001:db8:1:2:aa:bb:cc:dd")) == "2001:db8:1:2::"
    assert limit_address(request_from("2001:db8:1:2::5")) == "2001:db8:1:2::"
    assert limit_address(request_from("2001:db8:1:3::5")) == "2001:db8:1:3::"
    assert limit_address(request_from("")) == ""


@pytest.mark.django_db
@override_settings(
    GROUPBUY_TRUSTED_PROXIES=[], GROUPBUY_SNAP_ANONYMOUS_SNAPS_PER_MINUTE=2
)
def test_snap_rate_limit_counts_an_ipv6_64_as_one_client():
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import cache

    from groupbuy.snap.errors import SnapError
    from groupbuy.snap.throttle import snap_rate_check

    cache.clear()
    requests = [request_from(f"2001:db8:1:2::{n + 1}") for n in range(3)]
    for request in requests:
        request.user = AnonymousUser()
    snap_rate_check(requests[0])
    snap_rate_check(requests[1])
    with pytest.raises(SnapError) as refusal:
        snap_rate_check(requests[2])
    assert refusal.value.status == 429
    cache.clear()
