"""What a barcode symbol points at: a GTIN, a deal link, printed digits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from groupbuy.catalog.gtin import gtin14, is_valid_gtin

# Readers report UPC-A as a 13-digit EAN and UPC-E expanded; all become GTIN-14.
RETAIL_FORMAT_NAMES = {"EAN13", "EAN8", "UPCA", "UPCE"}
ALWAYS_TRIED = ("plain", "detail")
# Reads of untouched pixels: the pipeline's plain calls, and a code the browser
# read from raw camera frames (twice in a row) with the same library.
_UNRETOUCHED = (*ALWAYS_TRIED, "live")

_DEAL_PATH = re.compile(r"(?:^|/)deals/(deal_[0-9a-z]{16})/?$")
_DIGITAL_LINK_GTIN = re.compile(r"/01/(\d{8,14})(?:/|$)")
_GS1_HRI_GTIN = re.compile(r"^\(01\)(\d{14})")
# Digits in groups as printed under a code: "9 780804 816632", "0 36602 30146 7".
_PRINTED_NUMBER = re.compile(r"(?<![\d.])\d(?:[ ]?\d){11,12}(?![\d.])")


@dataclass(frozen=True)
class BarcodeReading:
    """One decoded symbol: ``format`` is zxing-cpp's name (``EAN13``, ``QRCode``)."""

    format: str
    text: str
    is_gs1: bool
    attempt: str  # which preparation of the picture decoded it

    @property
    def is_retried(self) -> bool:
        """Whether a retouched picture, not the library's plain call, gave it."""
        return self.attempt not in _UNRETOUCHED


def gtin_from_reading(reading: BarcodeReading) -> str | None:
    """Return the 14-digit GTIN a symbol carries, or None."""
    if reading.format in RETAIL_FORMAT_NAMES:
        code = reading.text
        if reading.format == "UPCE" and len(code) == 8:
            code = expand_upce(code)
        return gtin14(code) if code and is_valid_gtin(code) else None
    if reading.format == "QRCode":
        return gtin_from_text(reading.text, is_gs1=reading.is_gs1)
    return None


def gtin_from_text(text: str, *, is_gs1: bool = False) -> str | None:
    """Return the GTIN in a QR payload: digits, GS1 data or a GS1 Digital Link."""
    text = text.strip()
    if is_gs1 and text.startswith("01"):
        code = text[2:16]
    elif match := _GS1_HRI_GTIN.match(text):
        code = match.group(1)
    elif text.lower().startswith(("http://", "https://")):
        match = _DIGITAL_LINK_GTIN.search(urlsplit(text).path)
        code = match.group(1) if match else ""
    else:
        code = text
    return gtin14(code) if is_valid_gtin(code) else None


def printed_gtins(text: str) -> list[str]:
    """Return the GTIN-14s of EAN-13/UPC-A numbers printed in OCR'd ``text``.

    The digits under a barcode ("6 901939 621257") often stay legible when the
    bars are too blurred to decode. Only 12 and 13 digits count: a shorter
    number on a label (a date, a phone number) passes a check digit one time
    in ten.
    """
    found = []
    for run in _PRINTED_NUMBER.findall(text):
        digits = run.replace(" ", "")
        if len(digits) in (12, 13) and is_valid_gtin(digits):
            found.append(gtin14(digits))
    return list(dict.fromkeys(found))


def deal_from_text(text: str) -> str | None:
    """Return the deal public id of a groupbuy deal link on any host, or None."""
    text = text.strip()
    if not text.lower().startswith(("http://", "https://")):
        return None
    match = _DEAL_PATH.search(urlsplit(text).path)
    return match.group(1) if match else None


def expand_upce(code: str) -> str:
    """Return the UPC-A (12 digits) a UPC-E code (8 digits) stands for."""
    number_system, body, check = code[0], code[1:7], code[7]
    last = body[5]
    if last in "012":
        middle = body[:2] + last + "0000" + body[2:5]
    elif last == "3":
        middle = body[:3] + "00000" + body[3:5]
    elif last == "4":
        middle = body[:4] + "00000" + body[4]
    else:
        middle = body[:5] + "0000" + last
    return number_system + middle + check
