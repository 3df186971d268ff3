"""The summaries' flush hooks run as many statements for a flush that touches many partners as for
one that touches a few (an import writes hundreds of rows in one flush), and stay equal to their
rebuild."""

from __future__ import annotations

from app.extensions import db
from app.models import Contact, Partner, PartnerActivity
from app.models.search import SearchItem
from app.summaries import check
from tests.conftest import NOW, make_partner
from tests.flush_statements import statements_in_flushes


def _hooks(statements):
    """The statements of the hooks: all but the ORM's own writes of the rows themselves."""
    return [s for s, *_ in statements if not s.startswith(("INSERT INTO contact ", "UPDATE partner SET archived_at"))]


def _add_contacts(partners, each=1):
    with db.session.no_autoflush:  # one flush for them all
        for partner in partners:
            for n in range(each):
                db.session.add(
                    Contact(
                        workspace_id=partner.workspace_id, partner_id=partner.id, name=f"Person {n} of {partner.id}"
                    )
                )
    db.session.commit()


def _archive(partners, restore=()):
    with db.session.no_autoflush:  # one flush for them all
        for partner in partners:
            partner.archived_at = NOW
        for partner in restore:
            partner.archived_at = None
    db.session.commit()


def test_contacts_added_to_many_partners_in_one_flush_count_in_as_few_statements(workspace):
    partners = [make_partner(workspace) for _ in range(15)]
    _add_contacts(partners)  # statements compiled once
    with statements_in_flushes() as three:
        _add_contacts(partners[:3])
    with statements_in_flushes() as twelve:
        _add_contacts(partners[3:], each=2)
    assert len(_hooks(twelve)) == len(_hooks(three)), _hooks(twelve)
    counts = dict(db.session.execute(db.select(Partner.id, Partner.contact_count)).all())
    assert [counts[p.id] for p in partners] == [2] * 3 + [3] * 12
    copies = dict(db.session.execute(db.select(PartnerActivity.partner_id, PartnerActivity.contact_count)).all())
    assert [copies[p.id] for p in partners] == [2] * 3 + [3] * 12
    assert check(db.session, workspace.id) == []


def test_archiving_many_partners_in_one_flush_moves_their_search_items_in_as_few_statements(workspace):
    partners = [make_partner(workspace, name=f"Quillon {n}") for n in range(15)]
    _add_contacts(partners)
    _archive(partners[:1])  # statements compiled once
    with statements_in_flushes() as few:
        _archive(partners[1:3], restore=partners[:1])
    with statements_in_flushes() as many:
        _archive(partners[3:], restore=partners[1:3])
    assert len(_hooks(many)) == len(_hooks(few)), _hooks(many)
    archived = dict(
        db.session.execute(
            db.select(SearchItem.item_id, SearchItem.partner_archived).where(SearchItem.kind == "partner")
        ).all()
    )
    assert [archived[p.id] for p in partners] == [False] * 3 + [True] * 12
    assert check(db.session, workspace.id) == []
