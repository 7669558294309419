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


def test_the_apps_uploads_get_their_own_limits(settings):
    # given each app's upload limit, all above the 1 MB of other bodies
    settings.GROUPBUY_REQUEST_MAX_BYTES = 1 * MB
    settings.GROUPBUY_PRODUCT_PHOTO_MAX_BYTES = 4 * MB
    settings.GROUPBUY_COUPON_UPLOAD_MAX_BYTES = 6 * MB
    settings.GROUPBUY_SHARING_VCARD_MAX_BYTES = 5 * MB
    settings.GROUPBUY_SHARING_VOICE_MAX_BYTES = 2 * MB
    settings.GROUPBUY_CATALOG_IMPORT_MAX_BYTES = 2 * MB
    framed = {mb: mb * MB + 64 * 1024 for mb in (2, 4, 5, 6)}
    # then a phone's photo or file reaches each place that takes one
    expected = {
        "/demands/dmd_x/photos/": framed[4],
        "/api/demands/dmd_x/photos": framed[4],
        "/coupons/merchant/mer_x/redeem/": framed[6],
        "/coupons/merchant/mer_x/batches/": framed[6],
        "/api/coupons/merchants/mer_x/batches": framed[6],
        "/sharing/contacts/": framed[5],
        "/api/sharing/contacts/books": framed[5],
        "/sharing/new/": framed[2],
        "/sharing/threads/shr_x/voice/": framed[2],
        "/api/sharing/shares/with-voice-note": framed[2],
        "/merchant/mer_x/catalogue/import/": framed[2],
        "/api/catalog/merchants/mer_x/catalogue/imports": framed[2],
        # and nothing else of theirs takes more than a form
        "/api/coupons/merchants/mer_x/redeem": 1 * MB,
        "/sharing/threads/shr_x/": 1 * MB,
        "/demands/dmd_x/join/": 1 * MB,
        "/api/catalog/catalogue/imports/cimp_x/confirm": 1 * MB,
    }
    assert {path: body_limit_for(path) for path in expected} == expected


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


def test_a_page_refusal_speaks_the_language_chosen_on_the_site_and_leads_back(
    settings,
):
    # given a visitor who chose Chinese on the site, in an English browser
    settings.GROUPBUY_REQUEST_MAX_BYTES = 1 * MB
    headers = [
        (b"content-length", str(2 * MB).encode()),
        (b"accept-language", b"en-US,en;q=0.9"),
        (b"cookie", f"{settings.LANGUAGE_COOKIE_NAME}=zh-hans; other=1".encode()),
        (b"referer", b"http://testserver/coupons/merchant/mer_x/?tab=photo"),
    ]
    upload = Upload([b"x"])

    async def django(scope, receive, send):  # pragma: no cover - must not run
        raise AssertionError

    # when
    run(BodyLimitMiddleware(django), scope("/login/", headers=headers), upload)
    # then the page is in Chinese and links back to where they were
    page = upload.body.decode()
    assert upload.status == 413
    assert "<html lang=zh-hans>" in page and "1 MB" in page
    assert "send at most" not in page
    assert '<a href="/coupons/merchant/mer_x/?tab=photo">' in page
    # and another site's page is not linked
    headers[-1] = (b"referer", b"https://elsewhere.example/x")
    other = run(
        BodyLimitMiddleware(django), scope("/login/", headers=headers), Upload([b"x"])
    )
    assert '<a href="/">' in other.body.decode()
