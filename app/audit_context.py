"""Who the audit log names, Flask side: the logged-in user of a page, the command of `flask …`.

The API sets its token as the actor after authenticating (app/api/auth.py) and the job runner sets
the job (app/jobs/runner.py); everything else falls back to `request_actor`, asked only when a flush
has something to record. It reads what the request already loaded (the user loader's one query):
no query of its own.
"""

from __future__ import annotations

import click
from flask import Flask, has_request_context
from flask_login import current_user

from app.extensions import db
from app.models.base import utcnow
from app.services.audit import Actor, actor, clear_actor


def request_actor() -> Actor | None:
    if has_request_context():
        user = current_user._get_current_object() if current_user else None
        if user is not None and user.is_authenticated:
            return Actor.of_user(user)
        return None
    context = click.get_current_context(silent=True)
    if context is not None:
        return Actor.of_command(f"flask {context.command_path.split(' ', 1)[-1]}")
    return None


def _clock():
    if has_request_context():
        from app.web import now_utc

        return now_utc()
    return utcnow()


def init_audit(app: Flask) -> None:
    from app.services import audit

    audit.install()
    actor.set_default(request_actor, _clock)

    @app.teardown_request
    def forget_actor(exc):
        # an actor set for this request (the API's token) does not outlive it
        if actor.KEY in db.session.info:
            clear_actor(db.session)
