"""`flask demo --locale ru`: a Russian demo workspace; the English demo (the default) unchanged."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.i18n import LANGUAGES
from app.models import Contact, Deal, Interaction, Partner, Reminder, User, Workspace
from app.services import search
from app.services.demo import WORDS, generate
from app.summaries import registry
from tests.perf_engine.test_demo_across_engines import demo_digest

CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
# seed 7, 80 partners, the tests' NOW, on a fresh workspace: recorded before the Russian words came
ENGLISH_STATS = {
    "partners": 80,
    "contacts": 183,
    "referrals": 58,
    "referral branches": 6,
    "deepest generation": 9,
    "reminders": 40,
    "open reminders": 29,
    "deals": 107,
    "terms versions": 37,
    "commissions": 28,
    "interactions": 751,
}
ENGLISH_DIGEST = {
    "partner": (80, "95f8de26fd431288"),
    "contact": (183, "df27ea3736a5feb2"),
    "referral": (64, "0b8f43fba3a5b31a"),
    "referral_change": (2, "0f8f32cfdd2c2e57"),
    "deal": (107, "dd0eff15a23d3e53"),
    "terms": (22, "62d7a5cc32c22c94"),
    "terms_version": (37, "4e0846a15acd7e85"),
    "commission": (28, "18265881e22b3dbb"),
    "interaction": (751, "373d69b949ee5884"),
    "reminder": (40, "838b426dcce4d99c"),
}


def _workspace(name):
    return db.session.scalar(select(Workspace).where(Workspace.name == name))


def _column(column, workspace_id):
    return db.session.scalars(select(column).where(column.class_.workspace_id == workspace_id)).all()


def test_every_language_has_its_demo_words():
    assert set(WORDS) == set(LANGUAGES)
    english, russian = WORDS["en"], WORDS["ru"]
    for name in ("FIRST", "LAST", "COMPANY_A", "COMPANY_B", "ROLES", "TITLES", "LOST_REASONS", "REMINDER_TITLES"):
        assert len(getattr(russian, name)) >= len(getattr(english, name)) * 0.8, name
    assert set(russian.SUMMARIES) == set(english.SUMMARIES)  # a summary for every kind of interaction


def test_the_english_demo_is_what_it_was_for_a_seed(factories, now):
    ws = factories.workspace_of(factories.user())
    ctx = generate(db.session, ws, seed=7, partners=80, now=now)  # the default: English
    db.session.commit()
    assert ctx.stats == ENGLISH_STATS
    digest = demo_digest(db.session)
    assert {table: digest[table] for table in ENGLISH_DIGEST} == ENGLISH_DIGEST
    names = db.session.scalars(select(Partner.name).where(Partner.workspace_id == ws.id).order_by(Partner.id)).all()
    assert names[:5] == ["Blue Foods", "Golden Print", "Iron Labs", "Amber Bakery", "Coastal Print"]
    first = db.session.execute(
        select(Contact.name, Contact.email, Contact.phone).where(Contact.workspace_id == ws.id).order_by(Contact.id)
    ).first()
    assert tuple(first) == ("Dara Müller", "dara.müller.1@example.com", "+49 30 4199138")
    titles = db.session.scalars(select(Deal.title).where(Deal.workspace_id == ws.id).order_by(Deal.id)).all()
    assert titles[:3] == ["Social media plan", "Product catalogue", "Training day"]


@pytest.fixture
def russian(runner):
    result = runner.invoke(args=["demo", "--partners", "40", "--seed", "5", "--locale", "ru"])
    assert result.exit_code == 0, result.output
    return _workspace("Демо-студия")


def test_the_russian_demo_is_written_in_russian(russian):
    ws_id = russian.id
    partners = _column(Partner.name, ws_id)
    assert len(partners) == 40 and all(CYRILLIC.search(name) for name in partners)
    assert any(name.startswith(("ООО «", "Студия «", "Агентство «", "Бюро «")) for name in partners)
    contacts = db.session.execute(
        select(Contact.name, Contact.email, Contact.phone, Contact.role).where(Contact.workspace_id == ws_id)
    ).all()
    assert contacts and all(CYRILLIC.search(c.name) and CYRILLIC.search(c.role) for c in contacts)
    for contact in contacts:
        assert contact.email.isascii() and re.fullmatch(r"[a-z]+\.[a-z]+\.\d+@example\.com", contact.email)
        assert re.fullmatch(r"\+7 \d{3} \d{3}-\d{2}-\d{2}", contact.phone)
    websites = [w for w in _column(Partner.website, ws_id) if w]
    assert websites and all(w.isascii() and re.fullmatch(r"https://[a-z0-9-]+-\d+\.example\.com", w) for w in websites)
    assert all(CYRILLIC.search(title) for title in _column(Deal.title, ws_id))
    assert all(CYRILLIC.search(summary) for summary in _column(Interaction.summary, ws_id))
    assert all(CYRILLIC.search(title) for title in _column(Reminder.title, ws_id))


def test_a_womans_surname_agrees_with_her_name(russian):
    names = [name.split() for name in _column(Contact.name, russian.id)]
    women = [last for first, last in names if first in WORDS["ru"].FEMALE]
    men = [last for first, last in names if first in WORDS["ru"].MALE]
    assert women and men
    assert not any(last.endswith(("ов", "ев", "ёв", "ин", "ий")) for last in women)
    assert not any(last.endswith(("ова", "ева", "ёва", "ина", "ая")) for last in men)


def test_the_russian_demo_is_in_roubles_and_more(russian):
    assert russian.default_currency == "RUB"
    currencies = set(_column(Deal.currency, russian.id))
    assert "RUB" in currencies and len(currencies) > 1  # still multi-currency
    roubles = [
        amount
        for amount, cur in db.session.execute(select(Deal.amount, Deal.currency).where(Deal.workspace_id == russian.id))
        if cur == "RUB"
    ]
    assert min(roubles) >= 10_000  # a rouble price, not a euro one


def test_the_russian_demo_owner_and_team_speak_russian(russian):
    owner = db.session.scalar(select(User).where(User.email == "demo@orchard.test"))
    assert owner.locale == "ru" and owner.current_workspace_id == russian.id
    team = db.session.scalars(select(User).where(User.email.like(f"%+{russian.id}@demo.orchard"))).all()
    assert len(team) == 2 and all(u.locale == "ru" and CYRILLIC.search(u.name) for u in team)


def test_the_russian_demos_summaries_are_right(russian):
    assert registry.check(db.session, russian.id) == []


def test_search_finds_a_russian_name_without_its_yo(runner):
    result = runner.invoke(args=["demo", "--partners", "120", "--seed", "2", "--locale", "ru"])
    assert result.exit_code == 0, result.output
    ws = _workspace("Демо-студия")
    with_yo = sorted(n for n in _column(Contact.name, ws.id) if "ё" in n.split()[-1])
    assert with_yo  # e.g. Семёнов, Королёва
    surname = with_yo[0].split()[-1]
    results = search.search(db.session, ws.id, surname.replace("ё", "е").lower(), kinds=("contact",), limit=50)
    assert any(surname in hit.title for hit in results.groups.get("contact", []))


def test_a_workspace_name_given_wins_and_english_stays_the_default(runner):
    result = runner.invoke(args=["demo", "--partners", "5", "--locale", "ru", "--workspace", "Моя студия"])
    assert result.exit_code == 0, result.output
    assert _workspace("Моя студия") is not None and _workspace("Демо-студия") is None
    result = runner.invoke(args=["demo", "--partners", "5", "--email", "en@orchard.test"])
    assert result.exit_code == 0, result.output
    english = _workspace("Demo Studio")
    assert english.default_currency == "EUR"
    assert db.session.scalar(select(User.locale).where(User.email == "en@orchard.test")) == "en"
    assert not any(CYRILLIC.search(name) for name in _column(Partner.name, english.id))


def test_an_unknown_locale_is_refused(runner):
    result = runner.invoke(args=["demo", "--partners", "5", "--locale", "de"])
    assert result.exit_code != 0
    assert "--locale" in result.output and "'de' is not one of" in result.output
    assert db.session.scalar(select(Workspace).where(Workspace.name.in_(["Demo Studio", "Демо-студия"]))) is None


def test_the_russian_demo_owner_logs_in_to_russian_partners(russian, client):
    response = client.post("/login", data={"email": "demo@orchard.test", "password": "orchard-demo"})
    assert response.status_code == 302
    page = client.get("/partners/").get_data(as_text=True)
    shown = [name for name in _column(Partner.name, russian.id) if name in page]
    assert len(shown) >= 10  # the list shows the Russian partners
