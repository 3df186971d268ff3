"""Matching and logging: direction, plus-addressing, CC, internal mail, the ignore list,
suggestions, de-duplication across imports and teammates, muted threads, and the flags."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Interaction
from app.models.email_log import EmailMessage, MailSuggestion
from app.services import neglect
from app.services.mail_log import Outcome, RawMessage, ignore, record_messages, threads
from tests.mail_import.mail import message


def record(user, workspace, now, *datas, **kw) -> Outcome:
    outcome = record_messages(
        db.session,
        workspace_id=workspace.id,
        user_id=user.id,
        messages=[RawMessage(d) for d in datas],
        now=now,
        **kw,
    )
    db.session.commit()
    return outcome


def touches(partner):
    return db.session.scalars(
        select(Interaction).where(Interaction.partner_id == partner.id, Interaction.deleted_at.is_(None))
    ).all()


def test_from_the_contact_is_theirs_and_to_the_contact_is_ours(user, workspace, now, acme):
    partner, contact = acme
    outcome = record(
        user,
        workspace,
        now,
        message(sender="Carla <carla@acme.test>", to=user.email, subject="Proposal", when=now - timedelta(days=3)),
        message(sender=user.email, to="CARLA@acme.test", subject="Re: Proposal", when=now - timedelta(days=2)),
    )
    assert (outcome.seen, outcome.logged, outcome.skipped) == (2, 2, 0)
    logged = sorted(touches(partner), key=lambda i: i.occurred_at)
    assert [(i.kind, i.direction, i.summary, i.contact_id) for i in logged] == [
        ("email", "theirs", "Proposal", contact.id),
        ("email", "ours", "Re: Proposal", contact.id),
    ]
    assert logged[0].occurred_at == now - timedelta(days=3)
    assert logged[0].created_by_id == user.id


def test_plus_addressing_and_cc_match(user, workspace, now, acme):
    partner, _ = acme
    outcome = record(
        user,
        workspace,
        now,
        message(sender="carla+newsletter@acme.test", to=user.email),
        message(sender=user.email, to="someone@elsewhere.test", cc="Carla <carla+deals@ACME.test>"),
    )
    assert outcome.logged == 2
    assert sorted(i.direction for i in touches(partner)) == ["ours", "theirs"]


def test_a_member_writing_is_ours(user, workspace, now, acme, factories):
    partner, _ = acme
    teammate = factories.member(workspace)
    record(user, workspace, now, message(sender=teammate.email, to="carla@acme.test"))
    assert [i.direction for i in touches(partner)] == ["ours"]


def test_internal_mail_and_unknown_people_are_skipped(user, workspace, now, acme, factories):
    partner, _ = acme
    teammate = factories.member(workspace)
    outcome = record(
        user,
        workspace,
        now,
        message(
            sender=teammate.email, to=user.email, cc="carla@acme.test".replace("carla", teammate.email.split("@")[0])
        ),
        message(sender="stranger@nowhere.test", to=user.email),
    )
    assert (outcome.logged, outcome.skipped) == (0, 2)
    assert touches(partner) == []


def test_ignore_list_defaults_own_patterns_and_bulk_mail(user, workspace, now, acme, factories):
    partner, _ = acme
    factories.contact(partner, name="Robot", email="noreply@acme.test")
    factories.contact(partner, name="News", email="news@acme.test")
    ignore.add_rule(db.session, workspace.id, "NEWS@acme.test", actor_id=user.id, now=now)
    db.session.commit()
    outcome = record(
        user,
        workspace,
        now,
        message(sender="noreply@acme.test", to=user.email),
        message(sender="news@acme.test", to=user.email),
        message(sender="carla@acme.test", to=user.email, headers={"List-Unsubscribe": "<mailto:u@acme.test>"}),
        message(sender="carla@acme.test", to=user.email, subject="Real one"),
    )
    assert (outcome.logged, outcome.skipped) == (1, 3)
    assert [i.summary for i in touches(partner)] == ["Real one"]


def test_ignore_patterns():
    patterns = ["@bulk.test", "*-noreply@*", "exact@one.test"]
    assert ignore.matches("a@bulk.test", patterns)
    assert ignore.matches("a@mail.bulk.test", patterns)
    assert ignore.matches("shop-noreply@x.test", patterns)
    assert ignore.matches("exact@one.test", patterns)
    assert not ignore.matches("other@one.test", patterns)
    assert not ignore.matches("a@notbulk.test", patterns)


@pytest.mark.parametrize("bad", ["", "   ", "@", "*", "two@at@signs", "spaces in it", "x" * 300])
def test_a_pattern_that_cannot_match_is_refused(bad):
    with pytest.raises(Exception) as caught:
        ignore.normalise(bad)
    assert caught.value.field == "pattern"


def test_unknown_address_at_a_partners_domain_is_suggested_never_created(user, workspace, now, acme):
    partner, _ = acme
    outcome = record(
        user,
        workspace,
        now,
        message(sender="Dan Dev <dan@mail.acme.test>", to=user.email),
        message(sender="dan@mail.acme.test", to=user.email),
        message(sender="eve@gmail.com", to=user.email),
    )
    assert (outcome.logged, outcome.suggested, outcome.skipped) == (0, 1, 3)
    suggestion = db.session.scalars(select(MailSuggestion)).one()
    assert (suggestion.email, suggestion.name, suggestion.partner_id, suggestion.status) == (
        "dan@mail.acme.test",
        "Dan Dev",
        partner.id,
        "open",
    )
    assert len(partner.contacts if hasattr(partner, "contacts") else []) <= 1


def test_duplicates_across_two_imports_and_two_teammates(user, workspace, now, acme, factories):
    partner, _ = acme
    teammate = factories.member(workspace)
    mails = [message(sender="carla@acme.test", to=f"{user.email}, {teammate.email}") for _ in range(3)]
    assert record(user, workspace, now, *mails).logged == 3
    again = record(user, workspace, now, *mails)
    assert (again.logged, again.duplicates) == (0, 3)
    theirs = record_messages(
        db.session, workspace_id=workspace.id, user_id=teammate.id, messages=[RawMessage(m) for m in mails], now=now
    )
    assert (theirs.logged, theirs.duplicates) == (0, 3)
    assert len(touches(partner)) == 3


def test_same_message_id_in_another_workspace_is_logged_there(user, workspace, now, acme, other):
    data = message(sender="carla@acme.test", to=user.email, message_id="<same@mail.test>")
    assert record(user, workspace, now, data).logged == 1
    other_data = message(sender=other["contact"].email, to=other["user"].email, message_id="<same@mail.test>")
    assert record(other["user"], other["workspace"], now, other_data).logged == 1


def test_another_workspaces_contacts_are_never_matched(user, workspace, now, other):
    outcome = record(user, workspace, now, message(sender=other["contact"].email, to=user.email))
    assert (outcome.logged, outcome.skipped) == (0, 1)
    assert db.session.scalar(select(func.count()).select_from(Interaction)) == 0


def test_an_email_from_the_contact_makes_waiting_on_us(user, workspace, now, acme):
    partner, _ = acme
    record(user, workspace, now, message(sender="carla@acme.test", to=user.email, when=now - timedelta(days=3)))
    db.session.refresh(partner)
    assert neglect.partner_status(db.session, partner, now).flags["waiting_on_us"]
    waiting = neglect.flag_lists(db.session, workspace.id, now)["waiting_on_us"]
    assert [row.partner_id for row in waiting] == [partner.id]
    record(user, workspace, now, message(sender=user.email, to="carla@acme.test", when=now - timedelta(hours=1)))
    assert not neglect.partner_status(db.session, partner, now).flags["waiting_on_us"]


def test_a_thread_marked_not_a_touch(user, workspace, now, acme):
    partner, _ = acme
    first = message(sender="carla@acme.test", to=user.email, message_id="<t1@mail.test>", subject="Spam-ish")
    reply = message(sender=user.email, to="carla@acme.test", in_reply_to="<t1@mail.test>", subject="Re: Spam-ish")
    other_thread = message(sender="carla@acme.test", to=user.email, subject="Real")
    assert record(user, workspace, now, first, reply, other_thread).logged == 3
    one = next(i for i in touches(partner) if i.summary == "Re: Spam-ish")
    assert threads.mark_not_a_touch(db.session, workspace.id, one.id, actor_id=user.id, now=now) == 2
    db.session.commit()
    assert [i.summary for i in touches(partner)] == ["Real"]
    later = message(
        sender="carla@acme.test", to=user.email, references="<t1@mail.test> <x@mail.test>", subject="Re: Re: Spam-ish"
    )
    outcome = record(user, workspace, now, later)
    assert (outcome.logged, outcome.skipped) == (0, 1)


def test_keep_body_only_when_asked(user, workspace, now, acme):
    record(user, workspace, now, message(sender="carla@acme.test", to=user.email, text="Secret plans here"))
    record(user, workspace, now, message(sender="carla@acme.test", to=user.email, text="Kept text"), keep_body=True)
    rows = db.session.scalars(select(EmailMessage).order_by(EmailMessage.id)).all()
    assert [r.body for r in rows] == [None, "Kept text\n"]
    assert rows[0].snippet == "Secret plans here"


def test_summaries_agree_with_a_rebuild_after_import_and_not_a_touch(user, workspace, now, acme, factories):
    from app.summaries import registry

    partner, _ = acme
    second = factories.partner(workspace, name="Beta", website="beta.test")
    factories.contact(second, name="Bo", email="bo@beta.test")
    mails = [
        message(sender="carla@acme.test", to=user.email, message_id="<s1@x.test>", when=now - timedelta(days=9)),
        message(sender=user.email, to="carla@acme.test, bo@beta.test", when=now - timedelta(days=8)),
        message(sender="bo@beta.test", to=user.email, in_reply_to="<s1@x.test>", when=now - timedelta(days=2)),
    ] + [message(sender="carla@acme.test", to=user.email, when=now - timedelta(days=20 + n)) for n in range(150)]
    outcome = record(user, workspace, now, *mails)
    assert outcome.logged == 154  # the message to both partners is a touch of each
    assert registry.check(db.session, workspace.id) == []
    first = db.session.scalars(select(Interaction).where(Interaction.partner_id == second.id)).first()
    threads.mark_not_a_touch(db.session, workspace.id, first.id, actor_id=user.id, now=now)
    db.session.commit()
    assert registry.check(db.session, workspace.id) == []
