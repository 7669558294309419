"""Web push on a browser: the key to subscribe with, subscribing, unsubscribing."""

from __future__ import annotations

from ninja import Field, Router, Schema, Status

from groupbuy.sharing import webpush
from groupbuy.sharing.schemas import PushRemovedOut, PushSubscribedOut

router = Router()


class PushKeyOut(Schema):
    public_key: str


class PushSubscriptionIn(Schema):
    endpoint: str = Field(..., max_length=1000)
    p256dh: str = Field(..., max_length=200)
    auth: str = Field(..., max_length=100)


class PushEndpointIn(Schema):
    endpoint: str = Field(..., max_length=1000)


@router.get("/push/key", response=PushKeyOut, auth=None)
def push_key(request):
    """The VAPID public key browsers subscribe with."""
    return {"public_key": webpush.public_key()}


@router.post("/push/subscriptions", response={201: PushSubscribedOut})
def push_subscribe(request, payload: PushSubscriptionIn):
    """Allow web push on this browser for me."""
    webpush.subscription_save(actor=request.auth, **payload.dict())
    return Status(201, {"subscribed": True})


@router.post("/push/subscriptions/delete", response=PushRemovedOut)
def push_unsubscribe(request, payload: PushEndpointIn):
    """Stop web push on this browser (only my own subscription)."""
    removed = webpush.subscription_delete(actor=request.auth, endpoint=payload.endpoint)
    return {"removed": removed}
