"""Snap to deal over the JSON API, mounted at /api/snap.

``POST /api/snap`` takes a photo (multipart field ``photo``: JPEG, PNG or
WebP) from anyone; signed-in callers are counted as asking for a product that
has no deal yet. The rest is for the snap's taker or for operators.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status, UploadedFile
from ninja.decorators import decorate_view

from groupbuy.accounts.auth import caller, optional_auth
from groupbuy.catalog.selectors import category_get, product_get
from groupbuy.core.errors import id_in_request
from groupbuy.core.pagination import PageIn, page_payload
from groupbuy.snap import answers, selectors
from groupbuy.snap.capacity import SnapBusy
from groupbuy.snap.errors import SnapError
from groupbuy.snap.presenters import (
    demand_row_payload,
    launch_prefill,
    queue_item_payload,
)
from groupbuy.snap.schemas import (
    ConfirmIn,
    DemandPageOut,
    LabelIn,
    LaunchPrefillOut,
    LiveCodeIn,
    QueuePageOut,
    SnapAnswerOut,
    SnapPageOut,
)
from groupbuy.snap.services import (
    snap_alternative_choose,
    snap_code_submit,
    snap_label,
    snap_none_of_these,
    snap_photo_delete,
    snap_submit,
)
from groupbuy.snap.services.training import classifier_retrain_request
from groupbuy.snap.throttle import snap_rate_check

router = Router(tags=["snap"])

# Multipart framing around the photo: boundaries, headers, the field name.
MULTIPART_OVERHEAD_BYTES = 16 * 1024


def refuse_oversized_upload(run):
    """Answer 413 from the Content-Length, before the body is parsed at all."""

    @functools.wraps(run)
    def guarded(request, *args, **kwargs):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = settings.GROUPBUY_SNAP_MAX_UPLOAD_BYTES
        if declared > limit + MULTIPART_OVERHEAD_BYTES:
            from groupbuy.api import error_response

            return error_response(
                request,
                413,
                "too_large",
                _("This photo is too large. Please send one under %(mb)d MB.")
                % {"mb": limit // (1024 * 1024)},
                {"photo": [_("Too large.")]},
            )
        return run(request, *args, **kwargs)

    return guarded


@router.post("", response=SnapAnswerOut, auth=optional_auth)
@decorate_view(refuse_oversized_upload)
def snap_create(request, photo: File[UploadedFile | None] = None):
    """Recognise a photo; answer with the product, alternatives and open deals.

    A photo with nothing recognisable still answers 200, with
    ``recognised: false`` and a hint. Refused photos answer 413 (too large),
    415 (not a JPEG, PNG or WebP still photo) or 422 (damaged); too many snaps
    in a minute answer 429; when the server is recognising as many photos as it
    can, 503 with ``Retry-After``.
    """
    if photo is None:
        raise SnapError(
            "missing_photo",
            _("Attach the photo as the multipart field “photo”."),
            status=422,
            fields={"photo": [_("This field is required.")]},
        )
    snap_rate_check(request)
    user = caller(request)
    try:
        outcome = snap_submit(actor=user, upload=photo)
    except SnapBusy as busy:
        return _busy_response(request, busy)
    return answers.answer_for_outcome(outcome, user=user)


@router.post("/codes", response=SnapAnswerOut, auth=optional_auth)
def snap_code_create(request, payload: LiveCodeIn):
    """Look up a code the camera read in the browser (no photo is sent).

    Answers like a snap of that code: the product, its open deals, demand
    counted when none is open. A code that is neither a product barcode with a
    valid check digit nor one of our deal links answers 422.
    """
    snap_rate_check(request)
    user = caller(request)
    outcome = snap_code_submit(
        actor=user, code_format=payload.format, text=payload.text
    )
    return answers.answer_for_outcome(outcome, user=user)


def _product_sent(public_id: str):
    """The product a request names in ``product``: one that is not there is a
    400 on that field (the snap in the address is there)."""
    with id_in_request("product"):
        return product_get(public_id=public_id)


def _busy_response(request, busy: SnapBusy):
    from groupbuy.api import error_response

    response = error_response(request, busy.status, busy.code, busy.message)
    response["Retry-After"] = str(busy.retry_after)
    return response


@router.get("", response=SnapPageOut)
def snap_list(request, query: Query[PageIn]):
    """List my snaps, newest first."""
    result = selectors.snaps_of_user(
        user=request.auth, page=query.page, page_size=query.page_size
    )
    items = [answers.snap_summary(snap) for snap in result.items]
    return page_payload(result, items)


# --- Operators (static paths first: they must win over /{snap_id}) -------------


@router.get("/demand", response=DemandPageOut)
def demand_list(
    request,
    query: Query[PageIn],
    over_threshold: bool = Query(
        False,
        description="Only the products asked for by at least their category's "
        "demand threshold of people.",
    ),
):
    """Rank products by demand, with new requesters per day for a sparkline."""
    result = selectors.demand_ranking(
        user=request.auth,
        page=query.page,
        page_size=query.page_size,
        over_threshold_only=over_threshold,
    )
    return page_payload(result, [demand_row_payload(row) for row in result.items])


@router.get("/demand/{product_id}/launch", response=LaunchPrefillOut)
def demand_launch_prefill(request, product_id: str):
    """Return what the "launch deal" form is prefilled with for a product."""
    product = product_get(public_id=product_id)
    return launch_prefill(user=request.auth, product=product)


@router.get("/queue", response=QueuePageOut)
def queue_list(request, query: Query[PageIn]):
    """List unrecognised snaps waiting for an operator's label, newest first."""
    result = selectors.unrecognised_queue(
        user=request.auth, page=query.page, page_size=query.page_size
    )
    return page_payload(result, [queue_item_payload(snap) for snap in result.items])


class RetrainQueuedOut(Schema):
    queued: bool


@router.post("/classifier/retrain", response={202: RetrainQueuedOut})
def classifier_retrain(request):
    """Retrain the category classifier on the catalog's labelled photos (operators).

    Runs in a worker; the operator is notified when the new model is in use.
    """
    classifier_retrain_request(actor=request.auth)
    return Status(202, {"queued": True})


# --- One snap -------------------------------------------------------------------


@router.get("/{snap_id}", response=SnapAnswerOut)
def snap_detail(request, snap_id: str):
    """Return an earlier snap of mine (or any, for operators) with today's deals."""
    snap = selectors.snap_get_for_user(user=request.auth, snap_id=snap_id)
    return answers.answer_for_snap(snap, user=request.auth)


@router.delete("/{snap_id}/photo", response={204: None})
def snap_photo_remove(request, snap_id: str):
    """Delete my snap's photo now instead of at the end of the retention period."""
    snap = selectors.snap_get_for_user(user=request.auth, snap_id=snap_id)
    snap_photo_delete(actor=request.auth, snap=snap)
    return Status(204, None)


@router.post("/{snap_id}/confirm", response=SnapAnswerOut)
def snap_confirm(request, snap_id: str, payload: ConfirmIn):
    """Say which suggested product my snap shows, or that it is none of them.

    Confirming a product counts me as asking for it when no deal is open;
    ``none_of_these`` sends the photo to the operators' labelling queue.
    """
    snap = selectors.snap_get_for_user(user=request.auth, snap_id=snap_id)
    if payload.none_of_these:
        snap = snap_none_of_these(actor=request.auth, snap=snap)
    elif payload.product:
        snap = snap_alternative_choose(
            actor=request.auth,
            snap=snap,
            product=_product_sent(payload.product),
        )
    else:
        raise SnapError(
            "invalid",
            _("Choose one of the suggestions, or none of them."),
            status=422,
            fields={"product": [_("Choose one.")]},
        )
    return answers.answer_for_snap(snap, user=request.auth)


@router.post("/{snap_id}/label", response=SnapAnswerOut)
def snap_label_create(request, snap_id: str, payload: LabelIn):
    """Label a snap with an existing product or a new one (operators).

    The photo becomes a reference image of the product, so the next snap of
    it is recognised by appearance.
    """
    snap = selectors.snap_get_for_operator(user=request.auth, snap_id=snap_id)
    if payload.product:
        snap = snap_label(
            actor=request.auth,
            snap=snap,
            product=_product_sent(payload.product),
        )
    elif payload.new_product is not None:
        fields = payload.new_product.model_dump(exclude_none=True)
        if "category" in fields:
            with id_in_request("new_product.category"):
                fields["category"] = category_get(public_id=fields["category"])
        snap = snap_label(actor=request.auth, snap=snap, new_product=fields)
    else:
        raise SnapError(
            "invalid",
            _("Choose an existing product or describe a new one."),
            status=422,
            fields={"product": [_("Choose one.")]},
        )
    return answers.answer_for_snap(snap, user=request.auth)
