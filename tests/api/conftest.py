"""API fixtures: `api_token(user, workspace, scope="write") -> str` makes a token; `api` is a client
whose calls carry it (`api.get(url)`, `api.post(url, json=...)`, `api.as_token(t)` for another)."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.services.api_tokens import create_token
from tests.conftest import NOW


def make_token(user, workspace, scope="write", name="test", expires_on=None) -> str:
    _token, plaintext = create_token(
        db.session,
        workspace_id=workspace.id,
        user_id=user.id,
        name=name,
        scope=scope,
        expires_on=expires_on,
        now=NOW,
    )
    db.session.commit()
    return plaintext


@pytest.fixture
def api_token(app):
    return make_token


class ApiClient:
    def __init__(self, client, token=None):
        self.client = client
        self.token = token

    def as_token(self, token) -> ApiClient:
        return ApiClient(self.client, token)

    def open(self, method, url, *, headers=None, **kwargs):
        headers = dict(headers or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return self.client.open(url, method=method, headers=headers, **kwargs)

    def get(self, url, **kwargs):
        return self.open("GET", url, **kwargs)

    def post(self, url, **kwargs):
        return self.open("POST", url, **kwargs)

    def put(self, url, **kwargs):
        return self.open("PUT", url, **kwargs)

    def patch(self, url, **kwargs):
        return self.open("PATCH", url, **kwargs)

    def delete(self, url, **kwargs):
        return self.open("DELETE", url, **kwargs)


@pytest.fixture
def api(client, user, workspace, api_token):
    """A client with a write token of `user` (owner of `workspace`)."""
    return ApiClient(client, api_token(user, workspace))
