"""One exception type for every business rule a service enforces.

Each app subclasses DomainError (``DealError``, ``EscrowError``…) so callers can
tell where a refusal came from; the API turns any of them into
``{"code", "message", "fields"}`` with ``status`` as the HTTP status, and pages
show ``message`` as a form error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from groupbuy.core.i18n import join_sentences


class DomainError(Exception):
    status = 400

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int | None = None,
        fields: dict[str, list[str]] | None = None,
        extra: dict | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.fields = fields or {}
        # Machine-readable facts beside the message (``late_by_ms``), sent as
        # top-level keys of the API's error body.
        self.extra = extra or {}
        if status is not None:
            self.status = status

    def as_dict(self) -> dict:
        return {
            **self.extra,
            "code": self.code,
            "message": self.message,
            "fields": self.fields,
        }


def all_or_errors(
    *checks: Callable[[], object], refusal: type[DomainError] = DomainError
) -> list:
    """Run every check and return their results; when any refuses (raises
    ``refusal``), raise one ``refusal`` holding every field's messages, so a
    form says all that is wrong at once, not the first only (a refusal alone
    is raised as it is)."""
    results, errors = [], []
    for check in checks:
        try:
            results.append(check())
        except refusal as error:
            results.append(None)
            errors.append(error)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        fields: dict[str, list[str]] = {}
        for error in errors:
            for name, messages in (error.fields or {None: [error.message]}).items():
                fields.setdefault(name, []).extend(messages)
        # The message says every field's mistake, in the form's order.
        raise refusal(
            "invalid",
            join_sentences(m for messages in fields.values() for m in messages),
            fields={name: msgs for name, msgs in fields.items() if name},
        )
    return results


@contextmanager
def fields_renamed(names: dict[str, str]) -> Iterator[None]:
    """Report the fields of a DomainError raised inside under the names the
    caller sent: services name what they take (``pickup_branch``), an API
    request may name it otherwise (``pickup_branch_id``)."""
    try:
        yield
    except DomainError as error:
        error.fields = {
            names.get(name, name): messages for name, messages in error.fields.items()
        }
        raise


@contextmanager
def id_in_request(field: str) -> Iterator[None]:
    """Refuse an id the request's body or query names (``product_id``) that
    names nothing the caller may use, as a 400 ``invalid`` on that field.

    A 404 says the address is wrong; here the address is right and one value
    sent to it is not. Wrap the lookup of that one id only: a 404 raised by
    anything else inside would be misfiled under the field."""
    from django.http import Http404
    from django.utils.translation import gettext as _

    try:
        yield
    except (Http404, DomainError) as error:
        if isinstance(error, DomainError) and error.status != 404:
            raise
        message = _("Nothing with this id can be used here: check the id sent.")
        raise DomainError("invalid", message, fields={field: [message]}) from error


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def api_error_response(
    request,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
):
    """Return the API's ``{"code", "message", "fields"}`` error as a response.

    For code outside Django Ninja's exception handlers: middleware (body size
    limits, rate limits) and Django's own error handlers.
    """
    from django.http import JsonResponse

    return JsonResponse(
        {"code": code, "message": str(message), "fields": fields or {}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
