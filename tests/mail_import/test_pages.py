"""The pages: upload an mbox or .eml files → the job with its progress bar → the result page with
the counts and the suggestions; bad uploads refused next to the field; the partner timeline's marks
and "not a touch"; the ignore list; another workspace's import result is a 404."""

from datetime import timedelta
from io import BytesIO

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Contact, Interaction, Job
from app.models.email_log import MailIgnoreRule, MailSuggestion
from tests.html import parse
from tests.mail_import.mail import mbox, message

pytestmark = pytest.mark.usefixtures("frozen_clock")


def upload(client, *files, keep_body=False):
    data = {"files": [(BytesIO(content), name) for name, content in files]}
    if keep_body:
        data["keep_body"] = "y"
    return client.post("/mail/import", data=data, content_type="multipart/form-data")


def field_error(response):
    return parse(response.get_data(as_text=True)).one(id="files-error").text


def sample(user, now):
    return mbox(
        message(sender="Carla <carla@acme.test>", to=user.email, subject="Offer", when=now - timedelta(days=3)),
        message(sender=user.email, to="carla@acme.test", subject="Re: Offer", when=now - timedelta(days=2)),
        message(sender="Dan <dan@acme.test>", to=user.email, subject="Hi from Dan"),
        message(sender="news@shop.test", to=user.email),
    )


def test_upload_runs_the_job_and_shows_the_result(logged_in, user, workspace, now, acme, upload_dir):
    partner, _ = acme
    response = upload(logged_in, ("export.mbox", sample(user, now)))
    assert response.status_code == 302
    job = db.session.scalars(select(Job)).one()
    assert response.headers["Location"].endswith(f"/jobs/{job.id}")
    assert (job.kind, job.status, job.total, job.done) == ("mail.import", "done", 4, 4)
    page = logged_in.get(f"/jobs/{job.id}")
    assert page.status_code == 200
    link = parse(page.get_data(as_text=True)).one("a", href=f"/mail/import/{job.id}")
    assert link.text == "See what was logged"
    result = logged_in.get(f"/mail/import/{job.id}")
    doc = parse(result.get_data(as_text=True))
    counts = {dd["data-count"]: dd.text for dd in doc.find_all("dd", data_count=True)}
    assert counts == {"seen": "4", "logged": "2", "duplicates": "0", "skipped": "2", "failed": "0"}
    suggestion = doc.one("li", id=lambda v: v.startswith("suggestion-"))
    assert "dan@acme.test" in suggestion.text and "Acme" in suggestion.text
    assert list(upload_dir.iterdir()) == []  # the uploaded file is removed once logged


def test_suggestion_added_as_contact_then_its_mail_is_logged(logged_in, user, workspace, now, acme):
    partner, _ = acme
    export = sample(user, now)
    upload(logged_in, ("export.mbox", export))
    job = db.session.scalars(select(Job)).one()
    suggestion = db.session.scalars(select(MailSuggestion)).one()
    response = logged_in.post(
        f"/mail/suggestions/{suggestion.id}/add", data={"next": f"/mail/import/{job.id}"}, follow_redirects=True
    )
    assert "Dan (dan@acme.test) is now a contact." in response.get_data(as_text=True)
    contact = db.session.scalars(select(Contact).where(Contact.email == "dan@acme.test")).one()
    assert contact.partner_id == partner.id and contact.name == "Dan"
    again = logged_in.post(f"/mail/suggestions/{suggestion.id}/add", follow_redirects=True)
    assert "already added or dismissed" in again.get_data(as_text=True)
    upload(logged_in, ("export.mbox", export))
    second = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
    assert (second.result["logged"], second.result["duplicates"]) == (1, 2)


def test_dismissed_suggestion_is_not_offered_again(logged_in, user, workspace, now, acme):
    upload(logged_in, ("export.mbox", sample(user, now)))
    suggestion = db.session.scalars(select(MailSuggestion)).one()
    logged_in.post(f"/mail/suggestions/{suggestion.id}/dismiss", follow_redirects=True)
    upload(logged_in, ("export.mbox", sample(user, now)))
    job = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
    page = logged_in.get(f"/mail/import/{job.id}").get_data(as_text=True)
    assert "dan@acme.test" not in page
    assert "No new people found" in page


def test_several_eml_files(logged_in, user, workspace, now, acme):
    partner, _ = acme
    one = message(sender="carla@acme.test", to=user.email, subject="One")
    two = message(sender=user.email, to="carla@acme.test", subject="Two")
    response = upload(logged_in, ("one.eml", one), ("two.eml", two))
    assert response.status_code == 302
    job = db.session.scalars(select(Job)).one()
    assert (job.total, job.result["logged"]) == (2, 2)
    summaries = db.session.scalars(select(Interaction.summary).where(Interaction.partner_id == partner.id)).all()
    assert sorted(summaries) == ["One", "Two"]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ((), "Choose an .mbox file"),
        ((("export.mbox", b""),), "“export.mbox” is empty."),
        ((("export.mbox", b"name,email\nA,a@x.test\n"),), "“export.mbox” is not an mbox file"),
        ((("export.mbox", b"\x89PNG\r\n\x1a\n\x00\x00\x00"),), "“export.mbox” is not mail"),
        ((("photo.eml", b"\x00\x01\x02binary"),), "“photo.eml” is not mail"),
        ((("note.eml", b"just some text\nno headers\n"),), "“note.eml” is not an email message"),
        ((("a.mbox", mbox(b"From: a@b.test\n\nx")), ("b.eml", b"From: a@b.test\n\nx")), "not both at once"),
        ((("a.mbox", mbox(b"From: a@b.test\n\nx")), ("b.mbox", mbox(b"From: a@b.test\n\nx"))), "one .mbox file"),
    ],
)
def test_bad_uploads_are_refused_next_to_the_field(logged_in, files, expected):
    response = upload(logged_in, *files)
    assert response.status_code == 422
    assert expected in field_error(response)
    assert db.session.scalars(select(Job)).all() == []


def test_an_upload_over_the_limit_is_refused(app, logged_in, user, now):
    app.config["MAIL_IMPORT_MAX_FILE_BYTES"] = 100 * 1024
    # ~200 KB (under 500 KB: the test client keeps it in memory)
    big = mbox(message(sender="carla@acme.test", to=user.email, text="x" * (200 * 1024)))
    response = upload(logged_in, ("export.mbox", big))
    assert response.status_code == 422
    assert "The upload is larger than 100 KB." in field_error(response)
    assert db.session.scalars(select(Job)).all() == []


def test_a_body_over_the_server_limit_is_refused_on_the_page(app, logged_in):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = upload(logged_in, ("export.mbox", b"From x\n" + b"a" * 5000))
    assert response.status_code == 413
    assert "larger than" in field_error(response)


def test_another_workspaces_result_is_a_404(logged_in, other, now, client):
    from app.services import jobs as job_service

    job = job_service.start_job(db.session, other["workspace"], other["user"], "mail.import", now=now)
    db.session.commit()
    assert logged_in.get(f"/mail/import/{job.id}").status_code == 404
    mine = job_service.start_job(db.session, db.session.merge(other["workspace"]), None, "import.execute", now=now)
    db.session.commit()
    assert logged_in.get(f"/mail/import/{mine.id}").status_code == 404


def test_timeline_marks_mail_and_a_thread_is_not_a_touch(logged_in, user, workspace, now, acme):
    partner, _ = acme
    first = message(
        sender="carla@acme.test", to=user.email, message_id="<t1@x.test>", subject="Lunch?", text="Shall we?"
    )
    reply = message(sender=user.email, to="carla@acme.test", in_reply_to="<t1@x.test>", subject="Re: Lunch?")
    upload(logged_in, ("export.mbox", mbox(first, reply)))
    logged_in.post(
        f"/partners/{partner.id}/interactions", data={"kind": "call", "direction": "ours", "summary": "Phoned"}
    )
    page = logged_in.get(f"/partners/{partner.id}/timeline").get_data(as_text=True)
    doc = parse(page)
    marked = doc.find_all("span", class_="from-mail")
    assert len(marked) == 2
    assert "Shall we?" in page
    assert not any(a.get("href", "").startswith("http") for a in doc.one(id=f"timeline-{partner.id}").find_all("a"))
    mail_item = db.session.scalars(select(Interaction).where(Interaction.summary == "Re: Lunch?")).one()
    response = logged_in.post(f"/mail/interactions/{mail_item.id}/not-a-touch", follow_redirects=True)
    assert "2 emails removed" in response.get_data(as_text=True)
    left = db.session.scalars(
        select(Interaction.summary).where(Interaction.partner_id == partner.id, Interaction.deleted_at.is_(None))
    ).all()
    assert "Lunch?" not in left and "Re: Lunch?" not in left
    # the way back: the ignore list's section lists the thread, "Count it again" brings its touches back
    section = parse(logged_in.get("/mail/ignore").get_data(as_text=True))
    form = section.one("form", action=lambda a: a.endswith("/count-again"))
    assert "Re: Lunch?" in form.parent.text
    back = logged_in.post(form["action"], follow_redirects=True)
    assert "2 emails are back on the timeline" in back.get_data(as_text=True)
    summaries = db.session.scalars(
        select(Interaction.summary).where(Interaction.partner_id == partner.id, Interaction.deleted_at.is_(None))
    ).all()
    assert {"Lunch?", "Re: Lunch?"} <= set(summaries)
    assert logged_in.post(form["action"]).status_code == 404  # undone already


def test_not_a_touch_on_a_typed_interaction_or_another_workspaces_is_a_404(logged_in, other, factories, workspace):
    assert logged_in.post("/mail/interactions/999999/not-a-touch").status_code == 404


def test_ignore_list_add_remove_and_errors(logged_in, workspace, hx):
    page = logged_in.get("/mail/ignore")
    assert page.status_code == 200
    assert "noreply@*" in page.get_data(as_text=True)
    response = logged_in.post("/mail/ignore", data={"pattern": "News@Shop.test"}, follow_redirects=True)
    assert "Mail from news@shop.test is not logged any more." in response.get_data(as_text=True)
    duplicate = logged_in.post("/mail/ignore", data={"pattern": "news@shop.test"})
    assert duplicate.status_code == 422
    assert "already" in parse(duplicate.get_data(as_text=True)).one(id="ignore-pattern-error").text
    bad = logged_in.post("/mail/ignore", data={"pattern": "not a pattern"}, headers=hx)
    assert bad.status_code == 422
    assert parse(bad.get_data(as_text=True)).one(id="ignore-pattern-error")
    rule = db.session.scalars(select(MailIgnoreRule)).one()
    removed = logged_in.post(f"/mail/ignore/{rule.id}/delete", headers=hx)
    assert removed.status_code == 200
    assert db.session.scalars(select(MailIgnoreRule)).all() == []


def test_import_pages_link_to_each_other(logged_in):
    imports = parse(logged_in.get("/imports/").get_data(as_text=True))
    assert imports.one("a", href="/mail/import")
    upload_page = parse(logged_in.get("/mail/import").get_data(as_text=True))
    assert upload_page.one("a", href="/mail/ignore")


def test_the_upload_page_lists_its_imports_by_file_and_says_what_is_not_listed(logged_in, user, workspace, now, acme):
    upload(logged_in, ("2024-inbox.mbox", sample(user, now)))
    page = logged_in.get("/mail/import")
    doc = parse(page.get_data(as_text=True))
    assert not doc.find_all("a", href="/imports/"), "“All imports” leads to a list without the email imports"
    listed = doc.one("ul", class_="mail-imports")
    assert "2024-inbox.mbox" in listed.text
    assert "flask mail import" in doc.one(id="mail-imports").parent.text


def test_the_result_page_highlights_activity_and_styles_its_counts(logged_in, user, workspace, now, acme):
    from tests.routes_house.html_probe import probe

    activity = ["/activity"]
    upload(logged_in, ("export.mbox", sample(user, now)))
    job = db.session.scalars(select(Job)).one()
    html = logged_in.get(f"/mail/import/{job.id}").get_data(as_text=True)
    assert probe(html).nav_current == activity
    assert probe(logged_in.get("/mail/import").get_data(as_text=True)).nav_current == activity
    doc = parse(html)
    suggestion = doc.one("li", id=lambda v: v.startswith("suggestion-"))
    assert suggestion.find("div", class_="suggestion-actions") is not None  # sized buttons, not full-width bars


def test_a_rule_matching_contacts_asks_before_it_is_saved(logged_in, workspace, factories, acme, hx):
    partner, _ = acme
    factories.contact(partner, name="Dora", email="dora@acme.test")
    response = logged_in.post("/mail/ignore", data={"pattern": "@acme.test"}, headers=hx)
    assert response.status_code == 422
    doc = parse(response.get_data(as_text=True))
    warning = doc.one(id="ignore-pattern-warning").text
    assert "This matches 2 of your contacts' addresses: their emails will no longer be logged." in warning
    assert doc.one("input", id="ignore-pattern")["value"] == "@acme.test"  # what was typed is kept
    assert doc.one("input", name="confirm")["value"] == "@acme.test"
    assert db.session.scalars(select(MailIgnoreRule)).all() == []
    confirmed = logged_in.post("/mail/ignore", data={"pattern": "@acme.test", "confirm": "@acme.test"}, headers=hx)
    assert confirmed.status_code == 200
    assert [r.pattern for r in db.session.scalars(select(MailIgnoreRule))] == ["@acme.test"]


def test_a_contacts_own_address_asks_too_and_a_changed_pattern_asks_again(logged_in, workspace, acme):
    response = logged_in.post("/mail/ignore", data={"pattern": "carla@acme.test"})
    assert response.status_code == 422
    assert "This matches 1 of your contacts' addresses" in parse(response.get_data(as_text=True)).text
    changed = logged_in.post("/mail/ignore", data={"pattern": "@acme.test", "confirm": "carla@acme.test"})
    assert changed.status_code == 422  # the confirmation was for another pattern
    assert db.session.scalars(select(MailIgnoreRule)).all() == []
    unrelated = logged_in.post("/mail/ignore", data={"pattern": "news@shop.test"}, follow_redirects=True)
    assert "Mail from news@shop.test is not logged any more." in unrelated.get_data(as_text=True)


def test_a_suggestion_without_a_display_name_becomes_a_contact_named_by_its_address(
    logged_in, user, workspace, now, acme
):
    upload(logged_in, ("export.mbox", mbox(message(sender="newguy@acme.test", to=user.email, subject="Hello"))))
    suggestion = db.session.scalars(select(MailSuggestion)).one()
    assert not suggestion.name
    logged_in.post(f"/mail/suggestions/{suggestion.id}/add", follow_redirects=True)
    contact = db.session.scalars(select(Contact).where(Contact.email == "newguy@acme.test")).one()
    assert contact.name == "newguy@acme.test"  # not "newguy", a name nobody wrote


def test_a_suggestions_display_name_is_kept_as_written(logged_in, user, workspace, now, acme):
    upload(logged_in, ("export.mbox", mbox(message(sender="Newguy <newguy@acme.test>", to=user.email))))
    suggestion = db.session.scalars(select(MailSuggestion)).one()
    logged_in.post(f"/mail/suggestions/{suggestion.id}/add", follow_redirects=True)
    contact = db.session.scalars(select(Contact).where(Contact.email == "newguy@acme.test")).one()
    assert contact.name == "Newguy"
