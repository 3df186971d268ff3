"""Restoring a backup into a NEW workspace (never into an existing one).

The whole file is checked first (app/services/backup/manifest.py). Then, in the caller's
transaction: the workspace (its settings from the backup), the restoring user as its owner, the
members whose email matches an existing user (with their role; unknown emails are listed, never
created), and every entity in the order of ENTITIES, inserted in batches with every reference
remapped from the old ids to the new ones (users by email; an unknown user becomes NULL). Times
are kept exactly as they were. The summaries are rebuilt at the end. On a BackupError the caller
rolls back: nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from app import summaries
from app.messages import N_plural
from app.models import Membership, User, Workspace
from app.models.workspace import ROLE_MEMBER, ROLE_OWNER, ROLES
from app.services import ServiceError, accounts, audit
from app.services.backup.entities import ENTITIES, MEMBERS, REFERENCED, USERS, Entity
from app.services.backup.manifest import Backup, BackupError, open_backup
from app.services.backup.sql import allocate_ids, refresh_statistics
from app.services.row_values import decode_values

BATCH = 2000  # rows per INSERT executemany
NAME_LENGTH = Workspace.__table__.c.name.type.length
_SETTINGS_SKIP = ("id", "name", "created_at", "updated_at")


@dataclass
class RestoreResult:
    workspace: Workspace
    counts: dict[str, int]  # rows restored per entity (and "members")
    unknown_members: list[str]  # the backup's members not added: no account here, or no workspace shared with the actor
    # old id -> new id of the entities other rows point at (users included), for checks and tests
    id_maps: dict[str, dict[int, int | None]] = field(default_factory=dict, repr=False)


def restored_name(original: str, now: datetime, taken: set[str] = frozenset()) -> str:
    """ "Demo Studio (restored 2026-12-01)", with a number added when the restoring user already has
    a workspace of that name (a second restore the same day), so the workspace switcher tells them apart."""
    for n in range(1, 1000):
        suffix = f" (restored {now:%Y-%m-%d})" if n == 1 else f" (restored {now:%Y-%m-%d}, {n})"
        name = original[: NAME_LENGTH - len(suffix)].rstrip() + suffix
        if name not in taken:
            return name
    return name


def owner_emails(backup: Backup) -> list[str]:
    """The emails of the backup's workspace owners, in the order they joined."""
    emails = {row.get("id"): row.get("email") for row in backup.rows(f"{USERS}.json")}
    return [
        emails[row.get("user_id")]
        for row in backup.rows(f"{MEMBERS}.json")
        if row.get("role") == ROLE_OWNER and emails.get(row.get("user_id"))
    ]


def restore_backup(
    session: Session,
    data_or_file: bytes | BinaryIO | Backup,
    *,
    actor: User,
    name: str | None = None,
    now: datetime,
) -> RestoreResult:
    """Restore a backup (bytes, a seekable binary file, or a Backup already opened) into a new
    workspace owned by `actor`. BackupError when the file cannot be restored; the caller then
    rolls back (nothing is written)."""
    name = (name or "").strip()
    if len(name) > NAME_LENGTH:
        raise BackupError(
            N_plural(
                "Keep the workspace name to %(num)s character at most.",
                "Keep the workspace name to %(num)s characters at most.",
                NAME_LENGTH,
            )
        )
    opened = data_or_file if isinstance(data_or_file, Backup) else open_backup(data_or_file)
    with opened as backup:
        try:
            users = _match_users(session, backup, actor)
            name = name or restored_name(backup.workspace["name"], now, _workspace_names(session, actor))
            workspace = _create_workspace(session, backup, actor, name, now)
            counts = {MEMBERS: 0}
            unknown = _add_members(session, backup, workspace, actor, users, counts)
            maps: dict[str, dict[int, int | None]] = {USERS: users}
            for entity in ENTITIES:
                counts[entity.name] = _insert_entity(session, backup, entity, workspace.id, maps)
        except StatementError as error:  # settings or members the database refuses
            raise BackupError(
                "The backup holds a value the database refuses (%(problem)s) — nothing was restored.",
                problem=_problem(error),
            ) from None
    refresh_statistics(session, [entity.table for entity in ENTITIES])
    summaries.rebuild(session, workspace.id)
    # the rows went in by bulk statements no flush sees: the log starts with where they came from
    audit.record(
        session,
        workspace,
        "restored",
        {"name": (backup.workspace.get("name"), name), "partners": (None, counts.get("partners", 0))},
    )
    return RestoreResult(workspace=workspace, counts=counts, unknown_members=unknown, id_maps=maps)


def _problem(error: StatementError) -> str:
    return type(error).__name__  # SQLAlchemy's name (IntegrityError, DataError, …): the same on every engine


def _decode(model, row: dict, file: str) -> dict:
    try:
        return decode_values(model, row)
    except KeyError as error:
        raise BackupError(
            "%(file)s has a column this Orchard does not know (%(column)s) — nothing was restored.",
            file=file,
            column=error.args[0],
        ) from None
    except (TypeError, ValueError) as error:
        raise BackupError(
            "%(file)s is damaged (a value cannot be read: %(problem)s) — nothing was restored.",
            file=file,
            problem=str(error),
        ) from None


def _workspace_names(session: Session, actor: User) -> set[str]:
    mine = select(Membership.workspace_id).where(Membership.user_id == actor.id)
    return set(session.scalars(select(Workspace.name).where(Workspace.id.in_(mine))))


def _match_users(session: Session, backup: Backup, actor: User) -> dict[int, int | None]:
    """Old user id -> the id of the existing user with that email (None when there is none). Only the
    restoring user and people who share a workspace with them are matched: a backup is a file anyone
    can write, and naming an email must not put its owner in a stranger's workspace (nor show their
    name there)."""
    mine = select(Membership.workspace_id).where(Membership.user_id == actor.id)
    teammates = select(Membership.user_id).where(Membership.workspace_id.in_(mine))
    file = f"{USERS}.json"
    emails = {}
    for row in backup.rows(file):
        if not isinstance(row.get("id"), int) or not isinstance(row.get("email"), str):
            raise BackupError("%(file)s is damaged (a user without id or email) — nothing was restored.", file=file)
        emails[row["id"]] = accounts.normalise_email(row["email"])
    found = {}
    wanted = sorted(set(emails.values()))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        known = User.email.in_(chunk) & (User.id.in_(teammates) | (User.id == actor.id))
        found.update(session.execute(select(User.email, User.id).where(known)).all())
    return {old: found.get(email) for old, email in emails.items()}


def _create_workspace(session: Session, backup: Backup, actor: User, name: str, now: datetime) -> Workspace:
    """The new workspace (created now) with the backup's settings, checked as the settings page
    checks them, `actor` its owner."""
    settings = {key: value for key, value in backup.workspace.items() if key not in _SETTINGS_SKIP}
    values = _decode(Workspace, settings, "manifest.json")
    workspace = accounts.create_workspace_for(session, actor, name)
    current = {field: getattr(workspace, field) for field in accounts.WORKSPACE_FIELDS}
    try:
        accounts.update_workspace(session, workspace, {**current, **values, "name": name})
    except ServiceError as error:
        raise BackupError(
            "The backup's workspace settings are not valid (%(problem)s) — nothing was restored.", problem=error.text
        ) from None
    for key, value in {**values, "created_at": now, "updated_at": now}.items():
        if key not in accounts.WORKSPACE_FIELDS and value is not None:
            setattr(workspace, key, value)
    for membership in workspace.memberships:
        membership.created_at = membership.updated_at = now
    session.flush()
    return workspace


def _add_members(session, backup: Backup, workspace: Workspace, actor: User, users: dict, counts: dict) -> list[str]:
    """Memberships for the backup's members who have an account here, with their role and dates
    (the restoring user stays owner); returns the emails of those who have none."""
    emails = {row["id"]: row["email"] for row in backup.rows(f"{USERS}.json")}
    owner = session.scalar(
        select(Membership).where(Membership.workspace_id == workspace.id, Membership.user_id == actor.id)
    )
    unknown = []
    for row in backup.rows(f"{MEMBERS}.json"):
        values = _decode(Membership, row, f"{MEMBERS}.json")
        user_id = users.get(values.get("user_id"))
        if user_id is None:
            unknown.append(emails.get(values.get("user_id"), "?"))
            continue
        dates = {key: values[key] for key in ("created_at", "updated_at") if values.get(key) is not None}
        if user_id == actor.id:
            membership = owner
        else:
            role = values.get("role") if values.get("role") in ROLES else ROLE_MEMBER
            membership = Membership(workspace_id=workspace.id, user_id=user_id, role=role)
            session.add(membership)
        for key, value in dates.items():
            setattr(membership, key, value)
        counts[MEMBERS] += 1
    session.flush()
    if owner.role != ROLE_OWNER:  # pragma: no cover - create_workspace_for makes the actor owner
        raise BackupError("The restoring user must own the new workspace.")
    return sorted(set(unknown))


def _insert_entity(session: Session, backup: Backup, entity: Entity, workspace_id: int, maps: dict) -> int:
    """Insert an entity's rows in batches with their references remapped; returns how many."""
    keep_map = entity.name in REFERENCED
    id_map: dict[int, int] = {}
    later: list[tuple[int, dict]] = []  # (old id, {column: old target id}) set after all rows are in
    batch, old_ids, keys, count = [], [], None, 0
    table, own_id = entity.table, entity.has_own_id

    def flush_batch():
        if not batch:
            return
        if keep_map:  # the new ids are taken first: the batch stays one plain executemany
            new_ids = allocate_ids(session, table, len(batch))
            for values, new_id in zip(batch, new_ids, strict=True):
                values["id"] = new_id
            id_map.update(zip(old_ids, new_ids, strict=True))
        try:
            session.execute(insert(table), batch)
        except StatementError as error:  # a value the columns refuse (NULL name, text too long, …)
            raise BackupError(
                "%(file)s has a row the database refuses (%(problem)s) — nothing was restored.",
                file=entity.file,
                problem=_problem(error),
            ) from None
        batch.clear()
        old_ids.clear()

    for row in backup.rows(entity.file):
        values = _decode(entity.model, row, entity.file)
        if keys is None:
            keys = set(values)
        elif set(values) != keys:
            raise BackupError(
                "%(file)s is damaged (its rows do not have the same columns) — nothing was restored.", file=entity.file
            )
        old_id = values.pop("id", None) if own_id else None
        if own_id and not isinstance(old_id, int):
            raise BackupError("%(file)s is damaged (a row without its id) — nothing was restored.", file=entity.file)
        deferred = {}
        for column, target in entity.refs.items():
            old = values.get(column)
            if old is None:
                continue
            if column in entity.later:
                deferred[column] = old
                values[column] = None
            else:
                values[column] = _mapped(maps, target, old, entity, column)
        if deferred:
            later.append((old_id, deferred))
        values["workspace_id"] = workspace_id
        batch.append(values)
        old_ids.append(old_id)
        count += 1
        if len(batch) >= BATCH:
            flush_batch()
    flush_batch()
    if keep_map:
        maps[entity.name] = id_map
    _set_later(session, entity, later, maps)
    return count


def _mapped(maps: dict, target: str, old, entity: Entity, column: str):
    if target == USERS:
        return maps[USERS].get(old)
    try:
        return maps[target][old]
    except (KeyError, TypeError):
        raise BackupError(
            "%(file)s is damaged (%(column)s %(old)s refers to a row of %(target)s.json that is not there) — nothing was restored.",
            file=entity.file,
            column=column,
            old=repr(old),
            target=target,
        ) from None


def _set_later(session: Session, entity: Entity, later: list, maps: dict) -> None:
    """Set the deferred references (e.g. a partner's referrer) now that every row has its new id;
    updated_at stays as restored (the column's onupdate would stamp it with now)."""
    table = entity.table
    for column in entity.later:
        rows = [
            {
                "_id": maps[entity.name][old_id],
                "_value": _mapped(maps, entity.refs[column], refs[column], entity, column),
            }
            for old_id, refs in later
            if column in refs
        ]
        values = {column: bindparam("_value")}
        if "updated_at" in table.c:
            values["updated_at"] = table.c.updated_at
        stmt = update(table).where(table.c.id == bindparam("_id")).values(values)
        for start in range(0, len(rows), BATCH):
            session.execute(stmt, rows[start : start + BATCH])
