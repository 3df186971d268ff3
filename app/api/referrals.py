"""/api/v1/partners/{id}/referrer, /ancestry, /children, /subtree: who referred whom. Setting and
clearing the referrer follow the Referrals tab's rules (no loops, the referrer's own contacts, no
date in the future); the walks are the tree's recursive queries."""

from __future__ import annotations

from flask import g
from marshmallow import Schema, fields
from sqlalchemy import select

from app.api.auth import ApiBlueprint
from app.api.forms import validate_with
from app.api.partners import load_partner
from app.api.writing import committing
from app.extensions import db
from app.models import Contact
from app.referrals.forms import ReferralForm
from app.services import referral_tree as rt
from app.web import now_utc

# the form and the service name the referrer `referred_by_id`; a program sent `referrer_id`
AS_SENT = {"referred_by_id": "referrer_id"}

bp = ApiBlueprint(
    "api_referrals", __name__, url_prefix="/api/v1/partners", description="Referrals: who recommended whom."
)


class ReferrerInput(Schema):
    referrer_id = fields.Integer(required=True, metadata={"description": "The partner who referred this one."})
    contact_id = fields.Integer(allow_none=True, metadata={"description": "Which of the referrer's contacts."})
    referred_on = fields.Date(allow_none=True, metadata={"description": "When; not in the future."})
    note = fields.String(allow_none=True)


class NodeSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    status = fields.String()
    archived = fields.Boolean()
    referrer_id = fields.Integer(attribute="parent_id", allow_none=True)
    generation = fields.Integer(attribute="depth", metadata={"description": "Relative to the walk's start."})
    subtree_size = fields.Integer(metadata={"description": "Partners in its branch, itself included."})
    subtree_depth = fields.Integer(metadata={"description": "Generations below it."})
    direct_count = fields.Integer(metadata={"description": "Partners it referred directly."})


class NodeListSchema(Schema):
    data = fields.List(fields.Nested(NodeSchema), required=True)


class ReferralSchema(Schema):
    """A partner's place in the genealogy and the recorded details of its referral."""

    partner_id = fields.Integer()
    referrer_id = fields.Function(
        lambda s: s.referrer.id if s.referrer else None, allow_none=True, metadata={"type": "integer"}
    )
    root_id = fields.Function(lambda s: s.root.id if s.ancestors else s.partner_id, metadata={"type": "integer"})
    generation = fields.Integer(metadata={"description": "0 for a root."})
    contact_id = fields.Integer(allow_none=True)
    referred_on = fields.Date(allow_none=True)
    note = fields.String(allow_none=True)
    subtree_size = fields.Integer()
    subtree_depth = fields.Integer()
    direct_count = fields.Integer()


def _summary(partner):
    return rt.summary(db.session, g.workspace.id, partner.id)


def _contact_choices(referrer_id):
    return list(
        db.session.scalars(
            select(Contact).where(
                Contact.workspace_id == g.workspace.id, Contact.partner_id == referrer_id, Contact.removed_at.is_(None)
            )
        )
    )


@bp.route("/<int:partner_id>/referrer", methods=["PUT"])
@bp.arguments(ReferrerInput)
@bp.response(200, ReferralSchema)
def set_referrer(payload, partner_id):
    """Record who referred the partner (and which contact, when, a note)."""
    partner = load_partner(partner_id)
    referrer_id = payload.pop("referrer_id")  # the form and the service call it referred_by_id
    form = validate_with(
        ReferralForm,
        {**payload, "referred_by_id": referrer_id},
        setup=lambda form: form.set_contact_choices(_contact_choices(referrer_id)),
        renamed=AS_SENT,
    )
    with committing(AS_SENT):
        rt.set_referrer(
            db.session,
            g.workspace.id,
            partner,
            form.referred_by_id.data,
            now=now_utc(),
            actor_id=g.user.id,
            contact_id=form.contact_id.data,
            referred_on=form.referred_on.data,
            note=form.note.data,
        )
    return _summary(partner)


@bp.route("/<int:partner_id>/referrer", methods=["DELETE"])
@bp.response(204)
def clear_referrer(partner_id):
    """Clear the referrer: the partner becomes the root of its own branch."""
    partner = load_partner(partner_id)
    with committing():
        if partner.referred_by_id is not None:
            rt.clear_referrer(db.session, g.workspace.id, partner, now=now_utc(), actor_id=g.user.id)
    return None


@bp.route("/<int:partner_id>/ancestry")
@bp.response(200, NodeListSchema)
def ancestry(partner_id):
    """The chain of referrers: the root first, the partner itself last (generation = absolute)."""
    partner = load_partner(partner_id)
    return {"data": rt.ancestors(db.session, g.workspace.id, partner.id)}


@bp.route("/<int:partner_id>/children")
@bp.response(200, NodeListSchema)
def children(partner_id):
    """Every partner it referred directly, biggest branches first."""
    partner = load_partner(partner_id)
    return {"data": rt.children(db.session, g.workspace.id, partner.id)}


@bp.route("/<int:partner_id>/subtree")
@bp.response(200, ReferralSchema)
def subtree(partner_id):
    """The partner's place and branch stats (size, depth, direct referrals)."""
    return _summary(load_partner(partner_id))
