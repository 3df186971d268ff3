"""A NUL character in a form field or a query argument is dropped as the request is parsed (PostgreSQL
refuses it in text): no 500, and the rest of the text is kept."""

from __future__ import annotations

from sqlalchemy import select

from app.models import Partner
from tests.conftest import HX


def test_a_nul_in_a_partner_name_is_dropped_and_the_name_kept(logged_in, session):
    response = logged_in.post(
        "/partners/new",
        data={"name": "Nu\x00ll Works\x00", "kind": "company", "status": "active", "tier": "B", "source": "direct"},
    )
    assert response.status_code == 302
    assert session.scalars(select(Partner.name)).all() == ["Null Works"]


def test_a_nul_in_a_search_is_dropped_and_the_search_kept(logged_in, workspace, factories):
    factories.partner(workspace, name="Quince Studio")
    factories.partner(workspace, name="Other Firm")
    response = logged_in.get("/partners/", query_string={"q": "Qui\x00nce"}, headers=HX)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Quince Studio" in body and "Other Firm" not in body
    assert "\x00" not in body


def test_a_nul_in_a_field_name_or_a_repeated_value_is_dropped(app):
    from app.input_cleaning import NulFreeMultiDict

    cleaned = NulFreeMultiDict([("ta\x00g", "a\x00"), ("tag", "b"), ("n", 1)])
    assert cleaned.getlist("tag") == ["a", "b"] and cleaned["n"] == 1
    assert NulFreeMultiDict({"x": ["\x00y", "z"]}).getlist("x") == ["y", "z"] and not NulFreeMultiDict()
