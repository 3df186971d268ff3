"""Reading real-world mail: a hand-made mbox with encoded subjects in UTF-8, KOI8-R and cp1251 (as
encoded words and as raw undeclared bytes), a missing and an absurd Date, an HTML-only message, a
multipart message with attachments, a duplicate, a 20 MB message; the reader streams."""

from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Interaction
from app.services.mail_log import record_messages
from app.services.mail_log.mbox import NotMail, check_eml, check_mbox, count_messages, read_mbox
from app.services.mail_log.parsing import parse
from tests.mail_import.mail import encoded, mbox, message, raw_subject_message

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
INTERNAL = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)  # the mbox "From " lines' date


def parsed(data, internal_date=None):
    return parse(data, internal_date=internal_date, now=NOW)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (encoded("Grüße aus Köln", "utf-8"), "Grüße aus Köln"),
        (encoded("Привет, как дела?", "koi8-r"), "Привет, как дела?"),
        (encoded("Счёт за ноябрь", "cp1251"), "Счёт за ноябрь"),
        (encoded("日本語の件名", "utf-8"), "日本語の件名"),
        ("plain ascii", "plain ascii"),
    ],
)
def test_encoded_word_subjects(header, expected):
    assert parsed(raw_subject_message(header)).subject == expected


@pytest.mark.parametrize(
    ("text", "charset"),
    [("Привет мир, наше соглашение", "koi8-r"), ("Счёт за ноябрь", "cp1251"), ("Договор", "koi8-r")],
)
def test_raw_8bit_subjects_in_an_undeclared_charset(text, charset):
    data = raw_subject_message("X").replace(b"Subject: X", b"Subject: " + text.encode(charset))
    assert parsed(data).subject == text


def test_missing_and_absurd_dates_fall_back_to_the_internal_date():
    assert parsed(message(when=None), INTERNAL).occurred_at == INTERNAL
    absurd = message(when=None, headers={"Date": "Sat, 01 Jan 1910 00:00:00 +0000"})
    assert parsed(absurd, INTERNAL).occurred_at == INTERNAL
    future = message(when=NOW + timedelta(days=400))
    assert parsed(future, INTERNAL).occurred_at == INTERNAL
    garbage = message(when=None, headers={"Date": "yesterday-ish"})
    assert parsed(garbage, INTERNAL).occurred_at == INTERNAL
    assert parsed(message(when=None)).occurred_at == NOW  # nothing known at all: now
    zoned = message(when=datetime(2026, 11, 20, 15, 0, tzinfo=UTC))
    assert parsed(zoned, INTERNAL).occurred_at == datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def test_html_only_becomes_a_text_snippet():
    data = message(
        text=None, html="<html><style>p{}</style><body><p>Hello&nbsp;<b>Olga</b></p><p>See you</p></body></html>"
    )
    facts = parsed(data)
    assert facts.snippet == "Hello Olga See you"
    assert "<" not in facts.body


def test_multipart_with_attachments_reads_the_text_not_the_files():
    data = message(
        text="The contract is attached.",
        html="<p>The contract is <i>attached</i>.</p>",
        attachments=[("contract.pdf", b"%PDF-1.4 binary \x00\x01"), ("photo.jpg", b"\xff\xd8\xff" * 1000)],
    )
    facts = parsed(data)
    assert facts.snippet == "The contract is attached."


def test_quoted_lines_are_left_out_of_the_snippet():
    facts = parsed(message(text="Yes, Tuesday works.\n\nOn Monday Carla wrote:\n> Does Tuesday work?"))
    assert facts.snippet == "Yes, Tuesday works. On Monday Carla wrote:"


def test_threads_from_references_and_in_reply_to():
    first = parsed(message(message_id="<Root@X.test>"))
    reply = parsed(message(in_reply_to="<root@x.test>", references="<root@x.test>"))
    assert reply.thread_keys[1] == first.message_key  # Message-IDs compare case-insensitively
    assert parsed(message()).thread_keys[1:] == []


def test_no_message_id_still_gets_the_same_key_twice():
    data = message(when=NOW).replace(b"Message-ID:", b"X-Old-ID:")
    assert parsed(data).message_key == parsed(data + b"more text").message_key


def test_bytes_that_are_no_message_fail():
    for junk in (b"", b"   \n", b"\x00\x01\x02\x03"):
        with pytest.raises(ValueError):
            parsed(junk)


def hand_made_mbox(user_email):
    to = user_email
    return mbox(
        raw_subject_message(encoded("Angebot für Sie", "utf-8"), to=to, when=NOW - timedelta(days=5)),
        raw_subject_message(encoded("Привет", "koi8-r"), to=to, when=NOW - timedelta(days=4)),
        raw_subject_message(encoded("Счёт", "cp1251"), to=to, when=NOW - timedelta(days=3)),
        message(to=to, subject="No date at all", when=None),
        message(to=to, subject="HTML only", text=None, html="<p>Only <b>HTML</b></p>", when=NOW - timedelta(days=2)),
        message(
            to=to,
            subject="With attachments",
            attachments=[("a.pdf", b"%PDF\x00" * 100), ("b.zip", b"PK\x03\x04" * 100)],
            when=NOW - timedelta(days=2),
        ),
        message(to=to, subject="Twice", message_id="<dup@x.test>", when=NOW - timedelta(days=1)),
        message(to=to, subject="Twice", message_id="<dup@x.test>", when=NOW - timedelta(days=1)),
        message(to=to, subject="From a line", text="Hello\nFrom here on, it is quoted in the mbox\n", when=NOW),
    )


def test_a_hand_made_mbox_is_logged(user, workspace, acme):
    partner, _ = acme
    data = hand_made_mbox(user.email)
    assert count_messages(BytesIO(data)) == 9
    outcome = record_messages(
        db.session, workspace_id=workspace.id, user_id=user.id, messages=read_mbox(BytesIO(data)), now=NOW
    )
    db.session.commit()
    assert (outcome.seen, outcome.logged, outcome.duplicates, outcome.failed) == (9, 8, 1, 0)
    rows = db.session.execute(
        select(Interaction.summary, Interaction.occurred_at).where(Interaction.partner_id == partner.id)
    ).all()
    by_subject = dict(rows)
    assert set(by_subject) == {
        "Angebot für Sie",
        "Привет",
        "Счёт",
        "No date at all",
        "HTML only",
        "With attachments",
        "Twice",
        "From a line",
    }
    assert by_subject["No date at all"] == INTERNAL


def test_mbox_unquotes_from_lines_and_keeps_messages_apart():
    data = mbox(message(text="a\nFrom the start\n>From quoted\n"), message(text="second"))
    messages = list(read_mbox(BytesIO(data)))
    assert len(messages) == 2
    body = parsed(messages[0].data).body
    assert "\nFrom the start\n>From quoted\n" in body
    assert messages[0].internal_date == INTERNAL


def test_a_20_mb_message_is_read_and_a_too_big_one_fails_alone(user, workspace, acme):
    partner, _ = acme
    huge = message(to=user.email, subject="Big attachment", attachments=[("video.bin", b"\x01" * (15 * 1024 * 1024))])
    assert len(huge) > 20 * 1024 * 1024  # base64 makes 15 MB into 20
    data = mbox(huge, message(to=user.email, subject="After it"))
    outcome = record_messages(
        db.session,
        workspace_id=workspace.id,
        user_id=user.id,
        messages=read_mbox(BytesIO(data)),
        now=NOW,
    )
    assert (outcome.logged, outcome.failed) == (2, 0)
    capped = list(read_mbox(BytesIO(data), max_message_bytes=1024 * 1024))
    assert capped[0] is None and capped[1] is not None


class CountingStream(BytesIO):
    """A file that records the most it was asked for at once."""

    largest = 0

    def readline(self, size=-1):
        line = super().readline(size)
        CountingStream.largest = max(CountingStream.largest, len(line))
        return line

    def read(self, size=-1):
        raise AssertionError("the mbox reader must not read the whole file")


def test_the_reader_streams_line_by_line():
    one_line_of_junk = b"From x Tue Nov 17 10:00:00 2026\nFrom: a@b.test\n\n" + b"y" * (3 * 1024 * 1024)
    stream = CountingStream(one_line_of_junk + b"\n")
    messages = list(read_mbox(stream))
    assert len(messages) == 1
    assert CountingStream.largest <= 1024 * 1024  # a 3 MB "line" is read in pieces


@pytest.mark.parametrize(
    ("head", "check", "reason"),
    [
        (b"", check_mbox, "empty"),
        (b"\x00\x01PK", check_mbox, "binary"),
        (b"name,email\n", check_mbox, "not_mbox"),
        (b"From nobody\nhello world\n", check_mbox, "not_mbox"),
        (b"", check_eml, "empty"),
        (b"just words\n", check_eml, "not_eml"),
        (b"X-Thing: 1\nY-Other: 2\n", check_eml, "not_eml"),
    ],
)
def test_upload_checks(head, check, reason):
    with pytest.raises(NotMail) as refused:
        check(head)
    assert refused.value.reason == reason


def test_upload_checks_accept_mail():
    check_mbox(mbox(message()))
    check_eml(message())
    check_eml(b"From someone Tue Nov 17 10:00:00 2026\n" + message())


def test_headers_and_the_first_2_kb_read_like_the_whole_message():
    """A mailbox sync fetches only the headers and the start of the text: the facts are the same."""
    whole = message(text="Hello there", html="<p>Hello</p>", attachments=[("a.pdf", b"x" * 50_000)], when=NOW)
    head, _blank, body = whole.partition(b"\n\n")
    for cut in (head + b"\n\n" + body[:2048], head + b"\n\n"):
        facts = parsed(cut)
        assert (facts.message_key, facts.subject, facts.occurred_at) == (
            parsed(whole).message_key,
            "Hello",
            NOW.replace(second=0, microsecond=0),
        )
    assert parsed(head + b"\n\n" + body[:2048]).snippet == "Hello there"
