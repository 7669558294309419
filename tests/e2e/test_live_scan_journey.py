"""Live scanning: a barcode held to the camera finds its deal without a photo.

Chromium's fake camera plays a video we render here (a Y4M file of an EAN-13
made with zxing-cpp); the snap page reads it with the vendored zxing-wasm
ponyfill (Chromium on Linux has no native BarcodeDetector) and shows the deal;
with the network gone, it says so instead of "Looking it up…" for good.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import zxingcpp

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GTIN_BODY = "690999888777"  # check digit added by the encoder: 6909998887775
WIDTH, HEIGHT, FRAMES = 640, 480, 20


def barcode_video(path: Path) -> Path:
    """Write a Y4M video (4:2:0) of the EAN-13 on white, a few frames long."""
    symbol = zxingcpp.create_barcode(GTIN_BODY, zxingcpp.BarcodeFormat.EAN13)
    bars = np.array(zxingcpp.write_barcode_to_image(symbol, scale=4), dtype=np.uint8)
    luma = np.full((HEIGHT, WIDTH), 235, dtype=np.uint8)
    top, left = (HEIGHT - bars.shape[0]) // 2, (WIDTH - bars.shape[1]) // 2
    luma[top : top + bars.shape[0], left : left + bars.shape[1]] = bars
    chroma = np.full((HEIGHT // 2, WIDTH // 2), 128, dtype=np.uint8).tobytes()
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(FRAMES):
            video.write(b"FRAME\n" + luma.tobytes() + chroma + chroma)
    return path


def _camera_browser(chromium, video: Path):
    # A browser of its own (the camera is a launch flag), from the session's
    # Playwright: a second sync Playwright cannot start inside its event loop.
    return chromium.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )


def _snap_page(browser, server):
    context = browser.new_context(
        base_url=server.url,
        viewport={"width": 390, "height": 844},
        locale="en-US",
    )
    context.grant_permissions(["camera"])
    return context.new_page()


def test_a_barcode_held_to_the_camera_shows_its_deal(
    chromium, groupbuy_server, tmp_path
):
    deal = groupbuy_server.seed(
        f"seed_open_deal(gtin='{GTIN_BODY}5', tiers=[(1, 990)], stock=5)"
    )["deal"]
    browser = _camera_browser(chromium, barcode_video(tmp_path / "barcode.y4m"))
    try:
        page = _snap_page(browser, groupbuy_server)
        # given the snap page, which offers the camera
        page.goto("/snap/")
        page.wait_for_selector("#snap-live-start", state="visible")
        # when the shopper starts it with the barcode in front of it
        page.click("#snap-live-start")
        # then the deal appears, and no photo was sent
        page.wait_for_selector(f"#snap-result a[href*='{deal}']", timeout=45_000)
        assert page.locator("#snap-live-video").is_hidden()
    finally:
        browser.close()


def test_a_code_read_with_the_network_gone_says_so(chromium, groupbuy_server, tmp_path):
    browser = _camera_browser(chromium, barcode_video(tmp_path / "barcode.y4m"))
    try:
        page = _snap_page(browser, groupbuy_server)
        # given the snap page on a phone whose network has just gone
        page.goto("/snap/")
        page.wait_for_selector("#snap-live-start", state="visible")
        page.route("**/snap/code/", lambda route: route.abort("internetdisconnected"))
        # when the shopper holds a barcode to the camera
        page.click("#snap-live-start")
        # then the page says the code could not be looked up (until 2026-12-06
        # it said "Looking it up…" for good), and the camera can be started again
        page.locator("#snap-live-status").filter(has_text="No connection").wait_for(
            timeout=45_000
        )
        assert page.locator("#snap-live-start").is_visible()
    finally:
        browser.close()
