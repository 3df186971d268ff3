"""Closing the health weeks from the command line and from the worker: time passed in, the same
close twice changes nothing, missed weeks are caught up, a bad time is refused without a trace."""

from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, select

from app.extensions import db
from app.jobs.report_weeks import close
from app.models import HealthWeek
from tests.conftest import NOW, make_partner


def _weeks(workspace_id):
    db.session.expire_all()
    return db.session.execute(
        select(func.count(), func.sum(case((HealthWeek.closed.is_(False), 1), else_=0))).where(
            HealthWeek.workspace_id == workspace_id
        )
    ).one()


def test_close_week_command_is_idempotent_and_catches_up(runner, workspace):
    make_partner(workspace)
    workspace_id = workspace.id
    result = runner.invoke(args=["reports", "close-week", "--now", "2026-11-24T12:00", "--history", "2"])
    assert result.exit_code == 0 and "2 week(s) closed." in result.output
    assert tuple(_weeks(workspace_id)) == (3, 1)
    again = runner.invoke(args=["reports", "close-week", "--now", "2026-11-26T08:00", "--history", "2"])
    assert again.exit_code == 0 and "0 week(s) closed." in again.output
    assert tuple(_weeks(workspace_id)) == (3, 1)
    # two weeks later: this week is frozen, the missed one written, the week of 7 December opened
    later = runner.invoke(args=["reports", "close-week", "--now", "2026-12-08T00:00+00:00"])
    assert later.exit_code == 0 and "2 week(s) closed." in later.output
    assert tuple(_weeks(workspace_id)) == (5, 1)
    open_week = db.session.scalar(select(HealthWeek.week_start).where(HealthWeek.closed.is_(False)))
    assert open_week == date(2026, 12, 7)


def test_close_week_refuses_a_time_it_cannot_read(runner, workspace):
    result = runner.invoke(args=["reports", "close-week", "--now", "next tuesday"])
    assert result.exit_code == 2 and "--now" in result.output and "Traceback" not in result.output


def test_the_worker_closes_every_workspace_with_its_clock(app, workspace, other):
    make_partner(workspace)
    assert close(app, clock=lambda: NOW) == 2 * 52  # two workspaces, each with its history
    assert close(app, clock=lambda: NOW) == 0
    assert tuple(_weeks(workspace.id)) == (53, 1) and tuple(_weeks(other["workspace"].id)) == (53, 1)
