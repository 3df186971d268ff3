"""Export → restore → export gives the same content, ids aside, on the demo workspace."""

from __future__ import annotations

from sqlalchemy import func, select

from app import summaries
from app.models import Commission, Partner
from app.services import backup
from tests.backup.helpers import backup_bytes, comparable, read_zip
from tests.conftest import NOW


def test_round_trip_is_exact_on_the_demo(session, demo, user):
    first = backup_bytes(session, demo.id)
    result = backup.restore_backup(session, first, actor=user, now=NOW)
    session.commit()
    restored = result.workspace
    assert restored.id != demo.id and restored.name == f"{demo.name} (restored)"
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
