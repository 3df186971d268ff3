"""Reminder pages and inline actions over HTTP: validation (422, nothing saved), htmx row swaps and
their no-JavaScript fallbacks, the partner tab, settings, and another workspace's ids (404)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import DigestPreference, Reminder
from app.services.clock import local_today
from tests.conftest import NOW
from tests.html import parse
from tests.reminders.conftest import make_reminder

# the pages read the clock: it stands at NOW
pytestmark = pytest.mark.usefixtures("frozen_clock")


def _today(user):
    return local_today(user.timezone, NOW)


def _count():
    return db.session.scalar(select(func.count(Reminder.id)))


# --- the page --------------------------------------------------------------------------------------


def test_page_groups_mine_and_everyones(logged_in, user, workspace, factories):
    today = _today(user)
    teammate = factories.member(workspace, name="Sam Teammate")
    make_reminder(workspace, user, title="Late one", due_on=today - timedelta(days=3))
    make_reminder(workspace, user, title="For today", due_on=today)
    make_reminder(workspace, user, title="Later on", due_on=today + timedelta(days=5))
    make_reminder(workspace, teammate, title="Sam's task", due_on=today)
    make_reminder(
        workspace,
        user,
        title="Finished",
        due_on=today,
        completed_at=NOW,
    )

    html = logged_in.get("/reminders/").get_data(as_text=True)
    assert html.index("Late one") < html.index("For today") < html.index("Later on")
    assert 'class="reminder reminder-overdue"' in html and "Overdue since" in html
    assert "Sam's task" not in html and "Finished" not in html
    assert 'id="reminders-badge"' in html and ">2</span>" in html  # nav badge: overdue + today

    everyone = logged_in.get("/reminders/?who=all").get_data(as_text=True)
    assert "Sam&#39;s task" in everyone and "for Sam Teammate" in everyone

    done = logged_in.get("/reminders/?view=done").get_data(as_text=True)
    assert "Finished" in done and "Late one" not in done


def test_empty_page(logged_in):
    assert "Nothing to follow up" in logged_in.get("/reminders/").get_data(as_text=True)


# --- create and edit -------------------------------------------------------------------------------


def test_create_with_the_full_form(logged_in, user, workspace, factories):
    partner = factories.partner(workspace, name="Acme")
    form = logged_in.get(f"/reminders/new?partner_id={partner.id}").get_data(as_text=True)
    chosen = parse(form).one("select", name="partner_id").one("option", selected=True)
    assert (chosen["value"], chosen.text) == (str(partner.id), "Acme")
    response = logged_in.post(
        "/reminders/new",
        data={
            "title": "Send the deck",
            "due_on": "2026-12-01",
            "due_time": "09:30",
            "assignee_id": user.id,
            "partner_id": partner.id,
            "notes": "v2",
            "next": f"/partners/{partner.id}/reminders",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/partners/{partner.id}/reminders"
    reminder = db.session.scalar(select(Reminder))
    assert (reminder.title, reminder.partner_id, str(reminder.due_time)) == ("Send the deck", partner.id, "09:30:00")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "due_on": "2026-12-01"}, "Give the reminder a title."),
        ({"title": "Call", "due_on": ""}, "Choose the day it is due."),
        ({"title": "Call", "due_on": "not a date"}, "Choose the day it is due."),
        ({"title": "Call", "due_on": "2026-12-01", "due_time": "25:99"}, "Not a valid time value."),
    ],
)
def test_create_validation_answers_422_next_to_the_field(logged_in, user, data, message):
    response = logged_in.post("/reminders/new", data={"assignee_id": user.id, **data})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and 'class="field-error"' in html and 'aria-invalid="true"' in html
    assert _count() == 0


def test_create_refuses_another_workspaces_partner_and_member(logged_in, user, other):
    response = logged_in.post(
        "/reminders/new",
        data={"title": "Sneaky", "due_on": "2026-12-01", "assignee_id": user.id, "partner_id": other["partner"].id},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "That partner is not in this workspace." in html and "Outsider Partner" not in html
    response = logged_in.post(
        "/reminders/new", data={"title": "Sneaky", "due_on": "2026-12-01", "assignee_id": other["user"].id}
    )
    assert response.status_code == 422 and "Not a valid choice" in response.get_data(as_text=True)
    assert _count() == 0


def test_partner_search_without_and_with_javascript(logged_in, user, workspace, factories, other, hx):
    factories.partner(workspace, name="Green Bakery")
    factories.partner(workspace, name="Blue Motors")
    page = logged_in.get("/reminders/new?find=1&title=Keep+me&partner_q=bak").get_data(as_text=True)
    assert "Green Bakery" in page and "Blue Motors" not in page and 'value="Keep me"' in page
    fragment = logged_in.get("/reminders/partner-options?partner_q=o", headers=hx).get_data(as_text=True)
    assert fragment.strip().startswith('<div id="partner-select">')
    assert "Blue Motors" in fragment and "Outsider Partner" not in fragment


def test_edit(logged_in, user, workspace):
    reminder = make_reminder(workspace, user, title="Old")
    form = logged_in.get(f"/reminders/{reminder.id}/edit").get_data(as_text=True)
    assert 'value="Old"' in form
    response = logged_in.post(
        f"/reminders/{reminder.id}/edit",
        data={"title": "New", "due_on": "2026-12-24", "assignee_id": user.id, "partner_id": ""},
    )
    assert response.status_code == 302
    db.session.refresh(reminder)
    assert reminder.title == "New" and reminder.due_on == date(2026, 12, 24)
    bad = logged_in.post(
        f"/reminders/{reminder.id}/edit", data={"title": " ", "due_on": "2026-12-24", "assignee_id": user.id}
    )
    assert bad.status_code == 422
    db.session.refresh(reminder)
    assert reminder.title == "New"


# --- inline actions --------------------------------------------------------------------------------


def test_complete_and_reopen_with_htmx_swap_the_row(logged_in, user, workspace, hx):
    reminder = make_reminder(workspace, user, title="Tick me", due_on=_today(user))
    response = logged_in.post(f"/reminders/{reminder.id}/complete", headers=hx, data={"next": "/reminders/"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    root = parse(html).find()  # the fragment's root element: the row, swapped outerHTML
    assert (root.tag, root["id"], root.classes) == ("li", f"reminder-{reminder.id}", ["reminder", "reminder-done"])
    assert "<html" not in html and response.headers["HX-Trigger"] == "reminders-changed"
    db.session.refresh(reminder)
    assert reminder.completed_at is not None
    response = logged_in.post(f"/reminders/{reminder.id}/reopen", headers=hx)
    assert 'class="reminder reminder-today"' in response.get_data(as_text=True)
    db.session.refresh(reminder)
    assert reminder.completed_at is None


def test_actions_without_javascript_redirect_back(logged_in, user, workspace):
    reminder = make_reminder(workspace, user, title="No JS", due_on=_today(user))
    response = logged_in.post(f"/reminders/{reminder.id}/complete", data={"next": "/reminders/?who=all"})
    assert response.status_code == 302 and response.headers["Location"] == "/reminders/?who=all"
    # an outside address in `next` is ignored
    response = logged_in.post(f"/reminders/{reminder.id}/reopen", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/reminders/"


@pytest.mark.parametrize(("until", "days"), [("tomorrow", 1), ("next_week", None)])
def test_snooze_quick_picks(logged_in, user, workspace, hx, until, days):
    today = _today(user)
    reminder = make_reminder(workspace, user, title="Later", due_on=today - timedelta(days=2))
    response = logged_in.post(f"/reminders/{reminder.id}/snooze", data={"until": until}, headers=hx)
    assert response.status_code == 200
    db.session.refresh(reminder)
    if days:
        assert reminder.due_on == today + timedelta(days=days)
    else:
        assert reminder.due_on.weekday() == 0 and 0 < (reminder.due_on - today).days <= 7
    assert reminder.snooze_count == 1
    assert "snoozed once" in response.get_data(as_text=True)


def test_snooze_to_a_date_and_into_the_past(logged_in, user, workspace, hx):
    today = _today(user)
    reminder = make_reminder(workspace, user, due_on=today)
    picked = today + timedelta(days=10)
    ok = logged_in.post(
        f"/reminders/{reminder.id}/snooze", data={"until": "date", "date": picked.isoformat()}, headers=hx
    )
    assert ok.status_code == 200
    past = logged_in.post(
        f"/reminders/{reminder.id}/snooze",
        data={"until": "date", "date": (today - timedelta(days=1)).isoformat()},
        headers=hx,
    )
    assert past.status_code == 422
    assert "cannot move a reminder into the past" in past.get_data(as_text=True)
    missing = logged_in.post(f"/reminders/{reminder.id}/snooze", data={"until": "date", "date": ""}, headers=hx)
    assert missing.status_code == 422 and "Pick a date" in missing.get_data(as_text=True)
    db.session.refresh(reminder)
    assert reminder.due_on == picked and reminder.snooze_count == 1
    # without JavaScript the error is flashed on the page it came from
    response = logged_in.post(
        f"/reminders/{reminder.id}/snooze", data={"until": "date", "date": "2001-01-01"}, follow_redirects=True
    )
    assert "cannot move a reminder into the past" in response.get_data(as_text=True)


def test_delete_asks_first_and_removes(logged_in, user, workspace, hx):
    reminder = make_reminder(workspace, user, title="Mistake")
    confirm = logged_in.get(f"/reminders/{reminder.id}/delete")
    assert confirm.status_code == 200 and "goes to the Trash" in confirm.get_data(as_text=True)
    assert _count() == 1
    response = logged_in.post(f"/reminders/{reminder.id}/delete", headers=hx)
    assert response.status_code == 200 and "Moved to Trash: Mistake" in response.get_data(as_text=True)
    assert _count() == 0


# --- the partner tab -------------------------------------------------------------------------------


def test_partner_tab_lists_and_quick_adds(logged_in, user, workspace, factories, hx):
    partner = factories.partner(workspace, name="Acme", tier="A")
    elsewhere = factories.partner(workspace, name="Elsewhere")
    make_reminder(workspace, user, title="About Acme", partner=partner)
    make_reminder(workspace, user, title="About another", partner=elsewhere)
    page = logged_in.get(f"/partners/{partner.id}/reminders")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "About Acme" in html and "About another" not in html
    assert 'aria-current="page">Reminders</a>' in html
    assert 'value="Check in with Acme"' in html  # quick add suggests a check-in at the tier cadence
    assert f'value="{(_today(user) + timedelta(days=14)).isoformat()}"' in html

    response = logged_in.post(
        f"/partners/{partner.id}/reminders",
        headers=hx,
        data={"title": "Send the invoice", "due_on": "2026-12-05", "assignee_id": user.id},
    )
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and fragment.strip().startswith('<section id="partner-reminders"')
    assert "Send the invoice" in fragment and "Reminder added." in fragment
    assert db.session.scalar(select(Reminder).where(Reminder.title == "Send the invoice")).partner_id == partner.id

    bad = logged_in.post(
        f"/partners/{partner.id}/reminders",
        headers=hx,
        data={"title": "", "due_on": "2026-12-05", "assignee_id": user.id},
    )
    assert bad.status_code == 422 and "Give the reminder a title." in bad.get_data(as_text=True)
    assert _count() == 3

    plain = logged_in.post(
        f"/partners/{partner.id}/reminders", data={"title": "No JS", "due_on": "2026-12-05", "assignee_id": user.id}
    )
    assert plain.status_code == 302 and plain.headers["Location"] == f"/partners/{partner.id}/reminders"


# --- another workspace's ids -----------------------------------------------------------------------


def test_another_workspaces_reminder_answers_404(logged_in, other, hx):
    theirs = make_reminder(other["workspace"], other["user"], title="Theirs", partner=other["partner"])
    rid = theirs.id
    for url in (
        f"/reminders/{rid}/edit",
        f"/reminders/{rid}/delete",
        f"/partners/{other['partner'].id}/reminders",
        f"/reminders/new?partner_id={other['partner'].id}",
    ):
        assert logged_in.get(url).status_code == 404, url
        assert logged_in.get(url, headers=hx).status_code == 404, url
    for url, data in (
        (f"/reminders/{rid}/edit", {"title": "Hijack", "due_on": "2026-12-01"}),
        (f"/reminders/{rid}/complete", {}),
        (f"/reminders/{rid}/reopen", {}),
        (f"/reminders/{rid}/snooze", {"until": "tomorrow"}),
        (f"/reminders/{rid}/delete", {}),
        (f"/partners/{other['partner'].id}/reminders", {"title": "Hijack", "due_on": "2026-12-01"}),
    ):
        assert logged_in.post(url, data=data).status_code == 404, url
        assert logged_in.post(url, data=data, headers=hx).status_code == 404, url
    db.session.expire_all()
    theirs = db.session.get(Reminder, rid)
    assert theirs.title == "Theirs" and theirs.completed_at is None and theirs.snooze_count == 0
    assert _count() == 1
    assert "Theirs" not in logged_in.get("/reminders/?who=all").get_data(as_text=True)


# --- settings --------------------------------------------------------------------------------------


def _chosen_frequency(html):
    return parse(html).one("input", name="frequency", checked=True)["value"]


def test_digest_preference(logged_in, user):
    page = logged_in.get("/settings/calendar").get_data(as_text=True)
    assert _chosen_frequency(page) == "daily"  # by default
    response = logged_in.post("/settings/calendar/digest", data={"frequency": "weekly"})
    assert response.status_code == 302
    assert db.session.get(DigestPreference, user.id).frequency == "weekly"
    bad = logged_in.post("/settings/calendar/digest", data={"frequency": "hourly"})
    assert bad.status_code == 422 and "Not a valid choice" in bad.get_data(as_text=True)
    assert _chosen_frequency(logged_in.get("/settings/calendar").get_data(as_text=True)) == "weekly"
    db.session.expire_all()
    assert db.session.get(DigestPreference, user.id).frequency == "weekly"


def test_settings_tab_is_listed(logged_in):
    html = logged_in.get("/settings/profile").get_data(as_text=True)
    assert parse(html).find("a", href="/settings/calendar").text == "Calendar & digest"


# --- links from digests and feeds into another of the user's workspaces -----------------------------


def test_links_into_another_of_my_workspaces_offer_to_switch(logged_in, user, workspace, factories, other):
    from app.models import Membership, User

    owner = factories.user(name="Agency Owner")
    agency = factories.workspace_of(owner)
    db.session.add(Membership(workspace_id=agency.id, user_id=user.id, role="member"))
    db.session.commit()
    reminder = make_reminder(agency, user, title="Agency task")
    url = f"/reminders/{reminder.id}/edit?ws={agency.id}"

    page = logged_in.get(url)
    assert page.status_code == 200 and f"Switch to {agency.name}" in page.get_data(as_text=True)
    assert logged_in.get(f"/reminders/{reminder.id}/edit").status_code == 404  # no hint: still 404
    switched = logged_in.post(f"/reminders/open-in/{agency.id}", data={"next": f"/reminders/{reminder.id}/edit"})
    assert switched.status_code == 302 and switched.headers["Location"] == f"/reminders/{reminder.id}/edit"
    assert 'value="Agency task"' in logged_in.get(switched.headers["Location"]).get_data(as_text=True)
    assert db.session.get(User, user.id).current_workspace_id == agency.id

    # a workspace the user does not belong to: no offer, no switch
    theirs = make_reminder(other["workspace"], other["user"], title="Theirs")
    assert logged_in.get(f"/reminders/{theirs.id}/edit?ws={other['workspace'].id}").status_code == 404
    assert logged_in.get(f"/partners/{other['partner'].id}/reminders?ws={other['workspace'].id}").status_code == 404
    assert logged_in.post(f"/reminders/open-in/{other['workspace'].id}", data={"next": "/"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(User, user.id).current_workspace_id == agency.id


def test_big_counts_read_as_capped(logged_in, user, workspace, monkeypatch):
    from app.services import reminders as service

    monkeypatch.setattr(service, "COUNT_CAP", 2)
    for i in range(4):
        make_reminder(workspace, user, title=f"Late {i}", due_on=_today(user) - timedelta(days=1))
    html = logged_in.get("/reminders/").get_data(as_text=True)
    assert "Overdue 2+" in html and "Late 3" in html  # counted to 3, shown as 2+, all listed


def test_the_no_javascript_find_button_posts_and_saves_nothing(logged_in, user, workspace, factories):
    """The "Find" fallback keeps what was typed and lists partners, without putting the form (and
    its CSRF token) into the address bar, and without saving the reminder."""
    factories.partner(workspace, name="Green Bakery")
    form = parse(logged_in.get("/reminders/new").get_data(as_text=True)).one("form", id="reminder-form")
    find = form.one("button", name="find")
    assert find.get("formmethod", "post") == "post"
    response = logged_in.post(
        "/reminders/new", data={"find": "1", "title": "Keep me", "due_on": "2026-12-01", "partner_q": "bak"}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Green Bakery" in page and 'value="Keep me"' in page
    assert _count() == 0


def test_enter_in_the_form_submits_the_save_button(logged_in):
    """A browser's Enter key presses the form's first submit button: it must be the one that saves."""
    form = parse(logged_in.get("/reminders/new").get_data(as_text=True)).one("form", id="reminder-form")
    first = [b for b in form.find_all("button") if b.get("type", "submit") == "submit"][0]
    assert first.get("name") is None and first.get("formmethod") is None
