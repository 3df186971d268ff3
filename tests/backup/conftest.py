from __future__ import annotations

import pytest

from app.services.demo import generate
from tests.conftest import NOW, workspace_of


@pytest.fixture
def demo(app, user, session):
    """The user's workspace filled by the demo generator (seed 7, 60 partners)."""
    ws = workspace_of(user)
    generate(session, ws, seed=7, partners=60, now=NOW)
    session.commit()
    return ws
