"""The unit of work of an API change: `with committing(): ...` commits the block's changes.

A service refusing them (ServiceError) → rollback and a 422 problem with `errors={field: [message]}`
(or the message as `detail` when it names no field); what it acts on deleted meanwhile (Gone) → 404;
a concurrent change that won the race (a stale row, a unique constraint) → 409."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.api.problems import problem
from app.extensions import db
from app.services import Gone, ServiceError


@contextmanager
def committing(renamed: dict | None = None) -> Iterator[None]:
    """`renamed`: a service field -> the API field it is called by, for the errors' keys."""
    try:
        yield
        db.session.commit()
    except Gone:
        db.session.rollback()
        problem(404)
    except ServiceError as error:
        db.session.rollback()
        if error.field:
            problem(422, errors={(renamed or {}).get(error.field, error.field): [error.message]})
        problem(422, detail=error.message)
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        problem(409, detail=_("Someone changed this at the same moment. Read it again and retry."))
