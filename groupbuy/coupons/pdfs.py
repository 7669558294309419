"""Printable PDFs: the coupon and the settlement statement (fpdf2).

They are written in the reader's language, like the pages they are printed
from. Chinese text needs a CJK font: ``GROUPBUY_PDF_FONT`` (a .ttf/.otf/.ttc
path) or the first Noto CJK font found on the system, cut down to its common
characters once and parsed once per process (pdf_fonts: a PDF costs about a
quarter of the CPU it did). Without one, the PDFs are written with the built-in
Helvetica, in English, with the English names only.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fpdf import FPDF

from groupbuy.core.money import format_fen
from groupbuy.core.times import format_local_time
from groupbuy.coupons import pdf_fonts, symbols
from groupbuy.coupons.services.redeeming import unusable_message
from groupbuy.coupons.statements import adjustment_note, paid_at_close

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


@functools.cache
def cjk_font() -> str | None:
    configured = os.environ.get("GROUPBUY_PDF_FONT")
    for candidate in (configured, *FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


class _Document(FPDF):
    """A PDF that knows its CJK face, to draw a line with a character outside
    the face's common ones from the whole face (see pdf_fonts)."""

    cjk_face: pdf_fonts.CjkFace | None = None


def _document() -> tuple[_Document, bool]:
    pdf = _Document(format=(148, 210))  # A5, in mm
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    font = cjk_font()
    if font:
        # Noto CJK collections hold SC as font 2; a plain .ttf ignores the number.
        number = 2 if font.endswith(".ttc") and "Noto" in font else 0
        pdf.cjk_face = pdf_fonts.cjk_face(font, number)
        pdf_fonts.add_cjk_font(pdf, pdf.cjk_face)
        pdf.set_font(pdf_fonts.COMMON, size=11)
        return pdf, True
    pdf.set_font("helvetica", size=11)
    return pdf, False


def _language(unicode_ok: bool):
    """The reader's language, or English where Helvetica cannot draw it."""
    if unicode_ok:
        return contextlib.nullcontext()
    return translation.override("en")


def _text(value: str, unicode_ok: bool, fallback: str = "") -> str:
    if unicode_ok:
        return value
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return fallback or value.encode("ascii", "replace").decode("ascii")
    return value


def _line(pdf: _Document, text: str, *, size: int = 11, height: float = 6) -> None:
    pdf.set_font_size(size)
    if pdf.cjk_face:
        pdf_fonts.set_cjk_font_for(pdf, pdf.cjk_face, text)
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


def _small(pdf: FPDF, text: str) -> None:
    _line(pdf, text, size=9, height=5)


def _adjustment(pdf: FPDF, statement, adjustment, when) -> None:
    """A coupon's units settled other than by redemption (an expiry, a refund):
    what it moved the merchant's balance by, as the figures count it (negative
    where taken back: the merchant's part), and its outcome with the whole
    amount, as the page and the CSV say them."""
    _small(
        pdf,
        f"{format_local_time(when)}  {adjustment.coupon.serial}"
        f"  ×{adjustment.quantity}  {format_fen(statement.adjustment_fen(adjustment))}"
        f"  {adjustment_note(statement, adjustment)}",
    )


def _time_zone_note() -> str:
    return _("Times are in the %(zone)s time zone.") % {"zone": settings.TIME_ZONE}


def coupon_pdf(coupon, *, branches) -> bytes:
    """A printable coupon: QR, product, merchant, branch addresses, expiry."""
    pdf, unicode_ok = _document()
    deal = coupon.order.deal
    product = deal.product
    with _language(unicode_ok):
        _line(pdf, _text(deal.title, unicode_ok, product.name_en), size=16, height=9)
        _line(
            pdf,
            _text(
                f"{product.name_zh} / {product.name_en}", unicode_ok, product.name_en
            ),
        )
        merchant = coupon.merchant
        _line(pdf, _text(merchant.display_name, unicode_ok, merchant.name_en))
        units = ngettext("%(units)s unit", "%(units)s units", coupon.quantity) % {
            "units": coupon.quantity
        }
        _line(
            pdf,
            _("Serial %(serial)s · %(units)s")
            % {"serial": coupon.serial, "units": units},
        )
        _line(
            pdf,
            _("Valid until %(time)s") % {"time": format_local_time(coupon.expires_at)},
        )
        code = coupon.code_to_show
        if code:
            _units_left(pdf, coupon)
            image = io.BytesIO(symbols.png(code, scale=8))
            pdf.image(image, w=90, x=(pdf.w - 90) / 2)
            _small(pdf, _("Show this code at the till."))
        elif refusal := unusable_message(coupon):
            _line(pdf, refusal)
        if branches:
            _line(pdf, _("Where to redeem"))
        for branch in branches:
            _small(
                pdf,
                _text(
                    _("%(branch)s: %(address)s")
                    % {"branch": branch.display_name, "address": branch.address},
                    unicode_ok,
                    "(branch address in Chinese)",
                ),
            )
        _small(pdf, _time_zone_note())
    return bytes(pdf.output())


def _units_left(pdf: FPDF, coupon) -> None:
    """A coupon some of whose units are used or refunded: how many a till may
    still take, so a clerk reading the paper does not hand over all it was
    issued for (the till refuses more anyway, but the clerk reads first)."""
    left = coupon.remaining_quantity
    if left == coupon.quantity:
        return
    _line(
        pdf,
        ngettext(
            "Usable now: %(left)s of %(units)s unit",
            "Usable now: %(left)s of %(units)s units",
            coupon.quantity,
        )
        % {"left": left, "units": coupon.quantity},
    )
    if refunded := coupon.refunded_quantity:
        _line(
            pdf,
            ngettext(
                "%(count)s unit was refunded and cannot be redeemed.",
                "%(count)s units were refunded and cannot be redeemed.",
                refunded,
            )
            % {"count": refunded},
        )


def statement_pdf(statement) -> bytes:
    """The settlement statement of a period, as its page shows it."""
    pdf, unicode_ok = _document()
    merchant = statement.merchant
    with _language(unicode_ok):
        _line(
            pdf,
            _text(merchant.display_name, unicode_ok, merchant.name_en),
            size=14,
            height=8,
        )
        _line(pdf, f"{_('Settlement statement')} {statement.start} - {statement.end}")
        _small(pdf, _time_zone_note())
        figures = [(_("Redeemed"), statement.redeemed_fen)]
        if statement.paid_at_close_fen:
            figures.append(
                (_("Redeemed, paid when the deal closed"), statement.paid_at_close_fen)
            )
        if statement.expiry_paid_fen:
            figures.append(
                (_("Expired unredeemed, paid to you"), statement.expiry_paid_fen)
            )
        figures.append((_("Platform fee"), -statement.fee_fen))
        if statement.taken_back_fen:
            figures.append((_("Taken back for refunds"), -statement.taken_back_fen))
        figures.append((_("Net"), statement.net_fen))
        for label, amount in figures:
            _line(pdf, f"{label}  {format_fen(amount)}")
        if not statement.has_redemptions:
            _small(pdf, _("No redemptions in this period."))
        for r in statement.redemptions.iterator():
            _small(
                pdf,
                f"{format_local_time(r.redeemed_at)}  {r.coupon.serial}  ×{r.quantity}"
                f"  {format_fen(r.amount_fen)}  {r.get_channel_display()}"
                + (f"  {_('(paid at close)')}" if paid_at_close(r) else ""),
            )
        expiries = statement.listed(statement.expiries)
        if expiries:
            _line(pdf, _("Expired unredeemed"))
        for expiry in expiries:
            _adjustment(pdf, statement, expiry, expiry.settled_at)
        refunds = statement.listed(statement.refunds)
        if refunds:
            _line(pdf, _("Refunded unused"))
        for refund in refunds:
            _adjustment(pdf, statement, refund, refund.refunded_at)
        if statement.conflicts:
            _line(pdf, _("Conflicts (not paid; for disputes)"))
        for c in statement.conflicts:
            _small(
                pdf,
                f"{format_local_time(c.redeemed_at)}  {c.coupon.serial}  ×{c.quantity}"
                f"  {c.get_reason_display()}"
                + (f"  {c.superseded_note}" if c.superseded_at else ""),
            )
    return bytes(pdf.output())
