"""The till's camera reads a coupon in the browser and sends only its text.

Chromium's fake camera plays a video we render here (a Y4M file of the
coupon's QR, drawn with segno); the console's scanner reads it with the
vendored zxing-wasm ponyfill (Chromium on Linux has no native
BarcodeDetector), puts the text in the redeem field and submits it: the
server only decrypts and verifies, no picture is uploaded.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from groupbuy.coupons import symbols
from tests.e2e import sign_in
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.coupon_seeding import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTH, HEIGHT, FRAMES = 640, 480, 20


def qr_video(text: str, path: Path) -> Path:
    """Write a Y4M video (4:2:0) of the QR on white, a few frames long."""
    code = Image.open(io.BytesIO(symbols.png(text, scale=5, symbol="qr")))
    code = np.array(code.convert("L"), dtype=np.uint8)
    luma = np.full((HEIGHT, WIDTH), 235, dtype=np.uint8)
    top, left = (HEIGHT - code.shape[0]) // 2, (WIDTH - code.shape[1]) // 2
    luma[top : top + code.shape[0], left : left + code.shape[1]] = code
    chroma = np.full((HEIGHT // 2, WIDTH // 2), 128, dtype=np.uint8).tobytes()
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(FRAMES):
            video.write(b"FRAME\n" + luma.tobytes() + chroma + chroma)
    return path


def test_the_camera_reads_the_coupon_and_the_server_only_verifies_its_text(
    chromium, groupbuy_server, tmp_path
):
    code = (
        "import json\n"
        "from tests.e2e.coupon_seeding import seed_confirmed_coupon\n"
        "print(json.dumps(seed_confirmed_coupon(shopper_phone='+8613900007711', "
        "owner_phone='+8613900007712')))"
    )
    seeded = json.loads(groupbuy_server.run_python(code).strip().splitlines()[-1])
    video = qr_video(seeded["code"], tmp_path / "coupon.y4m")
    browser = chromium.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = browser.new_context(base_url=groupbuy_server.url, locale="en-US")
        context.grant_permissions(["camera"])
        page = context.new_page()
        uploads = []
        page.on(
            "request",
            lambda request: (
                uploads.append(request)
                if request.method == "POST"
                and "multipart" in (request.headers.get("content-type") or "")
                else None
            ),
        )
        sign_in(page, "+8613900007712", PASSWORD)
        # given the merchant's console, which offers the camera
        page.goto(f"/coupons/merchant/{seeded['merchant']}/")
        page.wait_for_selector("#camera-scan", state="visible")
        # when the cashier asks for both units (an empty field takes one) and
        # starts it with the coupon in front of it
        page.fill("#id_quantity", "2")
        page.click("#camera-scan")
        # then the coupon is redeemed, both units, and no picture was sent
        page.wait_for_selector("#redeem-result", timeout=45_000)
        assert seeded["serial"] in page.inner_text("#redeem-result")
        assert page.get_attribute("#redeem-result", "data-units") == "2"
        assert uploads == []
    finally:
        browser.close()
