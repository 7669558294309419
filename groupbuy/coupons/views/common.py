"""What the coupon pages share: domain refusals as 404, 403 or a page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from groupbuy.core.errors import DomainError


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
