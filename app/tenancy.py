"""The tenancy boundary: every query a request makes goes through these helpers.

An id from another workspace answers 404, never 403, so nothing leaks whether it exists.
"""

from __future__ import annotations

from flask import abort, g
from sqlalchemy import select

from app.extensions import db
from app.ids import parse_int


def scoped(model, *columns):
    """select(model) limited to the current workspace."""
    stmt = select(*columns) if columns else select(model)
    return stmt.where(model.workspace_id == g.workspace.id)


def get_or_404_in_workspace(model, ident, *options):
    ident = parse_int(ident)
    if ident is None:
        abort(404)
    stmt = scoped(model).where(model.id == ident)
    if options:
        stmt = stmt.options(*options)
    obj = db.session.execute(stmt).unique().scalar_one_or_none()
    if obj is None:
        abort(404)
    return obj


def require_owner():
    if not g.membership.is_owner:
        abort(403)
