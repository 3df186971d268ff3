"""Emails logged from mail on the partner timeline, in a real Chromium (CSRF on): "Thread is not a
touch" refreshes the timeline in place (it once pasted a second copy of the whole page into it)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Contact, Partner, User
from app.services.mail_log import RawMessage, record_messages

pytestmark = pytest.mark.browser


def _partner_with_mail(app, email):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        partner = Partner(workspace_id=user.current_workspace_id, name="Blue Foods", status="active")
        db.session.add(partner)
        db.session.flush()
        db.session.add(
            Contact(workspace_id=partner.workspace_id, partner_id=partner.id, name="Bea", email="bea@blue.example")
        )
        db.session.flush()
        message = (
            b"From: Bea <bea@blue.example>\r\nTo: me@example.com\r\nSubject: Offer attached\r\n"
            b"Message-ID: <offer-1@blue.example>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n\r\nHere it is."
        )
        record_messages(
            db.session,
            workspace_id=partner.workspace_id,
            user_id=user.id,
            messages=[RawMessage(message)],
            now=datetime(2026, 11, 24, tzinfo=UTC),
        )
        db.session.commit()
        partner_id = partner.id
        db.session.remove()
    return partner_id


def test_thread_is_not_a_touch_refreshes_the_timeline_in_place(page, live_server, register_and_login):
    person = register_and_login(page)
    partner_id = _partner_with_mail(live_server.app, person.email)
    page.goto(f"/partners/{partner_id}/timeline")
    item = page.locator("li", has_text="Offer attached")
    expect(item).to_contain_text("from mail")
    page.once("dialog", lambda dialog: dialog.accept())
    item.get_by_role("button", name="Thread is not a touch").click()
    expect(page.locator("#flashes")).to_contain_text("This thread is not a touch")
    expect(page.locator("header.topbar")).to_have_count(1)
    expect(page.locator("body > footer")).to_have_count(1)
    expect(page.locator("main")).not_to_contain_text("Offer attached")
    assert re.search(rf"/partners/{partner_id}/timeline$", page.url)
