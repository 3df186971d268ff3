"""Demo reminders: open ones (some overdue, some due today, most upcoming) and some done, spread over
the team, about partners and a few without one. One bulk insert; deterministic from the seed."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import insert, select

from app.models import Partner, Reminder

TIMES = [None, None, None, time(9, 0), time(10, 30), time(14, 0), time(16, 30)]


def step(ctx) -> None:
    rng, now, words = ctx.rng, ctx.now, ctx.words
    if not ctx.partner_ids or not ctx.member_ids:
        return
    today = now.date()
    owner = ctx.member_ids[0]
    # About one reminder per five partners (at least 40), so every list has something at any size.
    count = max(40, len(ctx.partner_ids) // 5)
    names = dict(
        ctx.session.execute(select(Partner.id, Partner.name).where(Partner.workspace_id == ctx.workspace.id)).all()
    )
    rows = []
    for i in range(count):
        # The owner (who logs in to the demo) gets a good share, so their page and badge are full.
        assignee = owner if i % 3 == 0 else rng.choice(ctx.member_ids)
        partner_id = rng.choice(ctx.partner_ids) if rng.random() > 0.05 else None
        roll = rng.random()
        completed_at = None
        if roll < 0.2:  # done: due in the past, completed around then
            due = today - timedelta(days=rng.randint(0, 60))
            completed_at = now - timedelta(days=max(0, (today - due).days - rng.randint(0, 2)), hours=rng.randint(0, 8))
        elif roll < 0.35:
            due = today - timedelta(days=rng.randint(1, 40))  # overdue
        elif roll < 0.45:
            due = today  # due today
        else:
            due = today + timedelta(days=rng.randint(1, 60))  # upcoming
        if partner_id is None:
            title = rng.choice(words.REMINDER_LOOSE)
        else:
            title = rng.choice(words.REMINDER_TITLES).format(name=names.get(partner_id, words.THE_PARTNER))
        created = now - timedelta(days=rng.randint(1, 90))
        rows.append(
            {
                "workspace_id": ctx.workspace.id,
                "title": title[:200],
                "partner_id": partner_id,
                "due_on": due,
                "due_time": rng.choice(TIMES),
                "assignee_id": assignee,
                "created_by_id": owner,
                "notes": None,
                "snooze_count": rng.choice((0, 0, 0, 1, 2)),
                "completed_at": completed_at,
                "created_at": created,
                "updated_at": created,
            }
        )
    ctx.session.execute(insert(Reminder), rows)
    ctx.stats["reminders"] = len(rows)
    ctx.stats["open reminders"] = sum(1 for row in rows if row["completed_at"] is None)
