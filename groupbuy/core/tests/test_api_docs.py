def test_openapi_schema_documents_every_app(client):
    # when
    response = client.get("/api/openapi.json")
    # then
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/auth/signup",
        "/api/catalog/products",
        "/api/deals/{deal_id}/join",
        "/api/escrow/me/money",
        "/api/notify/notifications",
        "/api/snap",
        "/api/health",
    ):
        assert path in paths, path


def test_the_served_document_is_built_once_per_language(client, monkeypatch):
    """Building the document takes ~2 s of CPU: /api/openapi.json must not
    rebuild it on every request, yet each language gets its own."""
    from groupbuy.api import api

    monkeypatch.setattr(api, "_served_documents", {})
    builds = []
    build = type(api)._build_openapi_schema

    def counted(self, path_prefix):
        builds.append(path_prefix)
        return build(self, path_prefix)

    monkeypatch.setattr(type(api), "_build_openapi_schema", counted)
    english = [client.get("/api/openapi.json").json() for _ in range(2)]
    assert len(builds) == 1
    assert english[0] == english[1]
    chinese = client.get("/api/openapi.json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.status_code == 200
    assert len(builds) == 2


def test_api_docs_page_renders(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_unknown_api_path_is_a_404_not_a_500(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404


def test_openapi_schema_names_do_not_clash(monkeypatch):
    """Two schemas sharing a name overwrite each other in the document."""
    import json
    import re

    from ninja.openapi.schema import OpenAPISchema

    from groupbuy.api import api

    # given: record every definition Ninja merges into components/schemas
    definitions: dict[str, set[str]] = {}
    merge = OpenAPISchema.add_schema_definitions

    def recording(self, found: dict) -> None:
        for name, schema in found.items():
            definitions.setdefault(name, set()).add(json.dumps(schema, sort_keys=True))
        merge(self, found)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", recording)
    # when
    document = api.get_openapi_schema()
    # then no name stands for two different schemas
    clashes = sorted(name for name, shapes in definitions.items() if len(shapes) > 1)
    assert clashes == []
    # and every reference points at a schema that exists
    references = set(
        re.findall(r"#/components/schemas/([\w.-]+)", json.dumps(document))
    )
    assert references <= set(document["components"]["schemas"])


def test_api_docs_page_references_no_external_host(client):
    import re

    # when
    response = client.get("/api/docs")
    html = response.content.decode()
    # then every script, stylesheet and icon is the project's own
    assert response.status_code == 200
    links = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert links
    assert all(link.startswith("/") and not link.startswith("//") for link in links)
    assert "cdn" not in html.lower()
    # and Swagger UI fetches no validator badge from validator.swagger.io
    assert '"validatorUrl": null' in html
    for link in links:
        assert client.get(link).status_code == 200, link


def _time_properties(schema, where: str):
    """Yield (where, property schema) for every ``…_at`` property, nested too."""
    if isinstance(schema, list):
        for item in schema:
            yield from _time_properties(item, where)
        return
    if not isinstance(schema, dict):
        return
    for name, value in (schema.get("properties") or {}).items():
        if name.endswith("_at"):
            yield f"{where}.{name}", value
        yield from _time_properties(value, f"{where}.{name}")
    for key, value in schema.items():
        if key != "properties":
            yield from _time_properties(value, where)


def test_every_time_in_the_document_is_a_date_time():
    """A time declared ``datetime`` is written by the API's one encoder (UTC,
    milliseconds, "Z"); one declared a string was formatted by hand, and two
    apps wrote "+00:00" with microseconds that way."""
    from groupbuy.api import api

    # when
    schemas = api.get_openapi_schema()["components"]["schemas"]
    # then
    not_times = [
        where
        for name, schema in schemas.items()
        for where, value in _time_properties(schema, name)
        if "date-time"
        not in [value.get("format")]
        + [option.get("format") for option in value.get("anyOf", [])]
    ]
    assert not_times == []


def test_an_api_module_split_into_a_package_keeps_its_operation_ids():
    """Clients generated from the document call each operation by its id: an
    app's ``api.py`` that became a package of routers by subject answers under
    the ids it had (``core.api_packages``), not its new modules' names."""
    from groupbuy.api import api

    # given operations whose views moved out of an ``api.py``
    kept = {
        ("/api/coupons/mine", "get"): "groupbuy_coupons_api_my_coupons",
        ("/api/coupons/merchants/{merchant_id}/redeem", "post"): (
            "groupbuy_coupons_api_redeem"
        ),
        ("/api/coupons/merchants/{merchant_id}/statement", "get"): (
            "groupbuy_coupons_api_statement"
        ),
        ("/api/coupons/{coupon_id}/refund-units", "post"): (
            "groupbuy_coupons_api_unit_refunds_refund_units"
        ),
        ("/api/payments/operator/payouts", "post"): (
            "groupbuy_payments_api_operator_payout_create"
        ),
        ("/api/payments/operator/fees", "get"): "groupbuy_payments_api_operator_fees",
        ("/api/deals", "get"): "groupbuy_deals_api_deal_list",
        ("/api/deals/{deal_id}", "patch"): "groupbuy_deals_api_deal_update",
        ("/api/deals/merchants/{merchant_id}/sales", "get"): (
            "groupbuy_deals_api_merchant_sales_figures"
        ),
        ("/api/deals/{deal_id}/orders/{order_id}/refund-units", "post"): (
            "groupbuy_deals_api_unit_refunds_deal_order_refund_units"
        ),
        ("/api/pooling/pools/{pool_id}/leave", "post"): (
            "groupbuy_pooling_api_pool_leave"
        ),
        ("/api/pooling/contacts", "get"): "groupbuy_pooling_api_my_contacts",
        ("/api/sharing/shares", "post"): "groupbuy_sharing_api_share_send",
        ("/api/sharing/threads/{share_id}/read", "post"): (
            "groupbuy_sharing_api_thread_read"
        ),
    }
    # when
    paths = api.get_openapi_schema()["paths"]
    # then
    documented = {
        (path, method): paths[path][method]["operationId"] for path, method in kept
    }
    assert documented == kept


def test_every_operation_documents_its_refusals_and_they_match(
    client, django_user_model
):
    """A client written from the document alone learns what a refusal looks
    like; the document said nothing of any 4xx."""
    import jsonschema_rs

    # given
    document = client.get("/api/openapi.json").json()
    error_schema = document["components"]["schemas"]["Error"]
    # then every operation declares its refusals as that schema
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            declared = operation["responses"].get("4XX")
            assert declared, (method, path)
            schema = declared["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}
    # and real refusals of each kind match it
    answers = [
        client.get("/api/no-such-thing"),  # 404 outside any route
        client.get("/api/me"),  # 401
        client.post("/api/auth/token", {"phone": "x"}, content_type="application/json"),
        client.put("/api/health"),  # 405
    ]
    for answer in answers:
        assert 400 <= answer.status_code < 500
        jsonschema_rs.Draft202012Validator(error_schema).validate(answer.json())


def test_the_document_lists_the_values_a_choice_takes(client):
    # A client guessed at a settlement mode and a staff role: the document
    # said only "string".
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    assert schemas["DealCreateIn"]["properties"]["settlement_mode"]["enum"] == [
        "on_close",
        "on_redemption",
    ]
    assert schemas["DealUpdateIn"]["properties"]["settlement_mode"]["enum"] == [
        "on_close",
        "on_redemption",
        None,
    ]
    for name in ("StaffInviteIn", "StaffRoleIn"):
        assert schemas[name]["properties"]["role"]["enum"] == ["owner", "cashier"]
