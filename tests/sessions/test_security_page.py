"""Settings → Security: the user's sessions, with "this device"; end one; log out everywhere else."""

from __future__ import annotations

from tests.conftest import PASSWORD
from tests.html import parse
from tests.sessions.test_session_rows import FIREFOX, IPHONE


def _login(app, user, agent, address="192.0.2.10"):
    client = app.test_client()
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        headers={"User-Agent": agent},
        environ_base={"REMOTE_ADDR": address},
    )
    assert response.status_code == 302
    return client


def _rows(page):
    return parse(page.get_data(as_text=True)).find_all("tr", data_session_id=True)


def test_the_page_lists_each_device_and_marks_this_one(app, user, frozen_clock):
    laptop = _login(app, user, FIREFOX)
    _login(app, user, IPHONE, address="198.51.100.7")
    page = laptop.get("/settings/security", headers={"User-Agent": FIREFOX})
    assert page.status_code == 200
    rows = [row.text for row in _rows(page)]
    assert len(rows) == 2
    assert any("Firefox · Windows" in r and "This device" in r and "192.0.2.10" in r for r in rows)
    assert any("Safari · iPhone" in r and "This device" not in r and "198.51.100.7" in r for r in rows)
    assert "Log out everywhere else" in page.get_data(as_text=True)


def test_with_one_session_the_page_says_so(logged_in):
    text = logged_in.get("/settings/security").get_data(as_text=True)
    assert "You are logged in on this device only" in text and "Log out everywhere else" not in text


def test_ending_one_session_logs_that_device_out(app, user):
    laptop, phone = _login(app, user, FIREFOX), _login(app, user, IPHONE)
    page = laptop.get("/settings/security")
    (phone_row,) = [r for r in _rows(page) if "iPhone" in r.text]
    response = laptop.post(phone_row.find("form")["action"], follow_redirects=True)
    assert "That session is ended" in response.get_data(as_text=True)
    assert len(_rows(response)) == 1
    assert phone.get("/partners/").status_code == 302
    assert laptop.get("/partners/").status_code == 200
    again = laptop.post(phone_row.find("form")["action"], follow_redirects=True)
    assert "That session had already ended." in again.get_data(as_text=True)


def test_ending_this_session_logs_out_here(app, user):
    laptop = _login(app, user, FIREFOX)
    (row,) = _rows(laptop.get("/settings/security"))
    response = laptop.post(row.find("form")["action"])
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert laptop.get("/partners/").status_code == 302


def test_log_out_everywhere_else(app, user, other):
    laptop, phone, tablet = (_login(app, user, agent) for agent in (FIREFOX, IPHONE, IPHONE))
    outsider = _login(app, other["user"], FIREFOX)
    response = laptop.post("/settings/security/sessions/end-others", follow_redirects=True)
    assert "2 other sessions ended." in response.get_data(as_text=True)
    assert phone.get("/partners/").status_code == 302 and tablet.get("/partners/").status_code == 302
    assert laptop.get("/partners/").status_code == 200
    assert outsider.get("/partners/").status_code == 200  # another user's sessions are not touched
    again = laptop.post("/settings/security/sessions/end-others", follow_redirects=True)
    assert "There were no other sessions to end." in again.get_data(as_text=True)


def test_another_users_session_cannot_be_ended(app, user, other):
    mine = _login(app, user, FIREFOX)
    theirs = _login(app, other["user"], IPHONE)
    (their_row,) = _rows(theirs.get("/settings/security"))
    assert mine.post(their_row.find("form")["action"]).status_code == 404
    assert theirs.get("/partners/").status_code == 200


def test_the_page_runs_the_same_queries_for_one_or_many_sessions(app, user, count_queries):
    laptop = _login(app, user, FIREFOX)
    laptop.get("/settings/security")
    with count_queries() as one:
        laptop.get("/settings/security")
    for _ in range(4):
        _login(app, user, IPHONE)
    with count_queries() as five:
        page = laptop.get("/settings/security")
    assert len(_rows(page)) == 5
    assert five.count == one.count


def test_the_security_tab_is_in_settings(logged_in):
    page = parse(logged_in.get("/settings/profile").get_data(as_text=True))
    assert page.find("a", href="/settings/security").text == "Security"


def test_this_device_is_listed_first(app, frozen_clock, logged_in, user):
    from datetime import timedelta

    from tests.conftest import PASSWORD

    frozen_clock.shift(timedelta(minutes=10))
    later = app.test_client()
    assert later.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    rows = parse(logged_in.get("/settings/security").get_data(as_text=True)).find_all("tr", data_session_id=True)
    assert len(rows) == 2 and "This device" in rows[0].text
