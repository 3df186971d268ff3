"""The restore upload needs the CSRF token (CSRF protection on, as in production)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.extensions import db as _db
from app.models import Workspace
from tests.backup.helpers import backup_bytes
from tests.conftest import PASSWORD, app_on_empty_database, make_partner, make_user, workspace_of
from tests.html import parse


@pytest.fixture
def csrf_app(tmp_path):
    with app_on_empty_database(tmp_path, "csrf", WTF_CSRF_ENABLED=True) as app:
        yield app


def _token(html: str) -> str:
    return parse(html).find("input", name="csrf_token", type="hidden")["value"]


def test_restore_post_without_the_token_is_refused(csrf_app):
    user = make_user(email="csrf-backup@example.com")
    make_partner(workspace_of(user), name="Guarded")
    data = backup_bytes(_db.session, workspace_of(user).id)
    client = csrf_app.test_client()
    client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": _token(client.get("/login").text)}
    )
    workspaces = _db.session.scalar(select(func.count(Workspace.id)))

    def upload(**extra):
        return client.post(
            "/settings/data/restore",
            data={"file": (io.BytesIO(data), "b.zip"), "name": "", **extra},
            content_type="multipart/form-data",
        )

    assert upload().status_code == 400
    assert _db.session.scalar(select(func.count(Workspace.id))) == workspaces
    token = _token(client.get("/settings/data").text)
    assert upload(csrf_token=token).status_code == 302
    assert _db.session.scalar(select(func.count(Workspace.id))) == workspaces + 1
