"""A failed htmx request gets an answer the page can show (a short problem fragment in the user's
language); a boosted navigation that fails gets the whole error page, as without JavaScript."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.conftest import HX, HX_BOOSTED
from tests.html import parse


def test_an_htmx_request_that_fails_gets_a_problem_fragment(logged_in):
    response = logged_in.get("/partners/999999", headers=HX)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "<html" not in html
    problem = parse(html).one(class_="request-problem")
    assert problem["role"] == "alert"
    assert "Not found" in problem.text and "may have been removed" in problem.text


def test_a_boosted_navigation_that_fails_gets_the_page(logged_in):
    response = logged_in.get("/partners/999999", headers=HX_BOOSTED)
    assert response.status_code == 404
    assert "<html" in response.get_data(as_text=True)


def test_an_expired_form_says_so_in_the_fragment(app, logged_in, workspace):
    app.config["WTF_CSRF_ENABLED"] = True
    response = logged_in.post("/reminders/new", data={"title": "x"}, headers=HX)
    assert response.status_code == 400
    assert "Form expired" in parse(response.get_data(as_text=True)).one(class_="request-problem").text


def test_the_page_carries_the_messages_for_failures_the_server_cannot_answer(logged_in):
    """Network down or a timeout: no answer to show, so the page holds the words (translated)."""
    body = parse(logged_in.get("/partners/").get_data(as_text=True)).one("body")
    assert "connection" in body["data-msg-offline"]
    assert body["data-msg-failed"]
    assert body["data-msg-draft-restored"]


@pytest.mark.parametrize(
    ("status", "title", "russian"),
    [
        (403, "Not allowed", "Не разрешено"),
        (409, "Changed meanwhile", None),
        (429, "Too many attempts", None),
        (500, "Something went wrong", None),
    ],
)
def test_each_failure_the_issue_names_gets_a_problem_fragment_in_the_users_language(
    app, client, auth, user, monkeypatch, status, title, russian
):
    """403, 409, 429 and 5xx, as 404 and an expired form above: a fragment the page shows in place."""
    from flask import abort

    app.config["PROPAGATE_EXCEPTIONS"] = False

    def fail():
        if status == 500:
            raise RuntimeError("boom")
        abort(status)

    assert auth.login(user).status_code == 302
    monkeypatch.setitem(app.view_functions, "partners.index", fail)
    response = client.get("/partners/", headers=HX)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert "<html" not in html
    problem = parse(html).one(class_="request-problem")
    assert problem["role"] == "alert" and title in problem.text
    user.locale = "ru"
    db.session.commit()
    shown = parse(client.get("/partners/", headers=HX).get_data(as_text=True)).one(class_="request-problem")
    assert title not in shown.text and any("а" <= c <= "я" for c in shown.text.lower()), shown.text
    if russian:
        assert russian in shown.text
