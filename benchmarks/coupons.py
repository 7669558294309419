"""Coupon codec rates and scan time (pure Python, one process = one core).

    .venv/bin/python benchmarks/coupons.py [--quick]

Rates are given per second of wall time (``*_ratio``) and of this process's
CPU time (``*_ratio_cpu``: what one core does, less sensitive to a shared
machine's load).

1. issue rate: payload → CBOR → Ed25519 signature → SealedBox → Base45 text
   (``codec.issue``), against the raw PyNaCl sign + seal of the same payload
   bytes measured in the same run;
2. verify rate: text → Base45 → open → verify → merchant and validity checks
   (``codec.open_coupon``), against raw PyNaCl open + verify;
3. scan: a phone-camera-sized PNG (1200×1600, QR about a third of the width,
   grey background with noise) read (``symbols.read_picture``: OpenCV decodes
   it to a greyscale array, zxing-cpp reads it) and verified; p50/p95 wall
   time, p50 CPU time, and the p50 of decoding the PNG alone (the floor: every
   pixel of a PNG must be inflated). In the same run, picture by picture in
   turn: the previous reader (PIL decode and reduce, then zxing-cpp), the same
   frame as a JPEG as a phone camera or a browser canvas sends it, and the
   text a browser's BarcodeDetector or a USB scanner sends (verify only).

Last line: one JSON object with ``issue_ratio``, ``verify_ratio``, ``scan_p50_ms``
(the PNG path).  Aim: both ratios ≥ 0.8 and scan p50 < 30 ms.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import cv2  # noqa: E402
import numpy  # noqa: E402
import zxingcpp  # noqa: E402
from nacl.public import PrivateKey, SealedBox  # noqa: E402
from nacl.signing import SigningKey  # noqa: E402
from PIL import Image, ImageFilter  # noqa: E402

from groupbuy.coupons import codec, symbols  # noqa: E402

MERCHANT_ID = "mer_0123456789abcdef"
NOW = 1_800_000_000


def coupon(index: int) -> codec.Coupon:
    return codec.Coupon(
        platform_id="gb",
        key_id=1,
        serial=f"{index:016x}",
        merchant_id=MERCHANT_ID,
        product_id="prd_zzzzzzzzzzzzzzzz",
        consumer_ref="0102030405060708",
        quantity=1 + index % 5,
        not_before=NOW - 60,
        expires=NOW + 86_400,
    )


def rate(run, count: int) -> tuple[float, float]:
    """Operations per second of wall time and of this process's CPU time."""
    started, cpu_started = time.perf_counter(), time.process_time()
    for index in range(count):
        run(index)
    cpu = max(time.process_time() - cpu_started, 1e-9)
    return count / (time.perf_counter() - started), count / cpu


def paired(raw, ours, count: int, rounds: int = 3):
    """Best rate of each over ``rounds``, alternating so load changes hit both.

    Return (raw, ours) by wall time and (raw, ours) by CPU time: on a shared
    machine the CPU-time rates are what one core does for this process alone.
    """
    raw_rates, our_rates = [], []
    for _ in range(rounds):
        raw_rates.append(rate(raw, count))
        our_rates.append(rate(ours, count))
    wall = (max(r[0] for r in raw_rates), max(r[0] for r in our_rates))
    cpu = (max(r[1] for r in raw_rates), max(r[1] for r in our_rates))
    return wall, cpu


def camera_png(text: str, rng: random.Random, background: Image.Image) -> bytes:
    code = Image.open(io.BytesIO(symbols.png(text, scale=6))).convert("L")
    side = 400 + rng.randint(-20, 20)
    code = code.resize((side, side), Image.BILINEAR)
    canvas = background.copy()
    canvas.paste(code, (400 + rng.randint(-50, 50), 600 + rng.randint(-50, 50)))
    buffer = io.BytesIO()
    canvas.filter(ImageFilter.GaussianBlur(0.8)).save(buffer, format="PNG")
    return buffer.getvalue()


def camera_jpeg(png: bytes) -> bytes:
    """The same frame as a phone camera (or a browser canvas) sends it."""
    buffer = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def pil_read_picture(data: bytes) -> list[str]:
    """The reader before OpenCV: PIL decode, whole-factor reduce, zxing-cpp."""
    image = Image.open(io.BytesIO(data))
    image.draft("L", (symbols.FAST_SCAN_SIDE, symbols.FAST_SCAN_SIDE))
    image.load()
    factor = -(-max(image.size) // symbols.FAST_SCAN_SIDE)
    image = (image.reduce(factor) if factor > 1 else image).convert("L")
    results = zxingcpp.read_barcodes(
        image, formats=symbols._SCAN_FORMATS, try_rotate=False, try_invert=False
    )
    return [result.text for result in results if result.text]


def p50(values) -> float:
    return round(statistics.median(values), 1)


def p95(values) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    count = 400 if args.quick else 10_000
    scans = 12 if args.quick else 200
    platform, merchant = SigningKey.generate(), PrivateKey.generate()
    seed, public = bytes(platform), bytes(merchant.public_key)
    keys = {("gb", 1): codec.PlatformKey(verify_key=bytes(platform.verify_key))}
    coupons = [coupon(i) for i in range(count)]
    payloads = [codec.encode_payload(c) for c in coupons]
    raw_signer, raw_box = SigningKey(seed), SealedBox(merchant.public_key)

    texts = [
        codec.issue(c, signing_key=seed, merchant_public_key=public) for c in coupons
    ]
    sealed = [codec.from_text(text) for text in texts]
    (raw_issue, issue), (raw_issue_cpu, issue_cpu) = paired(
        lambda i: raw_box.encrypt(raw_signer.sign(payloads[i])),
        lambda i: codec.issue(coupons[i], signing_key=seed, merchant_public_key=public),
        count,
    )
    opener, verifier = SealedBox(merchant), platform.verify_key
    private = bytes(merchant)
    (raw_verify, verify_rate), (raw_verify_cpu, verify_cpu) = paired(
        lambda i: verifier.verify(opener.decrypt(sealed[i])),
        lambda i: codec.open_coupon(
            texts[i],
            merchant_id=MERCHANT_ID,
            merchant_private_key=private,
            platform_keys=keys,
            now=NOW,
        ),
        count,
    )

    rng = random.Random(7)
    background = Image.effect_noise((1200, 1600), 12).point(lambda v: 110 + v // 4)
    pictures = [camera_png(texts[i], rng, background) for i in range(scans)]
    jpegs = [camera_jpeg(picture) for picture in pictures]

    def verify(text: str) -> None:
        codec.open_coupon(
            text,
            merchant_id=MERCHANT_ID,
            merchant_private_key=private,
            platform_keys=keys,
            now=NOW,
        )

    def scan(reader):
        def run(index: int) -> bool:
            found = reader(index)
            if found:
                verify(found[0])
            return bool(found)

        return run

    paths = {
        "png": scan(lambda i: symbols.read_picture(pictures[i])),
        "png_pil": scan(lambda i: pil_read_picture(pictures[i])),
        "jpeg": scan(lambda i: symbols.read_picture(jpegs[i])),
        "text": scan(lambda i: [texts[i]]),
        "png_decode": lambda i: (
            cv2.imdecode(
                numpy.frombuffer(pictures[i], numpy.uint8), cv2.IMREAD_GRAYSCALE
            )
            is not None
        ),
        "png_decode_pil": lambda i: (
            Image.open(io.BytesIO(pictures[i])).convert("L") is not None
        ),
    }
    wall = {name: [] for name in paths}
    cpu = {name: [] for name in paths}
    misses = dict.fromkeys(paths, 0)
    names = list(paths)
    for index in range(scans):
        # Each picture through every path, the order turned each time so no
        # path always runs first (or right after another) on a loaded machine.
        turn = index % len(names)
        for name in names[turn:] + names[:turn]:
            started, cpu_started = time.perf_counter(), time.process_time()
            misses[name] += not paths[name](index)
            wall[name].append((time.perf_counter() - started) * 1000)
            cpu[name].append((time.process_time() - cpu_started) * 1000)
    result = {
        "issue_per_s": round(issue),
        "raw_sign_seal_per_s": round(raw_issue),
        "issue_ratio": round(issue / raw_issue, 3),
        "verify_per_s": round(verify_rate),
        "raw_open_verify_per_s": round(raw_verify),
        "verify_ratio": round(verify_rate / raw_verify, 3),
        "issue_ratio_cpu": round(issue_cpu / raw_issue_cpu, 3),
        "verify_ratio_cpu": round(verify_cpu / raw_verify_cpu, 3),
        "scan_p50_ms": p50(wall["png"]),
        "scan_p95_ms": p95(wall["png"]),
        # CPU time of this process alone: what a scan costs when the machine
        # is shared (wall time above includes waiting for a core).
        "scan_p50_cpu_ms": p50(cpu["png"]),
        "scan_misses": misses["png"],
        "png_decode_p50_ms": p50(wall["png_decode"]),
        "png_decode_p50_cpu_ms": p50(cpu["png_decode"]),
        "scan_pil_p50_ms": p50(wall["png_pil"]),
        "scan_pil_p50_cpu_ms": p50(cpu["png_pil"]),
        "scan_pil_misses": misses["png_pil"],
        "png_decode_pil_p50_ms": p50(wall["png_decode_pil"]),
        "png_decode_pil_p50_cpu_ms": p50(cpu["png_decode_pil"]),
        "scan_jpeg_p50_ms": p50(wall["jpeg"]),
        "scan_jpeg_p95_ms": p95(wall["jpeg"]),
        "scan_jpeg_p50_cpu_ms": p50(cpu["jpeg"]),
        "scan_jpeg_misses": misses["jpeg"],
        "scan_text_p50_ms": round(statistics.median(wall["text"]), 3),
        "scans": scans,
        "text_chars": len(texts[0]),
        "qr_version": symbols.qr(texts[0]).version,
        "quick": args.quick,
    }
    print(
        f"issue {issue:.0f}/s vs raw {raw_issue:.0f}/s; verify {verify_rate:.0f}/s "
        f"vs raw {raw_verify:.0f}/s; scan p50 PNG {result['scan_p50_ms']} ms "
        f"(PIL {result['scan_pil_p50_ms']}), JPEG {result['scan_jpeg_p50_ms']} ms, "
        f"text {result['scan_text_p50_ms']} ms"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
