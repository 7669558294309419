"""Web push (VAPID) for sharing: subscriptions, keys and delivery.

The VAPID key pair is generated on first use into
``<data dir>/webpush/vapid_private.pem`` (or GROUPBUY_WEBPUSH_VAPID_KEY_FILE) and
kept there, so subscriptions survive restarts. Delivery runs in a Huey job after
commit; a push service answering 404 or 410 means the subscription is gone, and
it is deleted.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.sharing.errors import SharingError
from groupbuy.sharing.models import PushSubscription

if TYPE_CHECKING:
    from py_vapid import Vapid

logger = logging.getLogger(__name__)
_lock = threading.Lock()


def key_file() -> Path:
    configured = getattr(settings, "GROUPBUY_WEBPUSH_VAPID_KEY_FILE", "")
    return (
        Path(configured)
        if configured
        else settings.DATA_DIR / "webpush" / "vapid_private.pem"
    )


def vapid() -> Vapid:
    """Return the server's VAPID key pair, creating it on first use."""
    # py_vapid and its cryptography load with the first push, not at start.
    from py_vapid import Vapid

    path = key_file()
    with _lock:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            keys = Vapid()
            keys.generate_keys()
            keys.save_key(str(path))
            path.chmod(0o600)
    return Vapid.from_file(str(path))


def public_key() -> str:
    """The application server key the browser subscribes with (base64url)."""
    from cryptography.hazmat.primitives import serialization

    raw = vapid().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _is_public_host(endpoint: str) -> bool:
    """Whether ``endpoint`` names a host on the internet, as push services are.

    The server sends requests to the endpoint a browser gave: one naming a
    machine only the server reaches (its own loopback, the private network, a
    cloud's metadata address, a single-label intranet name, another port) would
    let any shopper make the server call it. A name that resolves to such an
    address later is not caught here; the outgoing firewall is for that."""
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return False
    host = (parts.hostname or "").rstrip(".")
    if parts.username is not None or port not in (None, 443) or not host:
        return False
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        return "." in host and not host.endswith((".localhost", ".local", ".internal"))


@transaction.atomic
def subscription_save(
    *, actor, endpoint: str, p256dh: str, auth: str
) -> PushSubscription:
    """Remember this browser's push subscription for ``actor`` (idempotent)."""
    if not endpoint.startswith("https://"):
        raise SharingError(
            "push_endpoint_invalid",
            _("A push endpoint must be an https:// URL."),
            fields={"endpoint": [_("Not https.")]},
        )
    if not _is_public_host(endpoint):
        raise SharingError(
            "push_endpoint_invalid",
            _("A push endpoint must be a push service's address on the internet."),
            fields={"endpoint": [_("Not a push service.")]},
        )
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": actor, "p256dh": p256dh, "auth": auth}
    )
    audit_log(actor=actor, action="sharing.push.subscribed", obj=subscription)
    return subscription


@transaction.atomic
def subscription_delete(*, actor, endpoint: str) -> int:
    """Forget ``actor``'s subscription at ``endpoint``; others' are untouched."""
    count, _details = PushSubscription.objects.filter(
        user=actor, endpoint=endpoint
    ).delete()
    return count


def push_to_user(user_id: int, payload: dict) -> None:
    """Queue a push to every browser of the user (call after commit)."""
    if PushSubscription.objects.filter(user_id=user_id).exists():
        from groupbuy.sharing.tasks import webpush_deliver

        webpush_deliver(user_id, payload)


def deliver(user_id: int, payload: dict) -> int:
    """Send ``payload`` to the user's subscriptions; return how many took it."""
    from pywebpush import WebPushException, webpush

    keys = vapid()
    claims = {
        "sub": getattr(settings, "GROUPBUY_WEBPUSH_CONTACT", "mailto:ops@example.com")
    }
    sent = 0
    for subscription in PushSubscription.objects.filter(user_id=user_id):
        try:
            webpush(
                subscription_info={
                    "endpoint": subscription.endpoint,
                    "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                },
                data=json.dumps(payload),
                vapid_private_key=keys,
                vapid_claims=dict(claims),
                timeout=10,
                ttl=86400,
            )
            sent += 1
        except WebPushException as error:
            status = getattr(error.response, "status_code", None)
            if status in {404, 410}:
                subscription.delete()
            else:
                logger.warning("web push to %s failed: %s", subscription.pk, error)
    return sent
