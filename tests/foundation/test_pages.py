"""Cross-cutting page behaviour: htmx fragments, headers, error pages, login required, settings."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import select

from app.models import User, Workspace
from tests.conftest import HX, HX_BOOSTED, PASSWORD
from tests.html import parse

# --- htmx fragment vs full page ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "fragment_start"),
    [
        ("/partners/", '<section id="partner-results"'),
        ("/partners/{pid}/contacts", '<section id="partner-contacts"'),
    ],
)
def test_htmx_fragment_vs_full_page(logged_in, workspace, factories, path, fragment_start):
    partner = factories.partner(workspace)
    url = path.format(pid=partner.id)
    plain = logged_in.get(url)
    fragment = logged_in.get(url, headers=HX)
    boosted = logged_in.get(url, headers=HX_BOOSTED)
    assert plain.get_data(as_text=True).lstrip().startswith("<!doctype html>")
    assert boosted.get_data(as_text=True).lstrip().startswith("<!doctype html>")
    assert fragment.get_data(as_text=True).lstrip().startswith(fragment_start)
    for response in (plain, fragment, boosted):
        assert response.status_code == 200
        assert "HX-Request" in response.headers.get("Vary", "")


def test_history_restore_gets_the_full_page(logged_in):
    response = logged_in.get("/partners/", headers={**HX, "HX-History-Restore-Request": "true"})
    assert response.get_data(as_text=True).lstrip().startswith("<!doctype html>")


def test_sort_and_page_links_fetch_the_fragment(logged_in, workspace, factories):
    for i in range(30):
        factories.partner(workspace, name=f"Linked {i:02d}")
    text = logged_in.get("/partners/").get_data(as_text=True)
    # explicit hx-get (a boosted link would answer the full page into the results) and an outerHTML swap
    doc = parse(text)
    sort = doc.one("a", href=lambda href: href.startswith("/partners/?") and "sort=tier" in href)
    assert (sort["hx-get"], sort["hx-target"], sort["hx-swap"], sort["hx-push-url"]) == (
        sort["href"],
        "#partner-results",
        "outerHTML",
        "true",
    )
    following = doc.one("a", rel="next")
    assert "page=2" in following["href"]
    assert (following["hx-get"], following["hx-target"], following["hx-swap"]) == (
        following["href"],
        "#partner-results",
        "outerHTML",
    )


# --- headers, errors -----------------------------------------------------------------------------


def test_security_headers_on_pages_and_errors(client, logged_in):
    for response in (client.get("/login"), logged_in.get("/partners/"), logged_in.get("/nope")):
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert "unsafe-eval" not in csp and "script-src 'self' 'unsafe-inline'" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_flags(client, user):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    remember_cookie = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session_cookie, remember_cookie):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure():
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE


def test_production_refuses_default_secret(monkeypatch):
    from app import create_app
    from config import ProductionConfig

    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_404_page(logged_in, client):
    response = logged_in.get("/does-not-exist")
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "Not found" in text and "<html" in text and "Back to Orchard" in text
    assert logged_in.get("/partners/999999").status_code == 404
    assert client.get("/does-not-exist").status_code == 404  # anonymous too, not a login redirect


def test_405_page(logged_in):
    response = logged_in.get("/logout")
    assert response.status_code == 405
    assert "That action is not available here." in response.get_data(as_text=True)
    assert logged_in.delete("/partners/").status_code == 405


def test_static_files_are_public(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    response.close()


def test_html_is_escaped(logged_in, workspace, factories):
    factories.partner(workspace, name="<script>alert(1)</script>")
    text = logged_in.get("/partners/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_home_leads_into_the_app(logged_in, client):
    response = logged_in.get("/", follow_redirects=True)
    assert response.status_code == 200 and "/login" not in response.request.path


# --- login required ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/partners/"),
        ("GET", "/partners/new"),
        ("POST", "/partners/new"),
        ("GET", "/partners/{pid}"),
        ("POST", "/partners/{pid}/edit"),
        ("POST", "/partners/{pid}/archive"),
        ("POST", "/partners/{pid}/contacts"),
        ("GET", "/settings/"),
        ("POST", "/settings/"),
        ("GET", "/settings/members"),
        ("POST", "/settings/invites"),
        ("GET", "/settings/profile"),
        ("POST", "/logout"),
        ("POST", "/workspaces/switch/1"),
        ("GET", "/workspaces/new"),
    ],
)
def test_login_required(client, workspace, factories, session, method, path):
    partner = factories.partner(workspace, name="Secret Partner")
    url = path.format(pid=partner.id)
    response = client.open(url, method=method, data={"name": "Hack"})
    assert response.status_code == 302
    # back to a page asked for; an action (a POST, an htmx piece) goes back to the page it was sent
    # from (tests/never_silent/test_session_expiry.py), here none: never to the action itself
    expected = f"/login?next={quote(url, safe='/')}" if method == "GET" else "/login"
    assert response.headers["Location"] == expected
    htmx = client.open(url, method=method, headers=HX, data={"name": "Hack"})
    assert htmx.status_code == 401
    assert htmx.headers["HX-Redirect"] == "/login"
    session.refresh(partner)
    assert partner.name == "Secret Partner" and partner.archived_at is None


# --- settings ------------------------------------------------------------------------------------

WS_FORM = {
    "name": "Renamed Studio",
    "default_currency": "usd",
    "cadence_a_days": "7",
    "cadence_b_days": "21",
    "cadence_c_days": "90",
    "response_time_days": "3",
}


def test_owner_edits_workspace(logged_in, session, workspace):
    assert logged_in.get("/settings/").status_code == 200
    response = logged_in.post("/settings/", data=WS_FORM)
    assert response.status_code == 302
    session.refresh(workspace)
    assert (
        workspace.name,
        workspace.default_currency,
        workspace.cadence_a_days,
        workspace.cadence_b_days,
        workspace.cadence_c_days,
        workspace.response_time_days,
    ) == ("Renamed Studio", "USD", 7, 21, 90, 3)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"default_currency": "XYZ"}, "XYZ is not a currency we know."),
        ({"default_currency": "EURO"}, "Use a three-letter ISO code"),
        ({"default_currency": ""}, "This field is required."),
        ({"cadence_a_days": "0"}, "Number must be between 1 and 365."),
        ({"name": ""}, "This field is required."),
    ],
)
def test_workspace_settings_validation(logged_in, session, workspace, overrides, message):
    response = logged_in.post("/settings/", data=dict(WS_FORM, **overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    session.refresh(workspace)
    assert workspace.name != "Renamed Studio" and workspace.default_currency == "EUR"


def test_member_sees_settings_read_only(app, session, workspace, factories):
    member = factories.member(workspace)
    client = app.test_client()
    client.post("/login", data={"email": member.email, "password": PASSWORD})
    page = client.get("/settings/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<fieldset disabled" in text and "Only workspace owners can change these settings." in text
    assert "Save settings" not in text
    assert client.post("/settings/", data=WS_FORM).status_code == 403
    session.refresh(workspace)
    assert workspace.name != "Renamed Studio"


def test_profile_update(logged_in, session, user):
    assert logged_in.get("/settings/profile").status_code == 200
    response = logged_in.post(
        "/settings/profile", data={"form": "profile", "name": "Olga Renamed", "timezone": "Europe/Berlin"}
    )
    assert response.status_code == 302
    session.refresh(user)
    assert (user.name, user.timezone) == ("Olga Renamed", "Europe/Berlin")


def test_profile_validation(logged_in, session, user):
    response = logged_in.post("/settings/profile", data={"form": "profile", "name": "", "timezone": "Mars/Base"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "This field is required." in text and "Not a valid choice" in text
    session.refresh(user)
    assert user.name == "Olga Owner"


def test_password_change(logged_in, app, session, user):
    response = logged_in.post(
        "/settings/profile",
        data={"form": "password", "pw-current_password": PASSWORD, "pw-new_password": "my new long password"},
    )
    assert response.status_code == 302
    assert "Password changed" in logged_in.get("/settings/profile").get_data(as_text=True)
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 422
    assert fresh.post("/login", data={"email": user.email, "password": "my new long password"}).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"pw-current_password": "wrong one!!", "pw-new_password": "my new long password"},
            "The current password is not right.",
        ),
        ({"pw-current_password": PASSWORD, "pw-new_password": "short"}, "Use at least 10 characters."),
    ],
)
def test_password_change_errors(logged_in, session, user, data, message):
    before = user.password_hash
    response = logged_in.post("/settings/profile", data=dict(data, form="password"))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    session.refresh(user)
    assert user.password_hash == before


def test_registered_workspace_has_defaults(client, session):
    client.post("/register", data={"name": "Def", "email": "def@example.com", "password": "long enough pw"})
    user = session.scalar(select(User).where(User.email == "def@example.com"))
    ws = session.get(Workspace, user.current_workspace_id)
    assert (ws.default_currency, ws.cadence_a_days, ws.cadence_b_days, ws.cadence_c_days) == ("EUR", 14, 30, 60)
