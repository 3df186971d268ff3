"""Mappings saved under a name, to import the next file of the same kind the same way."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.messages import N_plural
from app.models import SavedMapping
from app.services import Gone, ServiceError
from app.services.importing.fields import Mapping
from app.services.locking import lock_workspace

NAME_MAX = 120


def save_mapping(
    session: Session, workspace, name: str, mapping: Mapping, *, now: datetime | None = None
) -> SavedMapping:
    """Save `mapping` as `name`; a mapping of the same name in the workspace is replaced."""
    name = (name or "").strip()
    if not name:
        raise ServiceError("Give the mapping a name.", "name")
    if len(name) > NAME_MAX:
        raise ServiceError(
            N_plural("Keep the name under %(num)s character.", "Keep the name under %(num)s characters.", NAME_MAX),
            "name",
        )
    lock_workspace(session, workspace.id)  # two saves of one new name at once: the second replaces
    saved = saved_mapping(session, workspace, name)
    if saved is None:
        saved = SavedMapping(workspace_id=workspace.id, name=name, mapping=mapping.to_json())
        if now is not None:
            saved.created_at = now
        session.add(saved)
    saved.mapping = mapping.to_json()
    if now is not None:
        saved.updated_at = now
    session.flush()
    return saved


def saved_mappings(session: Session, workspace) -> list[SavedMapping]:
    return list(
        session.scalars(
            select(SavedMapping).where(SavedMapping.workspace_id == workspace.id).order_by(SavedMapping.name)
        )
    )


def saved_mapping(session: Session, workspace, name: str) -> SavedMapping | None:
    return session.scalar(
        select(SavedMapping).where(SavedMapping.workspace_id == workspace.id, SavedMapping.name == (name or "").strip())
    )


def delete_saved_mapping(session: Session, workspace, saved_id: int) -> str:
    """Delete the saved mapping `saved_id` of `workspace` and return its name; Gone when it is not
    there (deleted a moment ago, or another workspace's)."""
    saved = session.scalar(
        select(SavedMapping).where(SavedMapping.workspace_id == workspace.id, SavedMapping.id == saved_id)
    )
    if saved is None:
        raise Gone()
    name = saved.name
    session.delete(saved)
    session.flush()
    return name


def mapping_for(saved: SavedMapping, headers: list[str]) -> Mapping:
    """The saved mapping fitted to a new file's headers (Mapping.applied_to)."""
    return Mapping.from_json(saved.mapping).applied_to(headers)
