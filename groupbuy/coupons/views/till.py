"""The merchant's till: the redemption console, redeeming by code or photo,
offline batches, the offline switch and the shop's coupon key."""

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
from groupbuy.core.pagination import paginate
from groupbuy.core.times import format_local_time
from groupbuy.coupons import selectors, services, symbols
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.forms import (
    BatchForm,
    PhotoForm,
    RedeemForm,
)
from groupbuy.coupons.models import ExpiryRule
from groupbuy.coupons.services.batches import batch_file_bytes
from groupbuy.coupons.services.keys import merchant_key_active
from groupbuy.coupons.views.common import _domain_errors


@login_required
def merchant_home(request: HttpRequest) -> HttpResponse:
    """Open the redemption console of the (first) merchant the user works for."""
    memberships = user_memberships(user=request.user)
    if not memberships:
        raise PermissionDenied(_("Only a merchant's staff can redeem coupons."))
    return redirect("coupons:merchant_console", memberships[0].merchant.public_id)


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
    # Ten deals a page, as the batches: the till's own tools come first, and
    # twenty rows of forms made its page several screens long on a phone.
    deals = selectors.merchant_deals_with_expiry_rules(
        merchant=merchant, page=request.GET.get("deals_page", 1), page_size=10
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
        # A cashier limited to one branch cannot act on the several-branches
        # warning (which station to use is the owner's choice): not shown.
        "multi_branch": staff_branch_limit(request.user, merchant) is None
        and merchant_branches(merchant=merchant).count() > 1,
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


def _units_asked(form: RedeemForm) -> int | None:
    """Return the units asked for, None when the field is empty: the service
    takes one then, as over the API (and a shop with several open branches
    needs one chosen: the service's ``branch_required``)."""
    form.is_valid()  # a photo scan has no code: its units are read all the same
    return form.cleaned_data.get("quantity")


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
    if "code" in form.errors:
        raise CouponError("missing_code", _("Scan or type a coupon code."), status=422)
    # A code with no branch chosen: the service says whether one is needed
    # (a branch among several open ones), as over the API.
    return form.cleaned_data["code"]


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
    if enabled:
        text = _("%(branch)s now allows offline redemption.")
    else:
        text = _("%(branch)s now redeems online only.")
    messages.success(request, text % {"branch": branch.display_name})
    return redirect("coupons:merchant_console", merchant.public_id)


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
