"""Which language a page is in: the profile's choice once logged in; before that the language
picked on the login or register page (remembered), else the browser's Accept-Language, else English;
a new account starts in the language its register page was shown in."""

from __future__ import annotations

from app.extensions import db
from app.i18n import COOKIE
from app.models import User
from tests.conftest import PASSWORD
from tests.html import parse


def _lang(response) -> str:
    return parse(response.get_data(as_text=True)).one("html")["lang"]


def test_the_browser_language_is_used_before_login(client):
    assert _lang(client.get("/login")) == "en"
    assert _lang(client.get("/login", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})) == "ru"
    assert _lang(client.get("/login", headers={"Accept-Language": "de-DE,fr;q=0.8"})) == "en"


def test_the_switch_on_the_login_page_picks_a_language_that_stays_picked(client):
    page = parse(client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True))
    switch = page.one("nav", class_="language-switch")
    link = switch.one("a", hreflang="ru")
    assert link.text == "Русский" and "lang=ru" in link["href"]
    assert switch.one("strong", aria_current="true").text == "English"
    response = client.get(link["href"])
    assert _lang(response) == "ru"
    assert f"{COOKIE}=ru" in response.headers["Set-Cookie"]
    assert _lang(client.get("/register", headers={"Accept-Language": "en"})) == "ru"  # the cookie wins


def test_an_unknown_language_is_ignored(client):
    response = client.get("/login?lang=xx", headers={"Accept-Language": "en"})
    assert (
        _lang(response) == "en"
        and "Set-Cookie" not in response.headers
        or COOKIE not in response.headers.get("Set-Cookie", "")
    )


def test_a_new_account_speaks_the_language_its_register_page_was_in(client):
    client.get("/register?lang=ru")
    response = client.post(
        "/register",
        data={"name": "Ирина", "email": "irina@example.com", "password": PASSWORD, "workspace_name": "Студия"},
    )
    assert response.status_code == 302
    assert db.session.query(User).filter_by(email="irina@example.com").one().locale == "ru"
    assert _lang(client.get("/", follow_redirects=True)) == "ru"


def test_the_profile_language_wins_over_the_browser(logged_in, user):
    page = parse(logged_in.get("/settings/profile").get_data(as_text=True))
    choices = {o["value"]: o.text for o in page.one("select", name="locale").find_all("option")}
    assert choices == {"en": "English", "ru": "Русский"}
    response = logged_in.post(
        "/settings/profile", data={"form": "profile", "name": user.name, "timezone": user.timezone, "locale": "ru"}
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.locale == "ru"
    assert _lang(logged_in.get("/settings/profile", headers={"Accept-Language": "en"})) == "ru"
    refused = logged_in.post(
        "/settings/profile", data={"form": "profile", "name": user.name, "timezone": user.timezone, "locale": "xx"}
    )
    assert refused.status_code == 422 and user.locale == "ru"  # refused next to the field, nothing saved


def test_workspace_roles_are_shown_as_words_not_codes(logged_in):
    page = parse(logged_in.get("/settings/members").get_data(as_text=True))
    options = [o.text for o in page.one("select", id="role").find_all("option")]  # the invite form
    assert options == ["Owner", "Member"]
