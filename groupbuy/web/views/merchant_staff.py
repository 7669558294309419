"""The merchant console's staff and branches, for the merchant's owners.

Owners invite people by phone number with a role (and, for a cashier, maybe
one branch), who join once they accept; withdraw invitations, change a
member's role and branch, take people off the staff, and keep the branches' names,
addresses and map positions up to date, and the shop's own name. Cashiers do
not see this section.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groupbuy.catalog import selectors as catalog
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.selectors import staff as staff_selectors
from groupbuy.catalog.services import branch_create, branch_update, merchant_update
from groupbuy.catalog.services.staff import (
    invitation_days,
    staff_invitation_cancel,
    staff_invite,
    staff_remove,
    staff_role_change,
)
from groupbuy.core.pagination import paginate
from groupbuy.web.forms import add_domain_error
from groupbuy.web.forms_merchant import (
    BranchForm,
    MerchantProfileForm,
    StaffInviteForm,
    StaffRoleForm,
)
from groupbuy.web.views.common import domain_errors_as_http


def _branch_choices(branches, keep=None) -> list[tuple[str, str]]:
    """The open branches, and ``keep`` (a member's own branch) even if closed."""
    return [
        (
            branch.public_id,
            branch.display_name
            if branch.is_active
            else _("%(name)s (closed)") % {"name": branch.display_name},
        )
        for branch in branches
        if branch.is_active or branch == keep
    ]


def _role_form(branches, membership, data=None) -> StaffRoleForm:
    return StaffRoleForm(
        data,
        membership=membership,
        branches=_branch_choices(branches, keep=membership.branch),
    )


@login_required
@domain_errors_as_http
def merchant_staff(request: HttpRequest, merchant_id: str) -> HttpResponse:
    merchant = catalog.merchant_get_for_owner(user=request.user, public_id=merchant_id)
    branches = list(
        staff_selectors.merchant_all_branches(user=request.user, merchant=merchant)
    )
    form = StaffInviteForm(request.POST or None, branches=_branch_choices(branches))
    if request.method == "POST" and form.is_valid():
        branch_id = form.cleaned_data["branch"]
        branch = next((b for b in branches if b.public_id == branch_id), None)
        try:
            staff_invite(
                actor=request.user,
                merchant=merchant,
                phone=form.cleaned_data["phone"],
                role=form.cleaned_data["role"],
                branch=branch,
            )
        except (CatalogError, ValidationError) as error:
            if isinstance(error, ValidationError):
                form.add_error("phone", error)
            else:
                add_domain_error(form, error)
        else:
            # The same words whether or not the number has an account: the
            # page must not tell an owner who has signed up with which number.
            text = _(
                "The invitation is sent. They join your staff when they accept it "
                "(within %(days)d days)."
            ) % {"days": invitation_days()}
            messages.success(request, text)
            return redirect("web:merchant_staff", merchant.public_id)
    return _staff_page(request, merchant, branches, form)


def _back_to_staff(request: HttpRequest, merchant) -> HttpResponse:
    """The staff page again, on the pages of its lists the action was sent from
    (its form posts with the page's query): an owner who acted on a row of the
    second page of staff sees that page, not the first."""
    pages = {
        name: request.GET[name]
        for name in ("staff_page", "invitations_page")
        if request.GET.get(name, "").isdigit()
    }
    url = reverse("web:merchant_staff", args=[merchant.public_id])
    return redirect(f"{url}?{urlencode(pages)}" if pages else url)


def _staff_page(request, merchant, branches, form, *, role_form=None):
    """The staff page; ``role_form`` is a member's refused role form, shown on
    their row with its errors."""
    staff = paginate(
        staff_selectors.merchant_staff(user=request.user, merchant=merchant),
        page=request.GET.get("staff_page", 1),
    )
    rows = [
        (
            membership,
            role_form
            if role_form is not None and role_form.membership == membership
            else _role_form(branches, membership),
        )
        for membership in staff.items
    ]
    invitations = staff_selectors.merchant_staff_invitations(
        user=request.user, merchant=merchant
    )
    context = {
        "merchant": merchant,
        "form": form,
        "staff": staff,
        "staff_rows": rows,
        "invitations": paginate(
            invitations, page=request.GET.get("invitations_page", 1)
        ),
        "branches": branches,
        "section": "staff",
    }
    return render(request, "web/merchant/staff.html", context)


@login_required
@require_POST
@domain_errors_as_http
def merchant_staff_role(
    request: HttpRequest, merchant_id: str, membership_id: str
) -> HttpResponse:
    """Change a member's role and branch (``membership_id`` is their user id)."""
    merchant = catalog.merchant_get_for_owner(user=request.user, public_id=merchant_id)
    membership = staff_selectors.membership_get_for_owner(
        user=request.user, merchant=merchant, user_public_id=membership_id
    )
    branches = list(
        staff_selectors.merchant_all_branches(user=request.user, merchant=merchant)
    )
    form = _role_form(branches, membership, request.POST)
    if form.is_valid():
        branch_id = form.cleaned_data["branch"]
        try:
            changed = staff_role_change(
                actor=request.user,
                membership=membership,
                role=form.cleaned_data["role"],
                branch=next((b for b in branches if b.public_id == branch_id), None),
            )
        except CatalogError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The role is saved. They have been told."))
            if (
                changed.user_id == request.user.pk
                and changed.role != changed.Role.OWNER
            ):
                # They made themselves a cashier: the staff page is not theirs now.
                return redirect("web:merchant_dashboard", merchant.public_id)
            return _back_to_staff(request, merchant)
    invite = StaffInviteForm(branches=_branch_choices(branches))
    return _staff_page(request, merchant, branches, invite, role_form=form)


@login_required
@require_POST
@domain_errors_as_http
def merchant_staff_remove(
    request: HttpRequest, merchant_id: str, membership_id: str
) -> HttpResponse:
    """Take a person off the staff (``membership_id`` is their user id) or
    withdraw an invitation (an invitation id)."""
    merchant = catalog.merchant_get_for_owner(user=request.user, public_id=merchant_id)
    try:
        if membership_id.startswith("sinv"):
            invitation = staff_selectors.staff_invitation_get_for_owner(
                user=request.user, merchant=merchant, public_id=membership_id
            )
            staff_invitation_cancel(actor=request.user, invitation=invitation)
            messages.success(request, _("The invitation is withdrawn."))
        else:
            membership = staff_selectors.membership_get_for_owner(
                user=request.user, merchant=merchant, user_public_id=membership_id
            )
            staff_remove(actor=request.user, membership=membership)
            messages.success(request, _("They are no longer on your staff."))
    except CatalogError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.message)
    return _back_to_staff(request, merchant)


def _branch_page(request, merchant, form, branch=None, status_errors=()):
    context = {"merchant": merchant, "form": form, "branch": branch}
    context["section"] = "staff"
    context["status_errors"] = status_errors
    return render(request, "web/merchant/branch_form.html", context)


@login_required
@domain_errors_as_http
def merchant_branch_create(request: HttpRequest, merchant_id: str) -> HttpResponse:
    merchant = catalog.merchant_get_for_owner(user=request.user, public_id=merchant_id)
    form = BranchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            branch_create(actor=request.user, merchant=merchant, **form.cleaned_data)
        except CatalogError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The branch is added."))
            return redirect("web:merchant_staff", merchant.public_id)
    return _branch_page(request, merchant, form)


def _owned_branch(request, merchant_id: str, branch_id: str):
    merchant = catalog.merchant_get_for_owner(user=request.user, public_id=merchant_id)
    branch = catalog.branch_get_for_owner(user=request.user, public_id=branch_id)
    if branch.merchant_id != merchant.pk:
        raise CatalogError("not_found", _("There is no such branch."), status=404)
    return merchant, branch


@login_required
@domain_errors_as_http
def merchant_branch_edit(
    request: HttpRequest, merchant_id: str, branch_id: str
) -> HttpResponse:
    merchant, branch = _owned_branch(request, merchant_id, branch_id)
    form = BranchForm(request.POST or None, initial=BranchForm.initial_for(branch))
    if request.method == "POST" and form.is_valid():
        try:
            branch_update(actor=request.user, branch=branch, **form.cleaned_data)
        except CatalogError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The branch is saved."))
            return redirect("web:merchant_staff", merchant.public_id)
    return _branch_page(request, merchant, form, branch)


@login_required
@require_POST
@domain_errors_as_http
def merchant_branch_status(
    request: HttpRequest, merchant_id: str, branch_id: str
) -> HttpResponse:
    """Close a branch (``is_active=0``) or open it again (``1``). A refusal
    (buyers would have nowhere to collect) is shown on the branch's page."""
    merchant, branch = _owned_branch(request, merchant_id, branch_id)
    is_active = request.POST.get("is_active") == "1"
    try:
        branch_update(actor=request.user, branch=branch, is_active=is_active)
    except CatalogError as error:
        if error.status in (403, 404):
            raise
        branch.refresh_from_db()
        form = BranchForm(initial=BranchForm.initial_for(branch))
        errors = error.extra.get("blockers") or [error.message]
        return _branch_page(request, merchant, form, branch, status_errors=errors)
    if is_active:
        messages.success(request, _("The branch is open again."))
    else:
        messages.success(request, _("The branch is closed."))
    return redirect("web:merchant_staff", merchant.public_id)


@login_required
@domain_errors_as_http
def merchant_profile(request: HttpRequest, merchant_id: str) -> HttpResponse:
    """The shop's name and English name, for its owners. A refusal (a name
    another shop has) is shown on its field, with what was typed kept."""
    merchant = catalog.merchant_get_for_owner(user=request.user, public_id=merchant_id)
    form = MerchantProfileForm(
        request.POST or None, initial=MerchantProfileForm.initial_for(merchant)
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                merchant_update(
                    actor=request.user, merchant=merchant, **form.cleaned_data
                )
            except CatalogError as error:
                add_domain_error(form, error)
                status = error.status
                merchant.refresh_from_db()  # the header shows the saved name
            else:
                messages.success(request, _("The shop's details are saved."))
                return redirect("web:merchant_staff", merchant.public_id)
    context = {"merchant": merchant, "form": form, "section": "staff"}
    return render(request, "web/merchant/profile_form.html", context, status=status)
