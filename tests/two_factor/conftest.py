"""Two-factor helpers: a user with 2FA turned on through the service, codes computed for a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pyotp
import pytest

from app.extensions import db
from app.services import two_factor
from tests.conftest import PASSWORD

STEP = timedelta(seconds=30)


def code_at(secret: str, when) -> str:
    return pyotp.TOTP(secret).at(when)


@dataclass
class Enrolled:
    user: object
    secret: str
    recovery_codes: list[str]

    def code(self, when) -> str:
        return code_at(self.secret, when)


def enrol(user, now) -> Enrolled:
    """Turn 2FA on for `user` at `now - 2 steps` (so codes of `now` are fresh)."""
    secret = two_factor.start_enrolment(user, PASSWORD)
    db.session.commit()
    earlier = now - 2 * STEP
    codes = two_factor.confirm_enrolment(db.session, user, code_at(secret, earlier), earlier)
    db.session.commit()
    return Enrolled(user, secret, codes)


@pytest.fixture
def enrolled(user, now):
    return enrol(user, now)
