"""The OpenAPI document is enough to write a client from.

A partner writing a mini-program client from ``/api/openapi.json`` alone met
operations with no description, refusals named only as a catch-all, shares and
threads answered as "any object", and states given as "string". These rules
walk the whole document so that a new operation cannot bring such gaps back.
"""

import pytest

# Lists answered whole, short by nature, or paged by a cursor (docs/api.md,
# "Lists"): every other list is {items, page, page_size, total, pages}.
WHOLE_LISTS = {
    ("get", "/api/catalog/categories"),
    ("get", "/api/catalog/branches/nearest"),
    ("get", "/api/pooling/pools/{pool_id}/messages"),
    ("get", "/api/pooling/contacts/{contact_id}/messages"),
    ("get", "/api/demands/merchant/search"),
    ("get", "/api/demands/merchant/saved-searches"),
    ("post", "/api/sharing/contacts/match"),
}
PAGE_KEYS = {"items", "page", "page_size", "total", "pages"}
# Answer fields whose values a client switches on: each lists them (``enum``).
CHOICE_NAMES = {"state", "shown_state", "status", "shown_status", "cancel_reason"}
CHOICE_NAMES |= {"action", "kind"}
CHOICE_NAMES |= {"role", "source", "channel", "purpose", "method", "reason"}
CHOICE_NAMES |= {"origin", "provider", "expiry_rule"}
CHOICE_SUFFIXES = ("_state", "_status", "_kind", "_reason")
# Fields by those names that hold someone's own words, not a code: a shop's
# or an operator's reason, a payment provider's text, a product's attribution
# ("Open Food Facts contributors (ODbL)"), a sentence for the reader.
WORDS = {"stop_reason", "refund_reason", "decline_reason", "failure_reason"}
WORDS_IN = {
    "ProductOut.source",
    "ProductIn.source",
    "ProductPatch.source",
    "MyStaffInvitationOut.reason",
    "MatchOut.reason",
    "CouponRefundOut.reason",
    "MerchantRefundOut.reason",
    "MerchantRefundIn.reason",
    "MerchantRefundUnitsIn.reason",
    "UnitRefundOut.reason",
    "RefundIn.reason",
    "RefundUnitsIn.reason",
    "StopIn.reason",
    "OperatorDealStopIn.reason",
    "DeclineIn.reason",
    "OperatorMerchantSwitchOffIn.reason",
    "OperatorPersonSwitchOffIn.reason",
    "OperatorDemandReasonIn.reason",
    "OperatorCouponRevokeIn.reason",
    "OperatorProductCorrectionIn.reason",
    "OperatorProductCorrectionIn.source",
}
# Kinds that apps declare through a registry, open to the next app: a client
# shows such a kind's label (``label``, ``title``) rather than switching on it.
# An audit entry's action is any app's dotted code (``action_label`` where its
# app gives one), and the trail's filter takes the start of one ("deals.").
OPEN_KINDS = {"NotificationOut.kind", "LedgerLineOut.kind"}
OPEN_KINDS |= {"OperatorAuditEntryOut.action", "OperatorAuditIn.action"}


@pytest.fixture(scope="module")
def document():
    from groupbuy.api import api

    return api.get_openapi_schema()


def _operations(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield method, path, operation


def _schema(document, schema: dict) -> dict:
    if "$ref" in schema:
        return document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_every_operation_says_what_it_does(document):
    undescribed = [
        f"{method.upper()} {path}"
        for method, path, operation in _operations(document)
        if not operation.get("summary") or not operation.get("description")
    ]
    assert undescribed == []


def test_every_operation_documents_the_refusals_its_shape_allows(document):
    error = {"$ref": "#/components/schemas/Error"}
    missing = []
    for method, path, operation in _operations(document):
        responses = operation["responses"]
        expected = {"4XX"}
        security = operation.get("security")
        if security and {} not in security:
            expected.add("401")  # needs a token or session
            if path.startswith(("/api/operator/", "/api/ops/")):
                expected.add("403")  # operators only
            if "/merchants/{merchant_id}" in path:
                expected.add("403")  # the shop's staff only
        if "{" in path:
            expected.add("404")  # names an object in its path
        if "requestBody" in operation:
            expected |= {"400", "422"}  # reads a body
        for status in sorted(expected):
            answer = responses.get(status)
            if answer is None or not answer.get("description"):
                missing.append(f"{method.upper()} {path} {status}")
            elif answer["content"]["application/json"]["schema"] != error:
                missing.append(f"{method.upper()} {path} {status} not Error")
    assert missing == []


def test_a_shop_or_operator_address_says_who_else_is_refused(document):
    # given an operators' read and a shop's, each refusing a shopper 403
    # (groupbuy/ops/tests, groupbuy/deals/tests), and a public shop read
    dashboard = document["paths"]["/api/operator/dashboard"]["get"]
    orders = document["paths"]["/api/deals/merchants/{merchant_id}/orders"]["get"]
    listings = document["paths"]["/api/catalog/merchants/{merchant_id}/listings"]

    # then the first two document the 403 and whom it is for; the third none
    assert "not an operator" in dashboard["responses"]["403"]["description"]
    assert "shop's staff" in orders["responses"]["403"]["description"]
    assert "403" not in listings["get"]["responses"]


def test_a_public_operation_documents_no_401(document):
    # GET /api/deals needs no token: a client must not be told it may be 401.
    assert "401" not in document["paths"]["/api/deals"]["get"]["responses"]
    assert "401" in document["paths"]["/api/deals/{deal_id}/join"]["post"]["responses"]


# Operations open to everyone alike, which never look at a token or session:
# signing in and up, the health check, the push key and the payment
# providers' callbacks answer no one in particular, and a basket's saving is
# a sum. Every other operation anyone may call recognises a signed-in caller
# (``optional_auth``), if only to answer in their saved language.
ANYONE_ALIKE = {
    ("get", "/api/health"),
    ("get", "/api/sharing/push/key"),
    ("post", "/api/escrow/callbacks/{provider_name}"),
    ("post", "/api/pooling/promotions/{promotion_id}/saving"),
}


def test_a_read_anyone_may_make_still_recognises_a_signed_in_caller(document):
    """Until 2026-12-07 the deal list, the catalogue, the merchants, the
    demands, the promotions and the share cards read no token: a person who
    chose Chinese got them in their phone's English, and the deal they opened
    next in Chinese."""
    unrecognising = [
        f"{method.upper()} {path}"
        for method, path, operation in _operations(document)
        if not operation.get("security")
        and not path.startswith("/api/auth/")
        and (method, path) not in ANYONE_ALIKE
    ]
    assert unrecognising == []


def test_every_json_answer_declares_its_fields(document):
    shapeless = []
    for method, path, operation in _operations(document):
        for code, answer in operation["responses"].items():
            status = str(code)
            if not status.startswith("2") or status == "204":
                continue
            contents = answer.get("content", {})
            content = contents.get("application/json")
            if content is None and contents:
                continue  # a file whose type the document declares (text/csv)
            if content is None:
                shapeless.append(f"{method.upper()} {path} {status}: no schema")
                continue
            schema = _schema(document, content["schema"])
            if schema.get("type") == "array":
                schema = _schema(document, schema["items"])
            if schema.get("type") == "object" and not schema.get("properties"):
                shapeless.append(f"{method.upper()} {path} {status}: any object")
    assert shapeless == []


def test_every_file_answer_says_its_media_type(document):
    """Until 2026-12-06 the voice note, the data export and the generated key
    file were documented as "OK" and nothing more: a generated client read
    them as JSON. Every answer that is not JSON now names its media type, as
    a binary string, and says what the file is."""
    undeclared = []
    for method, path, operation in _operations(document):
        for code, answer in operation["responses"].items():
            status = str(code)
            if not status.startswith("2") or status == "204":
                continue
            where = f"{method.upper()} {path} {status}"
            contents = answer.get("content", {})
            if not contents:
                undeclared.append(f"{where}: no media type")
            for media_type, content in contents.items():
                if media_type == "application/json":
                    continue
                if content.get("schema") != {"type": "string", "format": "binary"}:
                    undeclared.append(f"{where}: {media_type} not a binary string")
                if answer.get("description", "OK") == "OK":
                    undeclared.append(f"{where}: {media_type} says only OK")
    assert undeclared == []


def test_the_file_answers_document_their_own_refusals(document):
    # given the refusals each file answer gives beyond its shape's
    expected = {
        ("get", "/api/sharing/threads/{share_id}/voice-note"): {"403", "404"},
        ("get", "/api/me/data/export"): {"401"},
        ("post", "/api/coupons/merchants/{merchant_id}/keys/generate"): {
            "403",
            "409",
        },
    }
    for (method, path), statuses in expected.items():
        # when the document is read
        responses = document["paths"][path][method]["responses"]
        # then each is an Error with a description of its own
        for status in statuses:
            answer = responses[status]
            assert answer["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"
            }, (path, status)
            assert "`" in answer["description"], (path, status)  # names its code


def test_every_list_is_paged_the_same_way(document):
    differing = []
    for method, path, operation in _operations(document):
        answer = operation["responses"].get("200", {}).get("content", {})
        if "application/json" not in answer or (method, path) in WHOLE_LISTS:
            continue
        schema = _schema(document, answer["application/json"]["schema"])
        properties = schema.get("properties", {})
        if schema.get("type") == "array":
            differing.append(f"{method.upper()} {path}: a bare array")
        elif method == "get" and "items" in properties and PAGE_KEYS - set(properties):
            differing.append(f"{method.upper()} {path}: {sorted(properties)}")
    assert differing == []


def test_every_query_parameter_says_what_it_means(document):
    """Until 2026-12-07 151 of the 177 query parameters had no description:
    `page` and `page_size` everywhere, `/api/deals`' `lat`, `lng` and
    `category`, the orders' `status` beside `shown_status`, the station's
    sync cursors. A client's author read the code or guessed."""
    undescribed = [
        f"{method.upper()} {path} {parameter['name']}"
        for method, path, operation in _operations(document)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query"
        and not (parameter.get("description") or parameter["schema"].get("description"))
    ]
    assert undescribed == []


def test_every_id_a_request_body_sends_says_what_it_names(document):
    """Until 2026-12-07 34 ids sent in a body said nothing: a join's
    ``pickup_branch_id`` (required where a shop has several branches) did not
    say where branches are listed, a verification's ``verification_id`` not
    which answer gave it. Every ``…_id`` and ``…_ids`` of a body, at any
    depth, says what it names."""
    schemas = document["components"]["schemas"]
    bodies = set()
    for _method, _path, operation in _operations(document):
        for content in operation.get("requestBody", {}).get("content", {}).values():
            bodies |= _named_schemas(content["schema"])
    seen, undescribed = set(), []
    while bodies:
        name = bodies.pop()
        seen.add(name)
        for field, value in (schemas[name].get("properties") or {}).items():
            bodies |= _named_schemas(value) - seen
            if field.endswith(("_id", "_ids")) and not value.get("description"):
                undescribed.append(f"{name}.{field}")
    assert sorted(undescribed) == []


def _named_schemas(schema: dict) -> set[str]:
    """The names of the schemas ``schema`` refers to, at its top or in its
    ``anyOf`` options and ``items``."""
    options = [schema, *schema.get("anyOf", []), schema.get("items", {})]
    return {option["$ref"].rsplit("/", 1)[1] for option in options if "$ref" in option}


def test_every_page_parameter_starts_at_1(document):
    """The operator's look-up took ``orders_page=0`` (and -1) as page 1 until
    2026-12-07, where every other list refuses it: a client's off-by-one
    went unnoticed. A page parameter (``page``, ``…_page``) and a page's size
    or a chat's ``limit`` say their least value, which Ninja enforces."""
    unbounded = [
        f"{method.upper()} {path} {parameter['name']}"
        for method, path, operation in _operations(document)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query"
        and (
            parameter["name"] in {"page", "page_size", "limit"}
            or parameter["name"].endswith("_page")
        )
        and parameter["schema"].get("minimum") != 1
    ]
    assert unbounded == []


def test_the_values_of_states_and_statuses_are_listed(document):
    unlisted = set()
    for name, schema in document["components"]["schemas"].items():
        for field, value in (schema.get("properties") or {}).items():
            if f"{name}.{field}" in OPEN_KINDS | WORDS_IN or "$ref" in value:
                continue
            if field in WORDS:
                continue
            if field not in CHOICE_NAMES and not field.endswith(CHOICE_SUFFIXES):
                continue
            options = [value, *value.get("anyOf", [])]
            if not any("enum" in option or "const" in option for option in options):
                unlisted.add(f"{name}.{field}")
    # (the last gaps, operators' look-ups, payouts, snaps, staff, the sandbox
    # callback, team deals and the order lists' filters, closed 2026-12-06;
    # a catalogue row's action, a share card's deal_state, a team place's
    # payment_state and the kinds of promotions and statement lines, later
    # that day; roles, a redemption's channel, an intent's purpose, a snap's
    # method, a contact book's source and the codes a station's conflicts and
    # revocations give as ``reason``, 2026-12-07; a coupon key's ``origin``,
    # the terms' ``expiry_rule`` and a payout's ``provider``, later that day)
    assert unlisted == set()


def test_every_url_an_answer_gives_is_absolute(document):
    """Until 2026-12-06 a share's ``url`` was a path ("/sharing/threads/…")
    while every ``pay_url`` was a whole address: a partner's app, which has no
    page to resolve a path against, could not open one. Every link an answer
    gives is typed ``AbsoluteUrl`` (``core/api_urls.py``), documented as
    ``format: uri``."""
    relative = set()
    for name, schema in document["components"]["schemas"].items():
        for field, value in (schema.get("properties") or {}).items():
            if field != "url" and not field.endswith("_url"):
                continue
            if not _says_uri(value):
                relative.add(f"{name}.{field}")
    assert relative == set()


def _says_uri(schema: dict) -> bool:
    """Whether ``schema`` (or one of its ``anyOf`` options, at any depth: an
    optional link is ``anyOf: [link, null]``, and a link is ``anyOf: [uri,
    ""]``) is a ``format: uri`` string."""
    return schema.get("format") == "uri" or any(
        _says_uri(option) for option in schema.get("anyOf", [])
    )


def test_the_document_says_how_to_sign_in_which_language_and_how_to_retry(document):
    described = document["info"]["description"]
    for needed in (
        "Authorization: Bearer",
        "Accept-Language",
        "preferred_language",
        "Idempotency-Key",
        "page_size",
        "Retry-After",
    ):
        assert needed in described, needed


def test_the_idempotency_key_header_is_a_parameter_where_it_is_read(document):
    # given the operations docs/api.md says take the header
    for method, path in (
        ("post", "/api/deals/merchants/{merchant_id}/deals"),
        ("post", "/api/sharing/shares"),
        ("post", "/api/coupons/merchants/{merchant_id}/redeem"),
    ):
        parameters = document["paths"][path][method].get("parameters", [])
        headers = [p["name"] for p in parameters if p["in"] == "header"]
        assert headers == ["Idempotency-Key"], (method, path)


def test_every_operation_reading_the_idempotency_key_header_lists_it(document):
    """The team buy's create read the header without the document saying so
    (until 2026-12-06): a client keying its retries there could not know."""
    import inspect

    from groupbuy.api import api

    undocumented = []
    for router in api._get_bound_routers():
        for route, path_view in router.path_operations.items():
            for operation in path_view.operations:
                if "idempotency_key_sent(" not in inspect.getsource(
                    operation.view_func
                ):
                    continue
                path = "/api/" + "/".join(
                    part.strip("/") for part in (router.prefix, route) if part
                )
                for method in operation.methods:
                    listed = document["paths"][path][method.lower()]
                    headers = [
                        p["name"]
                        for p in listed.get("parameters", [])
                        if p["in"] == "header"
                    ]
                    if "Idempotency-Key" not in headers:
                        undocumented.append(f"{method} {path}")
    assert undocumented == []


def test_the_error_schema_shows_examples_that_it_accepts(document):
    import jsonschema_rs

    error = document["components"]["schemas"]["Error"]
    assert error["examples"]
    for example in error["examples"]:
        jsonschema_rs.Draft202012Validator(error).validate(example)
