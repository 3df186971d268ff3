"""Every workspace-owned table is in the backup or listed as left out, with the reason; every
foreign key of a backed-up table is remapped on restore."""

from __future__ import annotations

from app.extensions import db
from app.services.backup.entities import ENTITIES, NOT_BACKED_UP, PER_USER_NOT_BACKED_UP, REFERENCED, USERS

# tables a workspace owns that are not plain rows of an entity: the workspace itself and the memberships
SPECIAL = {"workspace": "the manifest's workspace section", "membership": "members.json"}


def _workspace_tables():
    return {table.name for table in db.metadata.sorted_tables if "workspace_id" in table.c}


def test_every_workspace_owned_table_is_backed_up_or_left_out_with_a_reason(app):
    backed_up = {entity.table.name for entity in ENTITIES}
    unclassified = _workspace_tables() - backed_up - set(NOT_BACKED_UP) - set(SPECIAL)
    assert not unclassified, (
        f"New workspace-owned tables {sorted(unclassified)}: add each to ENTITIES in "
        "app/services/backup/entities.py (with its references), or to NOT_BACKED_UP with the reason."
    )
    assert not backed_up & set(NOT_BACKED_UP)
    assert set(NOT_BACKED_UP) <= _workspace_tables() | {"user"}
    assert set(PER_USER_NOT_BACKED_UP) <= {table.name for table in db.metadata.sorted_tables}
    assert all(reason.strip() for reason in NOT_BACKED_UP.values())


def test_every_foreign_key_of_a_backed_up_table_is_remapped(app):
    by_table = {entity.table.name: entity.name for entity in ENTITIES}
    missing = []
    for entity in ENTITIES:
        for column in entity.table.columns:
            for fk in column.foreign_keys:
                target = fk.column.table.name
                if column.name == "workspace_id":
                    continue
                expected = USERS if target == "user" else by_table.get(target)
                if entity.refs.get(column.name) != expected:
                    missing.append(f"{entity.table.name}.{column.name} -> {target}")
    assert not missing, f"references not remapped (or remapped to the wrong entity) in ENTITIES: {missing}"


def test_entities_come_after_what_they_point_at():
    seen = set()
    for entity in ENTITIES:
        for column, target in entity.refs.items():
            if target != USERS and column not in entity.later:
                assert target in seen, f"{entity.name}.{column} points at {target}, restored later"
        seen.add(entity.name)
    assert seen >= REFERENCED
