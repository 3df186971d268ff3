"""Export → restore → export gives the same content, ids aside, on the demo workspace."""

from __future__ import annotations

from sqlalchemy import func, select

from app import summaries
from app.models import Commission, CommissionTotal, DealTotal, Partner, Referral
from app.services import backup
from tests.backup.helpers import backup_bytes, comparable, read_zip
from tests.conftest import NOW


def test_round_trip_is_exact_on_the_demo(session, demo, user):
    first = backup_bytes(session, demo.id)
    result = backup.restore_backup(session, first, actor=user, now=NOW)
    session.commit()
    restored = result.workspace
    assert restored.id != demo.id and restored.name == f"{demo.name} (restored 2026-11-24)"
    second = backup_bytes(session, restored.id)

    a, b = read_zip(first), read_zip(second)
    assert comparable(a) and comparable(a, None) == comparable(a)
    assert comparable(b, result.id_maps) == comparable(a)
    assert {k: v["count"] for k, v in a["manifest.json"]["files"].items()} == {
        k: v["count"] for k, v in b["manifest.json"]["files"].items()
    }
    skip = ("id", "name", "created_at", "updated_at")
    assert {k: v for k, v in a["manifest.json"]["workspace"].items() if k not in skip} == {
        k: v for k, v in b["manifest.json"]["workspace"].items() if k not in skip
    }
    assert result.counts["partners"] == 60 and result.unknown_members == []
    # the summaries of the restored workspace are right, and the same as the original's
    assert summaries.check(session, restored.id) == []
    for model, column in ((Partner, Partner.contact_count), (Commission, Commission.amount)):
        totals = [
            session.scalar(select(func.sum(column)).where(model.workspace_id == ws)) for ws in (demo.id, restored.id)
        ]
        assert totals[0] == totals[1] and totals[0]
    # the ledger's and the pipeline's totals, and the referral forest's shape, are the original's
    ledger = [
        session.execute(
            select(
                CommissionTotal.currency,
                CommissionTotal.status,
                CommissionTotal.month,
                func.sum(CommissionTotal.amount),
            )
            .where(CommissionTotal.workspace_id == ws)
            .group_by(CommissionTotal.currency, CommissionTotal.status, CommissionTotal.month)
            .order_by(CommissionTotal.currency, CommissionTotal.status, CommissionTotal.month)
        ).all()
        for ws in (demo.id, restored.id)
    ]
    assert ledger[0] == ledger[1] and len(ledger[0]) > 3
    pipeline = [
        session.execute(
            select(DealTotal.stage, DealTotal.currency, func.sum(DealTotal.deal_count), func.sum(DealTotal.amount))
            .where(DealTotal.workspace_id == ws)
            .group_by(DealTotal.stage, DealTotal.currency)
            .order_by(DealTotal.stage, DealTotal.currency)
        ).all()
        for ws in (demo.id, restored.id)
    ]
    assert pipeline[0] == pipeline[1] and pipeline[0]
    partners = result.id_maps["partners"]
    trees = [
        {
            (row.partner_id, row.root_id, row.generation, row.direct_count, row.subtree_size, row.subtree_depth)
            for row in session.scalars(select(Referral).where(Referral.workspace_id == ws))
        }
        for ws in (demo.id, restored.id)
    ]
    assert {(partners[p], partners[r], *rest) for p, r, *rest in trees[0]} == trees[1]
    assert max(row[4] for row in trees[0]) > 3  # the demo has real branches
