"""The partner page's History tab: everything the audit log recorded about the partner and its
contacts, deals, terms, commissions, reminders, interactions and referral, newest first."""

from sqlalchemy.orm import joinedload

from app import audit_display  # a module: it imports the partner forms, which import this package
from app.extensions import db
from app.models import Partner
from app.partners import bp
from app.services.audit import queries
from app.tenancy import get_or_404_in_workspace
from app.web import int_arg, render


@bp.route("/<int:partner_id>/history")
def history(partner_id):
    partner = get_or_404_in_workspace(Partner, partner_id, joinedload(Partner.owner))
    page = queries.partner_history(db.session, partner.workspace_id, partner.id, before=int_arg("before"))
    return render(
        "partners/history.html",
        partner=partner,
        page=page,
        tab="history",
        changes_of=audit_display.changes_of,
        action_label=audit_display.action_label,
        type_label=audit_display.type_label,
    )
