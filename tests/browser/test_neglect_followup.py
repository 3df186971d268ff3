"""In Chromium: log a call with a follow-up from the dashboard; the partner leaves the neglected list."""

from datetime import timedelta

import pytest

pytestmark = pytest.mark.browser


def _neglected_partner(app, email, name, now):
    """A partner last touched 45 days ago (tier B: cadence 30), in the browser user's workspace."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Contact, Partner, User
    from app.services import interactions

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        partner = Partner(
            workspace_id=user.current_workspace_id,
            name=name,
            status="active",
            tier="B",
            owner_id=user.id,
            created_at=now - timedelta(days=300),
        )
        db.session.add(partner)
        db.session.flush()
        for person in ("Ada Lane", "Ben Ode"):
            db.session.add(Contact(workspace_id=partner.workspace_id, partner_id=partner.id, name=person))
        interactions.log_interaction(
            db.session,
            partner,
            {"kind": "email", "direction": "ours", "occurred_at": now - timedelta(days=45)},
            actor_id=user.id,
            now=now,
        )
        db.session.commit()
        partner_id = partner.id
        db.session.remove()
    return partner_id


def test_log_with_follow_up_takes_partner_off_the_neglected_list(page, live_server, register_and_login, server_clock):
    person = register_and_login(page)
    partner_id = _neglected_partner(live_server.app, person.email, "Quiet Orchard Ltd", server_clock)

    page.goto(live_server("/"))
    row = page.locator(f"#flag-neglected-{partner_id}")
    row.wait_for()
    assert "45 days" in row.inner_text()
    assert page.locator('a[data-flag="neglected"] strong').inner_text() == "1"

    row.locator("summary", has_text="Log…").click()  # click 1: open the quick log
    row.locator("select[name=follow_up]").select_option("7")  # optional: follow up in a week
    row.locator("button", has_text="Log").click()  # click 2: log the call (default kind)

    row.wait_for(state="detached")
    page.locator('a[data-flag="neglected"] strong', has_text="0").wait_for()
    assert page.locator(f"#flag-neglected-{partner_id}").count() == 0

    page.goto(live_server(f"/partners/{partner_id}/timeline"))
    first = page.locator(".interaction-list li.interaction").first
    assert "Call" in first.inner_text() and "We reached out" in first.inner_text()

    page.goto(live_server(f"/partners/{partner_id}/reminders"))
    body = page.locator("main").inner_text()
    assert "Follow up with Quiet Orchard Ltd" in body
    due = server_clock.date() + timedelta(days=7)
    assert str(due.day) in body
