"""Accounts, workspaces, memberships and invites."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from app.messages import Text
from app.models import Invite, Membership, User, Workspace
from app.models.workspace import ROLE_MEMBER, ROLE_OWNER
from app.services import ServiceError
from app.services.locking import lock, lock_workspace
from app.services.tokens import hash_token, new_token

INVITE_LIFETIME = timedelta(days=7)


def clean_name(value: str | None, field: str, missing: Text | None = None) -> str:
    """A user's or workspace's name, stripped; a ServiceError for `field` when it holds a control
    character (a line break, a tab...: names go into mail headers and one-line places) or, given
    `missing`, when it is empty."""
    name = (value or "").strip()
    if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in name):
        raise ServiceError("Use a name without line breaks, tabs or other control characters.", field=field)
    if missing and not name:
        raise ServiceError(missing, field=field)
    return name


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def register_user(
    session: Session,
    *,
    name: str,
    email: str,
    password: str,
    workspace_name: str | None = None,
    hash_method: str = "scrypt",
    create_workspace: bool = True,
    locale: str = "en",
) -> User:
    """A new user (speaking `locale`: the language the register page was shown in); unless joining
    by invite, with a workspace they own."""
    email = normalise_email(email)
    name = clean_name(name, "name")
    workspace_name = clean_name(workspace_name, "workspace_name")
    if find_user_by_email(session, email):
        raise ServiceError("An account with this email already exists. Log in instead.", field="email")
    user = User(
        name=name, email=email, password_hash=generate_password_hash(password, method=hash_method), locale=locale
    )
    session.add(user)
    session.flush()
    if create_workspace:
        workspace = create_workspace_for(session, user, workspace_name or f"{user.name}'s workspace")
        user.current_workspace_id = workspace.id
    return user


def update_profile(user: User, *, name: str, timezone: str, locale: str | None = None) -> None:
    """Save the user's own name, time zone and language (the profile page)."""
    user.name = clean_name(name, "name", missing=Text("Give your name."))
    user.timezone = timezone
    if locale is not None:
        user.locale = locale


def create_workspace_for(session: Session, owner: User, name: str, currency: str = "EUR") -> Workspace:
    workspace = Workspace(
        name=clean_name(name, "name", missing=Text("Give the workspace a name.")), default_currency=currency
    )
    session.add(workspace)
    session.flush()
    session.add(Membership(workspace_id=workspace.id, user_id=owner.id, role=ROLE_OWNER))
    session.flush()
    return workspace


@cache
def _dummy_hash(hash_method: str) -> str:
    """A hash made the way real ones are: checking a password against it takes as long."""
    return generate_password_hash("not-a-real-password", method=hash_method)


def authenticate(session: Session, email: str, password: str, hash_method: str = "scrypt") -> User | None:
    """The user if the password matches. Takes as long for an unknown email as for a wrong password:
    `hash_method` is the method the passwords are hashed with (the dummy hash is checked the same way)."""
    user = find_user_by_email(session, email)
    if user is None:
        check_password_hash(_dummy_hash(hash_method), password or "")
        return None
    return user if check_password_hash(user.password_hash, password or "") else None


def change_password(user: User, current: str, new: str, hash_method: str = "scrypt") -> None:
    if not check_password_hash(user.password_hash, current or ""):
        raise ServiceError("The current password is not right.", field="current_password")
    user.password_hash = generate_password_hash(new, method=hash_method)


WORKSPACE_FIELDS = (
    "name",
    "default_currency",
    "cadence_a_days",
    "cadence_b_days",
    "cadence_c_days",
    "response_time_days",
)
CADENCE_LIMITS = {"cadence_a_days": 365, "cadence_b_days": 365, "cadence_c_days": 730, "response_time_days": 60}


def update_workspace(session: Session, workspace: Workspace, data: dict) -> Workspace:
    """Save the workspace settings: its name, default currency and cadence defaults."""
    name = clean_name(data.get("name"), "name", missing=Text("Give the workspace a name."))
    currency = (data.get("default_currency") or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ServiceError("Use a three-letter ISO code such as EUR or USD.", field="default_currency")
    days = {}
    for field, limit in CADENCE_LIMITS.items():
        value = data.get(field)
        if not isinstance(value, int) or not 1 <= value <= limit:
            raise ServiceError("Choose between 1 and %(limit)s days.", field=field, limit=limit)
        days[field] = value
    workspace.name, workspace.default_currency = name, currency
    for field, value in days.items():
        setattr(workspace, field, value)
    session.flush()
    return workspace


def is_member(session: Session, workspace_id: int, user_id: int) -> bool:
    return (
        session.scalar(
            select(Membership.id).where(Membership.workspace_id == workspace_id, Membership.user_id == user_id)
        )
        is not None
    )


def check_owner(session: Session, workspace_id: int, owner_id: int | None) -> None:
    """The owner of a partner or a deal is nobody or a member of its workspace."""
    if owner_id is not None and not is_member(session, workspace_id, owner_id):
        raise ServiceError("The owner must be a member of this workspace.", field="owner_id")


def membership_for(session: Session, user: User, workspace_id: int) -> Membership | None:
    return session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.workspace_id == workspace_id)
    )


def switch_workspace(session: Session, user: User, workspace_id: int) -> Membership:
    membership = membership_for(session, user, workspace_id)
    if membership is None:
        raise ServiceError("You are not a member of that workspace.")
    user.current_workspace_id = workspace_id
    return membership


# --- invites -------------------------------------------------------------------------------------


def create_invite(session: Session, workspace: Workspace, actor: User, now: datetime, role: str = ROLE_MEMBER):
    """A one-time invite; returns (invite, token). Only the hash of the token is stored."""
    if role not in (ROLE_OWNER, ROLE_MEMBER):
        raise ServiceError("Unknown role.", field="role")
    token, token_hash = new_token()
    invite = Invite(
        workspace_id=workspace.id,
        token_hash=token_hash,
        role=role,
        created_by_id=actor.id,
        created_at=now,
        expires_at=now + INVITE_LIFETIME,
    )
    session.add(invite)
    session.flush()
    return invite, token


def find_open_invite(session: Session, token: str, now: datetime) -> Invite | None:
    invite = session.scalar(select(Invite).where(Invite.token_hash == hash_token(token or "")))
    if invite is None or invite.state(now) != "open":
        return None
    return invite


def accept_invite(session: Session, invite: Invite, user: User, now: datetime) -> Membership:
    lock(session, invite)  # a one-time link: of two acceptances at once, the second sees it used
    if invite.state(now) != "open":
        raise ServiceError("This invite link has expired or was already used.")
    membership = membership_for(session, user, invite.workspace_id)
    if membership is None:
        membership = Membership(workspace_id=invite.workspace_id, user_id=user.id, role=invite.role)
        session.add(membership)
    invite.accepted_at = now
    invite.accepted_by_id = user.id
    user.current_workspace_id = invite.workspace_id
    session.flush()
    return membership


def revoke_invite(invite: Invite, now: datetime) -> None:
    if invite.accepted_at is None and invite.revoked_at is None:
        invite.revoked_at = now


# --- members -------------------------------------------------------------------------------------


def _owner_count(session: Session, workspace_id: int) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.workspace_id == workspace_id, Membership.role == ROLE_OWNER)
    )


def _check_actor_still_owner(session: Session, actor: Membership | None) -> None:
    """Under the workspace lock: the acting owner may have been demoted a moment ago."""
    if actor is not None:
        lock(session, actor)
        if actor.role != ROLE_OWNER:
            raise ServiceError("Only a workspace owner can do that: your role changed meanwhile.")


def set_member_role(session: Session, membership: Membership, role: str, *, actor: Membership | None = None) -> None:
    if role not in (ROLE_OWNER, ROLE_MEMBER):
        raise ServiceError("Unknown role.", field="role")
    lock_workspace(session, membership.workspace_id)  # two owners demoting each other: one stays
    _check_actor_still_owner(session, actor)
    lock(session, membership)
    if membership.role == ROLE_OWNER and role != ROLE_OWNER and _owner_count(session, membership.workspace_id) <= 1:
        raise ServiceError("A workspace needs at least one owner. Make someone else an owner first.")
    membership.role = role


def remove_member(session: Session, membership: Membership, *, actor: Membership | None = None) -> None:
    lock_workspace(session, membership.workspace_id)
    _check_actor_still_owner(session, actor)
    lock(session, membership)
    if membership.role == ROLE_OWNER and _owner_count(session, membership.workspace_id) <= 1:
        raise ServiceError("A workspace needs at least one owner. Make someone else an owner first.")
    user = membership.user
    session.delete(membership)
    if user.current_workspace_id == membership.workspace_id:
        user.current_workspace_id = None
    session.flush()


def workspace_members(session: Session, workspace_id: int) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.workspace_id == workspace_id)
            .order_by(User.name)
        )
    )


def memberships(session: Session, workspace_id: int) -> list:
    """(Membership, User) of everyone in the workspace, by name (the members page)."""
    return session.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.workspace_id == workspace_id)
        .order_by(User.name)
    ).all()


def recent_invites(session: Session, workspace_id: int, limit: int = 50) -> list[Invite]:
    """The workspace's latest invite links, newest first, with who made each."""
    return list(
        session.scalars(
            select(Invite)
            .options(joinedload(Invite.created_by))
            .where(Invite.workspace_id == workspace_id)
            .order_by(Invite.created_at.desc())
            .limit(limit)
        )
    )
