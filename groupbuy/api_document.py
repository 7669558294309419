"""The OpenAPI document of the API (``/api/openapi.json``, shown at ``/api/docs``):
what a client written from it alone needs beyond the operations Ninja lists.

``core/tests/test_api_document_rules.py`` holds every operation to it.
"""

from ninja.openapi.schema import OpenAPISchema

# What every refusal looks like (``error_response``, ``DomainError.as_dict``),
# declared once in the document for every operation: a client written from
# the document alone knows how to read a 4xx without trying one.
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["code", "message", "fields"],
    "properties": {
        "code": {
            "type": "string",
            "description": "What went wrong, for programs: stable, snake_case "
            "(not_found, invalid, forbidden, rate_limited, deal_full…).",
        },
        "message": {
            "type": "string",
            "description": "The same for a person, in the request's language.",
        },
        "fields": {
            "type": "object",
            "description": "Messages about each field of the request that was "
            "refused, by field name; empty when the refusal is about no field.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    # Some refusals add facts beside the message (``late_by_ms``,
    # ``blockers``).
    "additionalProperties": True,
    "examples": [
        {"code": "sold_out", "message": "Only 2 left: you asked for 3.", "fields": {}},
        {
            "code": "invalid",
            "message": "quantity: Give a number, without quotes.",
            "fields": {"quantity": ["Give a number, without quotes."]},
        },
    ],
}
ERROR_RESPONSE = {
    "description": "Refused: the status says how (400 bad input, 401 not signed "
    "in, 403 not allowed, 404 not found or not yours, 409 not in this state, "
    "413 too large, 422 invalid, 429 too many requests).",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
# The refusals an operation's shape alone says it can give, each documented
# with its own status beside the catch-all ``4XX`` (``refusals_of``): a client
# generated from the document gets a case for each, and a person reading it
# learns, say, that a public read needs no token and an id in the path may be
# answered 404.
REFUSAL_DESCRIPTIONS = {
    "400": "The body is not a JSON object (`malformed_json`), is missing "
    "(`missing_body`), or a rule refused a well-formed value (`invalid`, on its "
    "field in `fields`, or the rule's own code).",
    "401": "Not signed in: no token or session, or a revoked or expired token "
    "(`unauthenticated`).",
    "404": "Nothing with the id in the path, or nothing the caller may see "
    "(`not_found`).",
    "422": "A value has the wrong type or shape (`invalid`): `fields` names each "
    "by its path as sent (`quantity`, `tiers.0.price_fen`, `page_size`). "
    "Booleans are `true` or `false` and numbers JSON numbers, not in quotes.",
}


# Who a signed-in caller must be, by where the operation lives: an operators'
# address refuses everyone else, a shop's address everyone but its staff (and
# the operators), and says so with 403 (until 2026-12-07 only 13 of these 75
# operations documented the 403 every one of them gives a shopper).
OPERATOR_PATHS = ("/api/operator/", "/api/ops/")
SHOP_PATH = "/merchants/{merchant_id}"
FORBIDDEN_DESCRIPTIONS = {
    "operator": "Signed in, but not an operator (`forbidden`).",
    "shop": "Signed in, but not on this shop's staff, or a cashier where only "
    "its owners may act (`forbidden`); operators may act for every shop.",
}


def restricted_to(path: str) -> str | None:
    """Return who alone may call the operation at ``path`` (``operator`` or
    ``shop``), or None when any signed-in person may."""
    if path.startswith(OPERATOR_PATHS):
        return "operator"
    if SHOP_PATH in path:
        return "shop"
    return None


def refusals_of(path: str, operation: dict) -> list[str]:
    """Return the statuses, beyond ``4XX``, that the operation's own shape
    says it may refuse with."""
    statuses = []
    if "requestBody" in operation:
        statuses.append("400")
    security = operation.get("security")
    if security and {} not in security:
        statuses.append("401")
        if restricted_to(path):
            statuses.append("403")
    if "{" in path:
        statuses.append("404")
    parameters = [p for p in operation.get("parameters", []) if p["in"] != "path"]
    if "requestBody" in operation or parameters or "{" in path:
        statuses.append("422")
    return statuses


def add_refusals(document: dict) -> None:
    """Declare the schema ``Error`` and each operation's refusals in it."""
    document.setdefault("components", {}).setdefault("schemas", {})["Error"] = (
        ERROR_SCHEMA
    )
    for path, operations in document["paths"].items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status in refusals_of(path, operation):
                if status == "403":
                    description = FORBIDDEN_DESCRIPTIONS[restricted_to(path)]
                else:
                    description = REFUSAL_DESCRIPTIONS[status]
                responses.setdefault(
                    status, {**ERROR_RESPONSE, "description": description}
                )
            responses.setdefault("4XX", ERROR_RESPONSE)


# What every client needs before its first call, shown at the top of /api/docs.
API_DESCRIPTION = """\
Group-buying platform: deals, escrow, snap to deal. The guide is `docs/api.md`.

**Signing in.** `POST /api/auth/signup` then `POST /api/auth/signup/verify`
(new accounts), or `POST /api/auth/token` with a phone and password, answer a
token (`gbt_…`); send it as `Authorization: Bearer <token>`. Browsers use the
session cookie instead, with the CSRF token in `X-CSRFToken` on unsafe methods.
Each operation's `security` says whether it needs one: none listed (anyone), or
the token and the session as alternatives, with `{}` among them when anyone may
call it and a signed-in caller is shown more or answered in their own language.

**Language.** Messages (`message`, names, labels) are in the caller's language:
a signed-in caller's saved `preferred_language` (`PATCH /api/me`), unless the
request carries the site's `django_language` cookie; otherwise the request's
`Accept-Language` (`zh-hans`, the default, or `en`). A response says which in
`Content-Language`.

**Refusals.** Every 4xx is a JSON object `{"code", "message", "fields"}` (the
schema `Error`): `code` for programs, `message` a sentence for people, `fields`
the messages about each field sent, by name; some refusals add facts beside
them (`late_by_ms`, `blockers`). 429 and 503 answers carry
`Retry-After` (seconds).

**Values.** Ids are opaque strings with a type prefix (`deal_…`, `ord_…`,
`prd_…`, `br_…`). Money is an integer number of fen (`price_fen: 990` is
¥9.90). Times are ISO 8601 in UTC with a `Z`; deadlines are also given as epoch
milliseconds (`deadline_ms`). In a JSON body booleans are `true`/`false` and
numbers JSON numbers (a whole number for every `integer`): `"true"`, `1` for a
boolean and `"2"`, `2.0` or `true` for an integer are a 422.

**Lists** take `page` (from 1) and `page_size` (1 to 100, 20 by default) and
answer `{"items", "page", "page_size", "total", "pages"}`; a page past the last
has no items. The few lists that are whole by nature answer a bare array (the
category tree, the nearest branches, saved searches, the merchant's demand
search) and the chats page by `before` and `limit`.

**Repeating a request safely.** Creating a deal, sharing, redeeming a coupon,
adding stock and a few more take an idempotency key (16 to 36 letters, digits,
`-` or `_`; a UUID fits) in the body's `idempotency_key` or the `Idempotency-Key`
header, listed with the operations that read it: the same key again answers what
the first request did and changes nothing; with other details it is a 409
`idempotency_key_reused`.
"""


class GroupbuySchema(OpenAPISchema):
    def operation_security(self, operation):
        """Add the empty requirement (anyone) to an operation whose auth lets
        a caller without credentials through (one marked ``openapi_optional``,
        as the settings' auth app marks its anonymous caller): OpenAPI reads the list as
        alternatives, so the token stays documented and is no longer required.
        Until 2026-12-06 the public deal, team and listing reads were
        documented as needing a token."""
        security = super().operation_security(operation)
        if security and any(
            getattr(auth, "openapi_optional", False)
            for auth in operation.auth_callbacks
        ):
            security.append({})
        return security
