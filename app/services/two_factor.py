"""Two-factor authentication with time-based one-time codes (TOTP, RFC 6238) and one-time
recovery codes. Time is passed in (`now`); a code's time-step is accepted once per user."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
import qrcode
import qrcode.image.svg
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash

from app.models import RecoveryCode, User
from app.services import ServiceError
from app.services.locking import lock

RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to copy by hand
DRIFT_STEPS = 1  # a code from the step before or after is still accepted (clocks drift)
KIND_TOTP = "totp"
KIND_RECOVERY = "recovery"


# --- enrolment ------------------------------------------------------------------------------------


def start_enrolment(user: User, password: str) -> str:
    """The secret waiting for its first code: made once, kept on the user until confirmed. Asks for
    the password: a stolen session must not tie the account to someone else's phone."""
    if user.has_two_factor:
        raise ServiceError("Two-factor authentication is already on.")
    if not check_password_hash(user.password_hash, password or ""):
        raise ServiceError("The password is not right.", field="password")
    if not user.totp_pending_secret:
        user.totp_pending_secret = pyotp.random_base32()
    return user.totp_pending_secret


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The QR code of `uri` as inline SVG markup (the URI is drawn as squares, never as text)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return image.to_string(encoding="unicode")


def confirm_enrolment(session: Session, user: User, code: str, now: datetime) -> list[str]:
    """Turn two-factor authentication on when `code` matches the pending secret; the ten new
    recovery codes (shown once: only their hashes are stored)."""
    lock(session, user)
    if user.has_two_factor:
        raise ServiceError("Two-factor authentication is already on.")
    if not user.totp_pending_secret:
        raise ServiceError("Start again: the setup expired.", field="code")
    step = _matching_step(user.totp_pending_secret, code, now)
    if step is None:
        raise ServiceError("That code is not right. Enter the 6 digits your app shows now.", field="code")
    user.totp_secret, user.totp_pending_secret = user.totp_pending_secret, None
    user.two_factor_enabled_at = now
    user.totp_last_step = step
    return _replace_recovery_codes(session, user, now)


def cancel_enrolment(user: User) -> None:
    user.totp_pending_secret = None


# --- using a code ---------------------------------------------------------------------------------


def use_code(session: Session, user: User, code: str, now: datetime) -> str | None:
    """KIND_TOTP or KIND_RECOVERY when `code` is a right code not used before (it is used up
    now), else None. Both checks are one conditional UPDATE: two requests with the same code at
    once cannot both pass."""
    if not user.has_two_factor:
        return None
    cleaned = "".join((code or "").split())
    if cleaned.isdigit():
        step = _matching_step(user.totp_secret, cleaned, now)
        if step is not None and _claim_step(session, user, step):
            return KIND_TOTP
        return None
    return KIND_RECOVERY if _claim_recovery_code(session, user, cleaned, now) else None


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    code = "".join((code or "").split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _claim_step(session: Session, user: User, step: int) -> bool:
    """Record `step` as used unless it (or a later one) already was."""
    claimed = session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)  # what the row holds now: nothing left to flush
    return True


def _claim_recovery_code(session: Session, user: User, code: str, now: datetime) -> bool:
    claimed = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == hash_recovery_code(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


# --- recovery codes -------------------------------------------------------------------------------


def hash_recovery_code(code: str) -> str:
    """Recovery codes are random (50 bits), so a plain SHA-256 of the normalised code suffices."""
    normalised = "".join(ch for ch in (code or "").lower() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _replace_recovery_codes(session: Session, user: User, now: datetime) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_recovery_code(code), created_at=now) for code in codes)
    session.flush()
    return codes


def recovery_codes_left(session: Session, user: User) -> int:
    return session.scalar(
        select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def _check_password_and_code(session: Session, user: User, password: str, code: str, now: datetime) -> None:
    if not check_password_hash(user.password_hash, password or ""):
        raise ServiceError("The password is not right.", field="password")
    if use_code(session, user, code, now) is None:
        raise ServiceError("That code is not right, or it was used already.", field="code")


def regenerate_recovery_codes(session: Session, user: User, password: str, code: str, now: datetime) -> list[str]:
    """Ten new recovery codes (password + a code); the old ones stop working."""
    lock(session, user)
    if not user.has_two_factor:
        raise ServiceError("Two-factor authentication is off.")
    _check_password_and_code(session, user, password, code, now)
    return _replace_recovery_codes(session, user, now)


def disable(session: Session, user: User, password: str, code: str, now: datetime) -> None:
    """Turn two-factor authentication off (password + a code or a recovery code)."""
    lock(session, user)
    if not user.has_two_factor:
        raise ServiceError("Two-factor authentication is already off.")
    _check_password_and_code(session, user, password, code, now)
    user.totp_secret = user.totp_pending_secret = None
    user.two_factor_enabled_at = None
    user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


# --- the workspace's requirement ------------------------------------------------------------------


def set_workspace_requirement(workspace, owner: User, required: bool) -> None:
    """An owner requires two-factor authentication of every member (having it first themselves)."""
    if required and not owner.has_two_factor:
        raise ServiceError("Turn on two-factor authentication for yourself first.", field="require_two_factor")
    workspace.require_two_factor = required


def must_enrol(user: User, workspace) -> bool:
    """The member must turn two-factor authentication on before using the workspace. Reads only
    columns the user loader already loaded: no query."""
    return bool(workspace is not None and workspace.require_two_factor and not user.has_two_factor)
