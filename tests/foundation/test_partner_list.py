"""The partners list: live search, filters, sorting, pagination, archived, empty states."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.services.partners import PartnerFilters, list_partners
from tests.conftest import HX
from tests.html import parse


def _rows(html: str) -> list:
    """The partners table's rows, in the order shown."""
    return parse(html).find_all("tr", id=lambda id: id.startswith("partner-row-"))


def _names(response) -> list[str]:
    """Partner names in the order the table shows them (each row's first link)."""
    return [row.find("a").text for row in _rows(response.get_data(as_text=True))]


@pytest.fixture
def book(workspace, factories, user):
    """A small partner book with distinct values in every column."""
    ann = factories.member(workspace, name="Ann Member")
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    specs = [
        # name, status, tier, owner, source, contacts
        ("Birch Bakery", "active", "A", user, "referral", 3),
        ("Alder Agency", "prospect", "C", ann, "content", 0),
        ("Cedar Consulting", "dormant", "B", None, "event", 1),
        ("Dogwood Design", "ended", "A", ann, "other", 2),
    ]
    partners = {}
    for i, (name, status, tier, owner, source, n_contacts) in enumerate(specs):
        p = factories.partner(
            workspace,
            name=name,
            status=status,
            tier=tier,
            owner_id=owner.id if owner else None,
            source=source,
            created_at=t0 + timedelta(days=i),
            updated_at=t0 + timedelta(days=10 - i),
        )
        for c in range(n_contacts):
            factories.contact(p, name=f"{name.split()[0]} Person {c}", email=f"{name.split()[0].lower()}{c}@mail.test")
        partners[name] = p
    partners["archived"] = factories.partner(workspace, name="Elm Archived", archived_at=t0)
    partners["ann"] = ann
    return partners


def test_list_page_full_and_fragment(logged_in, book):
    full = logged_in.get("/partners/")
    assert full.status_code == 200
    text = full.get_data(as_text=True)
    assert "<html" in text and 'id="partner-filters"' in text and 'id="partner-results"' in text
    assert "4 partners" in text
    fragment = logged_in.get("/partners/", headers=HX)
    ftext = fragment.get_data(as_text=True)
    assert "<html" not in ftext and ftext.strip().startswith('<section id="partner-results"')
    assert "HX-Request" in fragment.headers["Vary"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("birch", ["Birch Bakery"]),
        ("BAKERY", ["Birch Bakery"]),
        ("Cedar Person", ["Cedar Consulting"]),  # contact name
        ("dogwood1@mail", ["Dogwood Design"]),  # contact email
        ("person 2", ["Birch Bakery"]),
        ("zzz", []),
        ("%", []),  # LIKE wildcards are literal
        ("_", []),
    ],
)
def test_live_search(logged_in, book, q, expected):
    response = logged_in.get("/partners/", query_string={"q": q}, headers=HX)
    assert response.status_code == 200
    assert _names(response) == expected
    if not expected:
        assert "No partners match" in response.get_data(as_text=True)


def test_search_ignores_removed_contacts(logged_in, book, session, now):
    from sqlalchemy import select

    from app.models import Contact

    contact = session.scalar(select(Contact).where(Contact.name == "Cedar Person 0"))
    contact.removed_at = now
    session.commit()
    assert _names(logged_in.get("/partners/?q=Cedar+Person", headers=HX)) == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"status": "active"}, ["Birch Bakery"]),
        ({"status": "prospect"}, ["Alder Agency"]),
        ({"tier": "A"}, ["Birch Bakery", "Dogwood Design"]),
        ({"tier": "C"}, ["Alder Agency"]),
        ({"source": "event"}, ["Cedar Consulting"]),
        ({"source": "referral"}, ["Birch Bakery"]),
        ({"tier": "A", "status": "ended"}, ["Dogwood Design"]),
        ({"status": "bogus"}, ["Alder Agency", "Birch Bakery", "Cedar Consulting", "Dogwood Design"]),
    ],
)
def test_filters(logged_in, book, args, expected):
    assert _names(logged_in.get("/partners/", query_string=args, headers=HX)) == expected


def test_owner_filter(logged_in, book, user):
    assert _names(logged_in.get(f"/partners/?owner={book['ann'].id}", headers=HX)) == ["Alder Agency", "Dogwood Design"]
    assert _names(logged_in.get(f"/partners/?owner={user.id}", headers=HX)) == ["Birch Bakery"]
    assert _names(logged_in.get("/partners/?owner=abc", headers=HX))  # ignored, not an error


def test_archived_hidden_by_default_and_found_with_filter(logged_in, book):
    assert "Elm Archived" not in _names(logged_in.get("/partners/"))
    assert _names(logged_in.get("/partners/?archived=only", headers=HX)) == ["Elm Archived"]
    assert "Elm Archived" in _names(logged_in.get("/partners/?archived=all", headers=HX))
    assert _names(logged_in.get("/partners/?archived=only&q=elm", headers=HX)) == ["Elm Archived"]
    assert _names(logged_in.get("/partners/?q=elm", headers=HX)) == []


SORTED = {
    "name": ["Alder Agency", "Birch Bakery", "Cedar Consulting", "Dogwood Design"],
    "status": ["Birch Bakery", "Cedar Consulting", "Dogwood Design", "Alder Agency"],  # active dormant ended prospect
    "tier": ["Birch Bakery", "Dogwood Design", "Cedar Consulting", "Alder Agency"],
    "source": ["Alder Agency", "Birch Bakery", "Cedar Consulting", "Dogwood Design"],  # content direct? see below
    "contacts": ["Alder Agency", "Cedar Consulting", "Dogwood Design", "Birch Bakery"],
    "updated": ["Dogwood Design", "Cedar Consulting", "Alder Agency", "Birch Bakery"],
    "created": ["Birch Bakery", "Alder Agency", "Cedar Consulting", "Dogwood Design"],
}
# sources: Birch=referral, Alder=content, Cedar=event, Dogwood=other → content, event, other, referral
SORTED["source"] = ["Alder Agency", "Cedar Consulting", "Dogwood Design", "Birch Bakery"]


@pytest.mark.parametrize("column", sorted(SORTED))
def test_sorting_every_column_both_ways(logged_in, book, column):
    asc = _names(logged_in.get(f"/partners/?sort={column}&dir=asc", headers=HX))
    desc = _names(logged_in.get(f"/partners/?sort={column}&dir=desc", headers=HX))
    assert asc == SORTED[column]
    # ties (two tier A) are broken by id in the same direction: desc is exactly asc reversed
    assert desc == list(reversed(SORTED[column]))


def test_sorting_by_owner(logged_in, book, user):
    # owners: Birch=Olga Owner, Alder=Ann Member, Cedar=nobody, Dogwood=Ann Member; nobody sorts last
    asc = _names(logged_in.get("/partners/?sort=owner&dir=asc", headers=HX))
    desc = _names(logged_in.get("/partners/?sort=owner&dir=desc", headers=HX))
    assert asc == ["Alder Agency", "Dogwood Design", "Birch Bakery", "Cedar Consulting"]
    assert desc == ["Birch Bakery", "Dogwood Design", "Alder Agency", "Cedar Consulting"]


def test_sort_header_links_toggle_direction(logged_in, book):
    text = logged_in.get("/partners/?sort=name&dir=asc").get_data(as_text=True)
    assert 'aria-sort="ascending"' in text
    assert "sort=name&amp;dir=desc" in text
    assert "sort=tier&amp;dir=asc" in text
    assert 'aria-sort="descending"' in logged_in.get("/partners/?sort=name&dir=desc").get_data(as_text=True)


def test_unknown_sort_falls_back_to_name(logged_in, book):
    assert _names(logged_in.get("/partners/?sort=password_hash&dir=sideways", headers=HX)) == SORTED["name"]


def test_pagination(logged_in, workspace, factories):
    for i in range(30):
        factories.partner(workspace, name=f"Partner {i:02d}")
    first = logged_in.get("/partners/", headers=HX)
    assert _names(first) == [f"Partner {i:02d}" for i in range(25)]
    text = first.get_data(as_text=True)
    assert "Page 1 of 2" in text and 'rel="next"' in text and 'rel="prev"' not in text
    second = logged_in.get("/partners/?page=2", headers=HX)
    assert _names(second) == [f"Partner {i:02d}" for i in range(25, 30)]
    assert 'rel="prev"' in second.get_data(as_text=True)
    assert _names(logged_in.get("/partners/?page=0", headers=HX))[0] == "Partner 00"
    assert _names(logged_in.get("/partners/?page=abc", headers=HX))[0] == "Partner 00"
    assert _names(logged_in.get("/partners/?page=99", headers=HX)) == []


def test_pagination_keeps_filters(logged_in, workspace, factories):
    for i in range(30):
        factories.partner(workspace, name=f"Tiered {i:02d}", tier="A")
    text = logged_in.get("/partners/?tier=A&sort=name&dir=desc&q=tiered").get_data(as_text=True)
    nxt = parse(text).one("a", rel="next")["href"]
    for part in ("tier=A", "dir=desc", "q=tiered", "page=2"):
        assert part in nxt


def test_empty_state_for_new_user(logged_in):
    text = logged_in.get("/partners/").get_data(as_text=True)
    assert "Your partner book is empty" in text
    assert "Add your first partner" in text and 'href="/partners/new"' in text
    assert "No partners match" not in text


def test_no_partners_match_state(logged_in, book):
    text = logged_in.get("/partners/?q=nothing-like-this").get_data(as_text=True)
    assert "No partners match" in text and "Your partner book is empty" not in text
    text = logged_in.get("/partners/?status=referrer", headers=HX).get_data(as_text=True)
    assert "No partners match" in text


def test_single_threaded_badge_in_list(logged_in, book):
    text = logged_in.get("/partners/", headers=HX).get_data(as_text=True)
    badges = {row.find("a").text: [b.text for b in row.find_all(class_="badge")] for row in _rows(text)}
    assert "single-threaded" in badges["Alder Agency"]  # 0 contacts
    assert "single-threaded" in badges["Cedar Consulting"]  # 1 contact
    assert "single-threaded" not in badges["Dogwood Design"]
    assert "single-threaded" not in badges["Birch Bakery"]


def test_list_shows_only_my_workspace(logged_in, book, other):
    assert "Outsider Partner" not in logged_in.get("/partners/?archived=all").get_data(as_text=True)
    assert _names(logged_in.get("/partners/?q=outsider", headers=HX)) == []


def test_list_service_counts_and_pages(session, workspace, factories):
    for i in range(7):
        factories.partner(workspace, name=f"S{i}")
    page = list_partners(session, workspace.id, PartnerFilters(page=2), per_page=3)
    assert page.total == 7 and page.pages == 3 and page.has_prev and page.has_next
    assert [row.Partner.name for row in page.items] == ["S3", "S4", "S5"]


def test_sorting_by_owner_keeps_partners_of_departed_owners(logged_in, session, book, workspace, factories):
    from sqlalchemy import select

    from app.models import Membership
    from app.services import accounts

    zed = factories.member(workspace, name="Zed Leaver")
    factories.partner(workspace, name="Fir Left Behind", owner_id=zed.id)
    accounts.remove_member(session, session.scalar(select(Membership).where(Membership.user_id == zed.id)))
    session.commit()
    asc = _names(logged_in.get("/partners/?sort=owner&dir=asc", headers=HX))
    desc = _names(logged_in.get("/partners/?sort=owner&dir=desc", headers=HX))
    # members by name, then owners who left, then nobody
    assert asc == ["Alder Agency", "Dogwood Design", "Birch Bakery", "Fir Left Behind", "Cedar Consulting"]
    assert desc == ["Birch Bakery", "Dogwood Design", "Alder Agency", "Fir Left Behind", "Cedar Consulting"]


def test_sorting_by_owner_pages_through_everyone(logged_in, workspace, user, factories):
    ann = factories.member(workspace, name="Ann Member")
    for i in range(30):
        factories.partner(workspace, name=f"P{i:02d}", owner_id=(ann.id, user.id, None)[i % 3])
    first = _names(logged_in.get("/partners/?sort=owner", headers=HX))
    second = _names(logged_in.get("/partners/?sort=owner&page=2", headers=HX))
    assert len(first) == 25 and len(second) == 5 and not set(first) & set(second)
    assert first[:10] == [f"P{i:02d}" for i in range(0, 30, 3)]  # Ann's, by id
    assert second == [f"P{i:02d}" for i in range(17, 30, 3)]  # the tail of nobody's


def test_count_is_capped_on_huge_books(session, workspace, monkeypatch):
    from sqlalchemy import insert

    from app.models import Partner
    from app.services import partners as partner_service

    monkeypatch.setattr(partner_service, "COUNT_CAP", 40)
    session.execute(
        insert(Partner),
        [{"workspace_id": workspace.id, "name": f"Bulk {i:03d}", "name_key": f"bulk {i:03d}"} for i in range(60)],
    )
    session.commit()
    first = list_partners(session, workspace.id, PartnerFilters(), per_page=25)
    assert first.capped and first.total == 40 and first.has_next
    last = list_partners(session, workspace.id, PartnerFilters(page=3), per_page=25)
    assert [r.Partner.name for r in last.items] == [f"Bulk {i:03d}" for i in range(50, 60)]
    assert not last.has_next and last.has_prev
    searched = list_partners(session, workspace.id, PartnerFilters(q="bulk 05"), per_page=25)
    assert not searched.capped and searched.total == 10


def test_capped_count_is_shown_as_more_than(logged_in, session, workspace, monkeypatch):
    from sqlalchemy import insert

    from app.models import Partner
    from app.services import partners as partner_service

    monkeypatch.setattr(partner_service, "COUNT_CAP", 40)
    session.execute(
        insert(Partner),
        [{"workspace_id": workspace.id, "name": f"Bulk {i:03d}", "name_key": f"bulk {i:03d}"} for i in range(60)],
    )
    session.commit()
    text = logged_in.get("/partners/").get_data(as_text=True)
    assert "More than 40 partners" in text and "Page 1" in text and 'rel="next"' in text
