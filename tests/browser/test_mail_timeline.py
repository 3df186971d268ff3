"""In Chromium: the email log's pages at a phone's and a desktop's width: a partner timeline with emails, an import's result page."""

from datetime import timedelta

import pytest

pytestmark = pytest.mark.browser


def _partner_with_mail(app, email, now):
    """A partner whose contact wrote three emails, logged through the mail log."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Contact, Partner, User
    from app.services.mail_log import RawMessage, record_messages

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        partner = Partner(
            workspace_id=user.current_workspace_id,
            name="Longbranch Orchards",
            status="active",
            tier="B",
            owner_id=user.id,
            created_at=now - timedelta(days=100),
        )
        db.session.add(partner)
        db.session.flush()
        db.session.add(
            Contact(
                workspace_id=partner.workspace_id,
                partner_id=partner.id,
                name="Margarethe Oberhuber-Winterstein",
                email="margarethe@longbranch.example",
            )
        )
        db.session.flush()
        messages = []
        for n in range(3):
            when = now - timedelta(days=n + 1)
            messages.append(
                RawMessage(
                    data=(
                        f"From: Margarethe Oberhuber-Winterstein <margarethe@longbranch.example>\r\n"
                        f"To: {email}\r\n"
                        f"Subject: Quarterly referral programme review and next steps {n}\r\n"
                        f"Date: {when.strftime('%a, %d %b %Y %H:%M:%S +0000')}\r\n"
                        f"Message-ID: <timeline-{n}-{partner.id}@longbranch.example>\r\n"
                        "\r\n"
                        "Hello, here are the figures for the quarter and a few questions about the terms.\r\n"
                    ).encode(),
                    internal_date=when,
                )
            )
        outcome = record_messages(
            db.session, workspace_id=user.current_workspace_id, user_id=user.id, messages=messages, now=now
        )
        assert outcome.logged == 3
        db.session.commit()
        partner_id = partner.id
        db.session.remove()
    return partner_id


def test_timeline_with_mail_fits_a_phone(browser, live_server, register_and_login, server_clock):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        person = register_and_login(page)
        partner_id = _partner_with_mail(live_server.app, person.email, server_clock)
        page.goto(f"/partners/{partner_id}/timeline")
        items = page.locator("li.interaction .badge.from-mail")
        assert items.count() == 3
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the timeline is {width} px wide on a 390 px screen"
        # the actions sit under the text, the text keeps its width
        main = page.locator("li.interaction .interaction-main").first.bounding_box()
        assert main["width"] > 300, f"the email's text is squeezed to {main['width']} px"
    finally:
        context.close()


def test_from_mail_badge_stays_on_the_first_line_on_a_desktop(page, live_server, register_and_login, server_clock):
    person = register_and_login(page)
    partner_id = _partner_with_mail(live_server.app, person.email, server_clock)
    page.goto(f"/partners/{partner_id}/timeline")
    item = page.locator("li.interaction").first
    kind = item.locator(".badge.kind").bounding_box()
    mark = item.locator(".badge.from-mail").bounding_box()
    assert abs(mark["y"] - kind["y"]) < 4, "the from-mail badge wrapped to a second line"


def _finished_import_with_a_suggestion(app, email, now):
    """A done email import, and a "new contact?" suggestion at a partner's website domain."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Partner, User, Workspace
    from app.services import jobs as job_service
    from app.services.mail_log import RawMessage, record_messages

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        workspace = db.session.get(Workspace, user.current_workspace_id)
        partner = Partner(
            workspace_id=workspace.id,
            name="Quince Press",
            status="active",
            tier="B",
            owner_id=user.id,
            website="https://quince-press.example",
            created_at=now - timedelta(days=10),
        )
        db.session.add(partner)
        db.session.flush()
        raw = (
            f"From: Nora Quince <nora@quince-press.example>\r\nTo: {email}\r\nSubject: Hello\r\n"
            f"Date: {now.strftime('%a, %d %b %Y %H:%M:%S +0000')}\r\nMessage-ID: <s-{partner.id}@quince-press.example>\r\n\r\nHi\r\n"
        ).encode()
        outcome = record_messages(
            db.session, workspace_id=workspace.id, user_id=user.id, messages=[RawMessage(data=raw)], now=now
        )
        assert outcome.suggested == 1
        job = job_service.start_job(db.session, workspace, user, "mail.import", now=now, params={"names": ["a.mbox"]})
        job.status, job.result, job.finished_at = "done", {"seen": 1, "skipped": 1}, now
        db.session.commit()
        job_id = job.id
        db.session.remove()
    return job_id


def test_the_result_pages_buttons_are_sized_to_their_labels(page, live_server, register_and_login, server_clock):
    person = register_and_login(page)
    job_id = _finished_import_with_a_suggestion(live_server.app, person.email, server_clock)
    page.goto(f"/mail/import/{job_id}")
    for name in ("Add as contact", "Dismiss"):
        box = page.get_by_role("button", name=name).bounding_box()
        assert box["width"] < 250, f"“{name}” is {box['width']} px wide"
    counts = page.locator("#mail-outcome > div").all()
    assert counts[0].bounding_box()["y"] == counts[1].bounding_box()["y"]  # a row of figures, not a list
