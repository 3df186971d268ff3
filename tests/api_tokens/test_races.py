"""Tokens used and revoked at the same instant: one write wins, the other sees it done, never a 500."""

import threading
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import ApiToken
from app.services.api_tokens import create_token, touch
from tests.concurrency.helpers import at_once
from tests.conftest import NOW, add_member

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _token(user, workspace):
    token, _ = create_token(
        db.session, workspace_id=workspace.id, user_id=user.id, name="Sync", scope="read", expires_on=None, now=NOW
    )
    db.session.commit()
    return token


def test_the_owner_and_the_member_revoking_at_once_both_get_an_answer(app, user, workspace):
    member = add_member(workspace)
    token = _token(member, workspace)
    url = f"/settings/api-tokens/{token.id}/revoke"
    for response in at_once(app, user, ("POST", url, {}), ("POST", url, {}, member)):
        assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at == NOW


def test_simultaneous_uses_record_the_last_use_once(app, user, workspace):
    token = _token(user, workspace)
    token_id = token.id
    db.session.rollback()
    wrote, errors = [], []
    barrier = threading.Barrier(4)

    def use(moment):
        with app.app_context():
            try:
                barrier.wait()
                with db.session.begin():
                    wrote.append(touch(db.session, db.session.get(ApiToken, token_id), moment))
            except Exception as error:
                errors.append(error)
            finally:
                db.session.remove()

    moments = [NOW + timedelta(seconds=s) for s in (0, 1, 2, 3)]
    threads = [threading.Thread(target=use, args=(m,)) for m in moments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert sorted(wrote) == [False, False, False, True]
    db.session.expire_all()
    assert db.session.get(ApiToken, token_id).last_used_at in moments
