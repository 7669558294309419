"""The JSON API: one NinjaAPI, a router per app (declared in its groupbuy_app.py).

Errors are always {"code", "message", "fields"} with a 4xx status.
"""

import json
from functools import cached_property

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.module_loading import import_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from groupbuy.api_document import API_DESCRIPTION, GroupbuySchema, add_refusals
from groupbuy.core.api_urls import with_whole_links
from groupbuy.core.errors import DomainError
from groupbuy.core.i18n import label_colon
from groupbuy.core.plugins import api_routers
from groupbuy.core.validation_messages import QUOTABLE_TYPES, validation_message


class MalformedJson(Exception):
    """The body is not JSON; Ninja wraps this in an HttpError(400)."""


class JsonParser(Parser):
    """Parse bodies as JSON, saying where a malformed one goes wrong; drop NUL
    characters from what a request sends."""

    def parse_body(self, request):
        try:
            body = json.loads(request.body, object_hook=_without_nul_object)
        except UnicodeDecodeError:
            raise MalformedJson(_("The request body is not UTF-8 text.")) from None
        except json.JSONDecodeError as problem:
            raise MalformedJson(
                _(
                    "The request body is not valid JSON (line %(line)s, "
                    "column %(column)s)."
                )
                % {"line": problem.lineno, "column": problem.colno}
            ) from None
        # Every request body is an object of fields. Read as one, a list or a
        # string gave every field its default: '["junk"]' joined a deal.
        if not isinstance(body, dict):
            raise MalformedJson(
                _('The request body must be a JSON object, such as {"quantity": 1}.')
            )
        return body

    def parse_querydict(self, data, list_fields, request):
        # Query strings, forms and path parameters alike (see _without_nul_object).
        return _without_nul_object(super().parse_querydict(data, list_fields, request))


def _without_nul(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


def _without_nul_object(pairs: dict) -> dict:
    """NUL is never part of a name, a message or an id, and PostgreSQL refuses
    it in text (a 500 where it reached the database): dropped as JSON is read,
    in keys and in values, lists included."""
    return {
        _without_nul(key): (
            [_without_nul(item) for item in value]
            if isinstance(value, list)
            else _without_nul(value)
        )
        for key, value in pairs.items()
    }


class GroupbuyApi(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts):
        """Keep the text a boolean or a number was sent as (``text_sent``),
        which Ninja's errors drop with every value: ``"5"`` sent for a number
        is told to leave out the quotes (``core.validation_messages``)."""
        exc = super().validation_error_from_error_contexts(error_contexts)
        sent = [
            error.get("input")
            for context in error_contexts
            for error in context.pydantic_validation_error.errors(include_url=False)
        ]
        for error, value in zip(exc.errors, sent, strict=True):
            if error.get("type") in QUOTABLE_TYPES and isinstance(value, str):
                error["text_sent"] = value[:40]
        return exc

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The OpenAPI document. ``/api/openapi.json`` (whose view passes
        ``path_params``) gets it built once per process, language and path:
        building it from every schema takes ~2 s of CPU, and the routes and
        schemas are fixed once the API is imported. A direct call (the
        document's own tests, the schema export) builds it afresh."""
        if path_params is None:
            return self._build_openapi_schema(path_prefix)
        key = (get_language(), path_prefix, tuple(sorted(path_params.items())))
        if key not in self._served_documents:
            self._served_documents[key] = self._build_openapi_schema(
                path_prefix
                if path_prefix is not None
                else self.get_root_path(path_params)
            )
        return self._served_documents[key]

    @cached_property
    def _served_documents(self) -> dict:
        return {}

    def _build_openapi_schema(self, path_prefix):
        if path_prefix is None:
            path_prefix = self.get_root_path({})
        document = GroupbuySchema(self, path_prefix)
        add_refusals(document)
        return document


api = GroupbuyApi(
    title="groupbuy API",
    version="1",
    description=API_DESCRIPTION,
    # Who may call the API is the accounts app's business, named in settings.
    auth=import_string(settings.GROUPBUY_API_AUTH),
    urls_namespace="api",
    parser=JsonParser(),
    # Swagger UI from Ninja's own static files ("ninja" is an installed app),
    # and no badge fetched from validator.swagger.io: the docs work offline.
    docs=Swagger(settings={"validatorUrl": None}),
)


def error_response(request, status: int, code: str, message: str, fields=None):
    return api.create_response(
        request,
        {"code": code, "message": str(message), "fields": fields or {}},
        status=status,
    )


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    body = with_whole_links(request, exc.as_dict())
    return api.create_response(request, body, status=exc.status)


# Where a bad value came from is not part of its name for the person reading it.
_LOCATIONS = ("body", "query", "path", "form", "file")


def _field_name(loc) -> str:
    """Name a refused value as the client sent it: ``page_size`` for
    ``?page_size=``, ``tiers.0.price_fen`` for a body's field.

    Ninja's ``loc`` starts with where the value came from and, for a body,
    the handler's argument (``payload``): neither is a name the client used
    (until 2026-12-06 a query parameter was reported as ``query.page_size``)."""
    parts = list(loc)
    if parts and parts[0] in _LOCATIONS:
        parts = parts[1:]
    if parts and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(str(part) for part in parts) or "__all__"


def _is_missing_body(errors: list[dict]) -> bool:
    return any(
        error.get("type") == "missing" and tuple(error.get("loc", ())) in _BODY_LOCS
        for error in errors
    )


_BODY_LOCS = {("body", "payload"), ("body",)}


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    if _is_missing_body(exc.errors):
        return error_response(
            request,
            400,
            "missing_body",
            _("This request needs a JSON body; see /api/docs for its fields."),
        )
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        name = _field_name(error.get("loc", ()))
        fields.setdefault(name, []).append(validation_message(error))
    first = next(iter(fields.items()), ("", [_("Invalid input.")]))
    message = f"{first[0]}{label_colon()}{first[1][0]}" if first[0] else first[1][0]
    return error_response(request, 422, "invalid", message, fields)


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request, exc: DjangoValidationError):
    fields = (
        exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    )
    return error_response(request, 422, "invalid", exc.messages[0], fields)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return error_response(request, 401, "unauthenticated", _("Please sign in first."))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return error_response(
        request, 403, "forbidden", str(exc) or _("You may not do that.")
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, MalformedJson):
        return error_response(request, 400, "malformed_json", str(exc.__cause__))
    return error_response(request, exc.status_code, "error", str(exc))


@api.exception_handler(RequestDataTooBig)
def on_body_too_big(request, exc):
    return error_response(
        request, 413, "too_large", _("The request body is too large.")
    )


class HealthOut(Schema):
    ok: bool


@api.get("/health", auth=None, tags=["platform"], response=HealthOut)
def health(request):
    """Answer at once: for load balancers, and the baseline of the join benchmark."""
    return {"ok": True}


def _mount_routers() -> None:
    # Every app's router, as declared in its groupbuy_app.py.
    for prefix, router in api_routers():
        api.add_router(prefix, router)


_mount_routers()
