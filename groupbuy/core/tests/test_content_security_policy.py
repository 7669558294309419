"""Pages say where their scripts may come from (Content-Security-Policy): an
injected <script> or inline handler does not run. The browser journeys, and the
site-wide pass that fails on any console error, show the pages keep working."""

import pytest
from django.test import Client


def _policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


@pytest.mark.django_db
def test_pages_run_only_our_own_scripts():
    policy = _policy(Client().get("/"))
    assert policy["script-src"] == ["'self'", "'wasm-unsafe-eval'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    # the WebSockets of the site's own address may connect
    assert "ws://127.0.0.1:8000" in policy["connect-src"]


@pytest.mark.django_db
def test_the_admin_and_the_api_docs_keep_their_own_inline_scripts():
    client = Client()
    assert "Content-Security-Policy" not in client.get("/admin/login/").headers
    assert "Content-Security-Policy" not in client.get("/api/docs").headers
