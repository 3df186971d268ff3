"""Create and edit partners, the partner page, archive/restore and hard delete."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import Partner
from app.services import ServiceError
from app.services import partners as partner_service
from tests.conftest import HX_BOOSTED
from tests.html import parse

FULL = {
    "name": "  Maple & Co  ",
    "kind": "person",
    "status": "prospect",
    "tier": "A",
    "source": "event",
    "website": "https://maple.example.com",
    "notes": "Met at the <b>fair</b>.\nLikes tea.",
    "no_prospects": "y",
    "no_prospects_reason": "Treats us as a subordinate.",
}


def _count(session):
    return session.scalar(select(func.count(Partner.id)))


def _form(user, **overrides):
    data = dict(FULL, owner_id=str(user.id))
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_new_partner_form(logged_in, user):
    response = logged_in.get("/partners/new")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    for name in (
        "name",
        "kind",
        "status",
        "tier",
        "owner_id",
        "source",
        "website",
        "notes",
        "no_prospects",
        "no_prospects_reason",
    ):
        assert f'name="{name}"' in text
    assert parse(text).one("select", name="owner_id").one("option", selected=True)["value"] == str(user.id)


def test_create_partner_with_every_field(logged_in, session, user, workspace):
    response = logged_in.post("/partners/new", data=_form(user))
    assert response.status_code == 302
    partner = session.scalar(select(Partner))
    assert response.headers["Location"] == f"/partners/{partner.id}"
    assert (
        partner.workspace_id,
        partner.name,
        partner.name_key,
        partner.kind,
        partner.status,
        partner.tier,
        partner.source,
        partner.owner_id,
        partner.website,
        partner.no_prospects,
        partner.no_prospects_reason,
    ) == (
        workspace.id,
        "Maple & Co",
        "maple & co",
        "person",
        "prospect",
        "A",
        "event",
        user.id,
        "https://maple.example.com",
        True,
        "Treats us as a subordinate.",
    )
    assert partner.notes == "Met at the <b>fair</b>.\nLikes tea."
    page = logged_in.get(f"/partners/{partner.id}").get_data(as_text=True)
    assert "Maple &amp; Co" in page
    assert "&lt;b&gt;fair&lt;/b&gt;" in page  # escaped, not rendered
    assert "Partner without prospects" in page and "Treats us as a subordinate." in page
    assert "Owner: Olga Owner" in page
    assert "Add at least two contacts" in page  # the flash after creating


def test_create_minimal_partner(logged_in, session, user):
    response = logged_in.post(
        "/partners/new",
        data={"name": "Tiny", "kind": "company", "status": "active", "tier": "C", "source": "direct", "owner_id": ""},
    )
    assert response.status_code == 302
    partner = session.scalar(select(Partner))
    assert partner.owner_id is None and partner.website is None and partner.no_prospects is False


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"website": "not a url"}, "website", "Enter a web address, like example.com or https://example.com"),
        ({"website": "example"}, "website", "Enter a web address, like example.com or https://example.com"),
        ({"no_prospects_reason": ""}, "no_prospects_reason", "Say why this partner has no prospects"),
        ({"no_prospects_reason": "   "}, "no_prospects_reason", "Say why this partner has no prospects"),
        ({"tier": "Z"}, "tier", "Not a valid choice"),
        ({"status": "vip"}, "status", "Not a valid choice"),
        ({"owner_id": "999999"}, "owner_id", "Not a valid choice"),
    ],
)
def test_create_validation_shows_error_next_to_field_and_keeps_input(
    logged_in, session, user, overrides, field, message
):
    response = logged_in.post("/partners/new", data=_form(user, **overrides))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert f'id="{field}-error"' in text
    error = text[text.index(f'id="{field}-error"') :]
    assert message in error[:300]
    if field != "name":
        assert 'value="  Maple &amp; Co  "' in text  # typed values kept exactly as typed
    if field != "website":
        assert 'value="https://maple.example.com"' in text
    assert "Likes tea." in text
    assert _count(session) == 0


def test_create_validation_as_htmx_is_a_422_fragment_or_page(logged_in, user):
    response = logged_in.post("/partners/new", data=_form(user, name=""), headers=HX_BOOSTED)
    assert response.status_code == 422
    assert "This field is required." in response.get_data(as_text=True)


def test_owner_must_be_a_member_of_the_workspace(session, workspace, other, now):
    with pytest.raises(ServiceError) as error:
        partner_service.create_partner(session, workspace.id, {"name": "X", "owner_id": other["user"].id}, now)
    assert error.value.field == "owner_id"


def test_owner_from_other_workspace_is_refused_by_the_form(logged_in, session, user, other):
    response = logged_in.post("/partners/new", data=_form(user, owner_id=str(other["user"].id)))
    assert response.status_code == 422
    assert _count(session) == 1  # only the other workspace's partner


def test_member_can_be_owner(logged_in, session, user, workspace, factories):
    ann = factories.member(workspace, name="Ann Member")
    assert logged_in.post("/partners/new", data=_form(user, owner_id=str(ann.id))).status_code == 302
    assert session.scalar(select(Partner.owner_id)) == ann.id


def test_no_prospects_reason_dropped_when_flag_off(logged_in, session, user):
    logged_in.post("/partners/new", data=_form(user, no_prospects=None, no_prospects_reason="old reason"))
    partner = session.scalar(select(Partner))
    assert partner.no_prospects is False and partner.no_prospects_reason is None


def test_edit_partner(logged_in, session, user, workspace, factories):
    partner = factories.partner(workspace, name="Old Name", tier="C")
    form = logged_in.get(f"/partners/{partner.id}/edit").get_data(as_text=True)
    assert 'value="Old Name"' in form
    response = logged_in.post(f"/partners/{partner.id}/edit", data=_form(user, name="New Name", no_prospects=None))
    assert response.status_code == 302
    session.refresh(partner)
    assert (partner.name, partner.name_key, partner.tier, partner.kind, partner.website) == (
        "New Name",
        "new name",
        "A",
        "person",
        "https://maple.example.com",
    )
    assert "Saved." in logged_in.get(f"/partners/{partner.id}").get_data(as_text=True)


def test_edit_validation_keeps_typed_values_and_saves_nothing(logged_in, session, user, workspace, factories):
    partner = factories.partner(workspace, name="Stable Name", website="https://stable.example.com")
    response = logged_in.post(f"/partners/{partner.id}/edit", data=_form(user, name="Typed Name", website="nope"))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert 'value="Typed Name"' in text and 'value="nope"' in text
    assert "Enter a web address" in text
    session.refresh(partner)
    assert partner.name == "Stable Name" and partner.website == "https://stable.example.com"


def test_edit_service_error_keeps_partner_unchanged(logged_in, session, user, workspace, factories):
    partner = factories.partner(workspace, name="Unchanged")
    response = logged_in.post(f"/partners/{partner.id}/edit", data=_form(user, name="Changed", no_prospects_reason=""))
    assert response.status_code == 422
    assert "Say why this partner has no prospects" in response.get_data(as_text=True)
    assert 'value="Changed"' in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Partner, partner.id).name == "Unchanged"


def test_partner_page_has_details_contacts_and_tabs(logged_in, workspace, factories):
    partner = factories.partner(workspace, name="Page Partner", website="https://page.example.com", notes="Some notes")
    factories.contact(partner, name="Paula Primary", is_primary=True, role="CEO")
    response = logged_in.get(f"/partners/{partner.id}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    for part in (
        'id="partner-details"',
        'id="partner-contacts"',
        "Paula Primary",
        "CEO",
        "primary",
        'rel="noopener noreferrer nofollow"',
        "Some notes",
        'class="tabs"',
    ):
        assert part in text


def test_archive_and_restore(logged_in, session, workspace, factories):
    partner = factories.partner(workspace, name="Sleepy")
    response = logged_in.post(f"/partners/{partner.id}/archive", follow_redirects=True)
    assert "Sleepy archived" in response.get_data(as_text=True)
    session.refresh(partner)
    assert partner.archived_at is not None
    assert "Sleepy" not in logged_in.get("/partners/").get_data(as_text=True)
    assert "Restore" in logged_in.get(f"/partners/{partner.id}").get_data(as_text=True)
    # archiving twice keeps the first date
    first = partner.archived_at
    logged_in.post(f"/partners/{partner.id}/archive")
    session.refresh(partner)
    assert partner.archived_at == first
    response = logged_in.post(f"/partners/{partner.id}/restore", follow_redirects=True)
    assert "Sleepy restored" in response.get_data(as_text=True)
    session.refresh(partner)
    assert partner.archived_at is None
    assert "Sleepy" in logged_in.get("/partners/").get_data(as_text=True)


def test_archive_and_restore_are_post_only(logged_in, workspace, factories):
    partner = factories.partner(workspace)
    assert logged_in.get(f"/partners/{partner.id}/archive").status_code == 405
    assert logged_in.get(f"/partners/{partner.id}/restore").status_code == 405


def test_hard_delete_by_owner_after_typing_the_name(logged_in, session, workspace, factories):
    partner = factories.partner(workspace, name="Gone Ltd")
    factories.contact(partner)
    page = logged_in.get(f"/partners/{partner.id}/delete")
    assert page.status_code == 200 and "Gone Ltd" in page.get_data(as_text=True)
    response = logged_in.post(f"/partners/{partner.id}/delete", data={"confirm_name": "Gone Ltd"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/partners/")
    assert session.get(Partner, partner.id) is None
    from app.models import Contact

    assert session.scalar(select(func.count(Contact.id)).where(Contact.partner_id == partner.id)) == 0
    assert logged_in.get(f"/partners/{partner.id}").status_code == 404


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("gone ltd", "Type the partner's name exactly as shown to confirm."),
        ("Gone", "Type the partner's name exactly as shown to confirm."),
        ("Gone Ltd.", "Type the partner's name exactly as shown to confirm."),
        ("", "This field is required."),
    ],
)
def test_hard_delete_with_wrong_name_keeps_partner(logged_in, session, workspace, factories, typed, message):
    partner = factories.partner(workspace, name="Gone Ltd")
    response = logged_in.post(f"/partners/{partner.id}/delete", data={"confirm_name": typed})
    assert response.status_code == 422
    assert [e.text for e in parse(response.get_data(as_text=True)).find_all(class_="field-error")] == [message]
    session.expire_all()
    assert session.get(Partner, partner.id) is not None
