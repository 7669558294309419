"""The providers' notification endpoint (answered in each provider's own
form)."""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from groupbuy.core.errors import DomainError
from groupbuy.escrow.providers import enabled_provider_names, get_enabled_provider
from groupbuy.payments.services import notification_receive

# Named as it was before the views became a package, where log searches look.
logger = logging.getLogger("groupbuy.payments.views")


@csrf_exempt
@require_POST
def provider_notify(request: HttpRequest, provider_name: str) -> HttpResponse:
    """Verify and apply a notification; acknowledge it only once it is recorded.

    ``notification_receive`` commits before it returns, so the provider's
    "received" answer never precedes the durable record; any refusal is
    answered as a failure the provider will resend.
    """
    if provider_name not in enabled_provider_names():
        raise Http404
    provider = get_enabled_provider(provider_name)
    if not hasattr(provider, "notify_response"):
        raise Http404
    try:
        outcome = notification_receive(
            provider_name=provider_name, body=request.body, headers=request.headers
        )
    except DomainError as error:
        logger.warning(
            "%s notification refused: %s (%s)", provider_name, error.code, error
        )
        return provider.notify_response(error=error)
    logger.info("%s notification applied: %s", provider_name, outcome)
    return provider.notify_response(error=None)
