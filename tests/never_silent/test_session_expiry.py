"""Logged out in another tab, a user logging a touch is sent to log in and then back to the PAGE
they were on — not to the POST-only action (a 405 after login, the typed note lost)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.conftest import make_partner


def _next_of(location):
    parts = urlsplit(location)
    assert parts.path == "/login"
    return parse_qs(parts.query).get("next", [None])[0]


def test_an_htmx_action_after_logout_returns_to_the_page(client, workspace):
    partner = make_partner(workspace, name="Acme")
    response = client.post(
        f"/partners/{partner.id}/interactions",
        data={"kind": "call", "summary": "Talked about the rebrand"},
        headers={"HX-Request": "true", "HX-Current-URL": f"http://localhost/partners/{partner.id}?tab=x"},
    )
    assert response.status_code == 401
    assert _next_of(response.headers["HX-Redirect"]) == f"/partners/{partner.id}?tab=x"


def test_a_plain_form_post_after_logout_returns_to_the_page_it_came_from(client, workspace):
    partner = make_partner(workspace, name="Acme")
    response = client.post(
        f"/partners/{partner.id}/interactions",
        data={"kind": "call"},
        headers={"Referer": f"http://localhost/partners/{partner.id}"},
    )
    assert response.status_code == 302
    assert _next_of(response.headers["Location"]) == f"/partners/{partner.id}"


def test_a_page_of_another_site_is_never_the_way_back(client, workspace):
    partner = make_partner(workspace, name="Acme")
    response = client.post(
        f"/partners/{partner.id}/interactions",
        data={"kind": "call"},
        headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/partners/1"},
    )
    assert _next_of(response.headers["HX-Redirect"]) is None


def test_a_page_asked_for_directly_is_still_the_way_back(client):
    response = client.get("/partners/?q=acme")
    assert _next_of(response.headers["Location"]) == "/partners/?q=acme"


def test_a_form_of_a_session_that_ended_leads_to_the_login_not_to_form_expired(app, client, workspace):
    """Logging out renews the form's security token, so a form left open in another tab no longer
    matches: for someone no longer logged in, that is "log in again", not "form expired"."""
    app.config["WTF_CSRF_ENABLED"] = True
    partner = make_partner(workspace, name="Acme")
    # (the client is logged out, as after the other tab's logout; the page's token is an old one)
    response = client.post(
        f"/partners/{partner.id}/interactions",
        data={"kind": "call", "csrf_token": "from-the-old-page"},
        headers={"HX-Request": "true", "HX-Current-URL": f"http://localhost/partners/{partner.id}"},
    )
    assert response.status_code == 401
    assert _next_of(response.headers["HX-Redirect"]) == f"/partners/{partner.id}"
