"""Two presses at once: "Import N rows" twice runs one import; "Undo" twice undoes it once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Job, Partner
from app.models.importing import ImportRun
from tests.concurrency.helpers import at_once
from tests.imports.helpers import previewed

pytestmark = pytest.mark.usefixtures("frozen_clock")


def test_run_pressed_twice_at_once_imports_once(app, logged_in, user, workspace):
    run_id = previewed(logged_in)
    first, second = at_once(app, user, ("POST", f"/imports/{run_id}/run", {}), ("POST", f"/imports/{run_id}/run", {}))
    assert first.status_code == second.status_code == 302
    db.session.expire_all()
    jobs = db.session.scalars(select(Job).where(Job.kind == "import.execute")).all()
    assert len(jobs) == 1 and jobs[0].status == "done"
    assert db.session.get(ImportRun, run_id).status == "done"
    names = db.session.scalar(select(func.count(Partner.id)).where(Partner.workspace_id == workspace.id))
    assert names == 4
    # the later press went to the job or to the finished import, never to a second job
    assert {first.headers["Location"], second.headers["Location"]} <= {f"/jobs/{jobs[0].id}", f"/imports/{run_id}"}


def test_undo_pressed_twice_at_once_undoes_once(app, logged_in, user, workspace):
    run_id = previewed(logged_in)
    assert logged_in.post(f"/imports/{run_id}/run").status_code == 302
    first, second = at_once(app, user, ("POST", f"/imports/{run_id}/undo", {}), ("POST", f"/imports/{run_id}/undo", {}))
    assert sorted([first.status_code, second.status_code]) == [302, 422]
    loser = first if first.status_code == 422 else second
    assert "This import was undone." in loser.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ImportRun, run_id).status == "undone"
    assert db.session.scalar(select(func.count(Partner.id)).where(Partner.workspace_id == workspace.id)) == 0
