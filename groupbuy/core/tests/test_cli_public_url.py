"""`groupbuy demo --port P` sends links to the port it serves."""

import os

from groupbuy.cli import default_public_url


def test_demo_links_use_the_port_the_demo_serves(monkeypatch):
    # Set first so that monkeypatch restores the environment afterwards.
    monkeypatch.setenv("GROUPBUY_PUBLIC_URL", "")
    monkeypatch.delenv("GROUPBUY_PUBLIC_URL")
    default_public_url(host="127.0.0.1", port=8010)
    assert os.environ["GROUPBUY_PUBLIC_URL"] == "http://127.0.0.1:8010"


def test_a_wildcard_host_links_to_the_machine_itself(monkeypatch):
    # Set first so that monkeypatch restores the environment afterwards.
    monkeypatch.setenv("GROUPBUY_PUBLIC_URL", "")
    monkeypatch.delenv("GROUPBUY_PUBLIC_URL")
    default_public_url(host="0.0.0.0", port=9000)
    assert os.environ["GROUPBUY_PUBLIC_URL"] == "http://127.0.0.1:9000"


def test_a_set_public_url_wins(monkeypatch):
    monkeypatch.setenv("GROUPBUY_PUBLIC_URL", "https://shop.example.com")
    default_public_url(host="127.0.0.1", port=8010)
    assert os.environ["GROUPBUY_PUBLIC_URL"] == "https://shop.example.com"
