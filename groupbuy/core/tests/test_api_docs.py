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


def test_api_docs_page_renders(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_unknown_api_path_is_a_404_not_a_500(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
