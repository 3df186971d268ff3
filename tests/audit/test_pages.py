"""The partner History tab and the owners' Audit log page: what a user reads there, the filters, the
CSV export, who may see it, keyset pages, and a constant number of queries per page."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest

from app.services import audit, contacts, partners
from app.services.deals import writing as deals
from tests.conftest import NOW, PASSWORD, make_partner
from tests.html import parse

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _events_text(html: str) -> list[str]:
    return [li.text for li in parse(html).find_all("li", class_="audit-event")]


def _deal(session, partner, user, amount="1000"):
    audit.set_actor(session, audit.Actor.of_user(user))
    deal = deals.create_deal(
        session,
        partner,
        {"title": "Website", "amount": Decimal(amount), "currency": "EUR", "stage": "lead"},
        user.id,
        NOW,
    ).deal
    session.commit()
    session.info.clear()
    return deal


def test_who_changed_this_deals_amount_and_when(
    app, client, logged_in, session, workspace, user, factories, frozen_clock
):
    mia = factories.member(workspace, name="Mia Member")
    partner = make_partner(workspace, name="Acme")
    deal = _deal(session, partner, user)
    frozen_clock.shift(timedelta(days=3))
    other = app.test_client()
    other.post("/login", data={"email": mia.email, "password": PASSWORD})
    response = other.post(
        f"/deals/{deal.id}/edit", data={"title": "Website", "amount": "1500", "currency": "EUR", "stage": "proposal"}
    )
    assert response.status_code == 302

    page = logged_in.get(f"/partners/{partner.id}/history")
    assert page.status_code == 200
    newest, *older = _events_text(page.get_data(as_text=True))
    assert "Mia Member" in newest and "Deal “Website”" in newest
    assert "Amount: €1,000.00 → €1,500.00" in newest
    assert "Stage: Lead → Proposal" in newest  # the stored value by its label
    assert "Nov 27, 2026" in newest  # three days after the deal was made, in the user's timezone
    assert any("Olga Owner" in text and "created" in text for text in older)


def test_history_covers_the_partners_contacts_and_not_other_partners(logged_in, session, workspace, user):
    partner, elsewhere = make_partner(workspace, name="Acme"), make_partner(workspace, name="Elsewhere")
    audit.set_actor(session, audit.Actor.of_user(user))
    contacts.add_contact(session, partner, {"name": "Ann", "email": "ann@example.com"}, NOW)
    partners.update_partner(session, elsewhere, {"name": "Elsewhere Ltd"}, NOW)
    session.commit()
    texts = _events_text(logged_in.get(f"/partners/{partner.id}/history").get_data(as_text=True))
    assert any("Contact “Ann”" in t and "Email: — → ann@example.com" in t for t in texts)
    assert not any("Elsewhere" in t for t in texts)


def test_history_empty_state_says_what_it_will_show(logged_in, session, workspace):
    partner = make_partner(workspace, name="Acme")
    session.execute(audit.recording.TABLE.delete().execution_options(orchard_audit_prune=True))
    session.commit()
    html = logged_in.get(f"/partners/{partner.id}/history").get_data(as_text=True)
    assert "Nothing recorded yet" in html


def test_history_pages_newest_first_by_keyset(app, logged_in, session, workspace, user, monkeypatch):
    monkeypatch.setattr(audit.queries, "PAGE_SIZE", 5)
    partner = make_partner(workspace, name="V0")
    audit.set_actor(session, audit.Actor.of_user(user))
    for n in range(1, 8):
        partners.update_partner(session, partner, {"name": f"V{n}"}, NOW)
        session.commit()
    seen, url = [], f"/partners/{partner.id}/history"
    while url:
        html = logged_in.get(url).get_data(as_text=True)
        seen += _events_text(html)
        older = [a for a in parse(html).find_all("a") if a.text.strip() == "Older changes"]
        url = older[0]["href"] if older else None
    names = [re.search(r"Name: \S+ → (V\d)", t).group(1) for t in seen if "Name: " in t]
    assert names == [f"V{n}" for n in range(7, 0, -1)] + ["V0"]


def _fill(session, workspace, user, partner, n):
    audit.set_actor(session, audit.Actor.of_user(user))
    for i in range(n):
        contacts.add_contact(session, partner, {"name": f"C{i}", "email": f"c{i}@example.com"}, NOW)
        deals.create_deal(
            session,
            partner,
            {"title": f"D{i}", "amount": Decimal(i + 1), "currency": "EUR", "stage": "lead", "owner_id": user.id},
            user.id,
            NOW,
        )
    session.commit()
    session.info.clear()


def test_pages_run_a_constant_number_of_queries(logged_in, session, workspace, user, count_queries):
    partner = make_partner(workspace, name="Acme", owner_id=user.id)
    urls = [
        f"/partners/{partner.id}/history",
        "/settings/audit-log",
        f"/settings/audit-log?member={user.id}",
        "/settings/audit-log?type=deal&from=2026-11-01&to=2026-11-30",
    ]

    def counts():
        result = []
        for url in urls:
            logged_in.get(url)
            with count_queries() as counter:
                assert logged_in.get(url).status_code == 200
            result.append(counter.count)
        return result

    _fill(session, workspace, user, partner, 2)
    fewer = counts()
    _fill(session, workspace, user, partner, 30)
    assert counts() == fewer


def test_the_audit_log_filters_by_member_type_and_dates(
    app, logged_in, session, workspace, user, factories, frozen_clock
):
    mia = factories.member(workspace, name="Mia Member")
    partner = make_partner(workspace, name="Acme")
    _deal(session, partner, user)
    frozen_clock.shift(timedelta(days=10))
    audit.set_actor(session, audit.Actor.of_user(mia))
    from app.web import now_utc

    partners.update_partner(session, partner, {"name": "Acme Ltd"}, now_utc())
    session.commit()
    session.info.clear()

    def shown(query):
        response = logged_in.get("/settings/audit-log" + query)
        assert response.status_code == 200
        return _events_text(response.get_data(as_text=True))

    assert any("Name: Acme → Acme Ltd" in t for t in shown(""))
    by_mia = shown(f"?member={mia.id}")
    assert by_mia and all("Mia Member" in t for t in by_mia)
    deals_only = shown("?type=deal")
    assert deals_only and all("Deal “Website”" in t for t in deals_only)
    in_range = shown("?from=2026-11-20&to=2026-11-25")
    renamed = "Name: Acme → Acme Ltd"
    assert in_range and not any(renamed in t for t in in_range), in_range
    assert [t for t in shown("?from=2026-12-01") if renamed in t]
    html = logged_in.get("/settings/audit-log?from=yesterday&to=2026-01-01").get_data(as_text=True)
    assert "Give a date like 2026-03-31." in html


def test_the_csv_export_is_the_filtered_log(logged_in, session, workspace, user):
    partner = make_partner(workspace, name="Acme")
    deal = _deal(session, partner, user)
    audit.set_actor(session, audit.Actor.of_user(user))
    deals.update_deal(session, deal, {"title": "Website", "amount": Decimal("1500"), "currency": "EUR"}, NOW)
    session.commit()
    response = logged_in.get("/settings/audit-log.csv?type=deal")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:2] == ["When", "Who"]
    assert [r[5] for r in rows[1:]] == ["changed", "created"]
    assert "Amount: €1,000.00 → €1,500.00" in rows[1][6]
    assert all(r[2] == "Deal" for r in rows[1:])


def test_the_csv_export_escapes_formulas(logged_in, session, workspace, user):
    audit.set_actor(session, audit.Actor.of_user(user))
    partners.create_partner(session, workspace.id, {"name": "=HYPERLINK(1)"}, NOW)
    session.commit()
    rows = list(csv.reader(io.StringIO(logged_in.get("/settings/audit-log.csv?type=partner").get_data(as_text=True))))
    assert rows[1][3] == "'=HYPERLINK(1)"


def test_a_member_gets_403(app, workspace, factories):
    mia = factories.member(workspace, name="Mia Member")
    client = app.test_client()
    client.post("/login", data={"email": mia.email, "password": PASSWORD})
    assert client.get("/settings/audit-log").status_code == 403
    assert client.get("/settings/audit-log.csv").status_code == 403
    assert "Audit log" not in client.get("/settings/profile").get_data(as_text=True)


def test_the_log_shows_only_this_workspace(logged_in, session, other):
    partners.update_partner(session, other["partner"], {"name": "Secret Rename"}, NOW)
    session.commit()
    assert "Secret Rename" not in logged_in.get("/settings/audit-log").get_data(as_text=True)
    assert logged_in.get(f"/partners/{other['partner'].id}/history").status_code == 404


@pytest.mark.parametrize("timezone", ["UTC", "Asia/Tokyo", "America/Los_Angeles"])
@pytest.mark.parametrize("args", ["to=9999-12-31", "from=0001-01-01", "from=0001-01-01&to=9999-12-31"])
def test_dates_at_the_ends_of_the_calendar_are_refused_next_to_the_field(logged_in, session, user, timezone, args):
    user.timezone = timezone
    session.commit()
    for url in ("/settings/audit-log", "/settings/audit-log.csv"):
        response = logged_in.get(f"{url}?{args}")
        assert response.status_code in (200, 422), url
        if url.endswith("log"):
            assert "Give a date between" in response.get_data(as_text=True)


def test_every_recorded_field_has_a_label_in_words(app):
    """The log never shows a column name such as "cadence_a_days" or "value_to_us_note"."""
    from app.audit_display import FIELD_LABELS
    from app.services.audit.registry import BY_TYPE, _fields

    unlabelled = sorted(
        {(kind, name) for kind, spec in BY_TYPE.items() for name in _fields(spec)}
        - {(kind, name) for kind, spec in BY_TYPE.items() for name in _fields(spec) if name in FIELD_LABELS}
    )
    assert unlabelled == []
