"""/api/v1/partners/{id}/contacts and /api/v1/contacts/{id}: a partner's contacts — list, add,
read, change, remove (a soft mark, undone by restore). The rules are the contact form's."""

from __future__ import annotations

from flask import g, url_for
from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from app.api.auth import ApiBlueprint
from app.api.forms import overlay, validate_with
from app.api.pagination import keyset_page, list_args, page_schema
from app.api.partners import load_partner, sort_columns
from app.api.writing import committing
from app.extensions import db
from app.models import Contact
from app.partners.forms import ContactForm
from app.representations import ContactSchema, represent
from app.services import contacts as contact_service
from app.tenancy import get_or_404_in_workspace
from app.web import now_utc

bp = ApiBlueprint("api_contacts", __name__, url_prefix="/api/v1", description="People at a partner.")

SORT_COLUMNS = {"name": Contact.name, "created": Contact.created_at, "updated": Contact.updated_at}

ContactListArgs = list_args(
    "ContactListArgs",
    tuple(SORT_COLUMNS),
    "name",
    removed=fields.String(
        load_default="no",
        validate=validate.OneOf(("no", "only", "all")),
        metadata={"description": "no (default): current contacts; only: removed ones; all."},
    ),
)


class ContactInput(Schema):
    """What a program sends to add or change a contact (the rules are the contact form's)."""

    name = fields.String(metadata={"description": "Required to add."})
    role = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    is_primary = fields.Boolean(metadata={"description": "Makes every other contact of the partner not primary."})


class ContactPatch(ContactInput):
    """The fields to change; those left out keep their values."""


def load_contact(contact_id: int) -> Contact:
    return get_or_404_in_workspace(Contact, contact_id)


@bp.route("/partners/<int:partner_id>/contacts")
class PartnerContacts(MethodView):
    @bp.arguments(ContactListArgs, location="query", as_kwargs=True)
    @bp.response(200, page_schema(ContactSchema))
    def get(self, partner_id, limit, cursor, sort, updated_since, removed):
        """A partner's contacts, in pages."""
        partner = load_partner(partner_id)
        stmt = select(Contact).where(Contact.workspace_id == partner.workspace_id, Contact.partner_id == partner.id)
        if removed == "no":
            stmt = stmt.where(Contact.removed_at.is_(None))
        elif removed == "only":
            stmt = stmt.where(Contact.removed_at.is_not(None))
        if updated_since is not None:
            stmt = stmt.where(Contact.updated_at >= updated_since)
        rows, next_cursor = keyset_page(
            db.session, stmt, sort_columns=sort_columns(sort, SORT_COLUMNS), cursor=cursor, limit=limit
        )
        return {"data": rows, "next_cursor": next_cursor}

    @bp.arguments(ContactInput)
    @bp.response(201, ContactSchema, headers={"Location": {"schema": {"type": "string"}}})
    def post(self, payload, partner_id):
        """Add a contact to the partner."""
        partner = load_partner(partner_id)
        form = validate_with(ContactForm, payload)
        with committing():
            contact = contact_service.add_contact(db.session, partner, form.data_for_service(), now_utc())
        return contact, 201, {"Location": url_for("api_contacts.Contact", contact_id=contact.id)}


@bp.route("/contacts/<int:contact_id>", endpoint="Contact")
class ContactResource(MethodView):
    @bp.response(200, ContactSchema)
    def get(self, contact_id):
        """One contact."""
        return load_contact(contact_id)

    @bp.arguments(ContactPatch(partial=True))
    @bp.response(200, ContactSchema)
    def patch(self, payload, contact_id):
        """Change some of a contact's fields (those left out keep their values)."""
        contact = load_contact(contact_id)
        form = validate_with(ContactForm, overlay(represent(contact), payload))
        with committing():
            contact_service.update_contact(db.session, contact, form.data_for_service(), now_utc())
        return contact

    @bp.response(204)
    def delete(self, contact_id):
        """Remove a contact to the workspace's Trash (restore brings it back)."""
        contact = load_contact(contact_id)
        with committing():
            contact_service.remove_contact(contact, now_utc(), by_id=g.user.id)
        return None


@bp.route("/contacts/<int:contact_id>/restore", methods=["POST"])
@bp.response(200, ContactSchema)
def restore(contact_id):
    """Bring a removed contact back."""
    contact = load_contact(contact_id)
    with committing():
        contact_service.restore_contact(contact)
    return contact
