"""Coupon pages: the shopper's coupons and the merchant's redemption console."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groupbuy.accounts.selectors import user_memberships
from groupbuy.catalog.permissions import staff_branch_limit
from groupbuy.catalog.selectors import merchant_branches
from groupbuy.core.errors import DomainError
from groupbuy.core.money import format_fen
from groupbuy.core.pagination import paginate
from groupbuy.core.times import format_local_time
from groupbuy.coupons import selectors, services, statements, symbols
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.forms import (
    BatchForm,
    PhotoForm,
    RedeemForm,
    StatementPeriodForm,
)
from groupbuy.coupons.models import ExpiryRule
from groupbuy.coupons.services.batches import batch_file_bytes
from groupbuy.coupons.services.keys import merchant_key_active
from groupbuy.coupons.services.refunding import refund_offer_fen, refund_refusal
from groupbuy.web.charts import Chart, Series
from groupbuy.web.forms import add_domain_error
from groupbuy.web.views.common import safe_next_url


def _domain_errors(view):
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            if error.status == 404:
                raise Http404(error.message) from error
            if error.status == 403:
                raise PermissionDenied(error.message) from error
            # Any other refusal (a statement's day outside the calendar) is a
            # 400 page with its message, never a 500.
            return render(
                request, "web/error.html", {"error": error}, status=error.status
            )

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@login_required
def coupon_list(request: HttpRequest) -> HttpResponse:
    coupons = selectors.coupon_list_for_shopper(user=request.user)
    return render(request, "coupons/list.html", {"coupons": coupons})


@login_required
@_domain_errors
def coupon_detail(request: HttpRequest, coupon_id: str) -> HttpResponse:
    coupon = selectors.coupon_get_for_shopper(user=request.user, coupon_id=coupon_id)
    symbol = request.GET.get("symbol", "qr")
    if symbol not in symbols.FORMATS:
        symbol = "qr"
    code = coupon.code_to_show
    drawing = symbols.svg(code, symbol=symbol) if code else ""
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
        "symbols": [(name, symbols.LABELS[name]) for name in symbols.FORMATS],
        "branches": branches,
        "redemptions": selectors.coupon_redemptions(coupon=coupon),
        "refundable_fen": refund_offer_fen(coupon),
        "refund": getattr(coupon, "refund", None),
    }
    return render(request, "coupons/detail.html", context)


@login_required
@_domain_errors
def coupon_refund(request: HttpRequest, coupon_id: str) -> HttpResponse:
    """Refund a coupon's unused units: a GET asks to confirm, the POST refunds."""
    coupon = selectors.coupon_get_for_shopper(user=request.user, coupon_id=coupon_id)
    if request.method == "POST":
        refund = services.coupon_refund_unused(actor=request.user, coupon=coupon)
        messages.success(
            request,
            _(
                "%(amount)s is on its way back to you; this coupon's code no "
                "longer works."
            )
            % {"amount": format_fen(refund.amount_fen)},
        )
        return redirect("coupons:detail", coupon.public_id)
    if refusal := refund_refusal(coupon):
        raise refusal
    return render(
        request,
        "coupons/refund_confirm.html",
        {"coupon": coupon, "refundable_fen": refund_offer_fen(coupon)},
    )


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
def merchant_home(request: HttpRequest) -> HttpResponse:
    """Open the redemption console of the (first) merchant the user works for."""
    memberships = user_memberships(user=request.user)
    if not memberships:
        raise PermissionDenied(_("Only a merchant's staff can redeem coupons."))
    return redirect("coupons:merchant_console", memberships[0].merchant.public_id)


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


def _till_branch_key(merchant) -> str:
    return f"coupons.till_branch.{merchant.public_id}"


def _till_form(request, merchant, data=None, *, by_photo=False) -> RedeemForm:
    """The till's form: a cashier limited to one branch is offered that branch
    only; anyone else the open branches, the one they last redeemed at chosen
    (kept in their session), and on a refusal what they sent (``data``)."""
    own_branch = staff_branch_limit(request.user, merchant)
    initial = {"branch": request.session.get(_till_branch_key(merchant), "")}
    if by_photo:
        # A photo scan typed no code: show its branch and units again, not a
        # "required" under the empty code field.
        initial = {"branch": data.get("branch", ""), "quantity": data.get("quantity")}
        data = None
    return RedeemForm(
        data,
        branches=[own_branch] if own_branch else merchant_branches(merchant=merchant),
        any_branch=own_branch is None,
        initial=initial,
    )


def _console_context(request, merchant, *, form=None, **extra) -> dict:
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    redemptions = selectors.redemptions_for_staff(
        user=request.user, merchant=merchant
    ).filter(recorded_at__gte=today)
    deals = selectors.merchant_deals_with_expiry_rules(
        merchant=merchant, page=request.GET.get("deals_page", 1)
    )
    return {
        "merchant": merchant,
        "section": "coupons",
        "form": form or _till_form(request, merchant),
        # Rows are picked by when they were recorded: an offline redemption of
        # an earlier day uploaded today is shown with its day.
        "today": today.date(),
        # A new one-time key on every page: the redemption a form makes is
        # recorded under it, so the same form sent again (a double tap, back
        # and resend, a retry) finds that redemption instead of taking more.
        "redeem_key": secrets.token_urlsafe(18),
        "photo_form": PhotoForm(),
        "batch_form": BatchForm(),
        "redemptions": paginate(
            redemptions, page=request.GET.get("redemptions_page", 1)
        ),
        "conflicts": paginate(
            selectors.conflicts_for_staff(user=request.user, merchant=merchant),
            page=request.GET.get("conflicts_page", 1),
        ),
        "batches": paginate(
            selectors.batches_for_staff(user=request.user, merchant=merchant),
            page=request.GET.get("batches_page", 1),
            page_size=10,
        ),
        "merchant_key": merchant_key_active(merchant=merchant),
        "multi_branch": merchant_branches(merchant=merchant).count() > 1,
        "deals": deals,
        "any_paid_at_close": any(
            deal.settlement_mode == "on_close" for deal in deals.items
        ),
        "expiry_rules": ExpiryRule.choices,
        "branches": merchant_branches(merchant=merchant).select_related(
            "coupon_settings"
        ),
        **extra,
    }


@login_required
@_domain_errors
def merchant_console(request: HttpRequest, merchant_id: str) -> HttpResponse:
    merchant = selectors.merchant_get_for_staff(
        user=request.user, public_id=merchant_id
    )
    redeemed = None
    if request.GET.get("redeemed"):
        redeemed = selectors.redemption_get_for_staff(
            user=request.user, merchant=merchant, redemption_id=request.GET["redeemed"]
        )
    context = _console_context(request, merchant, redeemed=redeemed)
    return render(request, "coupons/console.html", context)


@login_required
@require_POST
@_domain_errors
def merchant_redeem(request: HttpRequest, merchant_id: str) -> HttpResponse:
    merchant = selectors.merchant_get_for_staff(
        user=request.user, public_id=merchant_id
    )
    # Any of the shop's branches, a closed one too: a console opened before
    # its branch closed is told so by the service, not refused as "no code".
    branches = merchant.branches.all()
    form = RedeemForm(request.POST, branches=branches)
    photo_form = PhotoForm(request.POST, request.FILES)
    branch = branches.filter(public_id=request.POST.get("branch") or "").first()
    # The photo when "Scan photo" was pressed, or a photo came with no code
    # typed; else the code (a USB scan's Enter with a photo still chosen).
    by_photo = "photo" in request.FILES and (
        request.POST.get("scan") == "photo" or not request.POST.get("code", "").strip()
    )
    try:
        code = _code_in_photo(photo_form) if by_photo else _code_typed(form)
        _require_branch(request, merchant, branch)
        redemption = services.coupon_redeem_online(
            actor=request.user,
            merchant=merchant,
            code=code,
            branch=branch,
            quantity=_units_asked(form),
            idempotency_key=request.POST.get("idempotency_key") or None,
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        return _refused(
            request,
            merchant,
            error.message,
            code=error.code,
            form=_till_form(request, merchant, request.POST, by_photo=by_photo),
        )
    if redemption.branch is not None:
        request.session[_till_branch_key(merchant)] = redemption.branch.public_id
    # Post/Redirect/Get: reloading the result must not send the form again.
    console = reverse("coupons:merchant_console", args=[merchant.public_id])
    return redirect(f"{console}?redeemed={redemption.public_id}")


def _units_asked(form: RedeemForm) -> int:
    """Return the units asked for; one when the field is empty: taking every
    unit left needs the cashier to say how many."""
    form.is_valid()  # a photo scan has no code: its units are read all the same
    return form.cleaned_data.get("quantity") or 1


def _require_branch(request, merchant, branch) -> None:
    """Refuse a redemption at no branch from a till of a shop with more than
    one open branch: its statement would not say where the coupon was used.
    (A cashier limited to one branch redeems there; the service sees to it.)"""
    if branch is not None or staff_branch_limit(request.user, merchant):
        return
    if merchant_branches(merchant=merchant).count() > 1:
        message = _("Choose the branch you are at.")
        raise CouponError(
            "branch_required", message, status=422, fields={"branch": [message]}
        )


def _code_in_photo(photo_form: PhotoForm) -> str:
    """Return the first coupon code in the uploaded photo; else refuse."""
    if not photo_form.is_valid():
        # Not an image Pillow can open (a text file, a damaged PNG): "scan or
        # type a code" would hide that the upload itself was refused.
        message = _("This file is not a photo, or it is damaged.")
        raise CouponError("not_a_photo", message, status=422)
    found = symbols.read_picture(photo_form.cleaned_data["photo"].read())
    if not found:
        message = _("No coupon code found in that photo.")
        raise CouponError("no_code_in_photo", message, status=422)
    return found[0]


def _code_typed(form: RedeemForm) -> str:
    """Return the code scanned, typed or pasted into ``form``; else refuse."""
    if form.is_valid():
        return form.cleaned_data["code"]
    if "quantity" in form.errors:
        raise CouponError("bad_quantity", form.errors["quantity"][0], status=422)
    if "code" in form.errors and form.data.get("code", "").strip():
        # Something was entered that cannot be a code (far too long).
        raise CouponError("malformed", form.errors["code"][0], status=422)
    raise CouponError("missing_code", _("Scan or type a coupon code."), status=422)


def _refused(
    request,
    merchant,
    message: str,
    *,
    code: str = "invalid",
    form: RedeemForm | None = None,
    status: int = 422,
):
    context = _console_context(
        request, merchant, form=form, refusal=message, refusal_code=code
    )
    return render(request, "coupons/console.html", context, status=status)


@login_required
@require_POST
@_domain_errors
def merchant_batch_upload(request: HttpRequest, merchant_id: str) -> HttpResponse:
    merchant = selectors.merchant_get_for_staff(
        user=request.user, public_id=merchant_id
    )
    form = BatchForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, merchant, _("Choose the batch file to upload."))
    try:
        batch = services.batch_import(
            actor=request.user,
            merchant=merchant,
            data=batch_file_bytes(request.FILES["batch"]),
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        status = 413 if error.code == "too_large" else 422
        return _refused(
            request, merchant, error.message, code=error.code, status=status
        )
    counts = {
        "accepted": batch.accepted,
        "conflicts": batch.conflicts,
        "rejected": batch.rejected,
    }
    if batch.already_imported:
        message = _(
            "This batch was already imported on %(when)s (%(accepted)d redeemed, "
            "%(conflicts)d conflicts, %(rejected)d refused); nothing was imported "
            "again."
        ) % {"when": format_local_time(batch.uploaded_at), **counts}
        messages.info(request, message)
    else:
        message = _(
            "Batch imported: %(accepted)d redeemed, %(conflicts)d conflicts, "
            "%(rejected)d refused."
        )
        messages.success(request, message % counts)
    return redirect("coupons:merchant_console", merchant.public_id)


@login_required
@require_POST
@_domain_errors
def merchant_branch_offline(
    request: HttpRequest, merchant_id: str, branch_id: str
) -> HttpResponse:
    """Owners switch offline redemption on or off for one branch."""
    merchant = selectors.merchant_get_for_owner(
        user=request.user, public_id=merchant_id
    )
    branch = merchant_branches(merchant=merchant).filter(public_id=branch_id).first()
    if branch is None:
        raise Http404(_("No such branch."))
    enabled = request.POST.get("offline_enabled") == "1"
    services.branch_offline_set(actor=request.user, branch=branch, enabled=enabled)
    return redirect("coupons:merchant_console", merchant.public_id)


@login_required
@require_POST
@_domain_errors
def merchant_deal_terms(
    request: HttpRequest, merchant_id: str, deal_id: str
) -> HttpResponse:
    """Owners choose what happens to a deal's coupons that expire unredeemed,
    and whether shoppers may refund them unused."""
    merchant = selectors.merchant_get_for_owner(
        user=request.user, public_id=merchant_id
    )
    deal = merchant.deals.filter(public_id=deal_id).first()
    if deal is None:
        raise Http404(_("No such deal."))
    rule = request.POST.get("expiry_rule", "")
    if rule not in ExpiryRule.values:
        return _refused(request, merchant, _("Choose a rule."))
    # The form sends "off" then, when ticked, "on"; a deal whose refunds are
    # promised to buyers shows no box and sends neither.
    refundable = request.POST.getlist("unused_refundable")
    services.deal_coupon_terms_set(
        actor=request.user,
        deal=deal,
        expiry_rule=rule,
        unused_refundable=refundable[-1] == "on" if refundable else None,
    )
    return redirect("coupons:merchant_console", merchant.public_id)


@login_required
@require_POST
@_domain_errors
def merchant_coupon_refund(
    request: HttpRequest, merchant_id: str, coupon_id: str
) -> HttpResponse:
    """Owners refund a coupon's unused units with a reason (the shop cannot
    honour it); back to the page the form was on."""
    merchant = selectors.merchant_get_for_owner(
        user=request.user, public_id=merchant_id
    )
    coupon = selectors.coupon_get_for_merchant_owner(
        user=request.user, merchant=merchant, coupon_id=coupon_id
    )
    back = safe_next_url(request, reverse("web:merchant_orders", args=[merchant_id]))
    try:
        refund = services.coupon_refund_by_merchant(
            actor=request.user, coupon=coupon, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.message)
        return redirect(back)
    messages.success(
        request,
        _("Coupon %(serial)s was refunded: %(amount)s goes back to the buyer.")
        % {"serial": coupon.serial, "amount": format_fen(refund.amount_fen)},
    )
    return redirect(back)


@login_required
@require_POST
@_domain_errors
def merchant_key_file(request: HttpRequest, merchant_id: str) -> HttpResponse:
    """Generate the merchant's keys on the platform and hand the file over once.

    Replacing a key stops every station set up with it, so the owner ticks that
    they understand first (the button is one click away on the console)."""
    merchant = selectors.merchant_get_for_owner(
        user=request.user, public_id=merchant_id
    )
    if merchant_key_active(merchant=merchant) and (
        request.POST.get("confirm_replace") != "on"
    ):
        raise CouponError(
            "confirm_replace",
            _(
                "The key was not replaced: tick “I understand: replace the "
                "current key” first. Every station set up with the current key "
                "refuses coupons until it is set up again with the new key file."
            ),
            status=400,
        )
    _key, key_file = services.merchant_key_generate(
        actor=request.user, merchant=merchant, replace_current=True
    )
    response = HttpResponse(key_file, content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="coupon-key-{merchant.public_id}.json"'
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@_domain_errors
def merchant_statement(request: HttpRequest, merchant_id: str) -> HttpResponse:
    """The settlement statement of a period (default: this month); ?format=csv.
    The shop's money: its owners' and the operators', not its cashiers'."""
    merchant = selectors.merchant_get_for_owner(
        user=request.user, public_id=merchant_id
    )
    form = StatementPeriodForm(request.GET)
    file_format = request.GET.get("format")
    period_error = ""
    try:
        statement = _asked_statement(merchant, form)
    except CouponError as refusal:
        # A file is never made for other days than asked: its CSV/PDF is a 400
        # saying why. As the sales page, the page says it on the fields and
        # above this month's statement, never a statement of other days under
        # what was typed.
        if file_format in ("pdf", "csv") or refusal.code != "invalid_date":
            raise
        if form.is_valid():
            add_domain_error(form, refusal)
        period_error = refusal.message
        start, end = statements.statement_period(None, None)
        statement = statements.statement_for(merchant=merchant, start=start, end=end)
    if file_format == "pdf":
        from groupbuy.coupons import pdfs  # imported here: see coupon_pdf

        response = HttpResponse(
            pdfs.statement_pdf(statement), content_type="application/pdf"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="statement-{merchant.public_id}-'
            f'{statement.start}-{statement.end}.pdf"'
        )
        return response
    if file_format == "csv":
        response = HttpResponse(
            statements.statement_csv(statement), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="statement-{merchant.public_id}-'
            f'{statement.start}-{statement.end}.csv"'
        )
        return response
    if not period_error:
        form = StatementPeriodForm(
            initial={"start": statement.start, "end": statement.end}
        )
    context = {
        "merchant": merchant,
        "form": form,
        "statement": statement,
        # The totals count every redemption; the page lists one page of them
        # (the CSV and PDF all).
        "redemptions": paginate(
            statement.redemptions, page=request.GET.get("redemptions_page", 1)
        ),
        "charts": _statement_charts(statement),
        "section": "coupons",
        "period_error": period_error,
    }
    status = 400 if period_error else 200
    return render(request, "coupons/statement.html", context, status=status)


def _asked_statement(merchant, form: StatementPeriodForm) -> statements.Statement:
    """Return the statement of the days ``form`` asks for; a day that cannot be
    read is refused (CouponError invalid_date, on its field) rather than
    replaced by a default."""
    if not form.is_valid():
        reasons = [
            _("%(field)s “%(value)s”: %(reason)s")
            % {
                "field": form.fields[name].label,
                "value": form.data.get(name, ""),
                "reason": " ".join(map(str, errors)),
            }
            for name, errors in form.errors.items()
        ]
        raise CouponError(
            "invalid_date",
            _("The days asked for could not be read. %(reasons)s")
            % {"reasons": " ".join(reasons)},
            fields={
                name: list(map(str, errors)) for name, errors in form.errors.items()
            },
        )
    start, end = statements.statement_period(
        form.cleaned_data["start"], form.cleaned_data["end"]
    )
    return statements.statement_for(merchant=merchant, start=start, end=end)


def _statement_charts(statement) -> list[Chart]:
    """None for a period with no redemption or too long to draw by day."""
    days = statements.statement_days(statement) if statement.redemptions else []
    if not days:
        return []
    one_year = statement.start.year == statement.end.year
    labels = [day.day.strftime("%m-%d" if one_year else "%Y-%m-%d") for day in days]
    return [
        Chart(
            title=_("Settled to you per day"),
            labels=labels,
            series=[
                Series(_("Redeemed"), [day.settled_fen for day in days]),
                Series(_("Platform fee"), [day.fee_fen for day in days]),
            ],
            kind="bar",
            money=True,
            label_heading=_("Day"),
            dom_id="statement-money-chart",
        ),
        Chart(
            title=_("Coupon units redeemed per day"),
            labels=labels,
            series=[Series(_("Units"), [day.units for day in days])],
            kind="bar",
            label_heading=_("Day"),
            dom_id="statement-units-chart",
        ),
    ]
