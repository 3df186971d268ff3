"""The rules of two-factor authentication, with time passed in: enrolment, codes used once,
recovery codes, turning it off, new recovery codes, the workspace requirement."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import RecoveryCode
from app.services import ServiceError, two_factor
from tests.conftest import PASSWORD
from tests.two_factor.conftest import STEP, code_at


def test_enrolment_needs_a_right_code_for_the_pending_secret(session, user, now):
    secret = two_factor.start_enrolment(user, PASSWORD)
    session.commit()
    assert two_factor.start_enrolment(user, PASSWORD) == secret  # the same until confirmed
    with pytest.raises(ServiceError) as wrong:
        two_factor.confirm_enrolment(session, user, "000000" if code_at(secret, now) != "000000" else "111111", now)
    assert wrong.value.field == "code"
    session.rollback()
    assert not user.has_two_factor
    codes = two_factor.confirm_enrolment(session, user, code_at(secret, now), now)
    session.commit()
    assert user.has_two_factor and user.totp_secret == secret and user.totp_pending_secret is None
    assert user.two_factor_enabled_at == now
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # only hashes are stored


def test_the_code_used_to_enrol_cannot_log_in(session, user, now):
    secret = two_factor.start_enrolment(user, PASSWORD)
    session.commit()
    code = code_at(secret, now)
    two_factor.confirm_enrolment(session, user, code, now)
    session.commit()
    assert two_factor.use_code(session, user, code, now) is None


def test_a_code_works_once_and_a_later_one_works(session, enrolled, now):
    user = enrolled.user
    assert two_factor.use_code(session, user, enrolled.code(now), now) == two_factor.KIND_TOTP
    assert two_factor.use_code(session, user, enrolled.code(now), now) is None  # replayed
    later = now + STEP
    assert two_factor.use_code(session, user, enrolled.code(later), later) == two_factor.KIND_TOTP
    # an older step, even unused, is refused once a later one was used
    assert two_factor.use_code(session, user, enrolled.code(now), later) is None


def test_clock_drift_of_one_step_is_accepted_but_not_more(session, enrolled, now):
    user = enrolled.user
    assert two_factor.use_code(session, user, enrolled.code(now + 3 * STEP), now) is None
    assert two_factor.use_code(session, user, enrolled.code(now + STEP), now) == two_factor.KIND_TOTP


def test_wrong_and_malformed_codes_are_refused(session, enrolled, now):
    right = enrolled.code(now)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for code in (wrong, "", "12345", "1234567", "abcdef", "  ", right + "0"):
        assert two_factor.use_code(session, enrolled.user, code, now) is None, code


def test_a_recovery_code_works_once(session, enrolled, now):
    user, code = enrolled.user, enrolled.recovery_codes[0]
    assert two_factor.recovery_codes_left(session, user) == 10
    assert two_factor.use_code(session, user, code.upper().replace("-", " "), now) == two_factor.KIND_RECOVERY
    assert two_factor.use_code(session, user, code, now) is None
    assert two_factor.recovery_codes_left(session, user) == 9


def test_new_recovery_codes_replace_the_old_ones(session, enrolled, now):
    user = enrolled.user
    with pytest.raises(ServiceError) as bad_password:
        two_factor.regenerate_recovery_codes(session, user, "wrong", enrolled.code(now), now)
    assert bad_password.value.field == "password"
    session.rollback()
    new = two_factor.regenerate_recovery_codes(session, user, PASSWORD, enrolled.code(now), now)
    session.commit()
    assert len(new) == 10 and not set(new) & set(enrolled.recovery_codes)
    assert two_factor.use_code(session, user, enrolled.recovery_codes[1], now) is None
    assert two_factor.use_code(session, user, new[0], now) == two_factor.KIND_RECOVERY


def test_turning_off_needs_password_and_code(session, enrolled, now):
    user = enrolled.user
    with pytest.raises(ServiceError) as bad_code:
        two_factor.disable(session, user, PASSWORD, "000000" if enrolled.code(now) != "000000" else "111111", now)
    assert bad_code.value.field == "code"
    session.rollback()
    assert user.has_two_factor
    two_factor.disable(session, user, PASSWORD, enrolled.code(now), now)
    session.commit()
    assert not user.has_two_factor and user.totp_secret is None and user.totp_last_step is None
    assert session.scalar(select(func.count(RecoveryCode.id))) == 0


def test_a_recovery_code_can_turn_it_off(session, enrolled, now):
    two_factor.disable(session, enrolled.user, PASSWORD, enrolled.recovery_codes[3], now)
    session.commit()
    assert not enrolled.user.has_two_factor


def test_owner_must_have_two_factor_to_require_it(session, user, workspace, now):
    with pytest.raises(ServiceError):
        two_factor.set_workspace_requirement(workspace, user, True)
    assert not workspace.require_two_factor
    secret = two_factor.start_enrolment(user, PASSWORD)
    session.commit()
    two_factor.confirm_enrolment(session, user, code_at(secret, now), now)
    two_factor.set_workspace_requirement(workspace, user, True)
    assert workspace.require_two_factor
    assert not two_factor.must_enrol(user, workspace)


def test_the_qr_code_is_svg_and_the_uri_names_the_account(session, user):
    secret = two_factor.start_enrolment(user, PASSWORD)
    session.commit()
    uri = two_factor.provisioning_uri(secret, user.email, issuer="Orchard")
    assert uri.startswith("otpauth://totp/Orchard:") and f"secret={secret}" in uri
    svg = two_factor.qr_svg(uri)
    assert svg.startswith("<svg") and "<path" in svg and user.email not in svg
