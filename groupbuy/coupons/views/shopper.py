"""The shopper's coupons: the list, a coupon's page, its refund, its QR code
and its printable PDF."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from groupbuy.catalog.selectors import merchant_branches
from groupbuy.core.money import format_fen
from groupbuy.core.pagination import paginate
from groupbuy.coupons import selectors, services, symbols
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.services.refunding import refund_offer_fen, refund_refusal
from groupbuy.coupons.views.common import _domain_errors


@login_required
def coupon_list(request: HttpRequest) -> HttpResponse:
    coupons = paginate(
        selectors.coupon_list_for_shopper(user=request.user),
        page=request.GET.get("page", 1),
    )
    return render(request, "coupons/list.html", {"coupons": coupons})


# The format links in the shopper's words: "QR code" is what a shopper calls
# it; PDF417 and Data Matrix have no everyday name, so they keep their makers',
# translatable should a language write them otherwise.
SYMBOL_LINKS = {
    "qr": pgettext_lazy("coupon code format", "QR code"),
    "pdf417": pgettext_lazy("coupon code format", "PDF417"),
    "datamatrix": pgettext_lazy("coupon code format", "Data Matrix"),
}
# What a screen reader calls the drawing: a sentence each, so that a language
# names the symbol its own way in it (二维码, not "QR"; until 2026-12-07 the
# symbol's English name was filled into one sentence).
SYMBOL_DRAWING_NAMES = {
    "qr": gettext_lazy("QR code of this coupon"),
    "pdf417": gettext_lazy("PDF417 code of this coupon"),
    "datamatrix": gettext_lazy("Data Matrix code of this coupon"),
}


@login_required
@_domain_errors
def coupon_detail(request: HttpRequest, coupon_id: str) -> HttpResponse:
    coupon = selectors.coupon_get_for_shopper(user=request.user, coupon_id=coupon_id)
    symbol = request.GET.get("symbol", "qr")
    if symbol not in symbols.FORMATS:
        symbol = "qr"
    code = coupon.code_to_show
    label = str(SYMBOL_DRAWING_NAMES[symbol])
    drawing = symbols.svg(code, symbol=symbol, label=label) if code else ""
    branches = merchant_branches(merchant=coupon.merchant)
    now = timezone.now()
    status = coupon.status_at(now)
    context = {
        "coupon": coupon,
        "status": status,
        # From the server's clock, not the phone's: coupon-live.js asks for the
        # page again when it has passed.
        "expires_in_ms": int((coupon.expires_at - now).total_seconds() * 1000),
        "svg": drawing,
        "symbol": symbol,
        "symbols": [(name, SYMBOL_LINKS[name]) for name in symbols.FORMATS],
        "branches": branches,
        "redemptions": selectors.coupon_redemptions(coupon=coupon),
        "units_held": selectors.coupon_units_held(user=request.user, coupon=coupon),
        "refundable_fen": refund_offer_fen(coupon),
        "refund": (refund := coupon.refund),
        # Every refund, listed unless the only one ended the coupon (its notice
        # says it all then).
        "refunds": (refunds := list(coupon.refunds.all())),
        "refunds_listed": bool(refunds) and refunds != [refund],
    }
    return render(request, "coupons/detail.html", context)


@login_required
@_domain_errors
def coupon_refund(request: HttpRequest, coupon_id: str) -> HttpResponse:
    """Refund a coupon's unused units, some or all: a GET asks to confirm
    (and how many), the POST refunds."""
    coupon = selectors.coupon_get_for_shopper(user=request.user, coupon_id=coupon_id)
    if request.method == "POST":
        refund = services.coupon_refund_unused(
            actor=request.user,
            coupon=coupon,
            units=units_asked(request),
            idempotency_key=request.POST.get("idempotency_key", "")[:64],
        )
        coupon.refresh_from_db()
        messages.success(request, refunded_message(refund, coupon))
        return redirect("coupons:detail", coupon.public_id)
    if refusal := refund_refusal(coupon):
        raise refusal
    return render(
        request,
        "coupons/refund_confirm.html",
        {
            "coupon": coupon,
            "refundable_fen": refund_offer_fen(coupon),
            "idempotency_key": secrets.token_urlsafe(16),
        },
    )


def units_asked(request: HttpRequest) -> int | None:
    """The units a refund form asks for; None (every unit left) when it names
    none, as the forms did before some could be refunded."""
    sent = request.POST.get("units", "").strip()
    if not sent:
        return None
    if not sent.isdigit():
        message = _("Refund at least one unit.")
        raise CouponError("invalid", message, fields={"units": [message]})
    return int(sent)


def refunded_message(refund, coupon) -> str:
    """What the shopper is told once their refund is made."""
    if coupon.remaining_quantity == 0:
        return _(
            "%(amount)s is on its way back to you; this coupon's code no longer works."
        ) % {"amount": format_fen(refund.amount_fen)}
    return ngettext(
        "%(amount)s is on its way back to you; the coupon still holds "
        "%(left)d unit for the till.",
        "%(amount)s is on its way back to you; the coupon still holds "
        "%(left)d units for the till.",
        coupon.remaining_quantity,
    ) % {"amount": format_fen(refund.amount_fen), "left": coupon.remaining_quantity}


@login_required
@_domain_errors
def coupon_png(request: HttpRequest, coupon_id: str) -> HttpResponse:
    coupon = selectors.coupon_get_for_shopper(user=request.user, coupon_id=coupon_id)
    code = coupon.code_to_show
    if not code:
        raise Http404(_("This coupon has no code to show."))
    symbol = request.GET.get("symbol", "qr")
    if symbol not in symbols.FORMATS:
        symbol = "qr"
    response = HttpResponse(symbols.png(code, symbol=symbol), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@_domain_errors
def coupon_pdf(request: HttpRequest, coupon_id: str) -> HttpResponse:
    """The printable coupon (PDF)."""
    coupon = selectors.coupon_get_for_shopper(user=request.user, coupon_id=coupon_id)
    branches = merchant_branches(merchant=coupon.merchant)
    # Imported here: fpdf and fontTools cost every process about a second to
    # import, and only these two views print.
    from groupbuy.coupons import pdfs

    response = HttpResponse(
        pdfs.coupon_pdf(coupon, branches=branches), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{coupon.public_id}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
