"""Every error inside the API is an RFC 9457 problem (application/problem+json)."""

from __future__ import annotations

PROBLEM = "application/problem+json"


def _is_problem(response, status):
    body = response.get_json()
    assert response.status_code == status and response.content_type == PROBLEM
    assert {"type", "title", "status", "detail"} <= set(body) and body["status"] == status
    return body


def test_unknown_path_and_method(api):
    _is_problem(api.get("/api/v1/nothing-here"), 404)
    response = api.put("/api/v1/partners", json={})
    _is_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_pages_keep_their_html_errors(logged_in):
    response = logged_in.get("/partners/999999")
    assert response.status_code == 404 and response.content_type.startswith("text/html")


def test_validation_problem_lists_fields(api):
    body = _is_problem(api.get("/api/v1/partners?limit=0&sort=colour"), 422)
    assert set(body["errors"]) == {"limit", "sort"}


def test_not_json(api):
    response = api.post("/api/v1/partners", data="name=x", headers={"Content-Type": "text/plain"})
    assert response.status_code in (415, 422) and response.content_type == PROBLEM


def test_malformed_json(api):
    response = api.post("/api/v1/partners", data="{nope", headers={"Content-Type": "application/json"})
    assert response.status_code in (400, 422) and response.content_type == PROBLEM


def test_spec_is_valid_openapi_3_1(client):
    from openapi_spec_validator import validate

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    assert spec["openapi"] == "3.1.0"
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert spec["security"] == [{"bearerAuth": []}]
    for path in ("/api/v1/partners", "/api/v1/contacts/{contact_id}", "/api/v1/partners/{partner_id}/referrer"):
        assert path in spec["paths"]


def test_reference_page(logged_in, client):
    response = logged_in.get("/api/reference")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'spec-url="/api/v1/openapi.json"' in html and "vendor/redoc-2.5.4/redoc.standalone.js" in html
    assert "<script>" not in html  # CSP: no inline script
    with client.get("/static/vendor/redoc-2.5.4/redoc.standalone.js") as script:
        assert script.status_code == 200


def test_reference_page_needs_a_login(client):
    assert client.get("/api/reference").status_code == 302


def test_text_that_is_not_unicode_is_refused_not_a_server_error(api):
    """Observed: {"name": "\\ud800"} (a lone surrogate, valid JSON) answered 500."""
    response = api.post("/api/v1/partners", data='{"name": "\\ud800"}', headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.content_type == "application/problem+json"
    assert "Unicode" in response.get_json()["detail"]


def test_json_nested_too_deep_is_refused_not_a_server_error(api):
    """Observed: 5,000 nested arrays answered 500 (RecursionError)."""
    body = '{"name": "Deep", "notes": ' + "[" * 5000 + "]" * 5000 + "}"
    response = api.post("/api/v1/partners", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.content_type == "application/problem+json"
    assert "JSON" in response.get_json()["detail"]


def test_nul_characters_are_dropped_as_the_pages_drop_them(api):
    """Observed: {"name": "X\\u0000Y"} was stored with its NUL (PostgreSQL refuses such text: a 500)."""
    response = api.post("/api/v1/partners", json={"name": "X\u0000Y", "notes": "a\u0000b"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["name"] == "XY" and response.get_json()["notes"] == "ab"
