"""Oversized bodies get 413 while they stream in, before Django stores them."""

from __future__ import annotations

import asyncio
import json
import tempfile

import pytest

from groupbuy.core.body_limits import BodyLimitMiddleware, body_limit_for

MB = 1024 * 1024


class Upload:
    """An ASGI client: sends ``chunks`` and records what the app consumed."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = list(chunks)
        self.bytes_taken = 0
        self.sent: list[dict] = []

    async def receive(self):
        if not self.chunks:
            await asyncio.sleep(3600)  # the client waits for the answer
        chunk = self.chunks.pop(0)
        self.bytes_taken += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": bool(self.chunks)}

    async def send(self, message):
        self.sent.append(message)

    @property
    def status(self) -> int:
        return next(m["status"] for m in self.sent if m["type"].endswith("start"))

    @property
    def body(self) -> bytes:
        bodies = [m for m in self.sent if m["type"] == "http.response.body"]
        return b"".join(m.get("body", b"") for m in bodies)


def scope(path: str, *, headers=(), method="POST") -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }


def run(app, request_scope, upload: Upload) -> Upload:
    asyncio.run(
        asyncio.wait_for(app(request_scope, upload.receive, upload.send), timeout=30)
    )
    return upload


def test_limits_follow_the_path(settings):
    # given
    settings.GROUPBUY_SNAP_MAX_UPLOAD_BYTES = 3 * MB
    settings.GROUPBUY_PRODUCT_PHOTO_MAX_BYTES = 4 * MB
    settings.GROUPBUY_REQUEST_MAX_BYTES = 1 * MB
    # when / then
    assert body_limit_for("/api/snap") == 3 * MB + 64 * 1024
    assert body_limit_for("/snap/") == 3 * MB + 64 * 1024
    assert body_limit_for("/api/catalog/products/prd_x/images") == 4 * MB + 64 * 1024
    assert body_limit_for("/merchant/mer_x/products/new/") == 4 * MB + 64 * 1024
    assert body_limit_for("/merchant/mer_x/products/prd_y/edit/") == 4 * MB + 65536
    assert body_limit_for("/admin/catalog/product/add/") == 4 * MB + 64 * 1024
    assert body_limit_for("/api/deals/deal_x/join") == 1 * MB
    assert body_limit_for("/api/snap/snp_x/label") == 1 * MB


def test_a_declared_oversize_body_is_refused_before_a_byte_is_read(settings):
    # given
    settings.GROUPBUY_REQUEST_MAX_BYTES = 1 * MB
    reached = []

    async def django(scope, receive, send):  # pragma: no cover - must not run
        reached.append(scope)

    upload = Upload([b"x" * 1024])
    headers = [(b"content-length", str(200 * MB).encode())]
    # when
    run(BodyLimitMiddleware(django), scope("/api/auth/token", headers=headers), upload)
    # then
    assert upload.status == 413
    assert upload.bytes_taken == 0
    assert reached == []
    assert json.loads(upload.body) == {
        "code": "too_large",
        "message": "This request is too large: send at most 1 MB, please.",
        "fields": {},
    }


@pytest.mark.django_db(transaction=True)
def test_a_chunked_snap_over_the_limit_gets_413_and_django_stores_no_more(
    settings, monkeypatch
):
    # given: the real application, a 1 MB snap limit, 30 MB sent in 64 KB chunks
    from groupbuy.asgi import application

    settings.GROUPBUY_SNAP_MAX_UPLOAD_BYTES = 1 * MB
    limit = body_limit_for("/api/snap")
    spooled = []
    original = tempfile.SpooledTemporaryFile

    class Recording(original):
        def write(self, data):
            spooled.append(len(data))
            return super().write(data)

    monkeypatch.setattr(tempfile, "SpooledTemporaryFile", Recording)
    chunk = b"x" * (64 * 1024)
    upload = Upload([chunk] * (30 * MB // len(chunk)))
    headers = [(b"content-type", b"multipart/form-data; boundary=b")]
    # when
    run(application, scope("/api/snap", headers=headers), upload)
    # then
    assert upload.status == 413
    assert json.loads(upload.body)["code"] == "too_large"
    assert sum(spooled) <= limit
    assert upload.bytes_taken <= limit + len(chunk)


def test_a_chunked_page_upload_gets_an_html_413_in_the_visitors_language(settings):
    # given
    settings.GROUPBUY_REQUEST_MAX_BYTES = 1000

    async def django(scope, receive, send):
        while (await receive())["type"] == "http.request":
            pass  # like Django: read until the end or a disconnect

    upload = Upload([b"x" * 600, b"x" * 600, b"x" * 600])
    headers = [(b"accept-language", b"en-GB,en;q=0.9")]
    # when
    run(BodyLimitMiddleware(django), scope("/login/", headers=headers), upload)
    # then
    assert upload.status == 413
    assert b"text/html" in dict(upload.sent[0]["headers"])[b"content-type"]
    assert b"send at most 1 MB" in upload.body
    assert upload.bytes_taken == 1200


def test_a_body_under_the_limit_reaches_the_app_whole(settings):
    # given
    settings.GROUPBUY_REQUEST_MAX_BYTES = 1000
    seen = []

    async def django(scope, receive, send):
        while True:
            message = await receive()
            seen.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    upload = Upload([b"a" * 500, b"b" * 500])
    # when
    run(BodyLimitMiddleware(django), scope("/api/deals/x/join"), upload)
    # then
    assert upload.status == 200
    assert b"".join(seen) == b"a" * 500 + b"b" * 500


def test_django_keeps_bodies_up_to_the_largest_limit_in_memory(settings):
    from django.conf import settings as live

    largest = max(
        live.GROUPBUY_SNAP_MAX_UPLOAD_BYTES, live.GROUPBUY_PRODUCT_PHOTO_MAX_BYTES
    )
    assert largest + 64 * 1024 <= live.FILE_UPLOAD_MAX_MEMORY_SIZE
