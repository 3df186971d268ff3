"""The new-partner form helps: a referrer implies the Referral source unless the user picked another
one, and a name that is already in the book is pointed out (with a link) before a second is added."""

from __future__ import annotations

from app.models import Partner
from tests.conftest import make_partner
from tests.html import parse

FORM = {"kind": "company", "status": "active", "tier": "B", "source": "direct"}


def _new(client, user, **values):
    return client.post("/partners/new", data={**FORM, "owner_id": str(user.id), **values})


def _named(db, name):
    return db.session.query(Partner).filter_by(name=name).one()


def test_choosing_a_referrer_makes_the_source_referral(logged_in, user, workspace, db):
    anna = make_partner(workspace, name="Anna's Studio")
    assert _new(logged_in, user, name="Quince", referred_by_id=str(anna.id)).status_code == 302
    quince = _named(db, "Quince")
    assert (quince.referred_by_id, quince.source) == (anna.id, "referral")


def test_a_source_picked_on_purpose_stays(logged_in, user, workspace, db):
    anna = make_partner(workspace, name="Anna's Studio")
    _new(logged_in, user, name="Met At Fair", referred_by_id=str(anna.id), source="event")
    # "direct" chosen on purpose (the page marks a source the user changed)
    _new(logged_in, user, name="Walked In", referred_by_id=str(anna.id), source="direct", source_chosen="1")
    _new(logged_in, user, name="Nobody Sent Me")
    assert _named(db, "Met At Fair").source == "event"
    assert _named(db, "Walked In").source == "direct"
    assert _named(db, "Nobody Sent Me").source == "direct"


def test_adding_a_referrer_later_makes_a_default_source_referral(logged_in, user, workspace, db):
    anna = make_partner(workspace, name="Anna's Studio")
    plain = make_partner(workspace, name="Plain", source="direct")
    fair = make_partner(workspace, name="Fair", source="event")
    for partner in (plain, fair):
        response = logged_in.post(
            f"/partners/{partner.id}/edit",
            data={
                **FORM,
                "name": partner.name,
                "owner_id": str(user.id),
                "source": partner.source,
                "referred_by_id": str(anna.id),
            },
        )
        assert response.status_code == 302
    assert (_named(db, "Plain").source, _named(db, "Fair").source) == ("referral", "event")


def test_the_form_marks_a_source_the_user_changed(logged_in):
    form = parse(logged_in.get("/partners/new").get_data(as_text=True)).one("form", id="partner-form")
    assert form.one("input", name="source_chosen")["value"] == ""
    assert form.one("select", name="source").get("data-source-field") is not None


def test_a_name_already_in_the_book_is_pointed_out_before_adding_another(logged_in, user, workspace, db):
    garden = make_partner(workspace, name="Garden Consulting")
    response = _new(logged_in, user, name="  garden consulting ", website="garden.example", notes="Met in Berlin")
    assert response.status_code == 422
    page = parse(response.get_data(as_text=True))
    warning = page.one(class_="name-taken")
    assert "Garden Consulting" in warning.text
    assert warning.one("a")["href"] == f"/partners/{garden.id}"
    # what was typed is all still there
    assert page.one("input", name="name")["value"] == "  garden consulting "
    assert page.one("textarea", name="notes").text == "Met in Berlin"
    assert db.session.query(Partner).count() == 1
    # the user may still go on
    response = _new(logged_in, user, name="garden consulting", create_anyway="y")
    assert response.status_code == 302
    assert db.session.query(Partner).count() == 2


def test_another_workspace_s_partner_of_that_name_is_not_mentioned(logged_in, user, other, db):
    make_partner(other["workspace"], name="Garden Consulting")
    assert _new(logged_in, user, name="Garden Consulting").status_code == 302
