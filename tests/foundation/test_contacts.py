"""Contacts edited inline on the partner page: htmx fragments, and plain redirects without JavaScript."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import Contact
from app.services import contacts as contact_service
from tests.conftest import HX


@pytest.fixture
def partner(workspace, factories):
    return factories.partner(workspace, name="Contacted Co")


def _is_section(response):
    text = response.get_data(as_text=True)
    return "<html" not in text and text.strip().startswith('<section id="partner-contacts"')


def _current(session, partner):
    session.expire_all()
    return contact_service.current_contacts(session, partner.id)


def test_contacts_fragment(logged_in, partner, factories):
    factories.contact(partner, name="Frag Ment")
    response = logged_in.get(f"/partners/{partner.id}/contacts", headers=HX)
    assert response.status_code == 200 and _is_section(response)
    assert "Frag Ment" in response.get_data(as_text=True)
    full = logged_in.get(f"/partners/{partner.id}/contacts")
    assert "<html" in full.get_data(as_text=True)


def test_add_contact_htmx(logged_in, session, partner):
    response = logged_in.post(
        f"/partners/{partner.id}/contacts",
        headers=HX,
        data={
            "name": "Hanna Htmx",
            "role": "CTO",
            "email": "Hanna@Example.com",
            "phone": "+49 30 1234",
            "notes": "Prefers mornings",
            "is_primary": "y",
        },
    )
    assert response.status_code == 200 and _is_section(response)
    text = response.get_data(as_text=True)
    assert "Hanna Htmx added." in text and "hanna@example.com" in text
    [contact] = _current(session, partner)
    assert (
        contact.name,
        contact.role,
        contact.email,
        contact.phone,
        contact.notes,
        contact.is_primary,
        contact.workspace_id,
    ) == ("Hanna Htmx", "CTO", "hanna@example.com", "+49 30 1234", "Prefers mornings", True, partner.workspace_id)


def test_add_contact_without_htmx_redirects(logged_in, session, partner):
    response = logged_in.post(f"/partners/{partner.id}/contacts", data={"name": "Plain Post"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/partners/{partner.id}#partner-contacts"
    assert [c.name for c in _current(session, partner)] == ["Plain Post"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "Bad Mail", "email": "not-an-email"}, "Invalid email address."),
    ],
)
def test_add_contact_validation_422(logged_in, session, partner, data, message):
    response = logged_in.post(f"/partners/{partner.id}/contacts", headers=HX, data=dict(data, role="Typed role"))
    assert response.status_code == 422 and _is_section(response)
    text = response.get_data(as_text=True)
    assert message in text and 'value="Typed role"' in text
    assert _current(session, partner) == []
    plain = logged_in.post(f"/partners/{partner.id}/contacts", data=data)
    assert plain.status_code == 422 and "<html" in plain.get_data(as_text=True)


def test_edit_contact_inline(logged_in, session, partner, factories):
    contact = factories.contact(partner, name="Eddie Edit", role="Intern")
    form = logged_in.get(f"/partners/{partner.id}/contacts/{contact.id}/edit", headers=HX)
    assert form.status_code == 200 and _is_section(form)
    assert 'value="Eddie Edit"' in form.get_data(as_text=True) and "Save contact" in form.get_data(as_text=True)
    response = logged_in.post(
        f"/partners/{partner.id}/contacts/{contact.id}", headers=HX, data={"name": "Eddie Edited", "role": "Lead"}
    )
    assert response.status_code == 200 and _is_section(response)
    assert "Eddie Edited saved." in response.get_data(as_text=True)
    session.refresh(contact)
    assert (contact.name, contact.role) == ("Eddie Edited", "Lead")


def test_edit_contact_without_htmx(logged_in, session, partner, factories):
    contact = factories.contact(partner, name="No Script")
    page = logged_in.get(f"/partners/{partner.id}/contacts/{contact.id}/edit")
    assert "<html" in page.get_data(as_text=True) and "Save contact" in page.get_data(as_text=True)
    response = logged_in.post(f"/partners/{partner.id}/contacts/{contact.id}", data={"name": "Still No Script"})
    assert response.status_code == 302
    session.refresh(contact)
    assert contact.name == "Still No Script"


def test_edit_contact_validation_422(logged_in, session, partner, factories):
    contact = factories.contact(partner, name="Keep Me")
    response = logged_in.post(
        f"/partners/{partner.id}/contacts/{contact.id}",
        headers=HX,
        data={"name": "", "email": "broken", "role": "Typed"},
    )
    assert response.status_code == 422 and _is_section(response)
    text = response.get_data(as_text=True)
    assert "This field is required." in text and "Invalid email address." in text and 'value="Typed"' in text
    session.refresh(contact)
    assert contact.name == "Keep Me"


def test_only_one_primary(logged_in, session, partner, factories):
    first = factories.contact(partner, name="First", is_primary=True)
    logged_in.post(f"/partners/{partner.id}/contacts", headers=HX, data={"name": "Second", "is_primary": "y"})
    session.expire_all()
    assert session.get(Contact, first.id).is_primary is False
    assert [c.name for c in _current(session, partner) if c.is_primary] == ["Second"]


def test_remove_and_undo(logged_in, session, partner, factories):
    contact = factories.contact(partner, name="Rem Oved")
    response = logged_in.post(f"/partners/{partner.id}/contacts/{contact.id}/remove", headers=HX)
    assert response.status_code == 200 and _is_section(response)
    text = response.get_data(as_text=True)
    assert "Moved to Trash: Rem Oved." in text and "Restore" in text
    assert f"/partners/{partner.id}/contacts/{contact.id}/restore" in text
    assert _current(session, partner) == []
    assert session.get(Contact, contact.id).removed_at is not None  # kept, only marked
    response = logged_in.post(f"/partners/{partner.id}/contacts/{contact.id}/restore", headers=HX)
    assert response.status_code == 200 and "Rem Oved is back." in response.get_data(as_text=True)
    assert [c.name for c in _current(session, partner)] == ["Rem Oved"]


def test_remove_without_htmx_redirects_with_message(logged_in, session, partner, factories):
    contact = factories.contact(partner, name="Plain Remove")
    response = logged_in.post(f"/partners/{partner.id}/contacts/{contact.id}/remove")
    assert response.status_code == 302
    page = logged_in.get(f"/partners/{partner.id}").get_data(as_text=True)
    assert "Moved to Trash: Plain Remove." in page
    response = logged_in.post(f"/partners/{partner.id}/contacts/{contact.id}/restore")
    assert response.status_code == 302
    assert [c.name for c in _current(session, partner)] == ["Plain Remove"]


def test_single_threaded_warning(logged_in, partner, factories):
    def section():
        return logged_in.get(f"/partners/{partner.id}/contacts", headers=HX).get_data(as_text=True)

    assert "Single-threaded." in section() and "Nobody at this partner is on record." in section()
    factories.contact(partner, name="One")
    assert "Single-threaded." in section() and "Only one person links you" in section()
    factories.contact(partner, name="Two")
    assert "Single-threaded." not in section()
    assert "Single-threaded." not in logged_in.get(f"/partners/{partner.id}").get_data(as_text=True)


def test_removed_contacts_do_not_count(logged_in, session, partner, factories, now):
    factories.contact(partner, name="One")
    factories.contact(partner, name="Two", removed_at=now)
    text = logged_in.get(f"/partners/{partner.id}").get_data(as_text=True)
    assert "Single-threaded." in text and "Two" not in text.split('id="partner-contacts"')[1]


def test_contact_of_another_partner_is_404(logged_in, workspace, partner, factories):
    elsewhere = factories.partner(workspace, name="Elsewhere")
    contact = factories.contact(elsewhere)
    assert logged_in.get(f"/partners/{partner.id}/contacts/{contact.id}/edit").status_code == 404
    assert logged_in.post(f"/partners/{partner.id}/contacts/{contact.id}", data={"name": "x"}).status_code == 404
    assert logged_in.post(f"/partners/{partner.id}/contacts/{contact.id}/remove").status_code == 404


def test_service_add_strips_and_lowercases(session, partner, now):
    contact = contact_service.add_contact(
        session, partner, {"name": "  Spacey ", "email": " A@B.COM ", "role": "  "}, now
    )
    assert (contact.name, contact.email, contact.role) == ("Spacey", "a@b.com", None)
    assert session.scalar(select(func.count(Contact.id))) == 1


def test_partner_contact_count_follows_contacts(logged_in, session, partner, factories, now):
    from app.models import Partner

    def count():
        session.expire_all()
        return session.get(Partner, partner.id).contact_count

    updated = session.get(Partner, partner.id).updated_at
    logged_in.post(f"/partners/{partner.id}/contacts", headers=HX, data={"name": "One"})
    logged_in.post(f"/partners/{partner.id}/contacts", headers=HX, data={"name": "Two"})
    assert count() == 2
    one = session.scalar(select(Contact).where(Contact.name == "One"))
    logged_in.post(f"/partners/{partner.id}/contacts/{one.id}/remove", headers=HX)
    assert count() == 1
    logged_in.post(f"/partners/{partner.id}/contacts/{one.id}/restore", headers=HX)
    assert count() == 2
    logged_in.post(f"/partners/{partner.id}/contacts/{one.id}", headers=HX, data={"name": "One renamed"})
    assert count() == 2
    session.delete(session.get(Contact, one.id))
    session.commit()
    assert count() == 1
    assert session.get(Partner, partner.id).updated_at == updated  # bookkeeping is not an edit


def test_contact_count_of_demo_data(session, workspace, now):
    import random

    from app.models import Partner
    from app.services.demo import DemoContext, people

    ctx = DemoContext(session=session, workspace=workspace, rng=random.Random(3), now=now, partners=40)
    people.members_step(ctx)
    people.partners_step(ctx)
    session.commit()
    stored = dict(
        session.execute(select(Partner.id, Partner.contact_count).where(Partner.workspace_id == workspace.id)).all()
    )
    counted = dict(
        session.execute(
            select(Contact.partner_id, func.count(Contact.id))
            .where(Contact.workspace_id == workspace.id)
            .group_by(Contact.partner_id)
        ).all()
    )
    assert stored == {pid: counted.get(pid, 0) for pid in stored}
