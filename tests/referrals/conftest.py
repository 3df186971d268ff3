"""Helpers for the referral tests: build chains and forests quickly."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import insert, select

from app.extensions import db
from app.models import Partner
from app.services import referral_tree
from app.summaries import referral_stats


def bulk_partners(workspace, names, **values):
    """Insert partners in one statement, return their ids in order."""
    rows = [
        {
            "workspace_id": workspace.id,
            "name": n,
            "name_key": n.lower(),
            "kind": "company",
            "status": values.get("status", "active"),
            "tier": "B",
            "source": "referral",
            "no_prospects": False,
        }
        for n in names
    ]
    db.session.execute(insert(Partner), rows)
    ids = list(
        db.session.scalars(
            select(Partner.id).where(Partner.workspace_id == workspace.id).order_by(Partner.id.desc()).limit(len(names))
        )
    )
    return list(reversed(ids))


def link(parent_of: dict[int, int | None], workspace_id: int):
    """Write edges directly and rebuild the stored stats (as the demo step does)."""
    from sqlalchemy import update

    rows = [{"id": child, "referred_by_id": parent} for child, parent in parent_of.items()]
    if rows:
        db.session.execute(update(Partner), rows)
    referral_stats.rebuild(db.session, workspace_id)
    db.session.commit()


@pytest.fixture
def chain(workspace, now):
    """A 7-generation chain G0 → G1 → … → G7, set through the service (with history)."""

    def build(length=8, prefix="G"):
        ids = bulk_partners(workspace, [f"{prefix}{i}" for i in range(length)])
        partners = [db.session.get(Partner, i) for i in ids]
        for parent, child in zip(partners, partners[1:], strict=False):
            referral_tree.set_referrer(db.session, workspace.id, child, parent.id, now=now)
        db.session.commit()
        return partners

    return build


def random_forest(workspace, size, seed=1, roots=20):
    """A random forest of `size` partners: `roots` roots, everyone else referred by an earlier one."""
    rng = random.Random(seed)
    ids = bulk_partners(workspace, [f"F{i}" for i in range(size)])
    parent_of = {}
    for index, pid in enumerate(ids):
        if index >= roots:
            near = rng.random() < 0.7 and index > roots
            parent_of[pid] = ids[rng.randrange(max(roots, index - 50), index)] if near else ids[rng.randrange(0, index)]
    link(parent_of, workspace.id)
    return ids, parent_of
